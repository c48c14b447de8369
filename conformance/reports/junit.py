"""The report as JUnit XML: one test suite per callback, one test case per clause.

Each test case carries the clause id, level and verdict as properties. A failing clause
(`fail`, or a declared divergence gone `stale`) is a `<failure>` with the reason as its
message and the counterexample as its text; a clause not run is `<skipped>` with the
reason; a declared divergence passes, its reason in `<system-out>`. The report holds no
timings: every `time` is 0.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from conformance.reports import as_report
from conformance.reports.common import by_callback, replay_commands
from conformance.reports.model import Clause, Report

SUITE = "callback-conformance"
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: Any) -> str:
    """`value` as text XML 1.0 can hold."""
    return _INVALID.sub("\ufffd", str(value))


def render(report: Report | Mapping[str, Any], report_path: str | None = None) -> str:
    report = as_report(report)
    target = report.target
    root = ET.Element("testsuites", name=f"{SUITE}: {_text(target.spec)}")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for callback, levels in by_callback(report):
        clauses = [c for group in levels.values() for c in group]
        counts = {
            "tests": len(clauses),
            "failures": sum(1 for c in clauses if c.verdict in ("fail", "stale")),
            "errors": 0,
            "skipped": sum(1 for c in clauses if c.verdict == "not-run"),
        }
        attributes = {"name": f"{SUITE}.{_text(callback)}"}
        attributes.update({k: str(v) for k, v in counts.items()})
        suite = ET.SubElement(root, "testsuite", attributes, time="0")
        properties = ET.SubElement(suite, "properties")
        for name, value in (
            ("target", target.spec),
            ("target.module", target.module),
            ("target.version", target.version),
            ("target.backend", target.backend),
            ("profile", report.profile),
            ("seed", report.seed),
            ("schema", report.schema_),
        ):
            ET.SubElement(properties, "property", name=name, value=_text(value or ""))
        for clause in clauses:
            _case(suite, callback, clause, report, report_path)
        for key in totals:
            totals[key] += counts[key]
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", "0")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _case(
    suite: ET.Element,
    callback: str,
    clause: Clause,
    report: Report,
    report_path: str | None,
) -> None:
    verdict = clause.verdict
    case = ET.SubElement(
        suite,
        "testcase",
        name=_text(clause.id),
        classname=f"{SUITE}.{_text(callback)}",
        time="0",
    )
    properties = ET.SubElement(case, "properties")
    for name in ("id", "level", "verdict", "examples"):
        key = "clause" if name == "id" else name
        ET.SubElement(properties, "property", name=key, value=_text(getattr(clause, name)))
    reason = _text(clause.reason)
    if verdict in ("fail", "stale"):
        failure = ET.SubElement(
            case,
            "failure",
            message=reason[:1000] or verdict,
            type="stale-divergence" if verdict == "stale" else "nonconformance",
        )
        failure.text = _failure_text(clause, report, report_path)
    elif verdict in ("not-run", "unsupported"):
        ET.SubElement(case, "skipped", message=reason[:1000] or verdict)
    elif verdict == "divergent":
        out = ET.SubElement(case, "system-out")
        out.text = f"declared divergence: {reason}"


def _failure_text(clause: Clause, report: Report, report_path: str | None) -> str:
    parts = [_text(clause.reason)]
    counterexample = clause.counterexample
    if counterexample is not None:
        if counterexample.table:
            parts += ["", _text(counterexample.table)]
        parts += ["", "Replay:"]
        parts += replay_commands(report, clause, report_path)
    return "\n".join(parts)

"""Renderings of a JSON report (`conformance.report`, as `--json` writes it): a
self-contained HTML page (`html`), a Markdown job summary (`markdown`), JUnit XML
(`junit`) and the terminal table (`terminal`). Each takes the report as plain JSON data,
so a saved report renders again: `callback-conformance render REPORT.json --html PAGE`."""

from __future__ import annotations

import json
from typing import Any

SCHEMA_PREFIX = "callback-conformance/report/"
FORMATS = ("html", "markdown", "junit")


class ReportError(ValueError):
    """A file that is not a report of this suite."""


def load(path: str) -> dict[str, Any]:
    """The report in `path`, or ReportError saying why it is not one."""
    try:
        with open(path) as source:
            report = json.load(source)
    except (OSError, ValueError) as error:
        raise ReportError(f"cannot read {path!r}: {error}") from None
    check(report, path)
    return report


def check(report: Any, path: str = "the report") -> None:
    if not isinstance(report, dict) or not str(report.get("schema", "")).startswith(SCHEMA_PREFIX):
        raise ReportError(f"{path!r} is not a report of this suite (no {SCHEMA_PREFIX}N schema)")
    clauses = report.get("clauses")
    if not isinstance(clauses, list) or not all(
        isinstance(c, dict) and "id" in c and "verdict" in c for c in clauses
    ):
        raise ReportError(f"{path!r} is not a report of this suite: its clauses are malformed")


def render(report: dict[str, Any], kind: str, report_path: str | None = None) -> str:
    """`report` as `kind` (one of FORMATS); `report_path`, when known, goes into the
    replay commands."""
    if kind == "html":
        from conformance.reports import html

        return html.render(report, report_path)
    if kind == "markdown":
        from conformance.reports import markdown

        return markdown.render(report, report_path)
    if kind == "junit":
        from conformance.reports import junit

        return junit.render(report, report_path)
    raise ValueError(f"unknown report format {kind!r}")

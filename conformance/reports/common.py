"""What every rendering of a report shares: verdict and level order, grouping, the
headline, the replay commands."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from typing import Any

VERDICT_LABELS = {
    "fail": "fail",
    "stale": "stale declared divergence",
    "divergent": "declared divergence",
    "unsupported": "unsupported by the target",
    "not-run": "not run",
    "pass": "pass",
}
"""Every verdict, the ones that need attention first."""

LEVEL_ORDER = {"core": 0, "keras-quirk": 1, "cosmetic": 2, "out-of-scope": 3}
FAILING = ("fail", "stale")
"""The verdicts that make the run fail (exit status 1)."""


def target_name(report: dict[str, Any]) -> str:
    target = report.get("target") or {}
    version = f" {target['version']}" if target.get("version") else ""
    return f"{target.get('spec')}{version}"


def headline(report: dict[str, Any]) -> tuple[bool, str]:
    """(whether the run passes, one line saying so)."""
    summary = report.get("summary") or {}
    failing = {v: summary.get(v, 0) for v in FAILING if summary.get(v, 0)}
    total = sum(int(n) for n in summary.values())
    if failing:
        counts = " and ".join(_failing_phrase(v, n) for v, n in failing.items())
        return False, f"{counts} (of {total})"
    passed = summary.get("pass", 0)
    return True, f"No clause fails: {passed} of {total} pass" + (
        f", {summary.get('divergent')} diverge as declared" if summary.get("divergent") else ""
    )


def _failing_phrase(verdict: str, count: int) -> str:
    if verdict == "fail":
        return f"{count} clause{' fails' if count == 1 else 's fail'}"
    return f"{count} declared divergence{' is' if count == 1 else 's are'} stale"


def by_callback(report: dict[str, Any]) -> list[tuple[str, dict[str, list[dict[str, Any]]]]]:
    """The clauses by callback (in report order), then by level."""
    groups: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for clause in report.get("clauses") or []:
        callback = str(clause.get("callback"))
        level = str(clause.get("level"))
        groups.setdefault(callback, {}).setdefault(level, []).append(clause)
    return list(groups.items())


@dataclass
class Group:
    """One counterexample and the clauses it fails (clauses blamed together share one,
    as do reports made before blame was per clause)."""

    counterexample: dict[str, Any]
    clauses: list[dict[str, Any]] = field(default_factory=list)


def counterexamples(report: dict[str, Any]) -> list[Group]:
    groups: dict[str, Group] = {}
    for clause in report.get("clauses") or []:
        counterexample = clause.get("counterexample")
        if not counterexample:
            continue
        key = json.dumps(
            [counterexample.get("property"), counterexample.get("scenario")],
            sort_keys=True,
            default=str,
        )
        groups.setdefault(key, Group(counterexample)).clauses.append(clause)
    return list(groups.values())


def numbering(groups: list[Group]) -> dict[str, int]:
    """Clause id -> the number (from 1) of its counterexample."""
    return {c["id"]: n for n, g in enumerate(groups, 1) for c in g.clauses}


def replay_commands(
    report: dict[str, Any],
    counterexample: dict[str, Any],
    clause: dict[str, Any],
    report_path: str | None = None,
) -> list[str]:
    """Commands that replay the counterexample against the report's target: from the
    saved counterexample file, and from the JSON report when its path is known."""
    target = shlex.quote(str((report.get("target") or {}).get("spec")))
    name = shlex.quote(f"{counterexample.get('property')}.json")
    commands = [f"callback-conformance replay {name} {target}"]
    if report_path:
        commands.append(
            f"callback-conformance replay {shlex.quote(report_path)} {target}"
            f" --clause {shlex.quote(str(clause.get('id')))}"
        )
    return commands

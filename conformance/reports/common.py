"""What every rendering of a report shares: verdict and level order, grouping, the
headline, the replay commands."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field

from conformance.reports.model import Clause, Counterexample, Report, Verdict

VERDICT_LABELS: dict[Verdict, str] = {
    "fail": "fail",
    "stale": "stale declared divergence",
    "divergent": "declared divergence",
    "unsupported": "unsupported by the target",
    "not-run": "not run",
    "pass": "pass",
}
"""Every verdict, the ones that need attention first."""

LEVEL_ORDER = {"core": 0, "keras-quirk": 1, "cosmetic": 2, "out-of-scope": 3}
FAILING: tuple[Verdict, ...] = ("fail", "stale")
"""The verdicts that make the run fail (exit status 1)."""


def target_name(report: Report) -> str:
    version = f" {report.target.version}" if report.target.version else ""
    return f"{report.target.spec}{version}"


def headline(report: Report) -> tuple[bool, str]:
    """(whether the run passes, one line saying so)."""
    summary = report.summary
    failing = {v: summary.count(v) for v in FAILING if summary.count(v)}
    total = summary.total()
    if failing:
        counts = " and ".join(_failing_phrase(v, n) for v, n in failing.items())
        return False, f"{counts} (of {total})"
    return True, f"No clause fails: {summary.passed} of {total} pass" + (
        f", {summary.divergent} diverge as declared" if summary.divergent else ""
    )


def _failing_phrase(verdict: str, count: int) -> str:
    if verdict == "fail":
        return f"{count} clause{' fails' if count == 1 else 's fail'}"
    return f"{count} declared divergence{' is' if count == 1 else 's are'} stale"


def by_callback(report: Report) -> list[tuple[str, dict[str, list[Clause]]]]:
    """The clauses by callback (in report order), then by level."""
    groups: dict[str, dict[str, list[Clause]]] = {}
    for clause in report.clauses:
        groups.setdefault(clause.callback, {}).setdefault(clause.level, []).append(clause)
    return list(groups.items())


@dataclass
class Group:
    """One counterexample and the clauses it fails (clauses blamed together share one,
    as do reports made before blame was per clause)."""

    counterexample: Counterexample
    clauses: list[Clause] = field(default_factory=list)


def counterexamples(report: Report) -> list[Group]:
    groups: dict[str, Group] = {}
    for clause in report.clauses:
        counterexample = clause.counterexample
        if counterexample is None:
            continue
        key = json.dumps(
            [counterexample.property, counterexample.scenario], sort_keys=True, default=str
        )
        groups.setdefault(key, Group(counterexample)).clauses.append(clause)
    return list(groups.values())


# Said under the counterexamples' heading: why a report may list fewer than were written.
FILES_NOTE = (
    "`run --counterexamples DIR` writes one file per failing clause, named by the clause;"
    " clauses that share a counterexample are listed together under it."
)


def file_name(clause: Clause) -> str:
    """The counterexample file of a failing clause, as `run --counterexamples` names it."""
    return f"{clause.id}.json"


def numbering(groups: list[Group]) -> dict[str, int]:
    """Clause id -> the number (from 1) of its counterexample."""
    return {c.id: n for n, g in enumerate(groups, 1) for c in g.clauses}


def replay_commands(report: Report, clause: Clause, report_path: str | None = None) -> list[str]:
    """Commands that replay the failing clause's counterexample against the report's
    target: from its saved counterexample file, and from the JSON report when its path is
    known."""
    target = shlex.quote(report.target.spec)
    name = shlex.quote(file_name(clause))
    commands = [f"callback-conformance replay {name} {target}"]
    if report_path:
        commands.append(
            f"callback-conformance replay {shlex.quote(report_path)} {target}"
            f" --clause {shlex.quote(clause.id)}"
        )
    return commands

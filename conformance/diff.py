"""Comparing two reports: what changed between two runs of the suite, clause by clause.

`callback-conformance diff OLD.json NEW.json` reads two JSON reports (as `run --json`
writes them; e.g. one Keras version and the next, or a port before and after a fix) and
says, for every clause id in either report, whether its verdict changed and, for a clause
failing in both, whether the target's observed behaviour changed. Exit status: 0 when
nothing changed, 1 when something did, 2 for a file that is not a report. It prints the
comparison for a terminal; `--markdown PATH` writes it as Markdown too (a table per group,
each counterexample table folded), e.g. to `$GITHUB_STEP_SUMMARY`.

The clauses fall into four groups:

* **verdict changed**: the two verdicts differ (`fail → pass`, `pass → fail`,
  `fail → divergent`, ...), or the clause is in one report only (`absent`);
* **failing in both, behaviour changed**: the same failing verdict (`fail`, `divergent`
  or `stale`) in both, but the target does something else than it did;
* **failing in both, behaviour unknown**: the same failing verdict, and the reports cannot
  say whether the behaviour changed;
* **unchanged**: the same verdict, and for a failing clause the same behaviour.

"Something changed" (exit status 1) is a changed verdict or a changed behaviour; a
behaviour the reports cannot compare ("unknown") is listed, but is not a change.

Whether the behaviour of a clause failing in both changed is decided from the two
counterexamples (each failing clause has its own; clauses blamed together share one):

1. The same property and the same scenario in both: the target's observations of that
   scenario are compared. Equal: **same behaviour**. Different: **behaviour changed**,
   and the witness shows it: the same scenario, a different observation.
2. Different scenarios (or a different property failing the clause), but the two runs are
   *comparable*: the same suite version, Hypothesis version, profile and seed (a report
   made before the Hypothesis version was recorded has none). A run without a seed is
   derandomized, each property seeded by its name, so a target that behaves the same draws
   the same examples and shrinks them to the same counterexample; a different
   counterexample means the target behaved differently on some example drawn or tried
   while shrinking: **behaviour changed** (the failure may still read the same). The
   target is as it ran: with its backend and the packages beside it (TensorBoard's
   summaries, say, are written by the installed TensorFlow).
3. Otherwise **unknown**: runs with different seeds, profiles, suite or Hypothesis
   versions draw different examples, so different counterexamples say nothing. Unknown
   too when one of the two is a `divergent` clause's counterexample: that is the declared
   witness (read from the divergences file, not found by the run), so another one says
   nothing either.

A clause failing without a counterexample (a stale declared divergence has none, nor has a
property the suite could not run) is compared by its reason: no counterexample in either
report and the same reason is the same behaviour; a counterexample missing on one side
only, or different reasons, is unknown.

Observations are compared as data, with memory addresses (`0x…`) ignored, since reprs of
fresh objects differ in them. What is not behaviour is ignored: a clause's `statement`
(its rule reworded, e.g. by a newer suite; reported as reworded, never as a change), its
`examples` count, the counterexample's `table` (a rendering of the same data) and the
reference's side (the reference may differ between suite versions; the target is what is
compared).

This module compares; `conformance.reports.diff` renders the comparison. Both take
reports as loaded by `conformance.reports.load` (typed, `conformance.reports.model`):

    diff = compare(old, new)      # ReportDiff
    has_changes(diff)             # the exit status: 1 if True
    print(terminal(diff))         # conformance.reports.diff: plain text
    markdown(diff)                # ... and GitHub-flavoured Markdown
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from conformance.reports import as_report
from conformance.reports.model import VERDICTS, Clause, Report, Summary, TargetInfo, Verdict

FAILING: tuple[Verdict, ...] = ("fail", "divergent", "stale")
"""The verdicts of a clause the target does not follow (declared or not)."""

SAME = "same behaviour"
CHANGED = "behaviour changed"
UNKNOWN = "unknown"

VERDICT_CHANGED = "verdict changed"
BEHAVIOUR_CHANGED = "failing in both, behaviour changed"
BEHAVIOUR_UNKNOWN = "failing in both, behaviour unknown"
UNCHANGED = "unchanged"
GROUPS = (VERDICT_CHANGED, BEHAVIOUR_CHANGED, BEHAVIOUR_UNKNOWN, UNCHANGED)
"""The groups a clause falls into, in the order the renderings list them."""

REASON_LIMIT = 160
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


@dataclass(frozen=True)
class Run:
    """What a report says about the run that wrote it."""

    target: TargetInfo
    suite: str
    hypothesis: str | None  # absent from reports made before it was recorded
    profile: str
    seed: int | None
    summary: Summary

    @classmethod
    def of(cls, report: Report) -> Run:
        suite, summary = report.suite, report.summary
        return cls(
            report.target, suite.version, suite.hypothesis, report.profile, report.seed, summary
        )

    @property
    def name(self) -> str:
        """The target's spec and version: `keras 3.10.0`."""
        version = self.target.version
        return f"{self.target.spec}{f' {version}' if version else ''}"

    @property
    def where(self) -> str:
        """The target's module and backend: `keras.callbacks, jax`."""
        module = self.target.module
        shown = [] if module == self.target.spec else [module]
        return ", ".join(shown + [self.target.backend or "no backend"])

    @property
    def seed_text(self) -> str:
        return "derandomized" if self.seed is None else f"seed {self.seed}"


@dataclass(frozen=True)
class Behaviour:
    """Whether a clause failing in both reports is failed by the same behaviour: `status`
    is SAME, CHANGED or UNKNOWN; `reason` says how that was decided."""

    status: str
    reason: str


@dataclass(frozen=True)
class ClauseDiff:
    """One clause id in either report: its entries (None where a report lacks it), their
    verdicts, and for a clause failing in both, its `behaviour`."""

    id: str
    old: Clause | None
    new: Clause | None
    behaviour: Behaviour | None

    @property
    def old_verdict(self) -> Verdict | None:
        return None if self.old is None else self.old.verdict

    @property
    def new_verdict(self) -> Verdict | None:
        return None if self.new is None else self.new.verdict

    @property
    def verdict_changed(self) -> bool:
        return self.old_verdict != self.new_verdict

    @property
    def group(self) -> str:
        """One of GROUPS."""
        if self.verdict_changed:
            return VERDICT_CHANGED
        if self.behaviour is not None and self.behaviour.status == CHANGED:
            return BEHAVIOUR_CHANGED
        if self.behaviour is not None and self.behaviour.status == UNKNOWN:
            return BEHAVIOUR_UNKNOWN
        return UNCHANGED

    @property
    def statement_changed(self) -> bool:
        """The clause's rule reworded (not a change of behaviour)."""
        if self.old is None or self.new is None:
            return False
        old, new = self.old.statement, self.new.statement
        return bool(old and new) and old != new

    @property
    def properties(self) -> str:
        """The property failing the clause in each report: `p`, `p → q`, or ``."""
        names = [_property(entry) for entry in (self.old, self.new)]
        known = [name for name in names if name]
        if len(set(known)) > 1:
            return " → ".join(name or "-" for name in names)
        return known[0] if known else ""


@dataclass(frozen=True)
class ReportDiff:
    """Two reports compared: their runs, whether those are comparable (and why), and every
    clause id in either report (the new report's order, then those only the old one has)."""

    old: Run
    new: Run
    comparable: bool
    comparability: str
    clauses: tuple[ClauseDiff, ...]

    def group(self, name: str) -> list[ClauseDiff]:
        return [clause for clause in self.clauses if clause.group == name]

    def unchanged_by_verdict(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for clause in self.group(UNCHANGED):
            verdict = clause.new_verdict or "absent"
            counts[verdict] = counts.get(verdict, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: _verdict_order(item[0])))

    def reworded(self) -> list[ClauseDiff]:
        return [clause for clause in self.clauses if clause.statement_changed]


# ---------------------------------------------------------------------------------------
# Comparing


def compare(old: Report | Mapping[str, Any], new: Report | Mapping[str, Any]) -> ReportDiff:
    """Every clause id of `old` and `new` (two reports, or their JSON data), with its old
    and new verdict and, for a clause failing in both, whether the target's behaviour
    changed (the module's docstring says how that is decided)."""
    old, new = as_report(old), as_report(new)
    old_run, new_run = Run.of(old), Run.of(new)
    comparable, comparability = runs_comparable(old_run, new_run)
    old_clauses, new_clauses = _by_id(old), _by_id(new)
    ids = list(new_clauses) + [id_ for id_ in old_clauses if id_ not in new_clauses]
    clauses = tuple(
        _clause_diff(id_, old_clauses.get(id_), new_clauses.get(id_), comparable, comparability)
        for id_ in ids
    )
    return ReportDiff(old_run, new_run, comparable, comparability, clauses)


def has_changes(diff: ReportDiff) -> bool:
    """Whether a verdict or a failing clause's behaviour changed (an unknown behaviour is
    not a change)."""
    return any(clause.group in (VERDICT_CHANGED, BEHAVIOUR_CHANGED) for clause in diff.clauses)


def runs_comparable(old: Run, new: Run) -> tuple[bool, str]:
    """Whether two runs draw the same examples for a target that behaves the same (the same
    suite version, profile and seed), and what they share or differ in."""
    settings = (
        ("suite version", old.suite, new.suite),
        ("profile", old.profile, new.profile),
        ("seed", old.seed_text, new.seed_text),
    )
    differences = [
        f"{what} {a or 'unknown'} vs {b or 'unknown'}"
        for what, a, b in settings
        if a != b or a is None
    ]
    # Another Hypothesis draws other examples from the same seed (unknown on both sides:
    # two reports older than the field, compared as they always were).
    if old.hypothesis != new.hypothesis:
        differences.append(
            f"Hypothesis {old.hypothesis or 'unknown'} vs {new.hypothesis or 'unknown'}"
        )
    if differences:
        return False, ", ".join(differences)
    return True, f"suite version {old.suite}, profile {old.profile}, {old.seed_text}"


def behaviour(old: Clause, new: Clause, comparable: bool, comparability: str) -> Behaviour:
    """Whether the target behaves the same on a clause both reports fail (`old` and `new`:
    its entries); `comparable` and `comparability` as `runs_comparable` says."""
    old_example, new_example = old.counterexample, new.counterexample
    if old_example is None and new_example is None:  # e.g. stale in both: compare why
        if _same(old.reason, new.reason):
            return Behaviour(SAME, "no counterexample in either report, the same reason")
        return Behaviour(UNKNOWN, "no counterexample in either report, different reasons")
    if old_example is None or new_example is None:
        missing = "old" if old_example is None else "new"
        return Behaviour(UNKNOWN, f"no counterexample in the {missing} report to compare")
    same_property = old_example.property == new_example.property
    if same_property and _same(old_example.scenario, new_example.scenario):
        if _same(old_example.target, new_example.target):
            return Behaviour(SAME, "same scenario, same target observation")
        return Behaviour(CHANGED, "same scenario, different target observation")
    found = "a different counterexample" if same_property else "a different property fails it"
    if "divergent" in (old.verdict, new.verdict):
        return Behaviour(UNKNOWN, f"{found}: a declared witness, not one the runs found")
    if comparable:
        return Behaviour(CHANGED, f"{found}, in comparable runs")
    return Behaviour(UNKNOWN, f"{found}, in runs that drew different examples ({comparability})")


def _clause_diff(
    id_: str,
    old: Clause | None,
    new: Clause | None,
    comparable: bool,
    comparability: str,
) -> ClauseDiff:
    judged = None
    if old is not None and new is not None:
        if old.verdict in FAILING and new.verdict in FAILING:
            judged = behaviour(old, new, comparable, comparability)
    return ClauseDiff(id_, old, new, judged)


def _by_id(report: Report) -> dict[str, Clause]:
    clauses: dict[str, Clause] = {}
    for clause in report.clauses:
        clauses.setdefault(clause.id, clause)
    return clauses


def _same(a: Any, b: Any) -> bool:
    return _canonical(a) == _canonical(b)


def _canonical(value: Any) -> str:
    """`value` (JSON data) as text: NaN equals NaN, key order does not count, memory
    addresses are blanked."""
    return _ADDRESS.sub("0x…", json.dumps(value, sort_keys=True, default=str))


def _property(entry: Clause | None) -> str:
    example = None if entry is None else entry.counterexample
    return "" if example is None else example.property


_VERDICT_ORDER: dict[str, int] = {verdict: n for n, verdict in enumerate(VERDICTS)}


def _verdict_order(verdict: str) -> int:
    return _VERDICT_ORDER.get(verdict, len(VERDICTS))

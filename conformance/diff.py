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
   *comparable*: the same suite version, profile and seed. A run without a seed is
   derandomized, each property seeded by its name, so a target that behaves the same draws
   the same examples and shrinks them to the same counterexample; a different
   counterexample means the target behaved differently on some example drawn or tried
   while shrinking: **behaviour changed** (the failure may still read the same). The
   target is as it ran: with its backend and the packages beside it (TensorBoard's
   summaries, say, are written by the installed TensorFlow).
3. Otherwise **unknown**: runs with different seeds, profiles or suite versions draw
   different examples, so different counterexamples say nothing. Unknown too when one of
   the two is a `divergent` clause's counterexample: that is the declared witness (read
   from the divergences file, not found by the run), so another one says nothing either.

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

The functions here take reports as loaded by `conformance.reports.load`:

    diff = compare(old, new)      # ReportDiff
    print(terminal(diff))         # plain text
    markdown(diff)                # GitHub-flavoured Markdown, e.g. for $GITHUB_STEP_SUMMARY
    has_changes(diff)             # the exit status: 1 if True
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any

from conformance.reports.markdown import cell, code

VERDICTS = ("pass", "fail", "divergent", "stale", "unsupported", "not-run")
FAILING = ("fail", "divergent", "stale")
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

    target: dict[str, Any]
    suite: str | None
    profile: str | None
    seed: int | None
    summary: dict[str, int]

    @classmethod
    def of(cls, report: dict[str, Any]) -> Run:
        suite = report.get("suite") or {}
        return cls(
            target=dict(report.get("target") or {}),
            suite=suite.get("version"),
            profile=report.get("profile"),
            seed=report.get("seed"),
            summary=dict(report.get("summary") or {}),
        )

    @property
    def name(self) -> str:
        """The target's spec and version: `keras 3.10.0`."""
        version = self.target.get("version")
        return f"{self.target.get('spec')}{f' {version}' if version else ''}"

    @property
    def where(self) -> str:
        """The target's module and backend: `keras.callbacks, jax`."""
        module = self.target.get("module")
        shown = [] if module in (None, self.target.get("spec")) else [str(module)]
        return ", ".join(shown + [str(self.target.get("backend") or "no backend")])

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
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    behaviour: Behaviour | None

    @property
    def old_verdict(self) -> str | None:
        return None if self.old is None else str(self.old.get("verdict"))

    @property
    def new_verdict(self) -> str | None:
        return None if self.new is None else str(self.new.get("verdict"))

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
        statements = self.old.get("statement"), self.new.get("statement")
        return all(statements) and statements[0] != statements[1]

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


def compare(old: dict[str, Any], new: dict[str, Any]) -> ReportDiff:
    """Every clause id of `old` and `new` (two reports), with its old and new verdict and,
    for a clause failing in both, whether the target's behaviour changed (the module's
    docstring says how that is decided)."""
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
    if differences:
        return False, ", ".join(differences)
    return True, f"suite version {old.suite}, profile {old.profile}, {old.seed_text}"


def behaviour(
    old: dict[str, Any], new: dict[str, Any], comparable: bool, comparability: str
) -> Behaviour:
    """Whether the target behaves the same on a clause both reports fail (`old` and `new`:
    its entries); `comparable` and `comparability` as `runs_comparable` says."""
    old_example, new_example = old.get("counterexample"), new.get("counterexample")
    if not old_example and not new_example:  # e.g. stale in both: compare why
        if _same(old.get("reason"), new.get("reason")):
            return Behaviour(SAME, "no counterexample in either report, the same reason")
        return Behaviour(UNKNOWN, "no counterexample in either report, different reasons")
    if not old_example or not new_example:
        missing = "old" if not old_example else "new"
        return Behaviour(UNKNOWN, f"no counterexample in the {missing} report to compare")
    same_property = old_example.get("property") == new_example.get("property")
    if same_property and _same(old_example.get("scenario"), new_example.get("scenario")):
        if _same(old_example.get("target"), new_example.get("target")):
            return Behaviour(SAME, "same scenario, same target observation")
        return Behaviour(CHANGED, "same scenario, different target observation")
    found = "a different counterexample" if same_property else "a different property fails it"
    if "divergent" in (old.get("verdict"), new.get("verdict")):
        return Behaviour(UNKNOWN, f"{found}: a declared witness, not one the runs found")
    if comparable:
        return Behaviour(CHANGED, f"{found}, in comparable runs")
    return Behaviour(UNKNOWN, f"{found}, in runs that drew different examples ({comparability})")


def _clause_diff(
    id_: str,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    comparable: bool,
    comparability: str,
) -> ClauseDiff:
    judged = None
    if old is not None and new is not None:
        if old.get("verdict") in FAILING and new.get("verdict") in FAILING:
            judged = behaviour(old, new, comparable, comparability)
    return ClauseDiff(id_, old, new, judged)


def _by_id(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    clauses: dict[str, dict[str, Any]] = {}
    for clause in report.get("clauses") or []:
        clauses.setdefault(str(clause.get("id")), clause)
    return clauses


def _same(a: Any, b: Any) -> bool:
    return _canonical(a) == _canonical(b)


def _canonical(value: Any) -> str:
    """`value` (JSON data) as text: NaN equals NaN, key order does not count, memory
    addresses are blanked."""
    return _ADDRESS.sub("0x…", json.dumps(value, sort_keys=True, default=str))


def _property(entry: dict[str, Any] | None) -> str:
    example = (entry or {}).get("counterexample") or {}
    return str(example.get("property") or "")


def _verdict_order(verdict: str) -> int:
    return VERDICTS.index(verdict) if verdict in VERDICTS else len(VERDICTS)


# ---------------------------------------------------------------------------------------
# What the target did, in words


def verdict_text(verdict: str | None) -> str:
    return "absent" if verdict is None else verdict


def did(entry: dict[str, Any] | None, limit: int = REASON_LIMIT) -> str:
    """What the target did for a clause in one run, on one line: the failing
    counterexample's reason (it names what differs from the reference), else the clause's
    reason, else that it passed."""
    if entry is None:
        return "the clause is not in this report"
    example = entry.get("counterexample") or {}
    reason = str(example.get("reason") or entry.get("reason") or "")
    if reason:  # without the property's name, which the renderings show apart
        return shorten(reason.removeprefix(f"{example.get('property')}: "), limit)
    if entry.get("verdict") == "pass":
        return f"passes ({entry.get('examples', 0)} examples)"
    return str(entry.get("verdict"))


def shorten(text: str, limit: int = REASON_LIMIT) -> str:
    value = " ".join(text.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def note(clause: ClauseDiff) -> str | None:
    """How the behaviour of a listed clause failing in both runs was judged (nothing for an
    unknown behaviour when the verdict changed anyway)."""
    judged = clause.behaviour
    if judged is None or (clause.verdict_changed and judged.status == UNKNOWN):
        return None
    return f"{judged.status}: {judged.reason}" if clause.verdict_changed else judged.reason


def told(clause: ClauseDiff, limit: int = REASON_LIMIT) -> list[str]:
    """What the target did, a line per run (`old: …`, `new: …`; one line when both read the
    same) for a clause whose verdict changed from or to fail or that fails in both; else
    the one reason that explains the change."""
    if "fail" in (clause.old_verdict, clause.new_verdict) or clause.behaviour is not None:
        old, new = did(clause.old, limit), did(clause.new, limit)
        return [f"old and new: {old}"] if old == new else [f"old: {old}", f"new: {new}"]
    for entry in (clause.new, clause.old):
        if entry is not None and (entry.get("reason") or entry.get("counterexample")):
            return [did(entry, limit)]
    return [did(clause.new, limit)]


def arrow(clause: ClauseDiff) -> str:
    return f"{verdict_text(clause.old_verdict)} → {verdict_text(clause.new_verdict)}"


# ---------------------------------------------------------------------------------------
# Terminal


def header(diff: ReportDiff) -> list[str]:
    """The two runs on a line, then whether they are comparable."""
    old, new = diff.old, diff.new
    runs = (
        f"{old.name} ({old.where}), profile {old.profile}"
        f" → {new.name} ({new.where}), profile {new.profile}"
    )
    if diff.comparable:
        return [
            runs,
            f"comparable runs ({diff.comparability}): a different counterexample"
            " means the target behaved differently",
        ]
    return [
        runs,
        f"runs not comparable ({diff.comparability}): they drew different"
        " examples, so a different counterexample says nothing about the behaviour",
    ]


def terminal(diff: ReportDiff) -> str:
    """The comparison as plain text: the two runs, each group of changed clauses (a line
    per clause, then what the target did in each run), and the unchanged clauses counted."""
    lines = header(diff)
    for name in GROUPS[:-1]:
        chosen = diff.group(name)
        if chosen:
            lines += ["", f"{name} ({len(chosen)})"]
            for clause in chosen:
                lines += _terminal_clause(clause)
    if not diff.group(VERDICT_CHANGED) and not diff.group(BEHAVIOUR_CHANGED):
        lines += ["", "no verdict and no behaviour changed"]
    counts = ", ".join(f"{n} {v}" for v, n in diff.unchanged_by_verdict().items())
    lines += ["", f"unchanged: {len(diff.group(UNCHANGED))} clauses ({counts or 'none'})"]
    reworded = diff.reworded()
    if reworded:
        lines.append(f"reworded statements (not a behaviour change): {len(reworded)}")
    return "\n".join(lines)


def _terminal_clause(clause: ClauseDiff) -> list[str]:
    properties = f"  [{clause.properties}]" if clause.properties else ""
    judged = note(clause)
    lines = [f"  {clause.id}  {arrow(clause)}{properties}"]
    lines += [f"      {judged}"] if judged else []
    return lines + [f"      {line}" for line in told(clause)]


# ---------------------------------------------------------------------------------------
# Markdown


def markdown(diff: ReportDiff) -> str:
    """The comparison as GitHub-flavoured Markdown: a heading, the counts, a table per
    group of changed clauses, and each listed clause's counterexample tables folded."""
    old, new = diff.old, diff.new
    out = [
        f"## callback-conformance diff: {cell(old.name)} → {cell(new.name)}",
        "",
        f"- **old**: {_run_line(old)}",
        f"- **new**: {_run_line(new)}",
        f"- {cell(header(diff)[1])}",
        "",
        *_summary_tables(diff),
    ]
    for name in GROUPS[:-1]:
        chosen = diff.group(name)
        if chosen:
            out += _markdown_group(name, chosen, old, new)
    if not diff.group(VERDICT_CHANGED) and not diff.group(BEHAVIOUR_CHANGED):
        out += ["No verdict and no behaviour changed.", ""]
    reworded = diff.reworded()
    if reworded:
        ids = ", ".join(code(clause.id) for clause in reworded)
        out += [f"Reworded statements (not a behaviour change): {ids}", ""]
    return "\n".join(out).rstrip() + "\n"


def _run_line(run: Run) -> str:
    return (
        f"{code(run.target.get('spec'))}{_version(run)}"
        f" (module {code(run.target.get('module'))},"
        f" backend {cell(run.target.get('backend') or 'none declared')}),"
        f" profile {cell(run.profile)}, {cell(run.seed_text)}, suite {cell(run.suite)}"
    )


def _version(run: Run) -> str:
    version = run.target.get("version")
    return f" {cell(version)}" if version else ""


def _summary_tables(diff: ReportDiff) -> list[str]:
    out = ["| clauses | count |", "|---|---:|"]
    out += [f"| {name} | {len(diff.group(name))} |" for name in GROUPS]
    out += ["", "| verdict | old | new |", "|---|---:|---:|"]
    for verdict in VERDICTS:
        old, new = (run.summary.get(verdict, 0) for run in (diff.old, diff.new))
        out.append(f"| {verdict} | {old} | {new} |")
    return out + [""]


def _markdown_group(name: str, chosen: list[ClauseDiff], old: Run, new: Run) -> list[str]:
    out = [f"### {name[0].upper()}{name[1:]} ({len(chosen)})", ""]
    out += ["| clause | property | old | new | what changed |", "|---|---|---|---|---|"]
    for clause in chosen:
        out.append(
            f"| {code(clause.id)} | {code(clause.properties) if clause.properties else ''}"
            f" | {verdict_text(clause.old_verdict)} | {verdict_text(clause.new_verdict)}"
            f" | {cell(_markdown_changed(clause))} |"
        )
    out.append("")
    for clause in chosen:
        out += _details(clause, old, new)
    return out


def _markdown_changed(clause: ClauseDiff) -> str:
    judged = note(clause)
    return "; ".join(([judged] if judged else []) + told(clause, 300))


def _details(clause: ClauseDiff, old: Run, new: Run) -> list[str]:
    summary = f"<code>{html.escape(clause.id)}</code>: {html.escape(arrow(clause))}"
    out = [f"<details><summary>{summary}</summary>", ""]
    for side, run, entry in (("old", old, clause.old), ("new", new, clause.new)):
        example = (entry or {}).get("counterexample") or {}
        out += [f"**{side}** ({cell(run.name)}): {cell(did(entry, 600), limit=600)}", ""]
        if example.get("table"):
            out += _fenced(str(example["table"])) + [""]
    return out + ["</details>", ""]


def _fenced(text: str) -> list[str]:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}text", text, fence]

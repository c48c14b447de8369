"""The comparison of two reports (`conformance.diff.compare`), rendered: as plain text
for a terminal (`terminal`) and as GitHub-flavoured Markdown (`markdown`: a table per group
of changed clauses, each counterexample table folded), e.g. for `$GITHUB_STEP_SUMMARY`."""

from __future__ import annotations

import html
import re

from conformance.diff import (
    BEHAVIOUR_CHANGED,
    GROUPS,
    REASON_LIMIT,
    UNCHANGED,
    UNKNOWN,
    VERDICT_CHANGED,
    ClauseDiff,
    ReportDiff,
    Run,
)
from conformance.reports.markdown import cell, code
from conformance.reports.model import VERDICTS, Clause

# ---------------------------------------------------------------------------------------
# What the target did, in words


def verdict_text(verdict: str | None) -> str:
    return "absent" if verdict is None else verdict


def did(entry: Clause | None, limit: int = REASON_LIMIT) -> str:
    """What the target did for a clause in one run, on one line: the failing
    counterexample's reason (it names what differs from the reference), else the clause's
    reason, else that it passed."""
    if entry is None:
        return "the clause is not in this report"
    example = entry.counterexample
    reason = (example.reason if example else "") or entry.reason
    if reason and example:  # without the property's name, which the renderings show apart
        reason = reason.removeprefix(f"{example.property}: ")
    if reason:
        return shorten(reason, limit)
    if entry.verdict == "pass":
        return f"passes ({entry.examples} examples)"
    return entry.verdict


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
        if entry is not None and (entry.reason or entry.counterexample is not None):
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
        f"{code(run.target.spec)}{_version(run)}"
        f" (module {code(run.target.module)},"
        f" backend {cell(run.target.backend or 'none declared')}),"
        f" profile {cell(run.profile)}, {cell(run.seed_text)}, suite {cell(run.suite)}"
    )


def _version(run: Run) -> str:
    version = run.target.version
    return f" {cell(version)}" if version else ""


def _summary_tables(diff: ReportDiff) -> list[str]:
    out = ["| clauses | count |", "|---|---:|"]
    out += [f"| {name} | {len(diff.group(name))} |" for name in GROUPS]
    out += ["", "| verdict | old | new |", "|---|---:|---:|"]
    for verdict in VERDICTS:
        old, new = (run.summary.count(verdict) for run in (diff.old, diff.new))
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
        example = None if entry is None else entry.counterexample
        out += [f"**{side}** ({cell(run.name)}): {cell(did(entry, 600), limit=600)}", ""]
        if example is not None and example.table:
            out += _fenced(example.table) + [""]
    return out + ["</details>", ""]


def _fenced(text: str) -> list[str]:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}text", text, fence]

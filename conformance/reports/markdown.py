"""The report as Markdown for a CI job summary (e.g. `$GITHUB_STEP_SUMMARY`): the verdict
counts, the clauses that need attention, each counterexample folded (`<details>`), and the
clauses not run or passing, folded."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from conformance.reports import as_report, facts
from conformance.reports.common import (
    FILES_NOTE,
    VERDICT_LABELS,
    Group,
    counterexamples,
    headline,
    numbering,
    replay_commands,
    target_name,
)
from conformance.reports.model import Report, TargetInfo

ICONS = {
    "fail": "❌",
    "stale": "⚠️",
    "divergent": "↔️",
    "unsupported": "🚫",
    "not-run": "⏭️",
    "pass": "✅",
}


def cell(text: Any, limit: int = 400) -> str:
    """`text` fit for a Markdown table cell: one line, pipes escaped, cut at `limit`."""
    value = " ".join(str(text).split())
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def code(text: Any, limit: int = 400, table: bool = True) -> str:
    """`text` as a code span on one line, cut at `limit` (pipes escaped in a table)."""
    value = " ".join(str(text).split())
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    if table:
        value = value.replace("|", "\\|")
    ticks = "``" if "`" in value else "`"
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{ticks}{pad}{value}{pad}{ticks}"


def render(report: Report | Mapping[str, Any], report_path: str | None = None) -> str:
    report = as_report(report)
    good, line = headline(report)
    target, summary = report.target, report.summary
    groups = counterexamples(report)
    index = numbering(groups)
    out = [
        f"## {'✅' if good else '❌'} callback-conformance: {cell(target_name(report))}",
        "",
        f"**{cell(line)}** — target {code(target.spec)}"
        f" (module {code(target.module)},"
        f" backend {target.backend or 'none declared'}),"
        f" profile {report.profile},"
        f" seed {report.seed if report.seed is not None else 'derandomized'}",
        "",
        *_declared_unsupported(target),
        "| " + " | ".join(f"{ICONS[v]} {VERDICT_LABELS[v]}" for v in VERDICT_LABELS) + " |",
        "|" + "---:|" * len(VERDICT_LABELS),
        "| " + " | ".join(str(summary.count(v)) for v in VERDICT_LABELS) + " |",
        "",
    ]
    clauses = report.clauses
    for verdicts, title in (
        (("fail", "stale"), "Clauses that fail"),
        (("divergent",), "Declared divergences"),
    ):
        chosen = [c for c in clauses if c.verdict in verdicts]
        if not chosen:
            continue
        out += [f"### {title} ({len(chosen)})", ""]
        out += [
            "| | clause | callback | level | why | counterexample |",
            "|---|---|---|---|---|---|",
        ]
        for clause in chosen:
            number = index.get(clause.id)
            out.append(
                f"| {ICONS[clause.verdict]} | {code(clause.id)}"
                f" | {cell(clause.callback)} | {cell(clause.level)}"
                f" | {cell(clause.reason, 300)} | {number or ''} |"
            )
        out.append("")
    if groups:
        out += [f"### Counterexamples ({len(groups)})", "", FILES_NOTE, ""]
        for number, group in enumerate(groups, 1):
            out += _counterexample(report, number, group, report_path)
    for verdict, title in (
        ("unsupported", "Unsupported by the target"),
        ("not-run", "Not run"),
        ("pass", "Passing"),
    ):
        chosen = [c for c in clauses if c.verdict == verdict]
        if not chosen:
            continue
        out += [f"<details><summary>{title} ({len(chosen)})</summary>", ""]
        if verdict != "pass":
            out += ["| clause | why |", "|---|---|"]
            out += [f"| {code(c.id)} | {cell(c.reason)} |" for c in chosen]
        else:
            out += [f"- {code(c.id)} ({cell(c.level)})" for c in chosen]
        out += ["", "</details>", ""]
    return "\n".join(out).rstrip() + "\n"


def _declared_unsupported(target: TargetInfo) -> list[str]:
    """The target's declarations of what it cannot express, as a paragraph, if any."""
    declared = target.unsupported or []
    if not declared:
        return []
    return ["Declared unsupported by the target: " + "; ".join(map(cell, declared)), ""]


def _counterexample(
    report: Report, number: int, group: Group, report_path: str | None
) -> list[str]:
    counterexample = group.counterexample
    run = facts.run(counterexample)
    ids = ", ".join(c.id for c in group.clauses)
    out = [
        f"<details><summary>{number}. <code>{cell(counterexample.property)}</code>"
        f" — {cell(ids, 300)}</summary>",
        "",
        cell(counterexample.reason, 600),
        "",
    ]
    for side in run.sides:
        out.append(f"- **{side.name}**: {cell('; '.join(facts.outcomes(run, side)), 600)}")
    out.append("")
    rows = facts.epoch_rows(run)
    if rows:
        monitor = facts.monitor_of(run.scenario)
        head = ["fit", "epoch", "train", "validation"]
        head += [f"monitored ({monitor})"] if monitor else []
        head += ["reference", "target"]
        out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for row in rows:
            reference = "(invariant)" if row.reference is None else ", ".join(row.reference) or "·"
            target = ", ".join(row.target) or "·"
            if row.differs:
                target = f"**{target}**"
            cells = [str(row.fit), str(row.epoch), cell(row.train, 200), cell(row.validation, 200)]
            cells += [cell(row.monitored or "")] if monitor else []
            cells += [cell(reference), target if row.differs else cell(target)]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    differences = facts.differences(counterexample)
    if differences:
        out += ["What the observations differ in:", ""]
        for name, ours, theirs in differences:
            ours_text, theirs_text = (code(_json(v), 300, table=False) for v in (ours, theirs))
            out.append(f"- {code(name, table=False)}: reference {ours_text}, target {theirs_text}")
        out.append("")
    commands = replay_commands(report, group.clauses[0], report_path)
    out += ["Replay (the counterexample file is what `--counterexamples DIR` writes):", ""]
    out += ["```sh", *commands, "```", "", "</details>", ""]
    return out


def _json(value: Any) -> str:
    if isinstance(value, facts.Text):
        return str(value)
    return json.dumps(value, default=str)

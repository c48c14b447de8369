"""The report as one self-contained HTML page: inline CSS, script and SVG, nothing fetched.

The page has the summary counts, the clause table grouped by callback and level, and for
each counterexample its plots (`conformance.reports.svg`), the run epoch by epoch, what
the two observations differ in, and how to replay it. A filter by verdict (check boxes)
keeps its state in the address: `#verdict=fail,divergent` shows those clauses only, and
`#solo=cx-1` shows one counterexample alone (a link to share).

The markup, CSS and script are package data in `templates/` (`report.html.j2`, with the
plots' key in `legend.html.j2`), rendered by Jinja2 with autoescape on; this module only
shapes the report into what the template shows.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from conformance.reports import as_report, facts
from conformance.reports.common import (
    FILES_NOTE,
    LEVEL_ORDER,
    VERDICT_LABELS,
    Group,
    by_callback,
    counterexamples,
    file_name,
    headline,
    numbering,
    replay_commands,
    target_name,
)
from conformance.reports.model import Clause, Report
from conformance.reports.svg import COLOURS, plots

PROBLEMS = ("fail", "stale", "divergent")

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("conformance.reports", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,  # a misspelt name fails the render, not shows blank
    # A line holding only a block tag leaves nothing in the page, so templates indent freely.
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class _CallbackSection:
    """One callback's clauses: its verdict counts, and its levels in order."""

    callback: str
    counts: str
    levels: list[tuple[str, list[Clause]]]


@dataclass(frozen=True)
class _CounterexampleView:
    """What the page shows of one counterexample, ready for the template."""

    number: int
    property: str
    reason: str
    verdicts: list[str]
    clauses: list[Clause]
    callback: str
    config: str
    invariant: bool
    plots: list[tuple[str, Markup]]
    outcomes: list[tuple[str, list[str]]]
    fits: int
    monitor: str | None
    rows: list[facts.EpochRow]
    differences: list[tuple[str, str, str]]
    replay_file: str
    replay_href: str
    commands: list[str]


def render(report: Report | Mapping[str, Any], report_path: str | None = None) -> str:
    """The page for `report` (or its JSON data, as `--json` writes it). With
    `report_path`, the replay commands name that JSON file."""
    report = as_report(report)
    groups = counterexamples(report)
    good, line = headline(report)
    return _TEMPLATES.get_template("report.html.j2").render(
        report=report,
        target_name=target_name(report),
        good=good,
        headline=line,
        verdict_labels=VERDICT_LABELS,
        problems=PROBLEMS,
        colours=COLOURS,
        callbacks=_callback_sections(report),
        numbers=numbering(groups),
        files_note=FILES_NOTE,
        counterexamples=[
            _counterexample(report, number, group, report_path)
            for number, group in enumerate(groups, 1)
        ],
    )


def _callback_sections(report: Report) -> list[_CallbackSection]:
    sections = []
    for callback, levels in by_callback(report):
        verdicts = [c.verdict for group in levels.values() for c in group]
        counts = ", ".join(f"{verdicts.count(v)} {v}" for v in VERDICT_LABELS if v in verdicts)
        ordered = sorted(levels, key=lambda level: (LEVEL_ORDER.get(level, 99), level))
        sections.append(
            _CallbackSection(callback, counts, [(level, levels[level]) for level in ordered])
        )
    return sections


def _counterexample(
    report: Report, number: int, group: Group, report_path: str | None
) -> _CounterexampleView:
    counterexample = group.counterexample
    run = facts.run(counterexample)
    name = file_name(group.clauses[0])
    data = json.dumps(facts.replay_file(counterexample), indent=2, allow_nan=True)
    return _CounterexampleView(
        number=number,
        property=counterexample.property,
        reason=counterexample.reason,
        verdicts=sorted({c.verdict for c in group.clauses}),
        clauses=group.clauses,
        callback=str(run.scenario.get("callback")),
        config=_config(run.scenario),
        invariant=run.reference is None,
        # The one place raw markup enters the page: svg.py draws the plots as SVG text and
        # escapes every value it writes into them itself.
        plots=[(title, Markup(svg)) for title, svg in plots(run, counterexample)],
        outcomes=[(side.name, facts.outcomes(run, side)) for side in run.sides],
        fits=run.fits,
        monitor=facts.monitor_of(run.scenario),
        rows=facts.epoch_rows(run),
        differences=_differences(facts.differences(counterexample)),
        replay_file=name,
        replay_href="data:application/json;charset=utf-8," + urllib.parse.quote(data),
        commands=replay_commands(report, group.clauses[0], report_path),
    )


def _config(scenario: dict[str, Any]) -> str:
    config = scenario.get("config") or {}
    shown = []
    for name, value in config.items():
        if isinstance(value, dict) and "__type__" in value:
            inner = ", ".join(f"{k}={v!r}" for k, v in value.items() if k != "__type__")
            value_text = f"{value['__type__']}({inner})"
        else:
            value_text = repr(value)
        shown.append(f"{name}={value_text}")
    fits = scenario.get("fits") or []
    model = scenario.get("model") or {}
    extra = f"  — {len(fits)} fit{'s' if len(fits) != 1 else ''}"
    if model.get("metrics"):
        extra += ", model metrics " + ", ".join(map(str, model["metrics"]))
    return f"{scenario.get('callback')}({', '.join(shown)}){extra}"


def _pretty(value: Any) -> str:
    if isinstance(value, facts.Text):
        return str(value)
    text = json.dumps(value, default=str, allow_nan=True)
    if len(text) > 3000:
        text = text[:3000] + " …"
    return text


def _differences(differences: list[tuple[str, Any, Any]]) -> list[tuple[str, str, str]]:
    """(what, the reference's, the target's), as text; TensorBoard's summaries show only
    the records one side wrote and the other did not."""
    shown = []
    for name, ours, theirs in differences:
        if name == "summaries" and isinstance(ours, list) and isinstance(theirs, list):
            only_ours = [r for r in ours if r not in theirs]
            only_theirs = [r for r in theirs if r not in ours]
            ours, theirs = {"only here": only_ours}, {"only here": only_theirs}
        shown.append((name, _pretty(ours), _pretty(theirs)))
    return shown

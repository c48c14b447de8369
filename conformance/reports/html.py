"""The report as one self-contained HTML page: inline CSS, script and SVG, nothing fetched.

The page has the summary counts, the clause table grouped by callback and level, and for
each counterexample its plots (`conformance.reports.svg`), the run epoch by epoch, what
the two observations differ in, and how to replay it. A filter by verdict (check boxes)
keeps its state in the address: `#verdict=fail,divergent` shows those clauses only, and
`#solo=cx-1` shows one counterexample alone (a link to share).
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from html import escape
from typing import Any

from conformance.reports import as_report, facts
from conformance.reports.common import (
    LEVEL_ORDER,
    VERDICT_LABELS,
    Group,
    by_callback,
    counterexamples,
    headline,
    numbering,
    replay_commands,
    target_name,
)
from conformance.reports.model import Clause, Counterexample, Report, Summary
from conformance.reports.svg import COLOURS, plots

CSS = """
:root { --fail: #b91c1c; --pass: #15803d; --divergent: #a16207; --stale: #7e22ce;
  --unsupported: #0e7490; --not-run: #6b7280; --line: #e5e7eb; --muted: #6b7280; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111827;
  margin: 0; background: #f9fafb; }
main, header, nav.filters, footer { max-width: 1180px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 18px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 10px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
h4 { font-size: 13px; margin: 16px 0 6px; text-transform: uppercase; letter-spacing: .04em;
  color: #374151; }
code, pre, .id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 12.5px; }
.meta { color: var(--muted); margin: 0 0 12px; }
.status { display: inline-block; font-weight: 600; padding: 6px 12px; border-radius: 6px;
  margin: 4px 0 12px; }
.status.bad { background: #fee2e2; color: var(--fail); }
.status.good { background: #dcfce7; color: var(--pass); }
.cards { display: flex; gap: 10px; flex-wrap: wrap; margin-bottom: 8px; }
.card { background: #fff; border: 1px solid var(--line); border-left: 4px solid; border-radius: 6px;
  padding: 6px 14px; min-width: 104px; }
.card b { display: block; font-size: 22px; }
.card span { color: var(--muted); font-size: 12px; }
.card.pass { border-left-color: var(--pass); } .card.fail { border-left-color: var(--fail); }
.card.divergent { border-left-color: var(--divergent); }
.card.stale { border-left-color: var(--stale); }
.card.unsupported { border-left-color: var(--unsupported); }
.card.not-run { border-left-color: var(--not-run); }
nav.filters { position: sticky; top: 0; background: #f9fafbee; padding-top: 8px;
  padding-bottom: 8px; border-bottom: 1px solid var(--line); z-index: 2; }
nav.filters label { margin-right: 14px; white-space: nowrap; cursor: pointer; }
nav.filters button { font: inherit; margin-right: 6px; padding: 2px 10px; border: 1px solid #d1d5db;
  background: #fff; border-radius: 4px; cursor: pointer; }
#shown { color: var(--muted); margin-left: 8px; }
section.callback { background: #fff; border: 1px solid var(--line); border-radius: 8px;
  padding: 4px 16px 12px; margin-bottom: 14px; }
section.callback > h3 .counts { font-weight: 400; color: var(--muted); font-size: 13px;
  margin-left: 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px;
  border-bottom: 1px solid var(--line); }
th { font-size: 12px; color: #374151; font-weight: 600; }
table.clauses td.verdict { width: 92px; }
table.clauses td.examples { width: 70px; text-align: right; }
table.clauses td.clause { width: 48%; }
.statement { color: #4b5563; font-size: 12.5px; }
.reason { color: #374151; font-size: 12.5px; overflow-wrap: anywhere; }
.badge { display: inline-block; border-radius: 4px; padding: 0 7px; font-size: 12px;
  font-weight: 600; color: #fff; }
.badge.pass { background: var(--pass); } .badge.fail { background: var(--fail); }
.badge.divergent { background: var(--divergent); } .badge.stale { background: var(--stale); }
.badge.unsupported { background: var(--unsupported); }
.badge.not-run { background: #9ca3af; }
.level { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em;
  margin: 10px 0 2px; }
article.cx { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--fail);
  border-radius: 8px; padding: 4px 18px 14px; margin-bottom: 18px; }
article.cx.divergent { border-left-color: var(--divergent); }
article.cx h3 { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.config { background: #f3f4f6; padding: 6px 10px; border-radius: 4px; overflow-wrap: anywhere; }
.plots { display: flex; flex-wrap: wrap; gap: 14px; }
.panel { border: 1px solid var(--line); border-radius: 6px; background: #fff; overflow-x: auto;
  max-width: 100%; }
.panel svg { display: block; max-width: 100%; height: auto; }
.outcomes { display: flex; flex-wrap: wrap; gap: 14px; margin-top: 6px; }
.outcomes div { flex: 1 1 420px; font-size: 12.5px; color: #374151; }
.outcomes b { color: #111827; }
.legend { font-size: 12px; color: var(--muted); margin-top: 6px; }
.legend span { margin-right: 12px; white-space: nowrap; }
.legend svg { vertical-align: middle; margin-right: 3px; }
table.run td, table.diff td { font-size: 12.5px; }
table.run td.did { white-space: nowrap; }
tr.differs td.did { background: #fef2f2; }
td.did.differs { color: var(--fail); font-weight: 600; }
table.diff { table-layout: fixed; }
table.diff th:first-child { width: 150px; }
table.diff td pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 220px;
  overflow: auto; }
pre.commands { background: #111827; color: #f9fafb; padding: 8px 12px; border-radius: 6px;
  white-space: pre-wrap; overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: 12px; padding-bottom: 30px; }
[hidden] { display: none !important; }
"""

SCRIPT = """
(function () {
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name=verdict]'));
  function selected() {
    return boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
  }
  function apply() {
    var on = selected(), shown = 0, total = 0;
    document.querySelectorAll('tr[data-verdict]').forEach(function (row) {
      row.hidden = on.indexOf(row.dataset.verdict) < 0;
      total += 1; if (!row.hidden) { shown += 1; }
    });
    document.querySelectorAll('[data-group]').forEach(function (group) {
      group.hidden = !group.querySelector('tr[data-verdict]:not([hidden])');
    });
    document.querySelectorAll('article.cx').forEach(function (cx) {
      cx.hidden = !cx.dataset.verdicts.split(' ').some(function (v) { return on.indexOf(v) >= 0; });
    });
    var counter = document.getElementById('shown');
    if (counter) { counter.textContent = shown + ' of ' + total + ' clauses shown'; }
    document.documentElement.setAttribute('data-filter', on.join(','));
  }
  function parameter(name) {
    var found = new RegExp('(?:^#|&)' + name + '=([^&]*)').exec(location.hash);
    return found ? decodeURIComponent(found[1]) : null;
  }
  function fromAddress() {
    var verdicts = parameter('verdict');
    if (verdicts !== null) {
      var wanted = verdicts.split(',');
      boxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
    }
    apply();
    var solo = parameter('solo');
    if (solo && document.getElementById(solo)) {
      document.querySelectorAll('header, nav.filters, #clauses, #counterexamples > h2, footer')
        .forEach(function (e) { e.hidden = true; });
      document.querySelectorAll('article.cx').forEach(function (cx) {
        cx.hidden = cx.id !== solo;
      });
      document.documentElement.setAttribute('data-solo', solo);
    }
  }
  function choose(verdicts) {
    boxes.forEach(function (b) { b.checked = verdicts.indexOf(b.value) >= 0; });
    apply();
    history.replaceState(null, '', '#verdict=' + selected().join(','));
  }
  boxes.forEach(function (b) {
    b.addEventListener('change', function () { choose(selected()); });
  });
  document.querySelectorAll('button[data-verdicts]').forEach(function (button) {
    button.addEventListener('click', function () { choose(button.dataset.verdicts.split(',')); });
  });
  window.addEventListener('hashchange', fromAddress);
  fromAddress();
})();
"""

PROBLEMS = ("fail", "stale", "divergent")


def render(report: Report | Mapping[str, Any], report_path: str | None = None) -> str:
    """The page for `report` (or its JSON data, as `--json` writes it). With
    `report_path`, the replay commands name that JSON file."""
    report = as_report(report)
    summary = report.summary
    title = f"callback-conformance: {target_name(report)}"
    groups = counterexamples(report)
    index = numbering(groups)
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{CSS}</style></head><body>",
        _header(report),
        _filters(summary),
        "<main>",
        _clauses(report, index),
        '<section id="counterexamples">',
        f"<h2>Counterexamples ({len(groups)})</h2>" if groups else "",
    ]
    if not groups:
        parts.append("<p>None: no clause failed with a counterexample.</p>")
    for number, group in enumerate(groups, 1):
        parts.append(_counterexample(report, number, group, report_path))
    parts += [
        "</section></main>",
        "<footer><p>"
        f"Written by callback-conformance {escape(report.suite.version)}"
        f" from a report of schema <code>{escape(report.schema_)}</code>."
        " Re-render with <code>callback-conformance render REPORT.json --html PAGE.html</code>."
        "</p></footer>",
        f"<script>{SCRIPT}</script>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _header(report: Report) -> str:
    target, summary = report.target, report.summary
    good, line = headline(report)
    details = [
        f"module <code>{escape(target.module)}</code>",
        f"version {escape(target.version or 'unknown')}",
        f"backend {escape(target.backend or 'none declared')}",
        f"profile {escape(report.profile)}",
        "seed " + escape(str(report.seed if report.seed is not None else "derandomized")),
    ]
    cards = "".join(
        f'<div class="card {verdict}"><b>{summary.count(verdict)}</b>'
        f"<span>{escape(VERDICT_LABELS[verdict])}</span></div>"
        for verdict in VERDICT_LABELS
    )
    declared = "".join(f"<li>{escape(d)}</li>" for d in target.unsupported or [])
    if declared:
        declared = f'<p class="meta">Declared unsupported by the target:</p><ul>{declared}</ul>'
    return (
        f"<header><h1>Conformance of <code>{escape(target.spec)}</code></h1>"
        f'<p class="meta">{" · ".join(details)}</p>{declared}'
        f'<div class="status {"good" if good else "bad"}">{escape(line)}</div>'
        f'<div class="cards">{cards}</div></header>'
    )


def _filters(summary: Summary) -> str:
    boxes = "".join(
        f'<label><input type="checkbox" name="verdict" value="{verdict}" checked>'
        f' <span class="badge {verdict}">{escape(verdict)}</span> {summary.count(verdict)}</label>'
        for verdict in VERDICT_LABELS
    )
    return (
        f'<nav class="filters" aria-label="Filter clauses by verdict">Show {boxes}'
        f'<button type="button" data-verdicts="{",".join(PROBLEMS)}">problems only</button>'
        f'<button type="button" data-verdicts="{",".join(VERDICT_LABELS)}">all</button>'
        '<span id="shown"></span></nav>'
    )


def _clauses(report: Report, index: dict[str, int]) -> str:
    parts = ['<section id="clauses"><h2>Clauses</h2>']
    for callback, levels in by_callback(report):
        clauses = [c for group in levels.values() for c in group]
        counts = ", ".join(
            f"{sum(1 for c in clauses if c.verdict == v)} {v}"
            for v in VERDICT_LABELS
            if any(c.verdict == v for c in clauses)
        )
        parts.append(
            f'<section class="callback" data-group="{escape(callback)}"'
            f' id="callback-{escape(callback)}">'
            f'<h3>{escape(callback)}<span class="counts">{escape(counts)}</span></h3>'
        )
        for level in sorted(levels, key=lambda lv: (LEVEL_ORDER.get(lv, 99), lv)):
            parts.append(f'<div data-group="{escape(callback)}/{escape(level)}">')
            parts.append(f'<div class="level">{escape(level)}</div>')
            parts.append(
                '<table class="clauses"><thead><tr><th>verdict</th><th>clause</th>'
                "<th>examples</th><th>why</th></tr></thead><tbody>"
            )
            for clause in levels[level]:
                parts.append(_clause_row(clause, index))
            parts.append("</tbody></table></div>")
        parts.append("</section>")
    parts.append("</section>")
    return "".join(parts)


def _clause_row(clause: Clause, index: dict[str, int]) -> str:
    verdict, statement, reason = clause.verdict, clause.statement or "", clause.reason
    link = ""
    number = index.get(clause.id)
    if number is not None:
        link = f' <a href="#cx-{number}">counterexample {number} ↓</a>'
    return (
        f'<tr data-verdict="{escape(verdict)}" id="clause-{escape(clause.id)}">'
        f'<td class="verdict"><span class="badge {escape(verdict)}">{escape(verdict)}</span></td>'
        f'<td class="clause"><span class="id">{escape(clause.id)}</span>'
        + (f'<div class="statement">{escape(statement)}</div>' if statement else "")
        + f'</td><td class="examples">{clause.examples}</td>'
        f'<td class="reason">{escape(reason[:600])}{link}</td></tr>'
    )


def _legend(callback: str) -> str:
    def symbol(shape: str) -> str:
        return f'<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">{shape}</svg>'

    items = []
    if callback in ("EarlyStopping", "ModelCheckpoint"):
        items.append(
            (
                symbol(f'<circle cx="8" cy="8" r="3.5" fill="{COLOURS["line"]}"/>'),
                "monitored value",
            )
        )
    if callback == "EarlyStopping":
        items += [
            (
                symbol(
                    f'<line x1="8" x2="8" y1="1" y2="15" stroke="{COLOURS["stop"]}"'
                    ' stroke-width="1.5" stroke-dasharray="4 2"/>'
                ),
                "stop",
            ),
            (
                symbol(
                    f'<path d="M8 1 l7 7 l-7 7 l-7 -7 Z" fill="none" stroke="{COLOURS["best"]}"'
                    ' stroke-width="2"/>'
                ),
                "best epoch",
            ),
            (
                symbol(
                    f'<rect x="2" y="2" width="12" height="12" fill="none"'
                    f' stroke="{COLOURS["restored"]}" stroke-width="2"/>'
                ),
                "restored weights",
            ),
        ]
    if callback in ("EarlyStopping", "ModelCheckpoint"):
        items += [
            (
                symbol(
                    f'<circle cx="8" cy="8" r="4" fill="#fff" stroke="{COLOURS["special"]}"'
                    ' stroke-width="2"/>'
                ),
                "NaN (top), ±inf at the edges",
            ),
            (
                symbol(f'<rect x="0" y="0" width="16" height="16" fill="{COLOURS["not-run"]}"/>'),
                "not run",
            ),
        ]
        if callback == "EarlyStopping":
            items.append(
                (
                    symbol(
                        f'<rect x="0" y="0" width="16" height="16" fill="{COLOURS["warm-up"]}"/>'
                    ),
                    "before start_from_epoch",
                )
            )
    if callback == "LearningRateScheduler":
        items += [
            (
                symbol(
                    f'<line x1="1" x2="15" y1="8" y2="8" stroke="{COLOURS["muted"]}"'
                    ' stroke-width="1.5" stroke-dasharray="4 3"/>'
                ),
                "the other side's rate",
            ),
            (
                symbol(
                    f'<circle cx="8" cy="8" r="6" fill="none" stroke="{COLOURS["differs"]}"'
                    ' stroke-width="2"/>'
                ),
                "differs from the other side",
            ),
        ]
    if callback == "ModelCheckpoint":
        items += [
            (symbol(f'<circle cx="8" cy="8" r="5" fill="{COLOURS["line"]}"/>'), "save()"),
            (
                symbol(f'<rect x="3" y="3" width="10" height="10" fill="{COLOURS["line"]}"/>'),
                "save_weights()",
            ),
            (
                symbol(
                    f'<circle cx="8" cy="8" r="5" fill="#fff" stroke="{COLOURS["line"]}"'
                    ' stroke-width="2"/>'
                ),
                "hollow: overwritten later (filled: the file holds it)",
            ),
            (
                symbol(f'<circle cx="8" cy="8" r="5" fill="{COLOURS["differs"]}"/>'),
                "red: differs from the other side's call",
            ),
        ]
    if callback == "TensorBoard":
        items += [
            (
                symbol(f'<rect x="2" y="2" width="12" height="12" fill="{COLOURS["cell"]}"/>'),
                "written, same on both sides",
            ),
            (
                symbol(f'<rect x="2" y="2" width="12" height="12" fill="{COLOURS["differs"]}"/>'),
                "written, differs or only here",
            ),
            (
                symbol(
                    f'<rect x="2" y="2" width="12" height="12" fill="#fff"'
                    f' stroke="{COLOURS["differs"]}" stroke-dasharray="2 2"/>'
                ),
                "only the other side wrote it",
            ),
        ]
    if not items:
        return ""
    return (
        '<div class="legend">'
        + "".join(f"<span>{s}{escape(t)}</span>" for s, t in items)
        + "</div>"
    )


def _counterexample(report: Report, number: int, group: Group, report_path: str | None) -> str:
    counterexample = group.counterexample
    verdicts = sorted({c.verdict for c in group.clauses})
    run = facts.run(counterexample)
    scenario = run.scenario
    callback = str(scenario.get("callback"))
    clause_links = ", ".join(
        f'<a href="#clause-{escape(c.id)}"><code>{escape(c.id)}</code></a>'
        f' <span class="badge {escape(c.verdict)}">{escape(c.verdict)}</span>'
        for c in group.clauses
    )
    parts = [
        f'<article class="cx {" ".join(verdicts)}" id="cx-{number}"'
        f' data-verdicts="{" ".join(verdicts)}" data-callback="{escape(callback)}">',
        f"<h3>{number}. {escape(counterexample.property)}</h3>",
        f"<p>Clauses: {clause_links}</p>",
        f'<p class="reason">{escape(counterexample.reason)}</p>',
        f'<p class="config"><code>{escape(_config(scenario))}</code></p>',
    ]
    if run.reference is None:
        parts.append(
            "<p>An invariant property: the target's run is checked on its own, with no"
            " reference run to compare.</p>"
        )
    drawn = plots(run, counterexample)
    for title, html in drawn:
        parts.append(f"<h4>{escape(title)}</h4>{html}")
    parts.append(_outcomes(run))
    parts.append(_legend(callback) if drawn else "")
    parts.append("<h4>The run, epoch by epoch</h4>")
    parts.append(_run_table(run))
    differences = facts.differences(counterexample)
    if differences:
        parts.append("<h4>What the observations differ in</h4>")
        parts.append(_differences(differences))
    parts.append("<h4>Replay</h4>")
    parts.append(_replay(report, counterexample, group, report_path))
    parts.append("</article>")
    return "".join(parts)


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


def _outcomes(run: facts.Run) -> str:
    parts = ['<div class="outcomes">']
    for side in run.sides:
        parts.append(
            f"<div><b>{escape(side.name)}</b>: "
            + escape("; ".join(facts.outcomes(run, side)))
            + "</div>"
        )
    parts.append("</div>")
    return "".join(parts)


def _run_table(run: facts.Run) -> str:
    rows = facts.epoch_rows(run)
    if not rows:
        return "<p>The scenario plans no epoch.</p>"
    fits = run.fits > 1
    monitor = facts.monitor_of(run.scenario)
    head = ["fit"] if fits else []
    head += ["epoch", "train metrics", "validation metrics"]
    if monitor:
        head.append(f"monitored ({monitor})")
    head += ["reference", "target"]
    parts = [
        '<table class="run"><thead><tr>'
        + "".join(f"<th>{escape(h)}</th>" for h in head)
        + "</tr></thead><tbody>"
    ]
    for row in rows:
        cells = [str(row.fit)] if fits else []
        cells += [str(row.epoch), row.train, row.validation]
        if monitor:
            cells.append(row.monitored or "")
        tds = "".join(f"<td>{escape(c)}</td>" for c in cells)
        reference = "(invariant)" if row.reference is None else ", ".join(row.reference) or "·"
        target = ", ".join(row.target) or "·"
        differs = " differs" if row.differs else ""
        parts.append(
            f'<tr class="{differs.strip()}">{tds}<td class="did">{escape(reference)}</td>'
            f'<td class="did{differs}">{escape(target)}</td></tr>'
        )
    parts.append("</tbody></table>")
    return "".join(parts)


def _pretty(value: Any) -> str:
    if isinstance(value, facts.Text):
        return str(value)
    text = json.dumps(value, default=str, allow_nan=True)
    if len(text) > 3000:
        text = text[:3000] + " …"
    return text


def _differences(differences: list[tuple[str, Any, Any]]) -> str:
    parts = [
        '<table class="diff"><thead><tr><th>observed</th><th>reference</th><th>target</th>'
        "</tr></thead><tbody>"
    ]
    for name, ours, theirs in differences:
        if name == "summaries" and isinstance(ours, list) and isinstance(theirs, list):
            only_ours = [r for r in ours if r not in theirs]
            only_theirs = [r for r in theirs if r not in ours]
            ours, theirs = {"only here": only_ours}, {"only here": only_theirs}
        parts.append(
            f"<tr><td><code>{escape(name)}</code></td><td><pre>{escape(_pretty(ours))}</pre></td>"
            f"<td><pre>{escape(_pretty(theirs))}</pre></td></tr>"
        )
    parts.append("</tbody></table>")
    return "".join(parts)


def _replay(
    report: Report, counterexample: Counterexample, group: Group, report_path: str | None
) -> str:
    name = f"{counterexample.property}.json"
    data = json.dumps(facts.replay_file(counterexample), indent=2, allow_nan=True)
    href = "data:application/json;charset=utf-8," + urllib.parse.quote(data)
    commands = replay_commands(report, counterexample, group.clauses[0], report_path)
    return (
        f'<p>Save <a download="{escape(name)}" href="{escape(href)}">this counterexample</a>'
        f" as <code>{escape(name)}</code>, then:</p>"
        f'<pre class="commands">{escape(chr(10).join(commands))}</pre>'
    )

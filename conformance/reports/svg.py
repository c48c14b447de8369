"""The plots of a counterexample, as inline SVG (no JavaScript, no plotting library).

Each plot is one panel per side, reference left and target right, on the same scales:

* `monitored`: EarlyStopping's (or ModelCheckpoint's) monitored value per epoch, with the
  stop, the best epoch and the restored weights marked;
* `rates`: LearningRateScheduler's learning rate during each epoch;
* `saves`: ModelCheckpoint's saves in call order, one row per file;
* `summaries`: TensorBoard's records as a tag x step grid.

What one side did and the other did not is drawn in red on the side that did it.

Why by hand: no installed library does this better. matplotlib (not a dependency, ~50 MB)
writes standalone figures with inline styles and generated ids, where these marks carry
classes (`marker-stop`) and plain attributes the page's CSS can override. An SVG builder
(svgwrite, drawsvg; neither installed) would only trade f-strings for calls, while the bulk
of this module, the scales and what each mark means, would stay.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Any

from conformance.reports.facts import (
    MISSING,
    Key,
    Run,
    Side,
    describe_value,
    monitored,
    number,
    summary_records,
)
from conformance.reports.model import Counterexample

WIDTH, HEIGHT = 520, 250
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 46, 44
COLOURS = {
    "line": "#2563eb",
    "grid": "#e5e7eb",
    "axis": "#6b7280",
    "text": "#111827",
    "muted": "#9ca3af",
    "stop": "#dc2626",
    "requested": "#6b7280",
    "best": "#16a34a",
    "restored": "#7c3aed",
    "special": "#ea580c",
    "differs": "#dc2626",
    "not-run": "#f3f4f6",
    "warm-up": "#fef3c7",
    "cell": "#93c5fd",
}
SERIES = ("#2563eb", "#0891b2", "#9333ea", "#ca8a04")
MAX_ROWS, MAX_COLUMNS = 40, 60


def _f(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _text(
    x: float, y: float, text: str, anchor: str = "middle", size: int = 11, **style: str
) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in style.items())
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" font-size="{size}"{extra}>'
        f"{escape(text)}</text>"
    )


def _svg(kind: str, side: str, body: list[str], height: int = HEIGHT, width: int = WIDTH) -> str:
    return (
        f'<svg class="plot" data-kind="{kind}" data-side="{side}" role="img"'
        f' aria-label="{escape(kind)}: {side}" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"'
        f' font-family="system-ui, sans-serif">'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>'
        + "".join(body)
        + "</svg>"
    )


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low]
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    return ticks


def _range(values: Sequence[float]) -> tuple[float, float]:
    """A value range covering `values` with a margin, widened to round tick values."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return -1.0, 1.0
    low, high = min(finite), max(finite)
    if low == high:
        pad = abs(low) * 0.1 or 0.5
        low, high = low - pad, high + pad
    else:
        pad = (high - low) * 0.05
        low, high = low - pad, high + pad
    ticks = nice_ticks(low, high)
    if len(ticks) > 1:
        step = ticks[1] - ticks[0]
        low = min(low, ticks[0] - step if ticks[0] > low else ticks[0])
        high = max(high, ticks[-1] + step if ticks[-1] < high else ticks[-1])
    return low, high


class _Frame:
    """An epoch axis (the planned epochs, fit after fit) and a value axis."""

    def __init__(self, keys: list[Key], low: float, high: float) -> None:
        self.keys = keys
        self.low, self.high = low, high
        self.step = (WIDTH - LEFT - RIGHT) / max(len(keys), 1)

    def x(self, key: Key) -> float:
        return LEFT + (self.keys.index(key) + 0.5) * self.step

    def y(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return TOP + (self.high - value) / span * (HEIGHT - TOP - BOTTOM)

    def axes(self, title: str, fits: int, value_label: str) -> list[str]:
        body = [_text(LEFT, 18, title, anchor="start", size=13, font_weight="600")]
        bottom = HEIGHT - BOTTOM
        for tick in nice_ticks(self.low, self.high):
            y = self.y(tick)
            if TOP - 0.5 <= y <= bottom + 0.5:
                body.append(
                    f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_f(y)}" y2="{_f(y)}"'
                    f' stroke="{COLOURS["grid"]}"/>'
                )
                body.append(_text(LEFT - 6, y + 4, f"{tick:g}", anchor="end", size=10))
        body.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{bottom}" y2="{bottom}"'
            f' stroke="{COLOURS["axis"]}"/>'
        )
        every = max(1, math.ceil(len(self.keys) / 16))
        for number_, key in enumerate(self.keys):
            if number_ % every == 0:
                body.append(_text(self.x(key), bottom + 14, str(key[1]), size=10))
        body.append(_text((LEFT + WIDTH - RIGHT) / 2, HEIGHT - 8, "epoch", size=10))
        body.append(
            _text(
                12,
                (TOP + bottom) / 2,
                value_label,
                size=10,
                transform=f"rotate(-90 12 {_f((TOP + bottom) / 2)})",
            )
        )
        if fits > 1:
            for number_, key in enumerate(self.keys):
                if number_ and key[0] != self.keys[number_ - 1][0]:
                    x = self.x(key) - self.step / 2
                    body.append(
                        f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{TOP - 26}" y2="{bottom}"'
                        f' stroke="{COLOURS["axis"]}" stroke-dasharray="2 2"/>'
                    )
                    body.append(_text(x + 3, TOP - 18, f"fit {key[0]}", anchor="start", size=9))
        return body

    def shade(self, keys: set[Key], colour: str, label: str) -> list[str]:
        body = []
        for key in self.keys:
            if key in keys:
                x = self.x(key) - self.step / 2
                body.append(
                    f'<rect x="{_f(x)}" y="{TOP}" width="{_f(self.step)}"'
                    f' height="{HEIGHT - TOP - BOTTOM}" fill="{colour}"><title>{escape(label)}'
                    "</title></rect>"
                )
        return body


def _point_y(frame: _Frame, value: Any) -> float:
    """Where a value sits: its own height, NaN and +inf at the top, -inf and non-numbers at
    the bottom."""
    v = number(value)
    if v is None:
        return HEIGHT - BOTTOM
    if math.isnan(v):
        return TOP + 6
    if v == math.inf:
        return TOP
    if v == -math.inf:
        return HEIGHT - BOTTOM
    return frame.y(v)


def _special(x: float, y: float, value: Any, faded: bool) -> str:
    """NaN, +-inf, None and a missing key: a symbol at the edge, with its name."""
    opacity = ' opacity="0.35"' if faded else ""
    v = number(value)
    name = describe_value(value)
    if v is not None and math.isinf(v):
        tip = y + (-7 if v > 0 else 7)
        base = y + (3 if v > 0 else -3)
        return (
            f'<g{opacity}><path d="M{_f(x - 5)} {_f(base)} L{_f(x + 5)} {_f(base)} L{_f(x)}'
            f' {_f(tip)} Z" fill="{COLOURS["special"]}"><title>{name}</title></path>'
            + _text(x, y + (-10 if v > 0 else 17), name, size=9, fill=COLOURS["special"])
            + "</g>"
        )
    if v is not None:  # NaN
        return (
            f'<g{opacity}><circle cx="{_f(x)}" cy="{_f(y)}" r="4" fill="#fff"'
            f' stroke="{COLOURS["special"]}" stroke-width="2"><title>NaN</title></circle>'
            + _text(x + 7, y + 3, "NaN", anchor="start", size=9, fill=COLOURS["special"])
            + "</g>"
        )
    return (
        f'<g{opacity}><path d="M{_f(x - 4)} {_f(y - 8)} l8 8 m0 -8 l-8 8"'
        f' stroke="{COLOURS["muted"]}" stroke-width="1.5"><title>{escape(name)}</title></path>'
        + _text(x, y - 11, name, size=9, fill=COLOURS["muted"])
        + "</g>"
    )


def _polyline(points: list[tuple[float, float] | None], colour: str, faded: bool) -> list[str]:
    """Lines between consecutive points; None breaks the line."""
    body: list[str] = []
    run_: list[tuple[float, float]] = []
    for point in [*points, None]:
        if point is None:
            if len(run_) > 1:
                path = " ".join(f"{_f(x)},{_f(y)}" for x, y in run_)
                dash = ' stroke-dasharray="3 3" opacity="0.35"' if faded else ""
                body.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour}"'
                    f' stroke-width="2"{dash}/>'
                )
            run_ = []
        else:
            run_.append(point)
    return body


def _ghost(points: list[tuple[float, float] | None], label: str) -> list[str]:
    """The other side's values, faint, for comparison."""
    body = [
        line.replace("<polyline", '<polyline class="ghost"', 1)
        for line in _polyline(points, COLOURS["muted"], False)
    ]
    body = [
        line.replace('stroke-width="2"', 'stroke-width="1.5" stroke-dasharray="4 3"')
        for line in body
    ]
    for point in points:
        if point is not None:
            body.append(
                f'<circle class="ghost" cx="{_f(point[0])}" cy="{_f(point[1])}" r="2.5"'
                f' fill="{COLOURS["muted"]}"><title>{escape(label)}</title></circle>'
            )
    return body


def _stop_line(frame: _Frame, key: Key, colour: str, label: str) -> list[str]:
    x = frame.x(key)
    return [
        f'<line class="marker-stop" x1="{_f(x)}" x2="{_f(x)}" y1="{TOP - 2}"'
        f' y2="{HEIGHT - BOTTOM}" stroke="{colour}" stroke-width="1.5" stroke-dasharray="5 3"/>',
        _text(x, TOP - 5, label, size=10, fill=colour, font_weight="600"),
    ]


# ------------------------------------------------------------------------------------
# The monitored value (EarlyStopping, ModelCheckpoint)
# ------------------------------------------------------------------------------------


def monitored_panel(run: Run, facts: Side, low: float, high: float) -> str:
    values = monitored(run.scenario)
    keys = [epoch.key for epoch in run.planned]
    frame = _Frame(keys, low, high)
    config = run.scenario.get("config") or {}
    monitor = config.get("monitor", "val_loss")
    body = []
    warm_up = config.get("start_from_epoch")
    if isinstance(warm_up, int) and warm_up > 0:
        body += frame.shade(
            {k for k in keys if k[1] < warm_up}, COLOURS["warm-up"], f"start_from_epoch={warm_up}"
        )
    ran = set(facts.begun)
    body += frame.shade(set(keys) - ran, COLOURS["not-run"], f"not run by the {facts.name}")
    body += frame.axes(facts.name, run.fits, str(monitor))
    baseline = number(config.get("baseline"))
    if baseline is not None and math.isfinite(baseline):
        y = frame.y(baseline)
        body.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_f(y)}" y2="{_f(y)}"'
            f' stroke="{COLOURS["axis"]}" stroke-dasharray="6 4"/>'
        )
        body.append(_text(WIDTH - RIGHT - 2, y - 4, "baseline", anchor="end", size=9))
    for faded in (True, False):
        points: list[tuple[float, float] | None] = []
        for key in keys:
            v = number(values.get(key, MISSING))
            if v is None or not math.isfinite(v) or ((key not in ran) != faded):
                points.append(None)
            else:
                points.append((frame.x(key), frame.y(v)))
        body += _polyline(points, COLOURS["line"], faded)
    for key in keys:
        value = values.get(key, MISSING)
        v = number(value)
        x, y = frame.x(key), _point_y(frame, value)
        faded = key not in ran
        if v is None or not math.isfinite(v):
            body.append(_special(x, y, value, faded))
        else:
            opacity = ' opacity="0.35"' if faded else ""
            body.append(
                f'<circle cx="{_f(x)}" cy="{_f(y)}" r="3.5" fill="{COLOURS["line"]}"{opacity}>'
                f"<title>epoch {key[1]}: {monitor} = {describe_value(value)}</title></circle>"
            )
    for fit, epoch in facts.best.items():
        key = (fit, epoch)
        if key in keys:
            x, y = frame.x(key), _point_y(frame, values.get(key, MISSING))
            body.append(
                f'<path class="marker-best" d="M{_f(x)} {_f(y - 9)} l9 9 l-9 9 l-9 -9 Z"'
                f' fill="none" stroke="{COLOURS["best"]}" stroke-width="2">'
                f"<title>best epoch {epoch}</title></path>"
            )
    for _, restored in facts.restored:
        if restored is not None and restored in keys:
            x, y = frame.x(restored), _point_y(frame, values.get(restored, MISSING))
            body.append(
                f'<rect class="marker-restored" x="{_f(x - 7)}" y="{_f(y - 7)}" width="14"'
                f' height="14" fill="none" stroke="{COLOURS["restored"]}" stroke-width="2">'
                f"<title>restored: the weights of epoch {restored[1]}</title></rect>"
            )
    for fit, epoch in facts.stops.items():
        if (fit, epoch) in keys:
            body += _stop_line(frame, (fit, epoch), COLOURS["stop"], "stop")
    for fit, epoch in facts.requested_stops.items():
        if (fit, epoch) in keys:
            body += _stop_line(frame, (fit, epoch), COLOURS["requested"], "stop (other)")
    body += _error_mark(frame, facts)
    return _svg("monitored", facts.name, body)


def _error_mark(frame: _Frame, facts: Side) -> list[str]:
    if facts.error is None or facts.error_at not in frame.keys:
        return []
    assert facts.error_at is not None
    x = frame.x(facts.error_at)
    middle = (TOP + HEIGHT - BOTTOM) / 2
    kind, message, hook = facts.error
    return [
        f'<g class="marker-error"><circle cx="{_f(x)}" cy="{_f(middle)}" r="8"'
        f' fill="{COLOURS["stop"]}"/>'
        + _text(x, middle + 4, "!", size=12, fill="#fff", font_weight="700")
        + _text(x, middle + 21, "raised", size=9, fill=COLOURS["stop"])
        + f"<title>raised {escape(kind)} in {escape(hook)}: {escape(message[:200])}</title></g>"
    ]


def monitored_plot(run: Run) -> str:
    values = [number(v) for v in monitored(run.scenario).values()]
    finite = [v for v in values if v is not None]
    baseline = number((run.scenario.get("config") or {}).get("baseline"))
    if baseline is not None:
        finite.append(baseline)
    low, high = _range(finite)
    return _row([monitored_panel(run, s, low, high) for s in run.sides])


# ------------------------------------------------------------------------------------
# The learning rate (LearningRateScheduler)
# ------------------------------------------------------------------------------------


def rates_plot(run: Run) -> str:
    keys = [epoch.key for epoch in run.planned]
    everything = [r for s in run.sides for rates in s.rates.values() for r in rates]
    low, high = _range([v for v in (number(r) for r in everything) if v is not None])
    panels = []
    for facts in run.sides:
        other = run.target if facts is run.reference else run.reference
        frame = _Frame(keys, low, high)
        body = frame.shade(set(keys) - set(facts.begun), COLOURS["not-run"], "not run")
        body += frame.axes(facts.name, run.fits, "learning rate")
        if other is not None:
            ghost: list[tuple[float, float] | None] = []
            for key in keys:
                theirs = other.rates.get(key)
                value = number(theirs[0]) if theirs else None
                ok = value is not None and math.isfinite(value)
                ghost.append((frame.x(key), frame.y(value)) if ok and value is not None else None)
            body += _ghost(ghost, f"the {other.name}'s rate")
        width = max((len(r) for r in facts.rates.values()), default=0)
        for index in range(width):
            colour = SERIES[index % len(SERIES)]
            points: list[tuple[float, float] | None] = []
            marks = []
            for key in keys:
                rates = facts.rates.get(key) or ()
                value = number(rates[index]) if index < len(rates) else None
                if value is None or not math.isfinite(value):
                    points.append(None)
                    continue
                x, y = frame.x(key), frame.y(value)
                points.append((x, y))
                theirs = other.rates.get(key) if other is not None else None
                differs = other is not None and (
                    theirs is None or index >= len(theirs) or theirs[index] != rates[index]
                )
                tip = f"epoch {key[1]}: learning rate {value:g}"
                marks.append(
                    f'<circle cx="{_f(x)}" cy="{_f(y)}" r="3.5" fill="{colour}">'
                    f"<title>{escape(tip)}</title></circle>"
                )
                if differs:
                    other_text = "none" if theirs is None else ", ".join(map(str, theirs))
                    marks.append(
                        f'<circle class="marker-differs" cx="{_f(x)}" cy="{_f(y)}" r="8"'
                        f' fill="none" stroke="{COLOURS["differs"]}" stroke-width="2">'
                        f"<title>the {other.name if other else ''} had {escape(other_text)}"
                        "</title></circle>"
                    )
            body += _polyline(points, colour, False) + marks
        body += _error_mark(frame, facts)
        panels.append(_svg("rates", facts.name, body))
    return _row(panels)


# ------------------------------------------------------------------------------------
# The saves (ModelCheckpoint)
# ------------------------------------------------------------------------------------


def saves_plot(run: Run) -> str:
    paths: list[str] = []
    for facts in run.sides:
        for save in facts.saves:
            if save.path not in paths:
                paths.append(save.path)
    columns = max((len(s.saves) for s in run.sides), default=0)
    if not paths:
        return ""
    shown = paths[:MAX_ROWS]
    label_width, row = 170, 24
    height = TOP + row * len(shown) + 46
    step = min(40.0, (WIDTH - label_width - RIGHT) / max(columns, 1))
    panels = []
    for facts in run.sides:
        other = run.target if facts is run.reference else run.reference
        body = [_text(8, 18, facts.name, anchor="start", size=13, font_weight="600")]
        for number_, path in enumerate(shown):
            y = TOP + row * number_ + row / 2
            body.append(
                f'<line x1="{label_width}" x2="{WIDTH - RIGHT}" y1="{_f(y)}" y2="{_f(y)}"'
                f' stroke="{COLOURS["grid"]}"/>'
            )
            name = path if len(path) <= 26 else "…" + path[-25:]
            body.append(_text(label_width - 6, y + 4, name, anchor="end", size=10))
        for save in facts.saves:
            if save.path not in shown:
                continue
            x = label_width + (save.order + 0.5) * step
            y = TOP + row * shown.index(save.path) + row / 2
            mate = (
                other.saves[save.order]
                if other is not None and save.order < len(other.saves)
                else None
            )
            differs = other is not None and (
                mate is None
                or (mate.path, mate.method, mate.overwrite)
                != (save.path, save.method, save.overwrite)
            )
            colour = COLOURS["differs"] if differs else COLOURS["line"]
            fill = colour if save.last else "#fff"
            holds = (
                f"; the file holds the weights of {facts.describe_weights(save.label)}"
                if save.last and save.label is not None
                else "; overwritten later"
                if not save.last
                else ""
            )
            tip = f"{facts.name} call {save.order + 1}: {save.method}({save.path}){holds}"
            shape = (
                f'<circle cx="{_f(x)}" cy="{_f(y)}" r="6"'
                if save.method == "save"
                else f'<rect x="{_f(x - 6)}" y="{_f(y - 6)}" width="12" height="12"'
            )
            body.append(
                f'{shape} class="save{" marker-differs" if differs else ""}" fill="{fill}"'
                f' stroke="{colour}" stroke-width="2"><title>{escape(tip)}</title>'
                f"{'</circle>' if save.method == 'save' else '</rect>'}"
            )
            if save.last and save.at is not None:
                body.append(_text(x, y + 17, f"ep {save.at[1]}", size=9, fill=COLOURS["axis"]))
        bottom = TOP + row * len(shown) + 6
        for column in range(columns):
            x = label_width + (column + 0.5) * step
            body.append(_text(x, bottom + 12, str(column + 1), size=10))
        body.append(
            _text((label_width + WIDTH - RIGHT) / 2, bottom + 30, "save call, in order", size=10)
        )
        if not facts.saves:
            body.append(
                _text((label_width + WIDTH) / 2, TOP + 14, "no saves", size=11, fill="#6b7280")
            )
        panels.append(_svg("saves", facts.name, body, height=height))
    return _row(panels)


# ------------------------------------------------------------------------------------
# The records (TensorBoard)
# ------------------------------------------------------------------------------------


def summaries_plot(run: Run, counterexample: Counterexample) -> str:
    by_side = {
        "reference": summary_records(counterexample.reference),
        "target": summary_records(counterexample.target),
    }
    pairs = sorted({(r[0], r[1]) for records in by_side.values() for r in records})
    steps = sorted({r[2] for records in by_side.values() for r in records})
    if not pairs:
        return ""
    pairs, steps_shown = pairs[:MAX_ROWS], steps[:MAX_COLUMNS]
    lines: list[tuple[str, str | None]] = []  # (run, tag), a None tag heads a run's rows
    for run_dir, tag in pairs:
        if not lines or lines[-1][0] != run_dir:
            lines.append((run_dir, None))
        lines.append((run_dir, tag))
    label_width = 210
    cell = max(6.0, min(18.0, (WIDTH - label_width - RIGHT) / max(len(steps_shown), 1)))
    width = int(max(WIDTH, label_width + cell * len(steps_shown) + RIGHT))
    height = int(TOP - 12 + cell * len(lines) + 40)
    cells: dict[str, dict[tuple[str, str, int], list[Any]]] = {}
    for name, records in by_side.items():
        table: dict[tuple[str, str, int], list[Any]] = {}
        for run_dir, tag, step, value, plugin in records:
            table.setdefault((run_dir, tag, step), []).append((value, plugin))
        cells[name] = table
    panels = []
    for facts in run.sides:
        mine = cells[facts.name]
        other = None
        if run.reference is not None:
            other = cells["target" if facts.name == "reference" else "reference"]
        body = [_text(8, 18, facts.name, anchor="start", size=13, font_weight="600")]
        for number_, (run_dir, row_tag) in enumerate(lines):
            y = TOP - 12 + cell * number_
            if row_tag is None:
                body.append(
                    _text(
                        8,
                        y + cell / 2 + 4,
                        f"{run_dir}/",
                        anchor="start",
                        size=10,
                        fill=COLOURS["axis"],
                        font_weight="600",
                    )
                )
                continue
            tag = row_tag
            name = tag if len(tag) <= 30 else "…" + tag[-29:]
            body.append(_text(label_width - 6, y + cell / 2 + 4, name, anchor="end", size=10))
            for column, step in enumerate(steps_shown):
                body.append(
                    _cell(mine, other, run_dir, tag, step, label_width + cell * column, y, cell)
                )
        bottom = TOP - 12 + cell * len(lines)
        every = max(1, math.ceil(len(steps_shown) / 12))
        for column, step in enumerate(steps_shown):
            if column % every == 0:
                x = label_width + cell * column + cell / 2
                body.append(_text(x, bottom + 13, str(step), size=10))
        more = f" (first {MAX_COLUMNS} of {len(steps)})" if len(steps) > MAX_COLUMNS else ""
        middle = label_width + cell * len(steps_shown) / 2
        body.append(_text(middle, bottom + 30, f"step{more}", size=10))
        panels.append(_svg("summaries", facts.name, body, height=height, width=width))
    return _row(panels)


def _cell(
    mine: dict[tuple[str, str, int], list[Any]],
    other: dict[tuple[str, str, int], list[Any]] | None,
    run_dir: str,
    tag: str,
    step: int,
    x: float,
    y: float,
    cell: float,
) -> str:
    here = mine.get((run_dir, tag, step))
    there = None if other is None else other.get((run_dir, tag, step))
    differs = other is not None and repr(here) != repr(there)
    box = f'x="{_f(x + 1)}" y="{_f(y + 1)}" width="{_f(cell - 2)}" height="{_f(cell - 2)}"'
    where = f"{run_dir} · {tag} · step {step}"
    if here is None and not differs:
        return f'<rect {box} fill="none" stroke="{COLOURS["grid"]}"/>'
    if here is None:
        tip = f"{where}: not written here (the other side wrote it)"
        return (
            f'<rect class="cell-missing marker-differs" {box} fill="#fff"'
            f' stroke="{COLOURS["differs"]}" stroke-dasharray="2 2"><title>{escape(tip)}</title>'
            "</rect>"
        )
    values = "; ".join(f"{_short(value)} ({plugin})" for value, plugin in here)
    colour = COLOURS["differs"] if differs else COLOURS["cell"]
    css = "cell marker-differs" if differs else "cell"
    return (
        f'<rect class="{css}" {box} fill="{colour}"><title>{escape(f"{where}: {values}")}'
        "</title></rect>"
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _row(panels: list[str]) -> str:
    return (
        '<div class="plots">' + "".join(f'<div class="panel">{p}</div>' for p in panels) + "</div>"
    )


def plots(run: Run, counterexample: Counterexample) -> list[tuple[str, str]]:
    """The plots that fit the counterexample's callback: (title, HTML with the SVGs)."""
    callback = run.scenario.get("callback")
    found = []
    if callback == "EarlyStopping" and run.planned:
        found.append(("Monitored value per epoch", monitored_plot(run)))
    elif callback == "ModelCheckpoint":
        if run.planned and any(number(v) is not None for v in monitored(run.scenario).values()):
            found.append(("Monitored value per epoch", monitored_plot(run)))
        saves = saves_plot(run)
        if saves:
            found.append(("Saved files, call by call", saves))
    elif callback == "LearningRateScheduler" and any(s.rates for s in run.sides):
        found.append(("Learning rate during each epoch", rates_plot(run)))
    elif callback == "TensorBoard":
        grid = summaries_plot(run, counterexample)
        if grid:
            found.append(("Records written: tag × step", grid))
    return found

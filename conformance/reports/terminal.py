"""The report on a terminal: the clause table (coloured where the terminal shows colour),
and the progress line while a run goes on."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Mapping
from typing import Any, TextIO

from conformance.reports import as_report
from conformance.reports.model import VERDICTS, Report

MARKS = {
    "pass": "pass",
    "fail": "FAIL",
    "divergent": "divergent",
    "stale": "STALE",
    "unsupported": "unsupp.",
    "not-run": "not-run",
}
STYLES = {
    "pass": "32",
    "fail": "1;31",
    "divergent": "33",
    "stale": "1;35",
    "unsupported": "36",
    "not-run": "2",
    "heading": "1",
    "reason": "2",
    "good": "1;32",
    "bad": "1;31",
}


def colour_wanted(stream: TextIO) -> bool:
    """Colour on a terminal, unless NO_COLOR is set (https://no-color.org) or the
    terminal says it cannot."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


# A pass judged on fewer runs of the clause's regime than this is flagged (docs/verdicts.md).
THIN = 10


def _paint(text: str, style: str, colour: bool) -> str:
    return f"\x1b[{STYLES[style]}m{text}\x1b[0m" if colour and style in STYLES else text


def table(report: Report | Mapping[str, Any], colour: bool = False) -> str:
    """The clause table, callback by callback, and the summary line. Without colour it is
    plain text, column for column the same."""
    report = as_report(report)
    lines = []
    callback = None
    for clause in report.clauses:
        if clause.callback != callback:
            callback = clause.callback
            lines += ["", _paint(callback, "heading", colour)]
        verdict = clause.verdict
        mark = f"{MARKS[verdict]:<9}"
        lines.append(
            f"  {_paint(mark, verdict, colour)} {clause.id:<62}"
            f" {clause.level:<12} {clause.examples:>6}"
        )
        # The diagnosis ends the reason (conformance.diagnosis): a line of its own each.
        said = clause.reason.split(" — ")
        diagnosis = [part for part in said if part.startswith("behaves like `")]
        reason = " — ".join(part for part in said if part not in diagnosis)
        # A pass judged apart says on how many runs already.
        if verdict == "pass" and clause.examples < THIN and not reason.startswith("judged apart"):
            thin = f"judged on {clause.examples} runs of its regime only (fewer than {THIN})"
            reason = f"{thin}; {reason}" if reason else thin
        if verdict in ("fail", "stale", "divergent", "unsupported") or reason.startswith(
            ("not judged apart", "none of the", "judged")
        ):
            lines.append(_paint(f"            {reason[:300]}", "reason", colour))
        lines += [_paint(f"            {part[:300]}", "reason", colour) for part in diagnosis]
    summary, target = report.summary, report.target
    counts = ", ".join(
        f"{summary.count(verdict)} {verdict}" for verdict in VERDICTS if summary.count(verdict)
    )
    name = f"{target.spec} {target.version or ''} ({target.backend or 'no backend'})"
    failed = summary.fail or summary.stale
    if target.unsupported:
        lines += ["", "Declared unsupported by the target:"]
        lines += [f"  {text}" for text in target.unsupported]
    lines += [
        "",
        _paint(f"{name}, profile {report.profile}: {counts}", "bad" if failed else "good", colour),
    ]
    return "\n".join(lines)


class Progress:
    """One line on `stream` (a terminal) saying which property of which callback is being
    checked, how far the run is, and for how long this property has run. When the stream
    is not a terminal (a CI log), a line per callback whose properties are done instead,
    with the time they took and the time so far, so that a long run is not silent. Call
    it as the runner's `progress` callback (at the start of each callback's properties),
    `finish()` when the run is done, and `close()` to clear the line."""

    def __init__(self, stream: TextIO, enabled: bool | None = None, tick: float = 0.5) -> None:
        self.stream = stream
        isatty = getattr(stream, "isatty", None)
        self.enabled = bool(isatty and isatty()) if enabled is None else enabled
        self.tick = tick
        self.state: tuple[int, int, str, str, tuple[str, ...]] | None = None
        self.started = time.monotonic()
        self.run_started = self.started
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.thread: threading.Thread | None = None

    def __call__(self, number: int, total: int, prop: Any) -> None:
        if not self.enabled:
            self._done_line(number)
            self.state = (number, total, str(prop.callback), str(prop.name), ())
            self.started = time.monotonic()
            return
        with self.lock:
            clauses = tuple(getattr(prop, "clauses", ()) or ())
            self.state = (number, total, str(prop.callback), str(prop.name), clauses)
            self.started = time.monotonic()
        self.draw()
        if self.thread is None:
            self.thread = threading.Thread(target=self._ticker, name="progress", daemon=True)
            self.thread.start()

    def line(self, width: int) -> str:
        if self.state is None:
            return ""
        number, total, callback, name, clauses = self.state
        bar_width = 20
        filled = round(bar_width * number / max(total, 1))
        bar = "█" * filled + "░" * (bar_width - filled)
        seconds = int(time.monotonic() - self.started)
        checks = f" ({len(clauses)} clause{'s' if len(clauses) != 1 else ''})" if clauses else ""
        text = f"[{number + 1}/{total}] {bar} {callback}: {name}{checks} {seconds}s"
        return text if len(text) <= width else text[: max(width - 1, 0)] + "…"

    def draw(self) -> None:
        if not self.enabled:
            return
        width = shutil.get_terminal_size((100, 20)).columns - 1
        with self.lock:
            self.stream.write("\r\x1b[K" + self.line(width))
            self.stream.flush()

    def _ticker(self) -> None:
        while not self.done.wait(self.tick):
            self.draw()

    def finish(self) -> None:
        """The run is done: when logging, the last callback's line."""
        if not self.enabled and self.state is not None:
            self._done_line(self.state[1])
            self.state = None

    def _done_line(self, next_number: int) -> None:
        """When logging: the line of the callback whose properties ran up to (not
        including) property `next_number`."""
        if self.state is None:
            return
        first, total, callback, _, _ = self.state
        now = time.monotonic()
        self.stream.write(
            f"[{first + 1}-{next_number}/{total}] {callback}: done in {now - self.started:.0f} s"
            f" ({now - self.run_started:.0f} s in all)\n"
        )
        self.stream.flush()

    def close(self) -> None:
        self.done.set()
        if self.thread is not None:
            self.thread.join()
        if self.enabled and self.state is not None:
            with self.lock:
                self.stream.write("\r\x1b[K")
                self.stream.flush()

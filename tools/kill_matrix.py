"""The kill matrix: which properties of the suite fail each wrong implementation.

Every module of `tests.wrong_implementations` (or the modules named on the command line)
is run against every property of the callback it breaks as `callback-conformance run`
runs them without `--seed` (derandomized, a group of properties per strategy, seeded by
it), at the default profile's examples, unshrunk. The page lists, per mutant, its
one-line bug, the properties that failed it and the clauses those properties check, and
sums up per callback.

    python tools/kill_matrix.py                          # print the matrix
    python tools/kill_matrix.py --out docs/kill_matrix.md
    python tools/kill_matrix.py tests.wrong_implementations.es_nan_skipped
    python tools/kill_matrix.py --resume earlier.log --out docs/kill_matrix.md

`--resume` takes the mutants an interrupted run already printed from its log (stderr)
instead of running them again.

Exit status 1 when some mutant passes every property of its callback (a gap in the
suite), else 0.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `tests.wrong_implementations` lives beside the packages
    sys.path.insert(0, str(ROOT))

from conformance.clauses import CLAUSES, clauses_of  # noqa: E402
from conformance.properties import PROPERTIES  # noqa: E402
from conformance.properties.base import Property  # noqa: E402
from conformance.runner import PROFILES, run  # noqa: E402
from conformance.targets import resolve  # noqa: E402

CALLBACKS = ("EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard")
EXAMPLES = PROFILES["default"]
PREFIX = "tests.wrong_implementations."


@dataclass
class Row:
    """One mutant and what the suite made of it."""

    module: str
    callback: str
    bug: str
    expected: tuple[str, ...]  # the mutant's CAUGHT_BY clauses
    properties: list[Property] = field(default_factory=list)  # of its callback
    failed: list[Property] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # properties that could not check

    @property
    def name(self) -> str:
        return self.module.removeprefix(PREFIX)

    @property
    def clauses(self) -> list[str]:
        """The clauses of the properties that failed the mutant, in registry order."""
        failed = {clause for prop in self.failed for clause in prop.clauses}
        return [clause.id for clause in CLAUSES if clause.id in failed]


def one_line(docstring: str | None) -> str:
    """The docstring's first sentence, on one line."""
    text = " ".join((docstring or "").split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def examine(module: str, examples: int = EXAMPLES) -> Row:
    mutant = importlib.import_module(module)
    callback, expected = mutant.CAUGHT_BY
    row = Row(module, callback, one_line(mutant.__doc__), tuple(expected))
    target = resolve(module)
    row.properties = [prop for prop in PROPERTIES if prop.callback == callback]
    for result in run(target, row.properties, examples, shrink=False):
        prop = result.property
        if result.verdict == "fail":
            row.failed.append(prop)
            if result.reason.startswith("error while checking"):
                row.errors.append(f"{prop.name}: {result.reason}")
    return row


PROGRESS = re.compile(
    r"^(?P<name>\w+): \d+ of (?P<runs>\d+) properties fail it \(\d+s\): (?P<failed>.*)$"
)


def _progress(row: Row, seconds: float) -> str:
    """The line printed for each mutant; `--resume` reads it back."""
    return (
        f"{row.name}: {len(row.failed)} of {len(row.properties)} properties fail it "
        f"({seconds:.0f}s): {', '.join(p.name for p in row.failed)}"
    )


def resumed(logs: list[Path]) -> dict[str, Row]:
    """Rows rebuilt from the progress lines of earlier (interrupted) runs, for mutants
    whose callback still has the same properties."""
    rows = {}
    for log in logs:
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            match = PROGRESS.match(line.strip())
            if not match:
                continue
            module = PREFIX + match["name"]
            mutant = importlib.import_module(module)
            callback, expected = mutant.CAUGHT_BY
            properties = [prop for prop in PROPERTIES if prop.callback == callback]
            by_name = {prop.name: prop for prop in properties}
            failed = [name for name in match["failed"].split(", ") if name]
            if int(match["runs"]) != len(properties) or not set(failed) <= set(by_name):
                continue  # the properties changed since: run it again
            row = Row(module, callback, one_line(mutant.__doc__), tuple(expected), properties)
            row.failed = [by_name[name] for name in failed]
            rows[module] = row
    return rows


def _checkable(callback: str) -> list[str]:
    """The callback's clauses a property can check (not the out-of-scope ones)."""
    return [c.id for c in clauses_of(callback) if c.level != "out-of-scope"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(rows: list[Row], examples: int = EXAMPLES) -> str:
    """The Markdown page."""
    caught = [row for row in rows if row.failed]
    lines = [
        "# Kill matrix",
        "",
        "Which properties of the conformance suite fail each deliberately wrong implementation",
        "in `tests/wrong_implementations/`, and the clauses those properties check. Each",
        "mutant is the reference with one bug that real projects shipped; every property of",
        f"the callback it breaks ran against it: {examples} examples a property, derandomized",
        "(a group of properties per strategy, seeded by it), unshrunk. Generated by",
        "`python tools/kill_matrix.py --out docs/kill_matrix.md`; do not edit by hand.",
        "",
        "## Summary",
        "",
        f"{len(caught)} of {len(rows)} wrong implementations are caught by at least one property.",
        "",
        "| callback | mutants | caught | properties | property runs failing | "
        "clauses reached by some mutant |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for callback in CALLBACKS:
        own = [row for row in rows if row.callback == callback]
        if not own:
            continue
        runs = sum(len(row.properties) for row in own)
        failing = sum(len(row.failed) for row in own)
        reached = {clause for row in own for clause in row.clauses}
        own_clauses = _checkable(callback)
        lines.append(
            f"| {callback} | {len(own)} | {sum(1 for row in own if row.failed)} | "
            f"{len(own[0].properties)} | {failing} of {runs} | "
            f"{len(reached)} of {len(own_clauses)} |"
        )
    for callback in CALLBACKS:
        own = [row for row in rows if row.callback == callback]
        if not own:
            continue
        lines += [
            "",
            f"## {callback}",
            "",
            "| mutant | bug | failed by | clauses of the failing properties |",
            "|---|---|---|---|",
        ]
        for row in own:
            failed = ", ".join(f"`{prop.name}`" for prop in row.failed) or "**none**"
            clauses = ", ".join(f"`{clause}`" for clause in row.clauses) or "**none**"
            lines.append(
                f"| `{row.name}` | {_cell(row.bug)} | {len(row.failed)} of "
                f"{len(row.properties)}: {failed} | {clauses} |"
            )
        reached = {clause for row in own for clause in row.clauses}
        unreached = [clause for clause in _checkable(callback) if clause not in reached]
        if unreached:
            lines += [
                "",
                "Clauses of this callback that no mutant's failing properties check: "
                + ", ".join(f"`{clause}`" for clause in unreached)
                + ".",
            ]
    errors = [error for row in rows for error in row.errors]
    if errors:
        lines += ["", "## Properties that could not check a mutant", ""]
        lines += [f"- {_cell(error)}" for error in errors]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="mutant modules (default: the catalogue)")
    parser.add_argument("--out", type=Path, help="write the Markdown page here")
    parser.add_argument("--examples", type=int, default=EXAMPLES, help="examples a property")
    parser.add_argument(
        "--resume",
        type=Path,
        action="append",
        default=[],
        help="take the mutants an earlier run printed (its stderr) from its log",
    )
    args = parser.parse_args(argv)
    if args.modules:
        modules = args.modules
    else:
        from tests.wrong_implementations import ALL

        modules = list(ALL)
    done = resumed(args.resume)
    rows = []
    for module in modules:
        if module in done:
            rows.append(done[module])
            continue
        started = time.monotonic()
        row = examine(module, args.examples)
        rows.append(row)
        print(_progress(row, time.monotonic() - started), file=sys.stderr, flush=True)
    page = render(rows, args.examples)
    if args.out:
        args.out.write_text(page)
    else:
        sys.stdout.write(page)
    return 0 if all(row.failed for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

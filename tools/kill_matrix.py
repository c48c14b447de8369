"""The kill matrix: which clauses of the suite fail each wrong implementation.

Every module of `conformance.catalogue` (or the modules named on the command line)
is run against every property of the callback it breaks as `callback-conformance run`
runs them without `--seed` (derandomized, a group of properties per strategy, seeded by
it, the differences blamed on clauses), at the default profile's examples. The page
lists, per mutant, its one-line bug, the clauses its `CAUGHT_BY` names (what the bug
really breaks), the clauses that failed, and the share of those that are its own: the
precision of the suite's blame, and whether the diagnosis of its failing clauses
(`conformance.diagnosis`) names the mutant itself. It sums up per callback and over the
catalogue.

    python tools/kill_matrix.py                          # print the matrix
    python tools/kill_matrix.py --out docs/kill_matrix.md
    python tools/kill_matrix.py conformance.catalogue.es_nan_skipped
    python tools/kill_matrix.py --resume earlier.log --out docs/kill_matrix.md
    python tools/kill_matrix.py --resume docs/kill_matrix.md --out docs/kill_matrix.md

`--resume` takes the mutants an interrupted run already printed from its log (stderr),
or the rows of the page itself, instead of running them again. From the page, the
mutants that are new, or whose `CAUGHT_BY` changed, are run again: after a new wrong
implementation, that one command updates the page. (After a change to a property or a
strategy, run the matrix without `--resume`: the page cannot know which rows it moved.)

Exit status 1 when some mutant fails none of its own clauses (a gap in the suite, or a
blame that lands elsewhere), else 0.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `conformance.catalogue` lives beside the packages
    sys.path.insert(0, str(ROOT))

from conformance.clauses import clauses_of  # noqa: E402
from conformance.diagnosis import diagnose  # noqa: E402
from conformance.properties import PROPERTIES  # noqa: E402
from conformance.runner import PROFILES, clause_verdicts, run  # noqa: E402
from conformance.running import in_process  # noqa: E402
from conformance.targets import resolve  # noqa: E402

CALLBACKS = ("EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard")
EXAMPLES = PROFILES["default"]
PREFIX = "conformance.catalogue."


@dataclass
class Row:
    """One mutant and what the suite made of it."""

    module: str
    callback: str
    bug: str
    expected: tuple[str, ...]  # the mutant's CAUGHT_BY clauses: what its bug breaks
    failing: list[str] = field(default_factory=list)  # the clauses that failed, registry order
    errors: list[str] = field(default_factory=list)  # clauses the suite could not check
    diagnosed: bool = False  # a failing clause "behaves like" the mutant itself

    @property
    def name(self) -> str:
        return self.module.removeprefix(PREFIX)

    @property
    def own(self) -> list[str]:
        return [clause for clause in self.failing if clause in self.expected]

    @property
    def share(self) -> float:
        """Of the failing clauses, the share that are the mutant's own (0 when none fail)."""
        return len(self.own) / len(self.failing) if self.failing else 0.0


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
    properties = [prop for prop in PROPERTIES if prop.callback == callback]
    results = run(in_process(target), properties, examples)
    verdicts = diagnose(clause_verdicts(target, results, clauses_of(callback)), target)
    for verdict in verdicts:
        if verdict.verdict == "fail":
            row.diagnosed |= row.name in verdict.behaves_like
            row.failing.append(verdict.clause.id)
            if verdict.reason.startswith("error while checking"):
                row.errors.append(f"{verdict.clause.id}: {verdict.reason}")
    return row


PROGRESS = re.compile(
    r"^(?P<name>\w+): \d+ failing clauses?, \d+ own, diagnosed (?P<diagnosed>yes|no)"
    r" \(\d+s\): (?P<failing>.*)$"
)


def _progress(row: Row, seconds: float) -> str:
    """The line printed for each mutant; `--resume` reads it back."""
    return (
        f"{row.name}: {len(row.failing)} failing clauses, {len(row.own)} own, diagnosed "
        f"{'yes' if row.diagnosed else 'no'} ({seconds:.0f}s): {', '.join(row.failing)}"
    )


PAGE_ROW = re.compile(
    r"^\| `(?P<name>\w+)` \| .* \| (?P<own>[^|]*) \| (?P<failing>[^|]*) \| [0-9.]+"
    r" \| (?P<diagnosed>yes|no) \|$"
)


def _ids(cell: str) -> list[str]:
    return [] if cell == "**none**" else [name.strip("` ") for name in cell.split(", ")]


def resumed(sources: list[Path]) -> dict[str, Row]:
    """Rows rebuilt from earlier runs: the progress lines of a log (stderr), or the rows of
    a page this tool wrote. A row is kept while its callback still has the clauses it
    failed and, from a page, while the mutant's `CAUGHT_BY` is the one it recorded; any
    other mutant is run again."""
    rows = {}
    for source in sources:
        for line in source.read_text(encoding="utf-8", errors="replace").splitlines():
            match = PROGRESS.match(line.strip()) or PAGE_ROW.match(line.strip())
            if not match:
                continue
            module = PREFIX + match["name"]
            try:
                mutant = importlib.import_module(module)
            except ModuleNotFoundError:
                continue  # a mutant no longer in the catalogue
            callback, expected = mutant.CAUGHT_BY
            failing = (
                _ids(match["failing"]) if match.re is PAGE_ROW else match["failing"].split(", ")
            )
            failing = [name for name in failing if name]
            if not set(failing) <= {clause.id for clause in clauses_of(callback)}:
                continue  # the clauses changed since: run it again
            if match.re is PAGE_ROW and _ids(match["own"]) != list(expected):
                continue  # its own clauses changed since: run it again
            rows[module] = Row(
                module,
                callback,
                one_line(mutant.__doc__),
                tuple(expected),
                failing,
                diagnosed=match["diagnosed"] == "yes",
            )
    return rows


def _checkable(callback: str) -> list[str]:
    """The callback's clauses a property can check (not the out-of-scope ones)."""
    return [c.id for c in clauses_of(callback) if c.level != "out-of-scope"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _clauses(clauses: list[str] | tuple[str, ...]) -> str:
    return ", ".join(f"`{clause}`" for clause in clauses) or "**none**"


def _summary(rows: list[Row]) -> str:
    shares = sorted(row.share for row in rows)
    counts = [len(row.failing) for row in rows]
    return (
        f"{sum(1 for row in rows if row.own)} | {statistics.mean(shares):.2f} | "
        f"{statistics.median(shares):.2f} | {max(counts)} | "
        f"{sum(1 for row in rows if set(row.failing) == set(row.expected))} | "
        f"{sum(1 for row in rows if row.diagnosed)}"
    )


def render(rows: list[Row], examples: int = EXAMPLES) -> str:
    """The Markdown page."""
    lines = [
        "# Kill matrix",
        "",
        "Which clauses of the conformance suite fail each deliberately wrong implementation",
        "in `conformance/catalogue/`. Each mutant is the reference with one bug that",
        "real projects shipped; its `CAUGHT_BY` names the clauses that bug really breaks",
        "(its *own* clauses). Every property of the callback it breaks ran against it, as",
        f"`callback-conformance run` runs them: {examples} examples a property, derandomized",
        "(a group of properties per strategy, seeded by it), the differences blamed on",
        "clauses by their regimes ([verdicts and regimes](verdicts.md)). The *own share* is",
        "the part of a mutant's failing clauses that are its own: 1 when the suite blames",
        'exactly the rule that is broken. *Diagnosed* says whether the "behaves like"',
        "diagnosis of its failing clauses names the mutant itself (the counterexample",
        'replayed on the catalogue: "Behaves like" in [verdicts](verdicts.md)). Generated by',
        "`python tools/kill_matrix.py --out docs/kill_matrix.md`; do not edit by hand.",
        "",
        "## Summary",
        "",
        f"{sum(1 for row in rows if row.own)} of {len(rows)} wrong implementations fail at"
        " least one of their own clauses.",
        "",
        "| callback | mutants | caught by an own clause | mean own share | median own share "
        "| most failing clauses | failing exactly their own | diagnosed as themselves |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for callback in CALLBACKS:
        own = [row for row in rows if row.callback == callback]
        if own:
            lines.append(f"| {callback} | {len(own)} | {_summary(own)} |")
    if rows:
        lines.append(f"| all | {len(rows)} | {_summary(rows)} |")
    for callback in CALLBACKS:
        own = [row for row in rows if row.callback == callback]
        if not own:
            continue
        lines += [
            "",
            f"## {callback}",
            "",
            "| mutant | bug | its own clauses | failing clauses | own share | diagnosed |",
            "|---|---|---|---|---:|---|",
        ]
        for row in own:
            lines.append(
                f"| `{row.name}` | {_cell(row.bug)} | {_clauses(row.expected)} | "
                f"{_clauses(row.failing)} | {row.share:.2f} | {'yes' if row.diagnosed else 'no'} |"
            )
        reached = {clause for row in own for clause in row.failing}
        unreached = [clause for clause in _checkable(callback) if clause not in reached]
        if unreached:
            lines += [
                "",
                "Clauses of this callback that no mutant fails: "
                + ", ".join(f"`{clause}`" for clause in unreached)
                + ".",
            ]
    errors = [error for row in rows for error in row.errors]
    if errors:
        lines += ["", "## Clauses that could not check a mutant", ""]
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
        help="take the mutants an earlier run printed (its stderr log, or its page) from it",
    )
    args = parser.parse_args(argv)
    if args.modules:
        modules = args.modules
    else:
        from conformance.catalogue import ALL

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
    return 0 if all(row.own for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

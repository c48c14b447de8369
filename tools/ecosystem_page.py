"""Regenerate `docs/ecosystem.md`, "Keras's callbacks elsewhere", from the reports of the
implementations the project checks (never edit the page by hand).

    python tools/ecosystem_page.py                 # write docs/ecosystem.md
    python tools/ecosystem_page.py --check         # exit 1 if the page is not up to date
    python tools/ecosystem_page.py --run NAME...   # re-run those implementations' reports

Inputs: `ecosystem/implementations.toml`, the one hand-written input (each implementation's
name, label, target and declared-divergences file), and `ecosystem/reports/<name>.json`,
the report `--run` makes of each with
`callback-conformance run TARGET --profile quick [--divergences FILE] --json ...`, in
an environment that has the implementation installed (its tox env). Every verdict, every
difference and every witness on the page comes from those reports.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: `__main__` puts the repository on sys.path first
    from conformance.reports.model import Clause, Report

ROOT = Path(__file__).resolve().parent.parent
IMPLEMENTATIONS = ROOT / "ecosystem" / "implementations.toml"
REPORTS = ROOT / "ecosystem" / "reports"
PAGE = ROOT / "docs" / "ecosystem.md"
PROFILE = "quick"
MARKS = {
    "pass": "✓",
    "fail": "✗",
    "divergent": "divergent",
    "stale": "stale",
    "unsupported": "unsupported",
    "not-run": "–",
}


@dataclass(frozen=True)
class Implementation:
    """One implementation the page shows, as `ecosystem/implementations.toml` declares it."""

    name: str  # its report is ecosystem/reports/<name>.json
    label: str  # the column heading
    target: str  # what `callback-conformance run` is given
    divergences: str | None  # its declared-divergences file, relative to the repository
    environment: str  # where its report is made: the tox env, or the test environment

    def command(self, json_path: str) -> list[str]:
        """The run that makes its report at `json_path`."""
        command = ["callback-conformance", "run", self.target, "--profile", PROFILE]
        if self.divergences:
            command += ["--divergences", self.divergences]
        return [*command, "--json", json_path]


def load_implementations(path: Path = IMPLEMENTATIONS) -> list[Implementation]:
    with path.open("rb") as source:
        entries = tomllib.load(source)["implementation"]
    return [
        Implementation(
            name=entry["name"],
            label=entry["label"],
            target=entry["target"],
            divergences=entry.get("divergences"),
            environment=entry["environment"],
        )
        for entry in entries
    ]


def load_report(implementation: Implementation, reports: Path = REPORTS) -> Report:
    from conformance.reports import load

    return load(str(reports / f"{implementation.name}.json"))


def _clause_link(clause_id: str) -> str:
    from conformance.clauses import clause

    return f"[`{clause_id}`]({clause(clause_id).anchor})"


def _cell(clause: Clause | None) -> str:
    return "·" if clause is None else MARKS[clause.verdict]


def _summary_table(implementations: list[Implementation], reports: list[Report]) -> list[str]:
    lines = [
        "| implementation | version | compares in | pass | divergent | unsupported | not-run"
        " | fail |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for implementation, report in zip(implementations, reports, strict=True):
        summary = report.summary
        failing = summary.count("fail") + summary.count("stale")
        lines.append(
            f"| [{implementation.label}](#{implementation.name}) | {report.target.version}"
            f" | {report.target.precision or '–'} | {summary.count('pass')}"
            f" | {summary.count('divergent')} | {summary.count('unsupported')}"
            f" | {summary.count('not-run')} | {failing} |"
        )
    return lines


def _matrix(implementations: list[Implementation], reports: list[Report]) -> list[str]:
    from conformance.clauses import CLAUSES

    by_id = [{clause.id: clause for clause in report.clauses} for report in reports]
    heading = " | ".join(implementation.label for implementation in implementations)
    lines = [f"| clause | {heading} |", "|---" * (len(implementations) + 1) + "|"]
    for clause in CLAUSES:
        cells = " | ".join(_cell(clauses.get(clause.id)) for clauses in by_id)
        lines.append(f"| {_clause_link(clause.id)} | {cells} |")
    return lines


def _coming_from_keras(implementation: Implementation, report: Report) -> list[str]:
    """What behaves differently, what it cannot express and what it lacks, in the
    report's words, each difference with its witness."""
    lines = ["", f"## {implementation.label} {{#{implementation.name}}}", ""]
    command = " ".join(implementation.command(f"ecosystem/reports/{implementation.name}.json"))
    lines += [
        f"Checked with `{command}` ({implementation.environment}).",
        "",
        "### Coming from Keras",
        "",
    ]
    if report.target.precision:
        lines += [
            f"- It compares monitored values in {report.target.precision}, as its adapter"
            " declares ([`monitor.precision`](monitor.md#monitor.precision): Keras 3.15.1"
            " compares in float32 on jax, TensorFlow and torch, and in float64 on numpy);"
            " the reference was run the same way.",
        ]
    divergent = [clause for clause in report.clauses if clause.verdict == "divergent"]
    if not divergent:
        lines.append("- No clause it can express behaves differently from Keras 3.15.1.")
    for clause in divergent:
        assert clause.divergence is not None
        divergence = clause.divergence
        lines += [
            f"- {_clause_link(clause.id)} ({divergence.kind}): {divergence.reason}"
            f" [source]({divergence.link})",
        ]
        if clause.counterexample is not None:
            lines += [
                "",
                '    <details markdown="1">',
                "    <summary>witness: Keras's outcome against theirs</summary>",
                "",
                "    ```text",
                *(f"    {line}".rstrip() for line in clause.counterexample.table.splitlines()),
                "    ```",
                "",
                "    </details>",
            ]
    if report.target.unsupported:
        lines += ["", "It cannot express:", ""]
        lines += [f"- {declaration}" for declaration in report.target.unsupported]
    absent = {
        clause.reason
        for clause in report.clauses
        if clause.verdict == "not-run" and clause.reason.endswith("absent from the target")
    }
    if absent:
        lines += ["", "It lacks: " + "; ".join(sorted(absent)) + "."]
    return lines


def render(implementations: list[Implementation], reports: list[Report]) -> str:
    lines = [
        "<!-- Generated by tools/ecosystem_page.py from ecosystem/: do not edit. -->",
        "",
        "# Keras's callbacks elsewhere",
        "",
        "Other frameworks re-implement Keras's EarlyStopping, LearningRateScheduler,"
        " ModelCheckpoint and TensorBoard. Each row below is one of them checked against"
        " the specification (Keras 3.15.1) with this suite, at the"
        f" `{PROFILE}` profile, through an adapter shipped in this repository. A difference"
        " the framework is known to have is declared, with the framework's source line and"
        " a witness, and shows as *divergent*; a configuration it cannot express is"
        " *unsupported*; a callback it does not have is *not-run* (–). A failure (✗) would"
        " be a difference nobody has declared yet.",
        "",
        "Regenerate the reports with `python tools/ecosystem_page.py --run NAME`, each in"
        " an environment that has the implementation installed, and this page with"
        " `python tools/ecosystem_page.py`; `tests/site/test_ecosystem_page.py` fails when"
        " the page is stale, or a report is older than the clauses.",
        "",
        *_summary_table(implementations, reports),
        "",
        "## Clause by clause",
        "",
        *_matrix(implementations, reports),
    ]
    for implementation, report in zip(implementations, reports, strict=True):
        lines += _coming_from_keras(implementation, report)
    return "\n".join(lines) + "\n"


def build(implementations_path: Path = IMPLEMENTATIONS, reports: Path = REPORTS) -> str:
    implementations = load_implementations(implementations_path)
    return render(implementations, [load_report(i, reports) for i in implementations])


def run(implementation: Implementation) -> int:
    """Make `implementation`'s report with the suite installed beside this script."""
    json_path = str(REPORTS / f"{implementation.name}.json")
    command = implementation.command(json_path)
    executable = [sys.executable, "-m", "conformance", *command[1:]]
    return subprocess.run(executable, cwd=ROOT).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is stale")
    parser.add_argument("--run", nargs="+", metavar="NAME", help="re-run these reports first")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    implementations = {i.name: i for i in load_implementations()}
    for name in args.run or ():
        if name not in implementations:
            known = ", ".join(implementations)
            parser.error(f"--run: unknown implementation {name!r}: one of {known}")
        if run(implementations[name]) not in (0, 1):
            return 2
    page = build()
    if args.check:
        current = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
        if current != page:
            print(f"{PAGE.relative_to(ROOT)} is stale: python tools/ecosystem_page.py")
            return 1
        return 0
    PAGE.write_text(page, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

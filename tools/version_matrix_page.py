"""Regenerate `docs/keras-versions.md`, "Behaviour across Keras versions", from the
version matrix's reports (never edit the page by hand).

    python tools/version_matrix_page.py           # write docs/keras-versions.md
    python tools/version_matrix_page.py --check   # exit 1 if the page is not up to date

Inputs: `matrix/reports/*.json` (the suite's JSON reports, one per environment of
`tox -m matrix`), `matrix/fit-loop/*.json` (each Keras's own `fit` judged per `fit.*`
clause by `callback-conformance fit-loop`: their verdicts replace the report's, which are
`not-run` since the suite simulates the loop), `matrix/environments/*.json` (what ran
each: packages, backend, time) and `matrix/changes.toml`, the one hand-written input:
the behaviour changes behind the differences, each a one-line description for users,
the clauses it makes differ and the versions it applies to. The page's prose comes from
those entries; which clauses differ, where, and the witness counterexamples come from
the reports. A difference no entry explains, or an entry the reports do not bear out,
is listed on the page as such (and `tests/site/test_version_matrix_page.py` fails on
either).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: `__main__` puts the repository on sys.path first
    from conformance.reports.model import Clause, Counterexample, Report

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "matrix" / "reports"
ENVIRONMENTS = ROOT / "matrix" / "environments"
FIT_LOOPS = ROOT / "matrix" / "fit-loop"
CHANGES = ROOT / "matrix" / "changes.toml"
PAGE = ROOT / "docs" / "keras-versions.md"
BASELINE = "3.15.1"  # the version the specification (and so the reference) is
# The adaptations matrix/run_env.py can make (matrix/README.md), and their footnote marks.
SHIMS = {"variable_float_shim": "¹", "weight_jax_array_shim": "²", "weight_names_shim": "³"}
LONGEST_LINE = 300  # a witness table's longer lines (histogram values) are cut here
MARKS = {
    "pass": "✓",
    "fail": "✗",
    "not-run": "–",
    "divergent": "divergent",
    "stale": "stale",
    "absent": "·",  # the report predates the clause
}


@dataclass
class Run:
    """One environment's report: the Keras it ran and its verdicts."""

    name: str  # the report's file name without .json
    label: str  # the column heading: "3.0.5", "nightly", "tf-keras 2.21.0"
    kind: str  # "keras", "nightly" or "tf_keras"
    report: Report
    environment: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return str(self.report.target.version)

    @property
    def clauses(self) -> dict[str, Clause]:
        return {clause.id: clause for clause in self.report.clauses}

    def verdict(self, clause_id: str) -> str:
        clause = self.clauses.get(clause_id)
        return "absent" if clause is None else clause.verdict


@dataclass
class Change:
    """A behaviour change, as matrix/changes.toml describes it."""

    summary: str
    clauses: list[str]
    runs: list[str]  # the labels of the runs that have the old (or other) behaviour
    source: str = ""
    # a clause the change shows in only some of its runs: those runs (`clause_runs`)
    clause_runs: dict[str, list[str]] = field(default_factory=dict)

    def runs_of(self, clause: str) -> list[str]:
        """The runs where the change makes `clause` differ."""
        return self.clause_runs.get(clause, self.runs)

    def clauses_in(self, label: str) -> list[str]:
        """The clauses the change makes differ in the run `label`."""
        return [clause for clause in self.clauses if label in self.runs_of(clause)]


def version_key(version: str) -> tuple[int, ...]:
    """`3.16.0.dev2026102704` -> (3, 16, 0, 2026102704); releases sort after their devs."""
    numbers = [int(n) for n in re.findall(r"\d+", version)]
    release, rest = numbers[:3], numbers[3:]
    return (*release, *(rest or [sys.maxsize]))


def with_fit_loop(report: Report, path: Path) -> Report:
    """`report` with its `fit.*` verdicts replaced by those of the fit-loop file at
    `path` (if there is one): a failing clause's witness is the run shape, with the two
    records' difference as its table."""
    from conformance.reports.model import Counterexample

    if not path.exists():
        return report
    judged = {entry["clause"]: entry for entry in json.loads(path.read_text())["clauses"]}
    clauses = []
    for clause in report.clauses:
        entry = judged.get(clause.id)
        if entry is not None:
            witness = entry["witness"]
            clause = clause.model_copy(
                update={
                    "verdict": entry["verdict"],
                    "examples": entry["shapes"],
                    "reason": entry["reason"] or "the installed Keras's fit, recorded",
                    "counterexample": None
                    if witness is None
                    else Counterexample.model_construct(
                        property="fit-loop",
                        scenario=witness,
                        target={},
                        reference=None,
                        reason=f"{entry['reason']}, in the run shape {_shape(witness)}",
                        table=entry["records"],
                    ),
                }
            )
        clauses.append(clause)
    return report.model_copy(update={"clauses": clauses})


def _shape(witness: dict[str, Any]) -> str:
    """A run shape in words: only what differs from a one-epoch, one-batch run."""
    plain: dict[str, Any] = {
        "epochs": 1,
        "initial_epoch": 0,
        "batches": 1,
        "steps_per_execution": 1,
        "validation": False,
        "validation_freq": 1,
        "validation_batches": 1,
        "stop_at": None,
        "raise_at": None,
        "mutators": [],
        "two_fits": False,
    }
    shown = [f"{key}={value}" for key, value in witness.items() if plain.get(key) != value]
    return "fit(" + ", ".join(shown or ["epochs=1"]) + ")"


def load_runs(
    reports: Path = REPORTS, environments: Path = ENVIRONMENTS, fit_loops: Path = FIT_LOOPS
) -> list[Run]:
    """The reports in page order: keras-core (the preview), Keras releases by version,
    then nightly, then tf-keras."""
    from conformance.reports import ReportError, load

    runs = []
    for path in sorted(reports.glob("*.json")):
        try:
            report = with_fit_loop(load(str(path)), fit_loops / path.name)
        except ReportError as error:
            raise SystemExit(str(error)) from None
        environment_path = environments / path.name
        environment = (
            json.loads(environment_path.read_text(encoding="utf-8"))
            if environment_path.exists()
            else {}
        )
        spec, version = report.target.spec, str(report.target.version)
        if spec == "tf_keras" or path.stem.startswith("tf-keras"):
            kind, label = "tf_keras", f"tf-keras {version}"
        elif path.stem.startswith("keras-core"):
            kind, label = "keras_core", f"keras-core {version}"
        elif "nightly" in path.stem:
            kind, label = "nightly", "nightly"
        else:
            kind, label = "keras", version
        runs.append(Run(path.stem, label, kind, report, environment))
    order = {"keras_core": 0, "keras": 1, "nightly": 2, "tf_keras": 3}
    return sorted(runs, key=lambda run: (order[run.kind], version_key(run.version)))


def _expand(spec: Any, labels: list[str]) -> list[str]:
    """`runs` of an entry: a list of labels, or {first, last}: the releases between them,
    both included (the nightly and tf-keras are named in lists)."""
    if isinstance(spec, list):
        return [str(label) for label in spec]
    low, high = version_key(spec["first"]), version_key(spec["last"])
    return [
        label
        for label in labels
        if re.fullmatch(r"\d+\.\d+\.\d+", label) and low <= version_key(label) <= high
    ]


def load_changes(runs: list[Run], path: Path = CHANGES) -> list[Change]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    labels = [run.label for run in runs]
    return [
        Change(
            summary=entry["summary"],
            clauses=list(entry["clauses"]),
            runs=_expand(entry["runs"], labels),
            source=entry.get("source", ""),
            clause_runs={
                clause: _expand(spec, labels)
                for clause, spec in entry.get("clause_runs", {}).items()
            },
        )
        for entry in data.get("change", [])
    ]


def baseline(runs: list[Run]) -> Run:
    for run in runs:
        if run.kind == "keras" and run.version == BASELINE:
            return run
    raise SystemExit(f"no report of Keras {BASELINE} in {REPORTS}")


def differences(run: Run, base: Run) -> list[str]:
    """The clauses whose verdict in `run` differs from the baseline's, in registry order
    (not those the run's report predates, nor those not run there: it has no verdict for
    them, as tf-keras and keras-core have none for the fit loop, keras-core none for
    TensorBoard without TensorFlow)."""
    return [c for c in base.clauses if run.verdict(c) not in (base.verdict(c), "absent", "not-run")]


def declared(run: Run) -> dict[str, str]:
    """The run's divergent clauses, each with its declaration in words (a run made with
    `--divergences`, as keras-core's: what it explains needs no matrix/changes.toml entry)."""
    return {
        clause.id: f"{clause.divergence.reason} ([source]({clause.divergence.link}))"
        for clause in run.report.clauses
        if clause.verdict == "divergent" and clause.divergence is not None
    }


@dataclass
class Audit:
    """How the changes file and the reports agree."""

    unexplained: dict[str, list[str]]  # run label -> differing clauses no change names
    unfounded: list[tuple[Change, str, str]]  # (change, run, clause) not differing


def audit(runs: list[Run], changes: list[Change]) -> Audit:
    base = baseline(runs)
    by_label = {run.label: run for run in runs}
    unexplained: dict[str, list[str]] = {}
    for run in runs:
        named = {c for change in changes for c in change.clauses_in(run.label)}
        named |= set(declared(run))
        missing = [c for c in differences(run, base) if c not in named]
        if missing:
            unexplained[run.label] = missing
    unfounded = []
    for change in changes:
        for clause in change.clauses:
            for label in change.runs_of(clause):
                found = by_label.get(label)
                if found is None or clause not in differences(found, base):
                    unfounded.append((change, label, clause))
    return Audit(unexplained, unfounded)


# --- rendering ------------------------------------------------------------------------------


def _anchor(clause_id: str) -> str | None:
    """The clause's docs entry (`page.md#id`), from the registry, if it knows the clause."""
    try:
        from conformance.clauses import clause
    except ImportError:  # pragma: no cover - the page is built from the repository
        return None
    try:
        return clause(clause_id).anchor
    except (KeyError, LookupError, ValueError):
        return None


def _clause_link(clause_id: str) -> str:
    anchor = _anchor(clause_id)
    return f"[`{clause_id}`]({anchor})" if anchor else f"`{clause_id}`"


def _short(label: str) -> str:
    match = re.fullmatch(r"(\d+\.\d+)\.\d+", label)
    return match.group(1) if match else label


def _package(run: Run, *names: str) -> str:
    packages = run.environment.get("packages", {})
    for name in names:
        if name in packages:
            return str(packages[name])
    return "–"


def _environments_table(runs: list[Run]) -> list[str]:
    lines = [
        "| Keras | backend | jax | TensorFlow | numpy | pass | fail | not-run | seconds |",
        "| --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        summary = run.report.summary
        shims = "".join(mark for key, mark in SHIMS.items() if run.environment.get(key))
        lines.append(
            f"| {run.label}{' ' + shims if shims else ''}"
            f" | {run.report.target.backend or '–'}"
            f" | {_package(run, 'jax')} | {_package(run, 'tensorflow-cpu', 'tensorflow')}"
            f" | {_package(run, 'numpy')} | {summary.passed} | {summary.fail}"
            f" | {summary.not_run} | {run.environment.get('seconds', '–')} |"
        )
    return lines


def _matrix_table(runs: list[Run]) -> tuple[list[str], list[str]]:
    """The clause × run table, and the clauses not run anywhere (left out of it)."""
    base = baseline(runs)
    ids = list(base.clauses)
    never = [c for c in ids if all(run.verdict(c) == "not-run" for run in runs)]
    header = "| clause | " + " | ".join(_short(run.label) for run in runs) + " |"
    lines = [header, "| --- |" + " :-: |" * len(runs)]
    callback = None
    for clause_id in ids:
        if clause_id in never:
            continue
        owner = base.clauses[clause_id].callback
        if owner != callback:
            callback = owner
            lines.append(f"| **{owner}** |" + " |" * len(runs))
        cells = " | ".join(
            MARKS.get(run.verdict(clause_id), run.verdict(clause_id)) for run in runs
        )
        lines.append(f"| {_clause_link(clause_id)} | {cells} |")
    return lines, never


def _witnesses(run: Run, clause_ids: list[str], seen: dict[str, str]) -> list[str]:
    """The counterexamples of `run`'s failing clauses among `clause_ids`, one block per
    failing property (its clauses share it); a property that failed with the same first
    difference under a version shown before says where."""
    groups: dict[str, list[str]] = {}
    details: dict[str, Counterexample] = {}
    others = []
    for clause_id in clause_ids:
        clause = run.clauses.get(clause_id)
        if clause is None or clause.counterexample is None:
            if clause is not None and clause.verdict != "pass":
                others.append(f"`{clause_id}`: {clause.verdict} ({clause.reason})")
            continue
        counterexample = clause.counterexample
        # The same property failing with the same first difference: shown once.
        key = counterexample.property + "\n" + counterexample.reason
        groups.setdefault(key, []).append(clause_id)
        details[key] = counterexample
    lines = []
    for key, members in groups.items():
        counterexample = details[key]
        if key in seen:
            lines.append(
                f"- `{counterexample.property}` fails ({len(members)} clauses): the same"
                f" difference as under {seen[key]} (its witness there)."
            )
            continue
        names = ", ".join(f"`{m}`" for m in members)
        title = f"{run.label}: `{counterexample.property}` fails ({names})"
        seen[key] = run.label
        lines += [
            "",
            '<details markdown="1">',
            f"<summary>{_html(title)}</summary>",
            "",
            "```text",
            _cut(counterexample.reason),
            "",
            *(_cut(line) for line in counterexample.table.splitlines()),
            "```",
            "",
            "</details>",
            "",
        ]
    lines += [f"- {line}" for line in others]
    return lines


def _cut(line: str) -> str:
    return line if len(line) <= LONGEST_LINE else line[:LONGEST_LINE] + " …"


def _html(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"`([^`]*)`", r"<code>\1</code>", text)


def _change_lines(change: Change, clause_ids: list[str], links: bool = True) -> list[str]:
    """The change as a bullet: its summary, its source, its clauses (linked to their docs
    entries), or only how many of them differ."""
    named = [c for c in change.clauses if c in clause_ids]
    source = f" ({change.source})" if change.source else ""
    if not links:
        return [f"- {change.summary} ({len(named)} clause{'s' * (len(named) != 1)})"]
    clauses = ", ".join(_clause_link(c) for c in named)
    return [f"- {change.summary}{source} Clauses: {clauses}."]


def render(runs: list[Run], changes: list[Change]) -> str:
    base = baseline(runs)
    findings = audit(runs, changes)
    keras_runs = [run for run in runs if run.kind in ("keras", "nightly")]  # releases in turn
    commands = sorted({str(run.environment.get("command", "")) for run in runs} - {""})
    command = (
        re.sub(r"reports/[^ ]+\.json", "reports/NAME.json", commands[0])
        if commands
        else "callback-conformance run keras --profile quick --json matrix/reports/NAME.json"
    )
    seeds = sorted({str(run.report.seed) for run in runs})
    seeding = "no seed: derandomized" if seeds == ["None"] else f"seed {', '.join(seeds)}"
    out = [
        "# Behaviour across Keras versions",
        "",
        "<!-- Generated by tools/version_matrix_page.py from matrix/reports/, "
        "matrix/fit-loop/, matrix/environments/ and matrix/changes.toml: do not edit by"
        " hand. -->",
        "",
        f"The suite's `keras` target checked against the specification (Keras {BASELINE}'s"
        " behaviour) under the latest patch of every Keras 3 minor release, the newest"
        " `keras-nightly`, `tf-keras` (Keras 2) and keras-core 0.1.7 (the preview of Keras 3,"
        " with its declared divergences). A clause that fails under a version is a"
        f" behaviour in which that version differs from {BASELINE}; below the matrix, each"
        " difference is described for users, release by release and version by version, with"
        " the smallest run the suite found that shows it. The `fit.*` rows are each"
        " version's own `fit`, recorded hook by hook (`callback-conformance fit-loop`):"
        " what every callback is given, whatever the callback.",
        "",
        f"Each report is `{command}` in its own environment (`tox -m matrix`; {seeding}),"
        " so a rerun draws the same scenarios and gives the same verdicts (a witness can"
        " shrink further on a less loaded machine)."
        " How the environments were chosen, and the Keras source behind each change:"
        " `matrix/README.md`.",
        "",
        "## Environments",
        "",
        *_environments_table(runs),
        "",
    ]
    notes = {
        "variable_float_shim": "¹ Keras's variables given the `__float__` that Keras 3.5 added:"
        " the suite's simulated fit reads the learning rate with `float()`, Keras's callbacks"
        " never do.",
        "weight_jax_array_shim": "² The simulated weights given `__jax_array__`, as real"
        " variables have: these versions' jax `ops.squeeze` does not convert its argument.",
        "weight_names_shim": "³ The simulated weights given the `name` real variables have"
        " (Keras before 3.14 and tf-keras tag histograms by it).",
    }
    used = [note for key, note in notes.items() if any(run.environment.get(key) for run in runs)]
    if used:
        out += [
            "Adaptations of the simulated model, so that it has what a real one has"
            " (`matrix/README.md`):",
            "",
            *[f"- {note}" for note in used],
            "",
        ]
    table, never = _matrix_table(runs)
    out += [
        "## The matrix",
        "",
        "✓ pass, ✗ fail, – not run there (TensorBoard in keras-core's environment, which"
        " has no TensorFlow; the fit loop of tf-keras and keras-core, which is not"
        " `keras.Model.fit`): no verdict, so not a difference. divergent: a difference"
        " keras-core declares, with its witness replayed. A ✗ is a difference from Keras "
        + BASELINE
        + " that the suite found, blamed on the rule that differs (docs/verdicts.md): one"
        " behaviour change can still mark a few clauses, where it breaks each one's rule.",
        "",
        *table,
        "",
    ]
    if never:
        out += [
            f"Not run under any version ({len(never)} clauses): out of scope, or not"
            " exercised by the fit loop's recorded runs (`docs/fit.md`) — "
            + ", ".join(f"`{c}`" for c in never)
            + ".",
            "",
        ]
    out += ["## Release by release", ""]
    seen: dict[str, str] = {}
    for before, after in zip(keras_runs, keras_runs[1:], strict=False):
        changed = [
            c
            for c in base.clauses
            if before.verdict(c) != after.verdict(c)
            and "absent" not in (before.verdict(c), after.verdict(c))
        ]
        ended = [ch for ch in changes if before.label in ch.runs and after.label not in ch.runs]
        started = [ch for ch in changes if after.label in ch.runs and before.label not in ch.runs]
        if not (changed or ended or started):
            continue
        out += [f"### {before.label} → {after.label}", ""]
        if ended:
            out += [f"What {after.label} does as {BASELINE} does, and {before.label} did not:", ""]
            out += [line for change in ended for line in _change_lines(change, change.clauses)]
            out.append("")
        if started:
            out += [
                f"What {after.label} does differently from {BASELINE}, and {before.label} did not:",
                "",
            ]
            out += [line for change in started for line in _change_lines(change, change.clauses)]
            out.append("")
        if changed:
            verdicts = ", ".join(f"`{c}` {before.verdict(c)} → {after.verdict(c)}" for c in changed)
            out += [f"Verdicts that change: {verdicts}.", ""]
            failing = [
                run for run in (before, after) if any(run.verdict(c) == "fail" for c in changed)
            ]
            for run in failing:
                out += _witnesses(run, [c for c in changed if run.verdict(c) == "fail"], seen)
            out.append("")
    out += ["## Version by version, against " + BASELINE, ""]
    for run in runs:
        if run is base:
            continue
        differing = differences(run, base)
        out += [f"### {run.label}", ""]
        if not differing:
            out += [f"Every clause has {BASELINE}'s verdict.", ""]
            continue
        applying = [ch for ch in changes if ch.clauses_in(run.label)]
        out += [f"{len(differing)} clauses differ from {BASELINE}. What changed for users:", ""]
        for change in applying:
            out += _change_lines(change, differing, links=False)
        for clause_id, words in declared(run).items():
            out.append(f"- `{clause_id}` (a declared divergence, its witness replayed): {words}")
        missing = findings.unexplained.get(run.label, [])
        if missing:
            out.append(
                "- Not yet explained in `matrix/changes.toml`: "
                + ", ".join(f"`{c}`" for c in missing)
                + "."
            )
        out += ["", "Witnesses:", ""]
        out += _witnesses(run, differing, seen)
        out.append("")
    if findings.unfounded:
        out += ["## Entries the reports do not bear out", ""]
        for change, label, clause_id in findings.unfounded:
            out.append(f"- {label}, `{clause_id}`: {change.summary}")
        out.append("")
    return "\n".join(_tidy(out)).rstrip() + "\n"


def _tidy(lines: list[str]) -> list[str]:
    """No runs of blank lines."""
    tidy: list[str] = []
    for line in lines:
        if line == "" and tidy and tidy[-1] == "":
            continue
        tidy.append(line)
    return tidy


def build(
    reports: Path = REPORTS,
    environments: Path = ENVIRONMENTS,
    changes: Path = CHANGES,
    fit_loops: Path = FIT_LOOPS,
) -> str:
    runs = load_runs(reports, environments, fit_loops)
    return render(runs, load_changes(runs, changes))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the page is current")
    parser.add_argument("--out", type=Path, default=PAGE)
    args = parser.parse_args(argv)
    page = build()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != page:
            print(
                f"{args.out} is out of date: python tools/version_matrix_page.py", file=sys.stderr
            )
            return 1
        return 0
    args.out.write_text(page, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    sys.exit(main())

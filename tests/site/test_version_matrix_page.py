"""The Keras version matrix's page: `docs/keras-versions.md` is exactly what
`tools/version_matrix_page.py` makes of the committed reports and `matrix/changes.toml`,
every difference in the reports is explained there, and every explanation is borne out."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from conformance.fit_loop.record import Shape
from conformance.reports import check
from conformance.reports.model import VERDICTS
from tools import version_matrix_page as page


def test_the_committed_page_is_the_scripts_output() -> None:
    assert page.PAGE.read_text(encoding="utf-8") == page.build(), (
        "docs/keras-versions.md is out of date: python tools/version_matrix_page.py"
    )


def test_every_version_of_the_matrix_has_a_report() -> None:
    labels = [run.label for run in page.load_runs()]
    minors = {label.rsplit(".", 1)[0] for label in labels if label[0].isdigit()}
    assert minors == {f"3.{minor}" for minor in range(16)}
    assert "nightly" in labels and any(label.startswith("tf-keras") for label in labels)


def test_every_report_is_newer_than_the_clause_registry() -> None:
    """A report made before a clause was added would show it as "·" (no verdict): it is
    stale, and its environment must run again."""
    from conformance.clauses import CLAUSES

    registry = {clause.id for clause in CLAUSES}
    stale = {
        run.name: sorted(registry - set(run.clauses))
        for run in page.load_runs()
        if registry - set(run.clauses)
    }
    assert stale == {}, f"reports older than the clause registry (run their tox env again): {stale}"


def test_the_changes_file_explains_every_difference_and_claims_no_other() -> None:
    runs = page.load_runs()
    findings = page.audit(runs, page.load_changes(runs))
    assert findings.unexplained == {}
    assert [(label, clause) for _, label, clause in findings.unfounded] == []


def test_the_baseline_passes_every_clause_it_runs() -> None:
    base = page.baseline(page.load_runs())
    assert {clause.verdict for clause in base.report.clauses} <= {"pass", "not-run"}


# --- the script on made-up reports ----------------------------------------------------------


def _report(version: str, verdicts: dict[str, str], spec: str = "keras") -> dict[str, Any]:
    clauses = []
    for clause_id, verdict in verdicts.items():
        counterexample = None
        if verdict == "fail":
            counterexample = {
                "property": f"prop-of-{clause_id}",
                "scenario": {},
                "target": {},
                "reference": None,
                "reason": f"{clause_id} differs",
                "table": f"table of {clause_id}",
            }
        clauses.append(
            {
                "id": clause_id,
                "callback": "EarlyStopping",
                "level": "core",
                "verdict": verdict,
                "examples": 25,
                "reason": "" if verdict == "pass" else "why",
                "counterexample": counterexample,
            }
        )
    summary = {v: sum(1 for c in clauses if c["verdict"] == v) for v in VERDICTS}
    return {
        "schema": "callback-conformance/report/1",
        "suite": {"version": "0"},
        "target": {"spec": spec, "module": spec, "version": version, "backend": "jax"},
        "profile": "quick",
        "seed": None,
        "clauses": clauses,
        "summary": summary,
    }


A, B = "early_stopping.patience.zero-is-one", "early_stopping.baseline.not-initial-best"


@pytest.fixture
def matrix(tmp_path: Path) -> Path:
    reports = tmp_path / "reports"
    reports.mkdir()
    for name, report in {
        "keras-3.9.2": _report("3.9.2", {A: "fail", B: "fail"}),
        "keras-3.10.0": _report("3.10.0", {A: "fail", B: "pass"}),
        "keras-3.15.1": _report("3.15.1", {A: "pass", B: "pass"}),
        "keras-nightly": _report("3.16.0.dev2026102704", {A: "pass", B: "fail"}),
    }.items():
        (reports / f"{name}.json").write_text(json.dumps(report))
    (tmp_path / "environments").mkdir()
    return tmp_path


def _changes(directory: Path, text: str) -> Path:
    path = directory / "changes.toml"
    path.write_text(text)
    return path


def test_runs_are_ordered_by_version_with_the_nightly_last(matrix: Path) -> None:
    runs = page.load_runs(matrix / "reports", matrix / "environments")
    assert [run.label for run in runs] == ["3.9.2", "3.10.0", "3.15.1", "nightly"]
    assert page.version_key("3.16.0.dev2026102704") > page.version_key("3.15.1")
    assert page.version_key("3.16.0.dev1") < page.version_key("3.16.0")


def test_the_page_shows_each_change_its_prose_and_its_witness(matrix: Path) -> None:
    changes = _changes(
        matrix,
        f"""
[[change]]
summary = "OLD-A: patience counted differently."
clauses = ["{A}"]
runs = {{ first = "3.9.2", last = "3.10.0" }}

[[change]]
summary = "OLD-B: baseline was the initial best."
clauses = ["{B}"]
runs = ["3.9.2"]

[[change]]
summary = "NEW-B: the nightly went back."
clauses = ["{B}"]
runs = ["nightly"]
""",
    )
    text = page.build(matrix / "reports", matrix / "environments", changes)
    release = text.split("## Release by release")[1].split("## Version by version")[0]
    assert "### 3.9.2 → 3.10.0" in release and "OLD-B" in release
    assert "### 3.10.0 → 3.15.1" in release and "OLD-A" in release
    assert "### 3.15.1 → nightly" in release and "NEW-B" in release
    assert f"table of {B}" in release  # the witness of the failing side
    versions = text.split("## Version by version")[1]
    assert versions.count("OLD-A") == 2 and "not yet explained" not in versions.lower()
    assert "the same difference as under 3.9.2" in versions  # A's, shown once
    runs = page.load_runs(matrix / "reports", matrix / "environments")
    findings = page.audit(runs, page.load_changes(runs, changes))
    assert findings.unexplained == {} and findings.unfounded == []


def test_unexplained_and_unfounded_entries_are_reported(matrix: Path) -> None:
    changes = _changes(
        matrix,
        f"""
[[change]]
summary = "CLAIM: A differs under the nightly."
clauses = ["{A}"]
runs = ["nightly"]
""",
    )
    runs = page.load_runs(matrix / "reports", matrix / "environments")
    findings = page.audit(runs, page.load_changes(runs, changes))
    assert findings.unexplained == {"3.9.2": [A, B], "3.10.0": [A], "nightly": [B]}
    assert [(label, clause) for _, label, clause in findings.unfounded] == [("nightly", A)]
    text = page.build(matrix / "reports", matrix / "environments", changes)
    assert "Not yet explained" in text and "## Entries the reports do not bear out" in text


def test_a_verdict_is_a_difference_and_no_verdict_is_none(matrix: Path) -> None:
    """Failing where the baseline passes is a difference; not run there (TensorBoard
    without TensorFlow, the fit loop of tf-keras) is no verdict, so none."""
    runs = page.load_runs(matrix / "reports", matrix / "environments")
    base = page.baseline(runs)
    data = base.report.data()
    data["clauses"][0]["verdict"] = "fail"
    data["clauses"][1]["verdict"] = "not-run"
    other = dataclasses.replace(base, report=check(data))
    assert page.differences(other, base) == [A]


FIT = "fit.steps-per-execution.batch-indices"


def test_the_fit_loop_verdicts_take_the_place_of_the_reports(matrix: Path) -> None:
    """A version's fit-loop file (`callback-conformance fit-loop --json`) gives its `fit.*`
    rows their verdicts, and a failing one its witness: the shape and the two records."""
    for name in ("keras-3.9.2", "keras-3.10.0", "keras-3.15.1", "keras-nightly"):
        path = matrix / "reports" / f"{name}.json"
        report = json.loads(path.read_text())
        report["clauses"].append({**report["clauses"][0], "id": FIT, "verdict": "not-run",
                                  "counterexample": None, "callback": "fit"})  # fmt: skip
        path.write_text(json.dumps(report))
    loops = matrix / "fit-loop"
    loops.mkdir()
    witness = dataclasses.asdict(Shape(steps_per_execution=2))
    fail = {"clause": FIT, "verdict": "fail", "shapes": 33, "reason": "indices differ",
            "witness": witness, "records": "-fit0 first  on_train_batch_end(0)"}  # fmt: skip
    (loops / "keras-3.9.2.json").write_text(json.dumps({"clauses": [fail]}))
    passing = {**fail, "verdict": "pass", "reason": "", "witness": None, "records": ""}
    (loops / "keras-3.15.1.json").write_text(json.dumps({"clauses": [passing]}))
    runs = page.load_runs(matrix / "reports", matrix / "environments", loops)
    assert [run.verdict(FIT) for run in runs] == ["fail", "not-run", "pass", "not-run"]
    text = page.build(matrix / "reports", matrix / "environments", _changes(matrix, ""), loops)
    assert "fit(steps_per_execution=2)" in text and "on_train_batch_end(0)" in text


def test_a_preview_run_with_declared_divergences_needs_no_change_entry(matrix: Path) -> None:
    """keras-core runs with its divergences file: a divergent clause is explained by its
    declaration, whose reason and source the page gives; it is shown first, and left out
    of the release-by-release story."""
    report = _report("0.1.7", {A: "divergent", B: "pass"}, spec="conformance.adapters.keras_core")
    report["clauses"][0]["divergence"] = {
        "target": "conformance.adapters.keras_core",
        "versions": "==0.1.7",
        "kind": "intentional",
        "reason": "PREVIEW-A: patience as Keras 2 counted it.",
        "link": "https://example.org/keras-core#L1",
        "witness": ["w.json"],
    }
    (matrix / "reports" / "keras-core-0.1.7.json").write_text(json.dumps(report))
    runs = page.load_runs(matrix / "reports", matrix / "environments")
    assert runs[0].label == "keras-core 0.1.7"
    changes = _changes(matrix, "")
    findings = page.audit(runs, page.load_changes(runs, changes))
    assert "keras-core 0.1.7" not in findings.unexplained
    text = page.build(matrix / "reports", matrix / "environments", changes)
    versions = text.split("## Version by version")[1]
    assert "PREVIEW-A" in versions and "https://example.org/keras-core#L1" in versions
    assert "keras-core" not in text.split("## Release by release")[1].split("## Version by")[0]

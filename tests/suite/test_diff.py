"""`conformance.diff`: two reports compared clause by clause. On real reports of the
version matrix (matrix/reports: the suite, default profile, derandomized, against each Keras
version), every clause whose verdict differs is listed, and nothing else changes; on
hand-edited copies of the stored report holding every verdict
(tests/data/report-every-verdict.json), a changed target observation, a different
counterexample in comparable and in incomparable runs, and what is not behaviour (the
statement, the examples count, the table) are told apart. The renderings name what
changed."""

from __future__ import annotations

import copy
import json
import os
import re
from typing import Any

import pytest

from conformance.diff import (
    BEHAVIOUR_CHANGED,
    BEHAVIOUR_UNKNOWN,
    CHANGED,
    SAME,
    UNCHANGED,
    UNKNOWN,
    VERDICT_CHANGED,
    ReportDiff,
    compare,
    has_changes,
)
from conformance.reports import load
from conformance.reports.diff import markdown, terminal, verdict_text
from conformance.reports.model import Report

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MATRIX = os.path.join(ROOT, "matrix", "reports")
OLD = os.path.join(MATRIX, "keras-3.10.0.json")
NEW = os.path.join(MATRIX, "keras-3.15.1.json")
FIXTURE = os.path.join(ROOT, "tests", "data", "report-every-verdict.json")
# The property failing three clauses in the fixture, and one clause it fails.
PROPERTY = "early_stopping.applies-min-delta-as-keras"
CLAUSE = "monitor.improvement.strict"


@pytest.fixture(scope="module")
def old() -> Report:
    return load(OLD)


@pytest.fixture(scope="module")
def new() -> Report:
    return load(NEW)


@pytest.fixture(scope="module")
def matrix_diff(old: Report, new: Report) -> ReportDiff:
    return compare(old, new)


@pytest.fixture(scope="module")
def stored() -> Report:
    return load(FIXTURE)


@pytest.fixture
def fixture(stored: Report) -> dict[str, Any]:
    """A fresh copy of the stored report's JSON data, to edit."""
    return copy.deepcopy(stored.data())


def _verdicts(path: str) -> dict[str, str]:
    with open(path) as source:
        report = json.load(source)
    verdicts = {}
    for clause in report["clauses"]:
        verdicts[clause["id"]] = clause["verdict"]
    return verdicts


def _entries(report: dict[str, Any], prop: str) -> list[dict[str, Any]]:
    """The clauses `prop`'s counterexample fails."""
    return [c for c in report["clauses"] if (c["counterexample"] or {}).get("property") == prop]


def _by_id(diff: ReportDiff) -> dict[str, Any]:
    return {clause.id: clause for clause in diff.clauses}


# ---------------------------------------------------------------------------------------
# Real reports: Keras 3.10.0 and 3.15.1


def test_every_clause_whose_verdict_differs_is_listed_as_changed(
    matrix_diff: ReportDiff,
) -> None:
    old, new = _verdicts(OLD), _verdicts(NEW)
    expected = set()
    for clause_id in set(old) | set(new):
        if old.get(clause_id) != new.get(clause_id):
            expected.add(clause_id)
    assert len(expected) >= 9  # 3.10.0 fails 9 clauses that 3.15.1 passes
    listed = {clause.id for clause in matrix_diff.group(VERDICT_CHANGED)}
    assert listed == expected
    assert has_changes(matrix_diff)
    for clause in matrix_diff.clauses:  # each id once, with the verdicts the files hold
        assert (clause.old_verdict, clause.new_verdict) == (old.get(clause.id), new.get(clause.id))
    assert sorted(c.id for c in matrix_diff.clauses) == sorted(set(old) | set(new))


@pytest.mark.parametrize(
    ("clause_id", "before", "after", "group"),
    [
        ("monitor.mode.unknown-warns", "fail", "pass", VERDICT_CHANGED),
        ("learning_rate_scheduler.optimizer.multi", "fail", "pass", VERDICT_CHANGED),
        ("tensorboard.weights.histograms-and-images", "fail", "pass", VERDICT_CHANGED),
        ("early_stopping.patience.zero-is-one", "pass", "pass", UNCHANGED),
        ("fit.hooks.order", "not-run", "not-run", UNCHANGED),
    ],
)
def test_known_clauses_of_the_matrix(
    matrix_diff: ReportDiff, clause_id: str, before: str, after: str, group: str
) -> None:
    clause = _by_id(matrix_diff)[clause_id]
    assert (clause.old_verdict, clause.new_verdict, clause.group) == (before, after, group)
    assert clause.behaviour is None  # not failing in both


def test_the_matrix_runs_are_comparable(matrix_diff: ReportDiff) -> None:
    assert matrix_diff.comparable
    assert "derandomized" in matrix_diff.comparability
    # the matrix runs `keras` through matrix/keras_shims.py (its adaptations, in the worker)
    assert (matrix_diff.old.name, matrix_diff.new.name) == (
        "matrix.keras_shims 3.10.0",
        "matrix.keras_shims 3.15.1",
    )


def test_a_report_compared_with_itself_has_no_changes() -> None:
    # Loaded twice: equal data, not the same objects (and NaN is not equal to NaN).
    diff = compare(load(OLD), load(OLD))
    assert not has_changes(diff)
    assert [c.group for c in diff.clauses] == [UNCHANGED] * len(diff.clauses)
    failing = [c for c in diff.clauses if c.old_verdict == "fail"]
    assert failing and all(c.behaviour and c.behaviour.status == SAME for c in failing)
    assert "no verdict and no behaviour changed" in terminal(diff)
    assert "### " not in markdown(diff)


def test_swapping_old_and_new_swaps_the_arrows(
    old: dict[str, Any], new: dict[str, Any], matrix_diff: ReportDiff
) -> None:
    swapped = _by_id(compare(new, old))
    forward, backward = terminal(matrix_diff), terminal(compare(new, old))
    for clause in matrix_diff.group(VERDICT_CHANGED):
        other = swapped[clause.id]
        assert (other.old_verdict, other.new_verdict) == (clause.new_verdict, clause.old_verdict)
        before, after = verdict_text(clause.old_verdict), verdict_text(clause.new_verdict)
        assert f"{clause.id}  {before} → {after}" in forward
        assert f"{clause.id}  {after} → {before}" in backward


# ---------------------------------------------------------------------------------------
# Hand-edited pairs: behaviour of a clause failing in both


def test_a_different_target_observation_of_the_same_scenario_is_a_changed_behaviour(
    stored: dict[str, Any], fixture: dict[str, Any]
) -> None:
    for clause in _entries(fixture, PROPERTY):
        clause["counterexample"]["target"]["learning_rates"] = [[0.5]]
    diff = compare(stored, fixture)
    changed = {c.id: c for c in diff.group(BEHAVIOUR_CHANGED)}
    assert set(changed) == {c["id"] for c in _entries(fixture, PROPERTY)}
    assert CLAUSE in changed
    judged = changed[CLAUSE].behaviour
    assert judged is not None and judged.status == CHANGED
    assert judged.reason == "same scenario, different target observation"
    assert changed[CLAUSE].properties == PROPERTY
    assert has_changes(diff)
    assert not diff.group(VERDICT_CHANGED) and not diff.group(BEHAVIOUR_UNKNOWN)


def _other_scenario(report: dict[str, Any]) -> None:
    for clause in _entries(report, PROPERTY):
        clause["counterexample"]["scenario"]["config"]["min_delta"] = 0.5


def test_a_different_counterexample_in_comparable_runs_is_a_changed_behaviour(
    stored: dict[str, Any], fixture: dict[str, Any]
) -> None:
    _other_scenario(fixture)
    clause = _by_id(compare(stored, fixture))[CLAUSE]
    assert clause.group == BEHAVIOUR_CHANGED
    assert clause.behaviour is not None and "comparable runs" in clause.behaviour.reason


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (lambda report: report.update(seed=1234), "seed"),
        (lambda report: report.update(profile="default"), "profile"),
        (lambda report: report.update(suite={"version": "0.2.0"}), "suite version"),
        (
            lambda report: report["suite"].update(hypothesis="6.0.0"),
            "Hypothesis unknown vs 6.0.0",
        ),
    ],
)
def test_a_different_counterexample_in_runs_that_drew_other_examples_is_unknown(
    stored: dict[str, Any], fixture: dict[str, Any], edit: Any, named: str
) -> None:
    _other_scenario(fixture)
    edit(fixture)
    diff = compare(stored, fixture)
    assert not diff.comparable and named in diff.comparability
    clause = _by_id(diff)[CLAUSE]
    assert clause.group == BEHAVIOUR_UNKNOWN
    assert clause.behaviour is not None and clause.behaviour.status == UNKNOWN
    assert named in clause.behaviour.reason
    assert not has_changes(diff)  # unknown is listed, not a change
    assert f"failing in both, behaviour unknown (3)\n  {CLAUSE}" in terminal(diff)


def test_the_same_counterexample_is_the_same_behaviour_whatever_the_seed(
    stored: dict[str, Any], fixture: dict[str, Any]
) -> None:
    fixture["seed"] = 1234
    diff = compare(stored, fixture)
    assert not has_changes(diff) and not diff.group(BEHAVIOUR_UNKNOWN)
    judged = {c.old_verdict: c.behaviour for c in diff.clauses if c.behaviour}
    assert set(judged) == {"fail", "divergent", "stale"}  # all three failing verdicts
    assert all(b is not None and b.status == SAME for b in judged.values())


def test_another_witness_of_a_declared_divergence_is_unknown(
    stored: dict[str, Any], fixture: dict[str, Any]
) -> None:
    [entry] = [c for c in fixture["clauses"] if c["verdict"] == "divergent"]
    entry["counterexample"]["scenario"]["config"]["patience"] = 3  # not found: declared
    clause = _by_id(compare(stored, fixture))[entry["id"]]
    assert clause.group == BEHAVIOUR_UNKNOWN
    assert clause.behaviour is not None and "declared witness" in clause.behaviour.reason
    entry["counterexample"]["scenario"]["config"]["patience"] = 1  # the witness it was
    entry["counterexample"]["target"]["stdout"] = "Epoch 6: early stopping\n"
    assert _by_id(compare(stored, fixture))[entry["id"]].group == BEHAVIOUR_CHANGED


def test_a_different_property_failing_the_clause(
    stored: dict[str, Any], fixture: dict[str, Any]
) -> None:
    [entry] = [c for c in fixture["clauses"] if c["id"] == CLAUSE]
    entry["counterexample"]["property"] = "early_stopping.stops-where-keras-stops"
    clause = _by_id(compare(stored, fixture))[CLAUSE]
    assert clause.group == BEHAVIOUR_CHANGED
    assert clause.behaviour is not None and "different property" in clause.behaviour.reason
    assert clause.properties == f"{PROPERTY} → early_stopping.stops-where-keras-stops"


def test_memory_addresses_and_nan_are_not_differences(
    stored: dict[str, Any], fixture: dict[str, Any]
) -> None:
    old, new = copy.deepcopy(stored.data()), fixture
    for report, address in ((old, "0x7f0011"), (new, "0x7fab99")):
        for clause in _entries(report, PROPERTY):
            clause["counterexample"]["target"]["stdout"] = f"<object at {address}> nan"
            clause["counterexample"]["target"]["final_weights"] = float("nan")
    assert _by_id(compare(old, new))[CLAUSE].group == UNCHANGED
    for clause in _entries(new, PROPERTY):  # a real difference still counts
        clause["counterexample"]["target"]["stdout"] = "<object at 0x7fab99> inf"
    assert _by_id(compare(old, new))[CLAUSE].group == BEHAVIOUR_CHANGED


def test_the_statement_examples_and_table_are_not_behaviour(
    stored: dict[str, Any], fixture: dict[str, Any]
) -> None:
    for clause in _entries(fixture, PROPERTY):
        clause["statement"] = "Reworded: " + clause["statement"]
        clause["examples"] += 7
        clause["counterexample"]["table"] += "\n(rendered otherwise)"
    diff = compare(stored, fixture)
    assert not has_changes(diff)
    assert {c.id for c in diff.reworded()} == {c["id"] for c in _entries(fixture, PROPERTY)}
    assert "reworded statements (not a behaviour change): 3" in terminal(diff)


def test_a_stale_clause_without_counterexamples_is_compared_by_its_reason(
    stored: dict[str, Any], fixture: dict[str, Any]
) -> None:
    [entry] = [c for c in fixture["clauses"] if c["verdict"] == "stale"]
    assert entry["counterexample"] is None
    assert _by_id(compare(stored, fixture))[entry["id"]].group == UNCHANGED
    entry["reason"] = "declared divergence is stale: its witness 'other.json' no longer diverges"
    assert _by_id(compare(stored, fixture))[entry["id"]].group == BEHAVIOUR_UNKNOWN


def test_a_verdict_change_between_failing_verdicts_says_the_behaviour(
    stored: dict[str, Any], fixture: dict[str, Any]
) -> None:
    [entry] = [c for c in fixture["clauses"] if c["id"] == CLAUSE]
    entry["verdict"] = "divergent"  # declared, the same counterexample as its witness
    clause = _by_id(compare(stored, fixture))[CLAUSE]
    assert (clause.group, clause.old_verdict, clause.new_verdict) == (
        VERDICT_CHANGED,
        "fail",
        "divergent",
    )
    assert clause.behaviour is not None and clause.behaviour.status == SAME
    assert f"{CLAUSE}  fail → divergent" in terminal(compare(stored, fixture))
    assert "same behaviour: same scenario, same target observation" in terminal(
        compare(stored, fixture)
    )


def test_a_clause_in_one_report_only_is_a_changed_verdict(
    stored: dict[str, Any], fixture: dict[str, Any]
) -> None:
    fixture["clauses"] = [c for c in fixture["clauses"] if c["id"] != CLAUSE]
    diff = compare(stored, fixture)
    clause = _by_id(diff)[CLAUSE]
    assert (clause.old_verdict, clause.new_verdict, clause.group) == ("fail", None, VERDICT_CHANGED)
    assert has_changes(diff)
    assert f"{CLAUSE}  fail → absent" in terminal(diff)
    assert f"{CLAUSE}  absent → fail" in terminal(compare(fixture, stored))


# ---------------------------------------------------------------------------------------
# Renderings


def _cells(row: str) -> list[str]:
    """A Markdown table row's cells (split at pipes that are not escaped)."""
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def test_the_markdown_has_a_table_row_and_a_details_block_per_changed_clause(
    matrix_diff: ReportDiff,
) -> None:
    text = markdown(matrix_diff)
    assert text.startswith(
        "## callback-conformance diff: matrix.keras_shims 3.10.0 → matrix.keras_shims 3.15.1"
    )
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    for clause in matrix_diff.group(VERDICT_CHANGED):
        [row] = [r for r in rows if r.startswith(f"| `{clause.id}` |")]
        cells = _cells(row)
        assert len(cells) == 5
        assert cells[2:4] == [verdict_text(clause.old_verdict), verdict_text(clause.new_verdict)]
        if clause.old_verdict == "fail":
            assert f"<details><summary><code>{clause.id}</code>: fail → pass</summary>" in text
    assert len(rows) == len(matrix_diff.group(VERDICT_CHANGED))
    failed_before = [c for c in matrix_diff.group(VERDICT_CHANGED) if c.old_verdict == "fail"]
    assert text.count("```text") == len(failed_before)  # the old tables


def test_the_markdown_counts(matrix_diff: ReportDiff) -> None:
    text = markdown(matrix_diff)
    changed = len(matrix_diff.group(VERDICT_CHANGED))
    assert f"| verdict changed | {changed} |" in text
    assert f"| unchanged | {len(matrix_diff.clauses) - changed} |" in text
    assert "| fail | 9 | 0 |" in text  # the two summaries: 9 fail in 3.10.0, none in 3.15.1


def test_pipes_in_a_markdown_cell_are_escaped(
    stored: dict[str, Any], fixture: dict[str, Any]
) -> None:
    for clause in _entries(fixture, PROPERTY):
        clause["counterexample"]["target"]["learning_rates"] = [[0.5]]
        clause["counterexample"]["reason"] = f"{PROPERTY}: the target wrote a | b, not c"
    text = markdown(compare(stored, fixture))
    [row] = [line for line in text.splitlines() if line.startswith(f"| `{CLAUSE}` |")]
    assert "a \\| b" in row and len(_cells(row)) == 5


def test_the_terminal_names_each_changed_clause(matrix_diff: ReportDiff) -> None:
    text = terminal(matrix_diff)
    lines = text.splitlines()
    assert lines[0] == (
        "matrix.keras_shims 3.10.0 (jax), profile default"
        " → matrix.keras_shims 3.15.1 (jax), profile default"
    )
    for clause in matrix_diff.group(VERDICT_CHANGED):
        arrow = f"{verdict_text(clause.old_verdict)} → {verdict_text(clause.new_verdict)}"
        assert any(line.startswith(f"  {clause.id}  {arrow}") for line in lines)


def test_the_command_line_exits_1_on_changes_and_writes_markdown(tmp_path):
    from tests.suite.test_conformance_cli import cli

    summary = tmp_path / "diff.md"
    result = cli("diff", OLD, NEW, "--markdown", str(summary))
    assert result.returncode == 1, result.stderr
    assert "monitor.mode.unknown-warns  fail → pass" in result.stdout
    assert "| `monitor.mode.unknown-warns` |" in summary.read_text()
    same = cli("diff", NEW, NEW)
    assert same.returncode == 0 and "verdict changed" not in same.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("README.md", NEW), "cannot read 'README.md'"),
        ((OLD, "/no/such/report.json"), "/no/such/report.json"),
        ((OLD, NEW, "--markdown", "/no/such/dir/diff.md"), "is not a directory"),
    ],
)
def test_the_command_line_refuses_bad_files_in_one_line(args, message):
    from tests.suite.test_conformance_cli import cli

    result = cli("diff", *args)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr

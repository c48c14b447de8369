"""`run --precision` and `run --callbacks`: the command line's say over a target's own
declarations (`conformance.targets.TargetOptions`)."""

from __future__ import annotations

import json

import pytest

from conformance.targets import TargetOptions, callback_names, resolve
from tests.suite.test_conformance_cli import cli


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("ES", {"EarlyStopping"}),
        ("es, mc", {"EarlyStopping", "ModelCheckpoint"}),
        ("LearningRateScheduler,TB", {"LearningRateScheduler", "TensorBoard"}),
    ],
)
def test_callbacks_are_named_in_full_or_abbreviated(text, names):
    assert callback_names(text) == names


def test_a_callback_left_out_is_not_run_saying_why():
    target = TargetOptions(callbacks=frozenset({"EarlyStopping"})).apply(resolve("reference"))
    assert target.present == {"EarlyStopping"}
    assert target.not_run["TensorBoard"] == "not selected (--callbacks)"
    assert target.precision == "float32-ftz"  # the reference's own, not overridden


def test_precision_and_callbacks_on_the_command_line(tmp_path):
    """The reference checked as a target that compares in float64: its float32 comparisons
    now differ where neighbouring values are closer than float32 tells apart, which only
    `monitor.precision` judges; ModelCheckpoint, which judges it too, is left out."""
    report = tmp_path / "report.json"
    arguments = ("run", "reference", "--profile", "quick", "-k", "monitor.precision")
    narrowed = ("--callbacks", "ES", "--json", str(report))
    assert cli(*arguments, *narrowed).returncode == 0
    result = cli(*arguments, *narrowed, "--precision", "float64")
    assert result.returncode == 1, result.stderr
    data = json.loads(report.read_text())
    assert data["target"]["precision"] == "float64"
    (clause,) = data["clauses"]
    assert clause["id"] == "monitor.precision" and clause["verdict"] == "fail"
    assert "ModelCheckpoint" not in json.dumps(clause["counterexample"]["scenario"])

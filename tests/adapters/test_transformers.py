"""The transformers 5.18 adapter against the installed transformers: each declared
divergence on a hand-made scenario (a second route to what the witnesses show), what the
quick profile cannot reach behind them, and the quick profile's command with the
divergences file exits 0. Skipped, saying why, without transformers: the `transformers`
tox env installs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip(
    "transformers",
    reason="transformers is not installed (pip install -e '.[transformers]', tox -e transformers)",
)

import reference  # noqa: E402
from conformance.adapters import transformers as adapter  # noqa: E402
from conformance.harness.fit import EpochPlan, FitPlan  # noqa: E402
from conformance.harness.observe import Observation, Scenario, observe  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DIVERGENCES = "conformance/adapters/transformers.divergences.toml"
DONE = ["-m", "conformance", "run", "conformance.adapters.transformers", "--profile", "quick"]


def _both(config: dict, *losses: float) -> tuple[Observation, Observation]:
    """EarlyStopping monitoring `loss` in `config`, over a fit of these epoch losses, on
    transformers (through the adapter) and on the reference."""
    fit = FitPlan([EpochPlan({"loss": loss}) for loss in losses])
    scenario = Scenario("EarlyStopping", {"monitor": "loss", **config}, fits=[fit])
    return observe(adapter.EarlyStopping, scenario), observe(reference.EarlyStopping, scenario)


def test_stops_where_keras_stops_without_a_declared_divergence() -> None:
    ours, keras = _both({"mode": "min", "patience": 2}, 3.0, 2.0, 2.5, 2.0, 1.0)
    assert ours.error is None
    assert ours.epochs_run() == keras.epochs_run() == [0, 1, 2, 3]


@pytest.mark.parametrize("patience", [0, -1])
def test_a_patience_of_zero_or_less_stops_at_the_first_evaluation(patience: int) -> None:
    """early_stopping.patience.counts-before-test and zero-is-one."""
    ours, keras = _both({"mode": "min", "patience": patience}, 3.0, 2.0, 1.0)
    assert keras.epochs_run() == [0, 1, 2]
    assert ours.epochs_run() == [0]


def test_a_first_nan_is_never_best() -> None:
    """early_stopping.nan.first-value-becomes-best: nothing improves on Keras's NaN best;
    the Trainer's best is still +inf, and -1 improves on it."""
    ours, keras = _both({"mode": "min", "patience": 1}, float("nan"), -1.0, -1.5)
    assert keras.epochs_run() == [0, 1]
    assert ours.epochs_run() == [0, 1, 2]


def test_the_best_moves_on_an_improvement_smaller_than_min_delta() -> None:
    """Behind patience 0 in the quick profile: the callback counts an improvement of at
    most min_delta as none, but the Trainer's best moves to it, so steady small
    improvements never add up to min_delta as they do on Keras's fixed best."""
    ours, keras = _both({"mode": "min", "patience": 2, "min_delta": 0.5}, 3.0, 2.7, 2.4, 2.1, 1.8)
    assert keras.epochs_run() == [0, 1, 2, 3, 4]
    assert ours.epochs_run() == [0, 1, 2]


def test_transformers_compares_in_float64() -> None:
    """1 + 2**-30 is 1 in float32: only a float64 comparison sees an improvement."""
    ours, _ = _both({"mode": "max", "patience": 1}, 1.0, 1.0 + 2**-30, 1.0 + 2**-29)
    assert ours.epochs_run() == [0, 1, 2]


def test_the_quick_profile_exits_0_with_its_divergences() -> None:
    result = subprocess.run(
        [sys.executable, *DONE, "--divergences", DIVERGENCES],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert "fail" not in summary and "stale" not in summary.lower(), summary
    assert "3 divergent" in summary, summary

"""The transformers 5.18 adapter against the installed transformers: each declared
divergence on a hand-made scenario (a second route to what the witnesses show), and what
the quick profile cannot reach behind them; its quick run is `test_shipped_adapters.py`'s.
Skipped, saying why, without transformers: the `transformers` tox env installs it."""

from __future__ import annotations

import pytest

pytest.importorskip(
    "transformers",
    reason="transformers is not installed (pip install -e '.[transformers]', tox -e transformers)",
)

from conformance.adapters import transformers as adapter  # noqa: E402
from conformance.harness.observe import Observation  # noqa: E402
from tests.adapters.runs import on_both  # noqa: E402


def _both(config: dict, *losses: float) -> tuple[Observation, Observation]:
    """EarlyStopping monitoring `loss` in `config`, over a fit of these epoch losses, on
    transformers (through the adapter) and on the reference."""
    epochs = [{"loss": loss} for loss in losses]
    return on_both(adapter, "EarlyStopping", {"monitor": "loss", **config}, epochs)


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


def test_auto_is_greater_is_better_unless_the_name_ends_with_loss() -> None:
    """monitor.mode.auto: Keras cannot tell a `custom` metric's direction and raises;
    transformers maximises it, so a falling value is no improvement."""
    epochs = [{"custom": value} for value in (3.0, 2.0, 1.0)]
    ours, keras = on_both(adapter, "EarlyStopping", {"monitor": "custom", "patience": 1}, epochs)
    assert keras.error is not None and keras.error[0] == "ValueError"
    assert ours.error is None and ours.epochs_run() == [0, 1]


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

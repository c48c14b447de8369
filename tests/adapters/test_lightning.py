"""The Lightning 2.6 adapter against the installed Lightning: each declared divergence on a
hand-made scenario (a second route to what the witnesses show); its quick run is
`test_shipped_adapters.py`'s. Skipped, saying why, without Lightning: the `lightning` tox
env installs it."""

from __future__ import annotations

import pytest

pytest.importorskip(
    "lightning",
    reason="lightning is not installed (pip install -e '.[lightning]', or tox -e lightning)",
)

import reference  # noqa: E402
from conformance.adapters import lightning as adapter  # noqa: E402
from conformance.harness.fit import EpochPlan, FitPlan  # noqa: E402
from conformance.harness.observe import Observation, Scenario, observe  # noqa: E402
from tests.adapters.runs import on_both  # noqa: E402

NAN, INF = float("nan"), float("inf")
WEIGHTS_ONLY = {"save_weights_only": True, "monitor": "loss", "mode": "min"}


def _both(callback: str, config: dict, *epochs: dict) -> tuple[Observation, Observation]:
    """The scenario on Lightning (through the adapter) and on the reference."""
    return on_both(adapter, callback, config, list(epochs))


def test_stops_where_keras_stops_without_a_declared_divergence() -> None:
    ours, keras = _both(
        "EarlyStopping",
        {"monitor": "loss", "mode": "min", "patience": 2, "min_delta": 0.5},
        {"loss": 3.0},
        {"loss": 2.0},
        {"loss": 1.75},
        {"loss": 1.6},
        {"loss": 0.0},
    )
    assert ours.error is None
    assert ours.epochs_run() == keras.epochs_run() == [0, 1, 2, 3]


def test_a_negative_min_delta_is_not_made_absolute() -> None:
    """monitor.improvement.strict, in min-delta.absolute's regime: Keras's min_delta of
    -0.5 asks for an improvement of 0.5, Lightning's takes 0.5 worse as one."""
    ours, keras = _both(
        "EarlyStopping",
        {"monitor": "loss", "mode": "min", "patience": 1, "min_delta": -0.5},
        {"loss": 0.0},
        {"loss": 0.25},
        {"loss": 0.5},
    )
    assert keras.epochs_run() == [0, 1]
    assert ours.epochs_run() == [0, 1, 2]


@pytest.mark.parametrize("first", [NAN, INF])
def test_a_first_nan_or_worst_infinity_is_never_best(first: float) -> None:
    """early_stopping.nan.first-value-becomes-best: Keras takes the first value as best,
    and 5 is no improvement on NaN; Lightning's best starts at +inf."""
    ours, keras = _both(
        "EarlyStopping",
        {"monitor": "loss", "mode": "min", "patience": 1},
        {"loss": first},
        {"loss": 5.0},
        {"loss": 4.0},
    )
    assert ours.epochs_run() == [0]
    assert keras.epochs_run() == ([0, 1] if first != first else [0, 1, 2])


def test_a_second_fit_goes_on_from_the_first_fits_best() -> None:
    """early_stopping.reuse.resets-per-fit: Keras starts each fit afresh; Lightning's
    best is still -0.5 when the second fit's 0 comes."""
    fit = FitPlan([EpochPlan({"loss": 0.0}), EpochPlan({"loss": -0.5})])
    scenario = Scenario(
        "EarlyStopping", {"monitor": "loss", "mode": "min", "patience": 1}, fits=[fit, fit]
    )
    ours = observe(adapter.EarlyStopping, scenario, adapt=adapter.conformance_adapt_model)
    keras = observe(reference.EarlyStopping, scenario)
    assert keras.epochs_run() == [0, 1, 0, 1]
    assert ours.epochs_run() == [0, 1, 0]


def test_lightning_compares_in_float32() -> None:
    """1 + 2**-30 is 1 in float32: no improvement, so patience 1 stops the fit."""
    ours, _ = _both(
        "EarlyStopping",
        {"monitor": "loss", "mode": "max", "patience": 1},
        {"loss": 1.0},
        {"loss": 1.0 + 2**-30},
        {"loss": 2.0},
    )
    assert ours.epochs_run() == [0, 1]


def test_the_extension_is_not_checked() -> None:
    """model_checkpoint.init.extension: Keras refuses a `.keras` file for weights only."""
    ours, keras = _both("ModelCheckpoint", {**WEIGHTS_ONLY, "filepath": "m.keras"}, {"loss": 1.0})
    assert keras.error is not None and "weights.h5" in str(keras.error)
    assert ours.error is None and list(ours.files) == ["m.keras"]


def test_the_templates_epoch_counts_from_zero() -> None:
    """model_checkpoint.path.format, epoch.current and save.write: `{epoch}` is Keras's epoch + 1,
    Lightning's `current_epoch`."""
    ours, keras = _both(
        "ModelCheckpoint",
        {**WEIGHTS_ONLY, "filepath": "m{epoch}.weights.h5"},
        {"loss": 2.0},
        {"loss": 1.0},
    )
    assert sorted(keras.files) == ["m1.weights.h5", "m2.weights.h5"]
    assert sorted(ours.files) == ["m0.weights.h5", "m1.weights.h5"]


def test_a_fixed_name_is_overwritten_each_epoch_as_keras_does() -> None:
    ours, keras = _both(
        "ModelCheckpoint",
        {**WEIGHTS_ONLY, "filepath": "ckpt/m.weights.h5"},
        {"loss": 2.0},
        {"loss": 1.0},
    )
    assert ours.error is None
    assert ours.files == keras.files and ours.files["ckpt/m.weights.h5"].startswith("weights: ")
    assert [c[:2] for c in ours.model_calls] == [c[:2] for c in keras.model_calls]


def test_a_batch_level_best_only_save_compares_before_the_first_epoch_end() -> None:
    """model_checkpoint.save-freq.best-only-crash: Keras's second batch-level save calls
    its monitor_op, None until the first epoch end; Lightning's mode is set at init."""
    config = {**WEIGHTS_ONLY, "filepath": "m.weights.h5", "save_best_only": True}
    scenario = Scenario(
        "ModelCheckpoint",
        {**config, "save_freq": 1},
        fits=[FitPlan([EpochPlan({"loss": 1.0}, batches=3)])],
    )
    ours = observe(adapter.ModelCheckpoint, scenario, adapt=adapter.conformance_adapt_model)
    keras = observe(reference.ModelCheckpoint, scenario)
    assert keras.error is not None and keras.error[0] == "TypeError"
    assert ours.error is None and list(ours.files) == ["m.weights.h5"]


def test_a_missing_monitor_warns_alike_in_every_scenario() -> None:
    """Lightning warns of a missing monitor once per process (its `warning_cache`): each
    scenario starts with the cache empty, so running one twice warns twice alike."""
    config = {**WEIGHTS_ONLY, "monitor": "val_loss", "save_best_only": True}
    config["filepath"] = "m.weights.h5"
    first, _ = _both("ModelCheckpoint", config, {"loss": 1.0})
    again, _ = _both("ModelCheckpoint", config, {"loss": 1.0})
    assert first.warnings and again.warnings == first.warnings

"""The skorch 1.4.0 adapter against the installed skorch: each declared divergence shown
again on a scenario written by hand (a second route to its witness), and the mappings that
make it agree; its quick run is `test_shipped_adapters.py`'s. Skipped, saying why, without
skorch: the `skorch` tox env installs it."""

from __future__ import annotations

import pathlib

import pytest

pytest.importorskip(
    "skorch", reason="skorch is not installed (pip install -e '.[skorch]', or tox -e skorch)"
)

from conformance.adapters import skorch as adapter  # noqa: E402
from conformance.harness.observe import Observation  # noqa: E402
from tests.adapters.runs import on_both  # noqa: E402


def _both(
    config: dict, *epochs: dict, callback: str = "EarlyStopping"
) -> tuple[Observation, Observation]:
    """The scenario on skorch, through the adapter, and on the reference."""
    return on_both(adapter, callback, config, list(epochs))


def test_patience_zero_stops_after_the_first_epoch_even_improving() -> None:
    """early_stopping.patience.counts-before-test (patience 0): misses_ == patience
    holds at once, the first epoch's improvement notwithstanding."""
    ours, keras = _both(
        {"monitor": "loss", "mode": "min", "patience": 0},
        {"loss": 3.0},
        {"loss": 2.0},
        {"loss": 2.5},
    )
    assert keras.epochs_run() == [0, 1, 2]
    assert ours.epochs_run() == [0]


def test_an_infinite_first_value_is_never_an_improvement() -> None:
    """early_stopping.nan.first-value-becomes-best: the threshold starts at +inf."""
    ours, keras = _both(
        {"monitor": "loss", "mode": "min", "patience": 1},
        {"loss": float("inf")},
        {"loss": 5.0},
        {"loss": 4.0},
    )
    assert keras.epochs_run() == [0, 1, 2]
    assert ours.epochs_run() == [0]


def test_a_negative_min_delta_is_not_made_absolute() -> None:
    """early_stopping.min-delta.absolute: with threshold -1, 5 -> 5.5 improves."""
    ours, keras = _both(
        {"monitor": "loss", "mode": "min", "patience": 1, "min_delta": -1.0},
        {"loss": 5.0},
        {"loss": 5.5},
        {"loss": 6.0},
    )
    assert keras.epochs_run() == [0, 1]
    assert ours.epochs_run() == [0, 1, 2]


def test_a_missing_monitor_raises_instead_of_warning() -> None:
    """early_stopping.monitor.missing-warns, early_stopping.monitor.skipped-epochs:
    net.history[-1, "valid_loss"] raises, where Keras warns and skips the epoch."""
    ours, keras = _both(
        {"monitor": "val_loss", "mode": "min", "patience": 1}, {"loss": 1.0}, {"loss": 2.0}
    )
    assert keras.error is None and keras.epochs_run() == [0, 1] and keras.warnings
    assert ours.error is not None and ours.error[0] == "KeyError"


def test_skorch_compares_in_float64() -> None:
    """1 + 2**-30 is 1 in float32: only a float64 comparison sees two improvements
    before the repeated value misses. (The suite's monitor.precision is not judged apart
    on skorch: its differences are declared divergences', at any precision.)"""
    ours, _ = _both(
        {"monitor": "loss", "mode": "max", "patience": 1},
        {"loss": 1.0},
        {"loss": 1.0 + 2**-30},
        {"loss": 1.0 + 2**-29},
        {"loss": 1.0 + 2**-29},
        {"loss": 2.0},
    )
    assert ours.epochs_run() == [0, 1, 2, 3]


def test_an_absolute_min_delta_and_the_validation_loss_agree_with_keras() -> None:
    """min_delta is skorch's threshold in "abs" mode (its default, "rel", would need
    2.75 > 2 * 1.5 and stop an epoch early), and val_loss its valid_loss."""
    ours, keras = _both(
        {"monitor": "val_loss", "mode": "max", "patience": 2, "min_delta": 0.5},
        {"loss": 1.0, "val_loss": 2.0},
        {"loss": 1.0, "val_loss": 2.75},
        {"loss": 1.0, "val_loss": 3.0},
        {"loss": 1.0, "val_loss": 3.1},
        {"loss": 1.0, "val_loss": 9.0},
    )
    assert keras.epochs_run() == ours.epochs_run() == [0, 1, 2, 3]


def test_restore_best_weights_is_load_best() -> None:
    ours, keras = _both(
        {"monitor": "loss", "mode": "min", "patience": 1, "restore_best_weights": True},
        {"loss": 1.0},
        {"loss": 2.0},
        {"loss": 3.0},
    )
    assert keras.epochs_run() == ours.epochs_run() == [0, 1]
    assert ours.final_weights == keras.final_weights == 1.0  # after the best epoch's one step


def test_the_checkpoint_extension_is_not_checked() -> None:
    """model_checkpoint.init.extension: Keras refuses `.keras` for weights only."""
    config = {"filepath": "m.keras", "monitor": "loss", "save_weights_only": True}
    ours, keras = _both(config, {"loss": 1.0}, callback="ModelCheckpoint")
    assert not keras.constructed and ours.constructed and ours.error is None


def test_a_missing_monitored_value_raises_in_best_only_checkpoints() -> None:
    """model_checkpoint.best-only.missing-saves: Keras 3.15.1 warns and saves an epoch
    without the monitored value; Checkpoint raises SkorchException, no `valid_loss_best`
    having been recorded."""
    config = {
        "filepath": "m.weights.h5",
        "monitor": "val_loss",
        "mode": "min",
        "save_best_only": True,
        "save_weights_only": True,
    }
    ours, keras = _both(config, {"val_loss": 1.0}, {"loss": 1.0}, callback="ModelCheckpoint")
    assert keras.error is None and keras.saved_at == ["on_epoch_end(0)", "on_epoch_end(1)"]
    assert ours.error is not None and ours.error[0] == "SkorchException"


def test_an_undecidable_auto_mode_never_raises_without_best_only() -> None:
    """model_checkpoint.monitor.resolved-at-epoch-end: Keras resolves the direction of
    `custom` at the first epoch end, and raises; skorch's Checkpoint, given no monitor,
    saves every epoch."""
    config = {"filepath": "m.weights.h5", "monitor": "custom", "save_weights_only": True}
    ours, keras = _both(config, {"custom": 1.0}, {"custom": 2.0}, callback="ModelCheckpoint")
    assert keras.error is not None and keras.error[0] == "ValueError"
    assert ours.error is None and ours.saved_at == ["on_epoch_end(0)", "on_epoch_end(1)"]


def test_best_only_checkpoints_and_file_names_are_keras() -> None:
    """save_best_only through PassthroughScoring's `<monitor>_best`; `{epoch}` and
    `{val_loss:.1f}` through skorch's `{last_epoch[...]}`: the same files as Keras's."""
    config = {
        "filepath": "m{epoch:02d}-{val_loss:.1f}.weights.h5",
        "monitor": "val_loss",
        "mode": "min",
        "save_best_only": True,
        "save_weights_only": True,
    }
    epochs = [{"loss": 1.0, "val_loss": v} for v in (3.0, 1.0, 2.0, 0.5)]
    ours, keras = _both(config, *epochs, callback="ModelCheckpoint")
    assert ours.error is None
    assert sorted(keras.files) == ["m01-3.0.weights.h5", "m02-1.0.weights.h5", "m04-0.5.weights.h5"]
    assert ours.files == keras.files


def test_a_non_str_filepath_reaches_checkpoint_as_given() -> None:
    """The adapter rewrites only a str template: anything else is skorch's to take
    (model_checkpoint.init.filepath-pathlike, declared). Checkpoint formats only a str,
    so a PathLike stays as it is, and a list is accepted where Keras raises at its
    extension check."""
    path = pathlib.PurePosixPath("m{epoch}.weights.h5")
    assert adapter.skorch_template(path) is path and adapter.skorch_template(None) is None
    config = {"filepath": ["m.weights.h5"], "monitor": "loss", "save_weights_only": True}
    ours, keras = _both(config, {"loss": 1.0}, callback="ModelCheckpoint")
    assert keras.error is not None and keras.error[0] == "AttributeError"
    assert ours.constructed and ours.error is None


def test_an_unknown_mode_is_not_warned_about() -> None:
    """monitor.mode.unknown-warns: without save_best_only skorch's Checkpoint has no
    direction, and skorch no mode to find unknown."""
    config = {"filepath": "m.weights.h5", "monitor": "loss", "save_weights_only": True}
    ours, keras = _both(config | {"mode": "sideways"}, {"loss": 1.0}, callback="ModelCheckpoint")
    assert keras.warnings and not ours.warnings
    assert ours.saved_at == keras.saved_at == ["on_epoch_end(0)"]


BEST_ONLY = {
    "filepath": "m.weights.h5",
    "monitor": "val_loss",
    "mode": "min",
    "save_best_only": True,
    "save_weights_only": True,
}


def test_a_first_nan_is_not_saved() -> None:
    """model_checkpoint.best-only.first-value-wins: PassthroughScoring's best starts at
    +inf, and NaN < inf is False."""
    ours, keras = _both(BEST_ONLY, {"val_loss": float("nan")}, callback="ModelCheckpoint")
    assert keras.saved_at == ["on_epoch_end(0)"] and ours.saved_at == []


def test_a_non_numeric_value_raises_at_once() -> None:
    """model_checkpoint.best-only.best-str-eager: Keras saves a first "n/a" as best and
    fails to format it at the next epoch; skorch's np.average raises TypeError at once."""
    ours, keras = _both(
        BEST_ONLY, {"val_loss": "n/a"}, {"val_loss": 1.0}, callback="ModelCheckpoint"
    )
    assert keras.error is not None and keras.error[::2] == ("ValueError", "on_epoch_end(1)")
    assert ours.error is not None and ours.error[::2] == ("TypeError", "on_epoch_end(0)")


def test_best_starts_over_at_each_fit() -> None:
    """model_checkpoint.save-freq.carries-over (best-only): each fit initializes the
    callbacks again, so a second fit's worse first value is saved."""
    ours, keras = on_both(
        adapter, "ModelCheckpoint", BEST_ONLY, [{"val_loss": 1.0}], [{"val_loss": 2.0}]
    )
    assert keras.saved_at == ["on_epoch_end(0)"]
    assert ours.saved_at == ["on_epoch_end(0)", "on_epoch_end(0)"]

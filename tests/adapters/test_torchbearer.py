"""The torchbearer 0.5.5 adapter against the installed torchbearer: each declared divergence
shown again on a scenario written by hand (a second route to its witness), and a
checkpoint torch.save wrote read back as Keras's weights file; its quick run is
`test_shipped_adapters.py`'s. Skipped, saying why, without torchbearer: the `torchbearer`
tox env installs it."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip(
    "torchbearer",
    reason="torchbearer is not installed (pip install -e '.[torchbearer]', or tox -e torchbearer)",
)

import torch  # noqa: E402

from conformance.adapters import torchbearer as adapter  # noqa: E402
from conformance.harness.observe import Observation  # noqa: E402
from conformance.harness.sim_model import read_checkpoint  # noqa: E402
from tests.adapters.runs import on_both  # noqa: E402


def _both(callback: str, config: dict, *fits: list[dict]) -> tuple[Observation, Observation]:
    """The scenario (one fit per list of epoch metrics) on torchbearer, through the
    adapter, and on the reference."""
    return on_both(adapter, callback, config, *fits)


def test_a_negative_min_delta_is_not_made_absolute() -> None:
    """early_stopping.min-delta.absolute: with min_delta -1, 5 -> 5.5 is an improvement
    to torchbearer (5.5 - 1 < 5), and none to Keras (|min_delta| = 1)."""
    ours, keras = _both(
        "EarlyStopping",
        {"monitor": "loss", "mode": "min", "patience": 1, "min_delta": -1.0},
        [{"loss": 5.0}, {"loss": 5.5}, {"loss": 6.0}],
    )
    assert keras.epochs_run() == [0, 1]
    assert ours.epochs_run() == [0, 1, 2]


def test_an_infinite_first_value_is_never_best() -> None:
    """early_stopping.nan.first-value-becomes-best: Keras takes +inf as best and 5
    improves on it; torchbearer's best starts at +inf, and +inf < +inf is False."""
    ours, keras = _both(
        "EarlyStopping",
        {"monitor": "loss", "mode": "min", "patience": 1},
        [{"loss": float("inf")}, {"loss": 5.0}, {"loss": 4.0}],
    )
    assert keras.epochs_run() == [0, 1, 2]
    assert ours.epochs_run() == [0]


def test_the_best_value_carries_over_to_a_second_fit() -> None:
    """early_stopping.reuse.resets-per-fit: the second fit's 3 is worse than the first
    fit's best 1 to torchbearer, which stops; Keras starts afresh."""
    ours, keras = _both(
        "EarlyStopping",
        {"monitor": "loss", "mode": "min", "patience": 1},
        [{"loss": 2.0}, {"loss": 1.0}],
        [{"loss": 3.0}, {"loss": 2.5}],
    )
    assert keras.epochs_run() == [0, 1, 0, 1]
    assert ours.epochs_run() == [0, 1, 0]


def test_torchbearer_compares_in_float64() -> None:
    """1 + 2**-30 is 1 in float32: only a float64 comparison sees two improvements."""
    ours, _ = _both(
        "EarlyStopping",
        {"monitor": "loss", "mode": "max", "patience": 0},
        [{"loss": 1.0}, {"loss": 1.0 + 2**-30}, {"loss": 1.0 + 2**-29}],
    )
    assert ours.epochs_run() == [0, 1, 2]


def test_the_epoch_in_a_filepath_is_zero_based() -> None:
    """model_checkpoint.path.format (and epoch.current): `{epoch}` is the trial's 0-based
    epoch."""
    config = {"filepath": "m{epoch}.weights.h5", "monitor": "loss", "save_weights_only": True}
    ours, keras = _both("ModelCheckpoint", config, [{"loss": 3.0}, {"loss": 1.0}])
    assert sorted(keras.files) == ["m1.weights.h5", "m2.weights.h5"]
    assert sorted(ours.files) == ["m0.weights.h5", "m1.weights.h5"]


def test_auto_mode_is_decided_from_the_name() -> None:
    """monitor.mode.auto, early_stopping.mode.resolved-at-first-epoch-end: Keras cannot
    tell a custom metric's direction and raises at the first epoch end; torchbearer
    minimises it (no "acc" in its name)."""
    ours, keras = _both(
        "EarlyStopping",
        {"monitor": "custom", "mode": "auto", "patience": 1},
        [{"custom": 2.0}, {"custom": 1.0}, {"custom": 3.0}, {"custom": 4.0}],
    )
    assert keras.error is not None and keras.error[0] == "ValueError"
    assert ours.error is None and ours.epochs_run() == [0, 1, 2]


def test_an_unknown_mode_is_auto_without_a_warning() -> None:
    """monitor.mode.unknown-warns: Keras warns that the mode is unknown."""
    config = {"filepath": "m.weights.h5", "mode": "sideways", "save_weights_only": True}
    ours, keras = _both("ModelCheckpoint", config)
    assert [text for _, text in keras.warnings] == [
        "ModelCheckpoint mode 'sideways' is unknown, fallback to auto mode."
    ]
    assert ours.constructed and ours.warnings == []


def test_a_missing_monitored_value_skips_the_save() -> None:
    """model_checkpoint.best-only.missing-saves: Keras 3.15.1 saves an epoch whose logs
    lack the monitor; torchbearer's Best saves nothing then."""
    config = {
        "filepath": "m.weights.h5",
        "monitor": "val_loss",
        "mode": "min",
        "save_best_only": True,
        "save_weights_only": True,
    }
    ours, keras = _both("ModelCheckpoint", config, [{"val_loss": 1.0}, {"loss": 1.0}])
    assert keras.saved_at == ["on_epoch_end(0)", "on_epoch_end(1)"]
    assert ours.saved_at == ["on_epoch_end(0)"]


def test_the_extension_is_not_checked() -> None:
    """model_checkpoint.init.extension: Keras refuses `.keras` for weights only."""
    config = {"filepath": "m.keras", "monitor": "loss", "save_weights_only": True}
    ours, keras = _both("ModelCheckpoint", config, [{"loss": 1.0}])
    assert not keras.constructed and ours.constructed and ours.error is None


def test_best_only_saves_the_best_epochs_weights_with_torch_save(tmp_path: Path) -> None:
    """Best writes torch.save's format, which the suite reads as Keras's weights file:
    the same weights (the best epoch's) as Keras saves, in the same hooks."""
    config = {
        "filepath": "m.weights.h5",
        "monitor": "loss",
        "mode": "min",
        "save_best_only": True,
        "save_weights_only": True,
    }
    ours, keras = _both("ModelCheckpoint", config, [{"loss": 3.0}, {"loss": 1.0}, {"loss": 2.0}])
    assert ours.error is None
    assert ours.files == keras.files and ours.files["m.weights.h5"].startswith("weights: ")
    saved = [call for call in ours.model_calls if call[0] == "save_weights"]
    assert saved == [call for call in keras.model_calls if call[0] == "save_weights"]
    # Each save is noted at the hook it was made in, as Keras's (the when-to-save clauses
    # judge that), though torch.save, not the model, wrote it.
    assert ours.saved_at == keras.saved_at == ["on_epoch_end(0)", "on_epoch_end(1)"]
    # What torch.save of a state dict of arrays writes, read back by the suite's reader.
    path = tmp_path / "direct.pt"
    torch.save({"dense/w0": torch.zeros(1).numpy() + 2.5, "dense/w1": torch.ones(2).numpy()}, path)
    assert read_checkpoint(str(path)) == "weights: dense/0=2.5, dense/1=1.0"

"""The torchbearer 0.5.5 adapter against the installed torchbearer: each declared divergence
shown again on a scenario written by hand (a second route to its witness), a checkpoint
torch.save wrote read back as Keras's weights file, and the divergences file's command.
Skipped, saying why, without torchbearer: the `torchbearer` tox env installs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip(
    "torchbearer",
    reason="torchbearer is not installed (pip install -e '.[torchbearer]', or tox -e torchbearer)",
)

import torch  # noqa: E402

import reference  # noqa: E402
from conformance.adapters import torchbearer as adapter  # noqa: E402
from conformance.harness.fit import EpochPlan, FitPlan  # noqa: E402
from conformance.harness.observe import Observation, Scenario, observe  # noqa: E402
from conformance.harness.sim_model import read_checkpoint  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DIVERGENCES = "conformance/adapters/torchbearer.divergences.toml"


def _both(callback: str, config: dict, *fits: list[dict]) -> tuple[Observation, Observation]:
    """The scenario (one fit per list of epoch metrics) on torchbearer, through the
    adapter, and on the reference."""
    plans = [FitPlan([EpochPlan(metrics) for metrics in fit]) for fit in fits]
    scenario = Scenario(callback, config, fits=plans)
    ours = observe(getattr(adapter, callback), scenario, adapt=adapter.conformance_adapt_model)
    return ours, observe(getattr(reference, callback), scenario)


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
    """model_checkpoint.epoch.current: `{epoch}` is the trial's 0-based epoch."""
    config = {"filepath": "m{epoch}.weights.h5", "monitor": "loss", "save_weights_only": True}
    ours, keras = _both("ModelCheckpoint", config, [{"loss": 3.0}, {"loss": 1.0}])
    assert sorted(keras.files) == ["m1.weights.h5", "m2.weights.h5"]
    assert sorted(ours.files) == ["m0.weights.h5", "m1.weights.h5"]


def test_the_extension_is_not_checked() -> None:
    """model_checkpoint.init.extension: Keras refuses `.keras` for weights only."""
    config = {"filepath": "m.keras", "monitor": "loss", "save_weights_only": True}
    ours, keras = _both("ModelCheckpoint", config, [{"loss": 1.0}])
    assert not keras.constructed and ours.constructed and ours.error is None


def test_best_only_saves_the_best_epochs_weights_with_torch_save(tmp_path: Path) -> None:
    """Best writes torch.save's format, which the suite reads as Keras's weights file:
    the same weights (the best epoch's) as Keras saves."""
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
    # What torch.save of a state dict of arrays writes, read back by the suite's reader.
    path = tmp_path / "direct.pt"
    torch.save({"dense/w0": torch.zeros(1).numpy() + 2.5, "dense/w1": torch.ones(2).numpy()}, path)
    assert read_checkpoint(str(path)) == "weights: dense/0=2.5, dense/1=1.0"


def test_the_divergences_command_exits_0_with_no_failure() -> None:
    words = ["run", "conformance.adapters.torchbearer", "--profile", "quick"]
    result = subprocess.run(
        [sys.executable, "-m", "conformance", *words, "--divergences", DIVERGENCES],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert "fail" not in summary and "stale" not in summary.lower(), summary
    assert "5 divergent" in summary, summary

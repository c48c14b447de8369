"""The reference TensorBoard inside a real `keras.Model.fit` (jax backend), next to
Keras's own in the same fit: both must leave identical event files. The expected
tag x step x run sets below are worked out by hand from the rules in
docs/tensorboard.md, and checked against Keras first, so they also pin the rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest

from conformance.harness.events import Record, event_file_runs, read_records
from reference.tensorboard import TensorBoard

BATCHES_PER_EPOCH = 3  # 12 samples, batch size 4
VALIDATION_BATCHES = 2  # 8 samples


def _fit_both(
    tmp_path: Path, steps_per_execution: int = 1, **arguments: Any
) -> tuple[list[Record], list[Record]]:
    """fit (3 epochs, validation on epochs 1 and 2), evaluate, fit again (1 epoch,
    validated)."""
    keras.utils.set_random_seed(1)
    x = np.random.rand(12, 3).astype("float32")
    y = np.random.rand(12, 1).astype("float32")
    layers = [keras.Input((3,)), keras.layers.Dense(2, name="hidden"), keras.layers.Dense(1)]
    model = keras.Sequential(layers, name="model")
    model.compile("sgd", "mse", metrics=["mae"], steps_per_execution=steps_per_execution)
    callbacks = [
        keras.callbacks.TensorBoard(tmp_path / "keras", **arguments),
        TensorBoard(tmp_path / "reference", **arguments),
    ]
    validation = (x[:8], y[:8])
    fit = {"batch_size": 4, "validation_data": validation, "callbacks": callbacks, "verbose": 0}
    model.fit(x, y, epochs=3, validation_freq=[2, 3], **fit)
    model.evaluate(*validation, batch_size=4, callbacks=callbacks, verbose=0)
    model.fit(x, y, epochs=1, **fit)
    for run in ("keras", "reference"):
        assert event_file_runs(tmp_path / run) == event_file_runs(tmp_path / "keras")
    return read_records(tmp_path / "keras"), read_records(tmp_path / "reference")


def _steps(records: list[Record], run: str, tag: str) -> list[int]:
    return sorted(r.step for r in records if (r.run, r.tag) == (run, tag))


@pytest.mark.parametrize(
    ("update_freq", "steps_per_execution"),
    [("epoch", 1), ("batch", 2), (2, 1), (3, 2)],
)
def test_reference_in_real_fit_writes_what_keras_writes(
    tmp_path: Path, update_freq: Any, steps_per_execution: int
) -> None:
    expected, actual = _fit_both(
        tmp_path,
        steps_per_execution,
        update_freq=update_freq,
        histogram_freq=1,
        write_images=True,
        write_steps_per_second=True,
    )
    assert actual == expected


def test_update_freq_epoch_writes_no_batch_scalars(tmp_path: Path) -> None:
    keras_records, _ = _fit_both(tmp_path, update_freq="epoch")
    assert not [r for r in keras_records if r.tag.startswith("batch_")]
    # Epoch scalars at the epoch index; the second fit restarts at epoch 0.
    assert _steps(keras_records, "train", "epoch_loss") == [0, 0, 1, 2]
    assert _steps(keras_records, "validation", "epoch_loss") == [0, 1, 2]
    # At optimizer.iterations: after epochs 1 and 2, the evaluate, the second fit.
    assert _steps(keras_records, "validation", "evaluation_loss_vs_iterations") == [6, 9, 9, 12]
    assert _steps(keras_records, "train", "keras") == [0, 0, 0]  # one per set_model


def test_batch_steps_count_executions_since_train_begin(tmp_path: Path) -> None:
    """tensorboard.batch.steps-count-executions, with steps_per_execution=2: an epoch
    of 3 batches is 2 executions, so 3 epochs make steps 1..6 and the second fit 1..2."""
    keras_records, _ = _fit_both(tmp_path, steps_per_execution=2, update_freq="batch")
    assert _steps(keras_records, "train", "batch_loss") == [1, 1, 2, 2, 3, 4, 5, 6]


def test_integer_update_freq_gates_epoch_writes_too(tmp_path: Path) -> None:
    """tensorboard.update-freq.gates-epoch-writes (notes TB-21, confirmed): with
    update_freq=2 an epoch summary is written only when the count of train batches so
    far is even (epoch 1: 6 batches; epochs 0 and 2: 3 and 9; second fit: 3);
    evaluation summaries only when the never-reset test batch count is (2, 4, 6, 8)."""
    keras_records, _ = _fit_both(tmp_path, update_freq=2, histogram_freq=1)
    assert _steps(keras_records, "train", "batch_loss") == [2, 2, 4, 6, 8]
    assert _steps(keras_records, "train", "epoch_loss") == [1]
    assert _steps(keras_records, "validation", "epoch_loss") == [1]
    assert _steps(keras_records, "train", "model/hidden/kernel/histogram") == [1]
    assert _steps(keras_records, "validation", "evaluation_loss_vs_iterations") == [6, 9, 9, 12]
    keras_records, _ = _fit_both(tmp_path / "odd", update_freq=3)
    # Test batch counts 2, 4, 6, 8 at the four evaluations: only 6 divides by 3.
    assert _steps(keras_records, "validation", "evaluation_loss_vs_iterations") == [9]

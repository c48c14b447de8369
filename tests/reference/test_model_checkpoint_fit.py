"""ModelCheckpoint inside a real `keras.Model.fit` (jax): reference and Keras side by side.

The same model (same seed), data and configuration are trained twice, once with each
implementation, each writing into its own directory. The runs must agree on History,
on warnings and on the exception raised, and must leave the same files holding the same
weights, read back with h5py (`.keras` archives through their `model.weights.h5`).
"""

from __future__ import annotations

import contextlib
import io
import os
import pathlib
import warnings
import zipfile
from dataclasses import dataclass
from typing import Any

import h5py
import keras
import numpy as np
import pytest

from reference.model_checkpoint import ModelCheckpoint as ReferenceModelCheckpoint

SAMPLES, BATCH_SIZE = 10, 4  # 3 batches an epoch, the last one partial
x_train = np.linspace(-1.0, 1.0, SAMPLES * 3, dtype="float32").reshape(SAMPLES, 3)
y_train = x_train.sum(axis=1, keepdims=True) ** 2
x_val, y_val = x_train[::2] * 0.5, y_train[::2]


@dataclass
class Trained:
    history: dict[str, list[float]]
    warnings: list[tuple[str, str]]
    stdout: str
    error: tuple[str, str] | None
    weights_by_file: dict[str, dict[str, np.ndarray]]


def h5_datasets(file: h5py.File) -> dict[str, np.ndarray]:
    found: dict[str, np.ndarray] = {}
    file.visititems(
        lambda name, item: (
            found.__setitem__(name, item[()]) if isinstance(item, h5py.Dataset) else None
        )
    )
    return found


def read_weights(path: pathlib.Path) -> dict[str, np.ndarray]:
    if path.suffix == ".keras":
        with zipfile.ZipFile(path) as archive:
            with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as file:
                return h5_datasets(file)
    with h5py.File(path, "r") as file:
        return h5_datasets(file)


def train(
    implementation: type,
    root: pathlib.Path,
    template: str,
    steps_per_execution: int,
    validation_freq: int,
    **options: Any,
) -> Trained:
    keras.utils.set_random_seed(1)
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)]
    )
    model.compile("sgd", "mse", metrics=["mae"], steps_per_execution=steps_per_execution)
    callback = implementation(str(root / template), **options)
    error = None
    out = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
        warnings.simplefilter("always")
        try:
            model.fit(
                x_train,
                y_train,
                batch_size=BATCH_SIZE,
                epochs=4,
                shuffle=False,
                verbose=0,
                validation_data=(x_val, y_val),
                validation_freq=validation_freq,
                callbacks=[callback],
            )
        except Exception as raised:
            error = (type(raised).__name__, str(raised).replace(str(root), "<root>"))
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return Trained(
        history={k: list(v) for k, v in getattr(model.history, "history", {}).items()},
        warnings=[(w.category.__name__, str(w.message)) for w in caught],
        stdout=out.getvalue().replace(str(root), "<root>"),
        error=error,
        weights_by_file={str(p.relative_to(root)): read_weights(p) for p in files},
    )


CONFIGURATIONS: dict[str, dict[str, Any]] = {
    "every epoch, weights, log keys in names": dict(
        template="w-{epoch:02d}-{val_loss:.4f}.weights.h5",
        steps_per_execution=1,
        validation_freq=1,
        save_weights_only=True,
    ),
    "best only, whole model": dict(
        template="best-{epoch}.keras",
        steps_per_execution=1,
        validation_freq=1,
        save_best_only=True,
        verbose=1,
    ),
    "batch-level, partial executions, nested dirs": dict(
        template="e{epoch}/b{batch}.weights.h5",
        steps_per_execution=2,
        validation_freq=1,
        save_weights_only=True,
        save_freq=5,
    ),
    "best only, validation every other epoch": dict(
        template="m.keras",
        steps_per_execution=1,
        validation_freq=2,
        save_best_only=True,
    ),
    "batch-level best only crashes (MC-13)": dict(
        template="m.keras",
        steps_per_execution=1,
        validation_freq=1,
        save_best_only=True,
        save_freq=1,
        monitor="loss",
    ),
}


@pytest.mark.parametrize("configuration", list(CONFIGURATIONS))
def test_reference_in_real_fit_matches_keras(configuration: str, tmp_path: pathlib.Path) -> None:
    options = CONFIGURATIONS[configuration]
    expected = train(keras.callbacks.ModelCheckpoint, tmp_path / "keras", **options)
    actual = train(ReferenceModelCheckpoint, tmp_path / "reference", **options)
    assert expected.weights_by_file, "the configuration should write files"
    assert actual.history == expected.history
    assert actual.warnings == expected.warnings
    assert actual.stdout == expected.stdout
    assert actual.error == expected.error
    assert list(actual.weights_by_file) == list(expected.weights_by_file)
    for name, weights in expected.weights_by_file.items():
        assert actual.weights_by_file[name].keys() == weights.keys(), name
        for key, value in weights.items():
            np.testing.assert_array_equal(actual.weights_by_file[name][key], value)


def test_keras_batch_names_use_unclipped_end_step(tmp_path: pathlib.Path) -> None:
    """Independent of the reference: 3 batches in executions of 2 end at steps 1 and 3."""
    trained = train(
        keras.callbacks.ModelCheckpoint,
        tmp_path,
        **CONFIGURATIONS["batch-level, partial executions, nested dirs"],
    )
    # Counts +2 per execution, clipped or not: 2, 4 | 6 save e2/b2, 2 | 4, 6 save e3/b4 | 2, 4.
    # Counting real batches (2 + 1) would save e2/b2 and e4/b2; `b4` names a 4th batch
    # in an epoch of 3.
    assert list(trained.weights_by_file) == [
        os.path.join("e2", "b2.weights.h5"),
        os.path.join("e3", "b4.weights.h5"),
    ]


def test_keras_fit_crashes_with_batch_level_best_only(tmp_path: pathlib.Path) -> None:
    trained = train(
        keras.callbacks.ModelCheckpoint,
        tmp_path,
        **CONFIGURATIONS["batch-level best only crashes (MC-13)"],
    )
    assert trained.error == ("TypeError", "'NoneType' object is not callable")
    assert list(trained.weights_by_file) == ["m.keras"]  # the first batch's save
    assert trained.history == {}  # fit never returned a History of its own


def test_keras_fit_best_only_saves_when_monitor_missing(tmp_path: pathlib.Path) -> None:
    trained = train(
        keras.callbacks.ModelCheckpoint,
        tmp_path,
        **CONFIGURATIONS["best only, validation every other epoch"],
    )
    missing = ("UserWarning", "Can save best model only with val_loss available.")
    assert [w for w in trained.warnings if w == missing] == [missing, missing]  # epochs 1, 3


def test_keras_full_model_to_weights_h5_is_legacy_h5(tmp_path: pathlib.Path) -> None:
    """`.weights.h5` without save_weights_only passes the check; `save` writes legacy H5."""
    train(keras.callbacks.ModelCheckpoint, tmp_path, "m.weights.h5", 1, 1)
    with h5py.File(tmp_path / "m.weights.h5", "r") as file:
        assert "model_config" in file.attrs
        assert "model_weights" in file

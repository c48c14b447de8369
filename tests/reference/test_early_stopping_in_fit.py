"""EarlyStopping inside a real `keras.Model.fit` (jax backend): the reference behaves
as Keras's own callback on the same model and data."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import reference
from tests.support.implementations import each_implementation


@each_implementation
def test_documented_example_runs_four_epochs(impl):
    callback = impl.EarlyStopping(monitor="loss", patience=3)
    model = keras.models.Sequential([keras.layers.Dense(10)])
    model.compile(keras.optimizers.SGD(), loss="mse")
    history = model.fit(
        np.arange(100).reshape(5, 20),
        np.zeros(5),
        epochs=10,
        batch_size=1,
        callbacks=[callback],
        verbose=0,
    )
    assert len(history.history["loss"]) == 4


def _fit(callback_cls, config, learning_rate, validation_freq):
    keras.utils.set_random_seed(7)
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        keras.optimizers.SGD(learning_rate), loss="binary_crossentropy", metrics=["accuracy"]
    )
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x[:, :1] + 0.5 * rng.normal(size=(64, 1)) > 0).astype("float32")
    callback = callback_cls(**config)
    history = model.fit(
        x[:48],
        y[:48],
        validation_data=(x[48:], y[48:]),
        epochs=12,
        batch_size=16,
        validation_freq=validation_freq,
        callbacks=[callback],
        verbose=0,
    )
    state = (callback.best, callback.best_epoch, callback.stopped_epoch, callback.wait)
    return history.history, [w.copy() for w in model.get_weights()], state


CONFIGS = [
    dict(monitor="val_loss", patience=1, restore_best_weights=True),
    dict(monitor="val_accuracy", patience=2, restore_best_weights=True, min_delta=0.01),
    dict(monitor="loss", patience=0, baseline=0.5, start_from_epoch=2),
    dict(monitor="accuracy", mode="max", patience=3, restore_best_weights=True),
]


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("learning_rate", [0.05, 3.0])
@pytest.mark.parametrize("validation_freq", [1, 2])
def test_reference_matches_keras_in_fit(config, learning_rate, validation_freq):
    theirs = _fit(keras.callbacks.EarlyStopping, config, learning_rate, validation_freq)
    ours = _fit(reference.EarlyStopping, config, learning_rate, validation_freq)
    assert repr(ours[0]) == repr(theirs[0])  # History, NaN-safe
    for mine, keras_weights in zip(ours[1], theirs[1], strict=True):
        np.testing.assert_array_equal(mine, keras_weights)
    assert repr(ours[2]) == repr(theirs[2])

"""LearningRateScheduler inside a real `keras.Model.fit` (jax backend)."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from keras import ops

import reference
from tests.support.implementations import each_implementation


def _doc_model():
    model = keras.models.Sequential([keras.layers.Dense(10)])
    model.compile(keras.optimizers.SGD(), loss="mse")
    return model


def _keep_then_decay(epoch, lr):
    return lr if epoch < 10 else lr * math.exp(-0.1)


@each_implementation
def test_documented_example_takes_the_rate_to_0_00607(impl):
    # batch_size=1: with Keras's default of 32 the docstring's targets of shape (5,)
    # fail to broadcast against the (5, 10) output on jax, before any callback runs.
    model = _doc_model()
    model.fit(
        np.arange(100).reshape(5, 20),
        np.zeros(5),
        epochs=15,
        batch_size=1,
        callbacks=[impl.LearningRateScheduler(_keep_then_decay)],
        verbose=0,
    )
    assert round(float(model.optimizer.learning_rate), 5) == 0.00607


@each_implementation
def test_documented_ops_exp_schedule_is_rejected_on_jax(impl):
    def scheduler(epoch, lr):
        return lr if epoch < 10 else lr * ops.exp(-0.1)

    model = _doc_model()
    with pytest.raises(ValueError, match="should be a float"):
        model.fit(
            np.arange(100).reshape(5, 20),
            np.zeros(5),
            epochs=15,
            batch_size=1,
            callbacks=[impl.LearningRateScheduler(scheduler)],
            verbose=0,
        )
    assert math.isclose(float(model.optimizer.learning_rate), 0.01, rel_tol=1e-6)


def _fit(callback_cls, schedule, callbacks_after=()):
    keras.utils.set_random_seed(3)
    model = _doc_model()
    history = model.fit(
        np.arange(100).reshape(5, 20) / 100,
        np.zeros(5),
        epochs=6,
        batch_size=1,
        initial_epoch=1,
        callbacks=[callback_cls(schedule), *callbacks_after],
        verbose=0,
    )
    return history.history, [w.copy() for w in model.get_weights()]


@pytest.mark.parametrize(
    "schedule",
    [
        lambda epoch, lr: lr * 0.5,
        lambda epoch: 0.1 / (epoch + 1),
        lambda epoch, lr: np.float32(lr + 0.001),
    ],
)
def test_reference_matches_keras_in_fit(schedule):
    theirs = _fit(keras.callbacks.LearningRateScheduler, schedule)
    ours = _fit(reference.LearningRateScheduler, schedule)
    assert ours[0] == theirs[0]
    assert all(type(v) is float for v in ours[0]["learning_rate"])
    for mine, keras_weights in zip(ours[1], theirs[1], strict=True):
        np.testing.assert_array_equal(mine, keras_weights)

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


def _two_layer_model(optimizer):
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(2, name="dense_1"), keras.layers.Dense(1)]
    )
    model.compile(loss="mse", optimizer=optimizer)
    return model


def _multi_optimizer():
    return keras.optimizers.MultiOptimizer(
        keras.optimizers.OptimizerMap(
            default_optimizer=keras.optimizers.SGD(0.01, name="rest"),
            optimizer_map={".*dense_1/.*": keras.optimizers.SGD(0.1, name="first")},
        )
    )


# learning_rate_scheduler.optimizer.multi
@each_implementation
def test_multi_optimizer_sub_rates_scheduled_and_in_history(impl):
    model = _two_layer_model(_multi_optimizer())
    history = model.fit(
        np.ones((4, 3)),
        np.ones((4, 1)),
        epochs=2,
        verbose=0,
        callbacks=[impl.LearningRateScheduler(lambda e, lr: lr * 0.5)],
    )
    assert history.history["learning_rate_first"] == pytest.approx([0.05, 0.025])
    assert history.history["learning_rate_rest"] == pytest.approx([0.005, 0.0025])


# learning_rate_scheduler.optimizer.needs-learning-rate (quirk: LSO of a MultiOptimizer)
@each_implementation
def test_loss_scaled_multi_optimizer_has_no_usable_learning_rate(impl):
    model = _two_layer_model(keras.optimizers.LossScaleOptimizer(_multi_optimizer()))
    with pytest.raises(ValueError, match='Optimizer must have a "learning_rate" attribute.'):
        model.fit(
            np.ones((4, 3)),
            np.ones((4, 1)),
            epochs=1,
            verbose=0,
            callbacks=[impl.LearningRateScheduler(lambda e, lr: lr)],
        )


@each_implementation
def test_optimizer_built_with_a_schedule_refuses_the_assignment(impl):
    decay = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.9)
    model = _two_layer_model(keras.optimizers.SGD(decay))
    with pytest.raises(TypeError, match="not settable"):
        model.fit(
            np.ones((4, 3)),
            np.ones((4, 1)),
            epochs=1,
            verbose=0,
            callbacks=[impl.LearningRateScheduler(lambda e, lr: lr)],
        )


class _TrainEndLogs(keras.callbacks.Callback):
    def on_train_end(self, logs=None):
        self.logs = dict(logs)


# learning_rate_scheduler.logs.rate-read-back: not in on_train_end's logs
@each_implementation
def test_rate_is_absent_from_train_end_logs(impl):
    recorder = _TrainEndLogs()
    history = _two_layer_model(keras.optimizers.SGD(0.1)).fit(
        np.ones((4, 3)),
        np.ones((4, 1)),
        epochs=2,
        verbose=0,
        callbacks=[impl.LearningRateScheduler(lambda e, lr: lr), recorder],
    )
    assert "learning_rate" in history.history and set(recorder.logs) == {"loss"}

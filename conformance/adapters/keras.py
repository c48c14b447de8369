"""Keras's own callbacks driven on the simulated model: what the `keras` and `tf_keras`
targets (`conformance.targets`), a module of Keras subclasses (`conformance_like`) and
keras-core (`conformance.adapters.keras_core`) need.

Keras's callbacks test some of what they are given by type (an `Optimizer`, compiled
metric containers, an `Embedding` layer) and TensorBoard leaves TensorFlow's process-wide
state behind when it raises: the model adapters here give them Keras's own objects, and
the hooks restore that state and import TensorFlow ahead of the time limit.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

import numpy as np

from conformance.harness.sim_model import (
    SGD,
    Embedding,
    LossScaleOptimizer,
    MultiOptimizer,
    SimModel,
)

KERAS_BACKEND_PRECISIONS = {"numpy": "float64", "torch": "float32"}
"""How Keras compares monitored values on a backend, where not in float32 with subnormals
flushed to zero (jax, TensorFlow): `monitor.precision`."""


def keras_precision(backend: str) -> str:
    """How Keras 3 on `backend` compares monitored values."""
    return KERAS_BACKEND_PRECISIONS.get(backend, "float32-ftz")


def quiet_tensorflow_logs() -> None:
    """TensorFlow's C++ start-up lines (absl's, the CPU-feature and oneDNN notes) on
    stderr drown what the suite says: silence them before TensorFlow loads, which reads
    the level once, unless the user chose a level."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def import_tensorflow_for_tensorboard(callback: str) -> None:
    """Keras's TensorBoard imports TensorFlow on first use: seconds that are not the
    first scenario's to pay against the time limit."""
    if callback == "TensorBoard":
        importlib.import_module("tensorflow")


def leave_tensorflow_summary_contexts(callback: Any) -> None:
    """Keras's TensorBoard enters TensorFlow's process-wide default writer and
    `record_if` contexts and leaves them in `on_train_end`; a run that raised before
    leaves them entered, and every later summary in the process would be written (or
    gated) by them. Leave them, as Keras's own `_pop_writer` does."""
    while getattr(callback, "_prev_summary_state", None):
        callback._pop_writer()


# Keras's own metric classes for the simulated metric names (see sim_model.METRIC_DIRECTIONS).
_KERAS_METRICS = {
    "accuracy": "Accuracy",
    "auc": "AUC",
    "mean_squared_error": "MeanSquaredError",
    "mean_absolute_error": "MeanAbsoluteError",
}


def _real_optimizers(model: SimModel, sgd: Any) -> None:
    """The simulated SGD, or each of the multi-optimizer's, or the one a loss-scale
    optimizer wraps, replaced by the framework's own `sgd` class at the same rate (and
    name). A plain optimizer stays: it stands for one that is no framework's."""
    if isinstance(model.optimizer, SGD):
        model.optimizer = sgd(learning_rate=float(model.optimizer.learning_rate))
    elif isinstance(model.optimizer, LossScaleOptimizer):
        inner = model.optimizer.inner_optimizer
        model.optimizer.inner_optimizer = sgd(learning_rate=float(inner.learning_rate))
    elif isinstance(model.optimizer, MultiOptimizer):
        for index, sub in enumerate(model.optimizer.optimizers):
            model.optimizer.optimizers[index] = sgd(
                learning_rate=float(sub.learning_rate), name=sub.name
            )


def adapt_for_keras(model: SimModel, package: str = "keras") -> SimModel:
    """Swap the stand-ins Keras tests by type for Keras's own objects: a real
    optimizer (TensorBoard logs the rate of an `Optimizer` only), compiled metric
    containers (`mode="auto"`), and a real `Embedding` layer (the projector). `package`
    is the Keras to take them from: `keras`, or `keras_core`, the preview of Keras 3,
    laid out the same."""
    keras = importlib.import_module(package)
    try:
        compile_utils = importlib.import_module(f"{package}.src.trainers.compile_utils")
        MetricsList = compile_utils.MetricsList  # noqa: N806
    except ImportError:  # tf-keras: no compiled-metric containers to adapt
        MetricsList = None  # noqa: N806
    _real_optimizers(model, keras.optimizers.SGD)
    if MetricsList is not None:
        metrics = [
            getattr(keras.metrics, _KERAS_METRICS[name])()
            if name in _KERAS_METRICS
            else keras.metrics.Mean(name=name)
            for name in model.spec.metrics
        ]
        model.metrics = [MetricsList(metrics)]
    for index, layer in enumerate(model.layers):
        if isinstance(layer, Embedding):
            (table,) = layer.weights
            real = keras.layers.Embedding(*table.shape, name=layer.name)
            real.build()
            model.layers[index] = real
    model.set_label(model.label)
    return model


def adapt_for_tf_keras(model: SimModel) -> SimModel:
    """Give the simulated model what a tf-keras (Keras 2) model has and tf-keras's
    callbacks read: tf-keras optimizers (`lr`, `learning_rate` and `iterations` as
    TensorFlow variables), weights that are TensorFlow variables named as Keras 2 names
    them (`dense/w0:0`: the histograms' tags), a real `tf_keras.layers.Embedding` (the
    projector tests the type), `distribute_strategy` (ModelCheckpoint and TensorBoard
    write through it), the fit step counters `_train_counter` and `_test_counter`
    (TensorBoard's steps), `train_tf_function` and `_is_graph_network` (TensorBoard's
    graph and model summary)."""
    import tensorflow as tf
    import tf_keras

    _real_optimizers(model, tf_keras.optimizers.SGD)
    if isinstance(model.optimizer, MultiOptimizer):
        # Keras 2 has no multi-optimizer of its own (TensorFlow Addons had one); the
        # stand-in keeps its sub-optimizers, made tf-keras's, and a real step variable.
        model.optimizer.iterations = tf.Variable(0, dtype="int64", name="iteration")
    for index, layer in enumerate(model.layers):
        if isinstance(layer, Embedding):
            (table,) = layer.weights
            real = tf_keras.layers.Embedding(*table.shape, name=layer.name)
            real(np.zeros((1,), "int32"))  # built by a call: in the layer's name scope
            model.layers[index] = real
        else:
            layer.weights = [
                tf.Variable(np.asarray(weight), name=weight.path) for weight in layer.weights
            ]
    model.__class__ = _keras2_model_class(type(model))
    keras2: Any = model
    keras2.distribute_strategy = tf.distribute.get_strategy()
    keras2._train_counter = tf.Variable(0, dtype="int64")
    # Keras 2's evaluate resets and advances `_test_counter`, which the simulated
    # evaluate cannot reach; tf-keras's TensorBoard reads it only as the default step of
    # the validation writer, which no summary the callback writes uses.
    keras2._test_counter = tf.Variable(0, dtype="int64")
    keras2.train_tf_function = None  # no traced train function: no graph to write
    keras2._is_graph_network = type(model).__name__ == "Functional"
    model.set_label(model.label)
    return model


def _keras2_model_class(cls: type[SimModel]) -> type[SimModel]:
    """`cls` (its name kept: TensorBoard reads it) with Keras 2's fit step counter: the
    fit sets `stop_training = False` and then resets `_train_counter`, and each training
    step adds one to it (tf_keras/src/engine/training.py, `fit` and `train_function`)."""

    class Keras2Model(cls):  # type: ignore[valid-type,misc]
        _train_counter: Any

        @property
        def stop_training(self) -> bool:
            return bool(self.__dict__["stop_training"])

        @stop_training.setter
        def stop_training(self, value: bool) -> None:
            self.__dict__["stop_training"] = value
            if value is False and "_train_counter" in self.__dict__:  # a fit begins
                self._train_counter.assign(0)

        def advance_iterations(self, steps: int) -> None:
            self._train_counter.assign_add(steps)
            super().advance_iterations(steps)

    Keras2Model.__name__ = Keras2Model.__qualname__ = cls.__name__
    return Keras2Model

"""Targets: the implementations the suite checks, named by a string.

* `reference`: this project's executable specification.
* `keras`: the installed Keras 3, under whatever `KERAS_BACKEND` says.
* `tf_keras`: the installed tf-keras (Keras 2), driven with a simulated model that has
  what a Keras 2 model has (`adapt_for_tf_keras`).
* `pkg.mod` or `pkg.mod:obj`: any importable module (or object in one) exposing
  `EarlyStopping`, `LearningRateScheduler`, `ModelCheckpoint` and `TensorBoard`.

The named ones are a registry (`NAMED_TARGETS`), each registered with `named` where it is
defined; any other spec is a module's.

A target may define, on the module or object, the optional hooks
`conformance_adapt_model(model) -> model` (adapt the simulated model it is driven
with, or return a facade of it: `conformance.harness.observe.FACADE_ATTRIBUTE`),
`conformance_precision` (`"float32-ftz"`, `"float32"` or `"float64"`: how it compares
monitored values), `conformance_cleanup(callback)` (restore process-wide state
a callback may leave behind when it raises), `conformance_warm_up(callback_name)` (run
once per callback class before its first scenario, outside the per-scenario time limit:
imports, compilation), `conformance_version` (else `__version__` is used) and
`conformance_unsupported` (the configurations it cannot express: `conformance.unsupported`).

A module of subclasses of Keras's callbacks (or tf-keras's) declares it in one line,
`conformance_like = "keras"` (or `"tf_keras"`): it is then driven as that named target is,
with its model adapter, cleanup, warm-up, backend and precision, unless the module
defines its own.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import ModuleType
from typing import Any, Protocol

import numpy as np

from conformance import PRECISIONS
from conformance.harness.observe import ModelAdapter
from conformance.harness.sim_model import (
    SGD,
    Embedding,
    LossScaleOptimizer,
    MultiOptimizer,
    SimModel,
)
from conformance.unsupported import Declarations, UnsupportedError, declarations

CALLBACKS = ("EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard")
# The short names `--callbacks` takes beside the full ones.
CALLBACK_ABBREVIATIONS = {
    "ES": "EarlyStopping",
    "LRS": "LearningRateScheduler",
    "MC": "ModelCheckpoint",
    "TB": "TensorBoard",
}
# The Keras backends a module target may declare (`conformance_backend`): the tensors it
# is given ("a tensor" returned by a schedule) are then that backend's own.
BACKENDS = ("jax", "tensorflow", "torch", "numpy")


class TargetError(Exception):
    """A target that cannot be used; the message is one line for the command line."""


@dataclass(frozen=True)
class Target:
    """What the user asked for: a target's configuration, as it resolved. What a run
    of it holds (where its code runs, its shared observations, the scopes of its
    declared divergences) is the run's: `conformance.running.RunningTarget`."""

    spec: str
    module: str
    classes: Mapping[str, type | None]
    version: str | None = None
    backend: str | None = None
    precision: str = "float32-ftz"
    adapt: ModelAdapter | None = None
    cleanup: Callable[[Any], None] | None = None  # after each run of a callback
    not_run: Mapping[str, str] = field(default_factory=dict)  # callback -> why it is not run
    warm_up: Callable[[str], None] | None = None  # once per callback, before the time limit
    # what it cannot express: scenarios that need it are left out (conformance.unsupported)
    unsupported: Declarations = field(default_factory=Declarations)
    # the callbacks it has: those of `classes` unless given (a target in a worker process)
    present: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if self.present is None:
            present = frozenset(name for name, cls in self.classes.items() if cls is not None)
            object.__setattr__(self, "present", present)

    def has(self, callback: str) -> bool:
        """Whether the target has `callback` to run."""
        assert self.present is not None
        return callback in self.present

    def describe(self) -> dict[str, Any]:
        return {
            "spec": self.spec,
            "module": self.module,
            "version": self.version,
            "backend": self.backend,
            "precision": self.precision,
            "unsupported": self.unsupported.describe(),
        }


@dataclass(frozen=True)
class TargetOptions:
    """What the command line says over a target's own declarations: how it compares
    monitored values (`--precision`, else its `conformance_precision`) and which of its
    callbacks are checked (`--callbacks`, else all it has)."""

    precision: str | None = None
    callbacks: frozenset[str] | None = None

    def apply(self, target: Target) -> Target:
        """`target` as these options make it: a callback left out is not-run, saying so."""
        changes: dict[str, Any] = {}
        if self.precision is not None:
            changes["precision"] = self.precision
        if self.callbacks is not None:
            assert target.present is not None
            left_out = target.present - self.callbacks
            reason = "not selected (--callbacks)"
            changes["present"] = target.present & self.callbacks
            changes["not_run"] = {**target.not_run, **dict.fromkeys(left_out, reason)}
        return replace(target, **changes)


def callback_names(text: str) -> frozenset[str]:
    """The callbacks a comma-separated `text` names, in full or abbreviated (`ES,MC`);
    ValueError naming what is not a callback."""
    names = [part.strip() for part in text.split(",")]
    chosen = set()
    for name in names:
        full = CALLBACK_ABBREVIATIONS.get(name.upper(), name)
        if full not in CALLBACKS:
            choices = ", ".join([*CALLBACKS, *CALLBACK_ABBREVIATIONS])
            raise ValueError(f"{name!r} is not a callback: expected some of {choices}")
        chosen.add(full)
    return frozenset(chosen)


class NamedTarget(Protocol):
    """Resolves a target known by name (`reference`, `keras`...); TargetError with a
    one-line reason if it cannot be used."""

    def __call__(self) -> Target: ...


# name -> how it resolves; filled by `named` where each is defined, below
NAMED_TARGETS: dict[str, NamedTarget] = {}


def named(name: str) -> Callable[[NamedTarget], NamedTarget]:
    """Register the decorated function as the target named `name`."""

    def register(resolver: NamedTarget) -> NamedTarget:
        NAMED_TARGETS[name] = resolver
        return resolver

    return register


def resolve(spec: str) -> Target:
    """The target named `spec`: a named one, else a module (or an object in one);
    TargetError with a one-line reason."""
    resolver = NAMED_TARGETS.get(spec)
    return _module_target(spec) if resolver is None else resolver()


def _import(name: str, spec: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name and name.startswith(error.name):
            raise TargetError(f"unknown target {spec!r}: no module named {error.name!r}") from None
        raise TargetError(
            f"target {spec!r} failed to import: {type(error).__name__}: {error}"
        ) from None
    except BaseException as error:  # a module raising anything at import is a bad target
        raise TargetError(
            f"target {spec!r} failed to import: {type(error).__name__}: {error}"
        ) from None


def _classes(holder: Any) -> tuple[dict[str, type | None], dict[str, str]]:
    classes = {name: getattr(holder, name, None) for name in CALLBACKS}
    not_run = {name: "class absent from the target" for name, cls in classes.items() if cls is None}
    for name, cls in classes.items():
        if cls is not None and not callable(cls):
            classes[name] = None
            not_run[name] = f"{name} is not a class or callable"
    return classes, not_run


@named("reference")
def _reference_target() -> Target:
    import reference
    from conformance import __version__

    classes, not_run = _classes(reference)
    return Target("reference", "reference", classes, version=__version__, not_run=not_run)


@named("keras")
def _keras_target() -> Target:
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = _import("keras", "keras")
    backend = keras.backend.backend()
    classes, not_run = _classes(keras.callbacks)
    if (
        importlib.util.find_spec("tensorflow") is None
        or importlib.util.find_spec("tensorboard") is None
    ):
        classes["TensorBoard"] = None
        not_run["TensorBoard"] = "Keras's TensorBoard needs TensorFlow and tensorboard installed"
    precision = {"numpy": "float64", "torch": "float32"}.get(backend, "float32-ftz")
    return Target(
        "keras",
        "keras.callbacks",
        classes,
        version=keras.__version__,
        backend=backend,
        precision=precision,
        adapt=adapt_for_keras,
        cleanup=leave_tensorflow_summary_contexts,
        not_run=not_run,
        warm_up=import_tensorflow_for_tensorboard,
    )


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


@named("tf_keras")
def _tf_keras_target() -> Target:
    tf_keras = _import("tf_keras", "tf_keras")
    classes, not_run = _classes(tf_keras.callbacks)
    return Target(
        "tf_keras",
        "tf_keras.callbacks",
        classes,
        version=tf_keras.__version__,
        backend="tensorflow",
        precision="float64",
        adapt=adapt_for_tf_keras,
        cleanup=leave_tensorflow_summary_contexts,
        not_run=not_run,
    )


def _module_target(spec: str) -> Target:
    module_name, _, attribute = spec.partition(":")
    if not module_name or not all(part.isidentifier() for part in module_name.split(".")):
        raise TargetError(
            f"unknown target {spec!r}: expected {', '.join(NAMED_TARGETS)}, module or module:object"
        )
    holder: Any = _import(module_name, spec)
    for name in filter(None, attribute.split(".")):
        if not hasattr(holder, name):
            raise TargetError(f"target {spec!r}: module {module_name!r} has no attribute {name!r}")
        holder = getattr(holder, name)
    classes, not_run = _classes(holder)
    if len(not_run) == len(CALLBACKS):
        raise TargetError(f"target {spec!r} exposes none of {', '.join(CALLBACKS)}")
    like = _like(spec, getattr(holder, "conformance_like", None))
    precision = getattr(holder, "conformance_precision", like.precision)
    cleanup = getattr(holder, "conformance_cleanup", like.cleanup)
    if precision not in PRECISIONS:
        raise TargetError(
            f"target {spec!r}: conformance_precision must be one of {PRECISIONS}, got {precision!r}"
        )
    backend = getattr(holder, "conformance_backend", like.backend)
    if backend not in (None, *BACKENDS):
        raise TargetError(
            f"target {spec!r}: conformance_backend must be one of {BACKENDS}, got {backend!r}"
        )
    version = getattr(holder, "conformance_version", None) or getattr(holder, "__version__", None)
    try:
        unsupported = declarations(getattr(holder, "conformance_unsupported", None), spec)
    except UnsupportedError as error:
        raise TargetError(str(error)) from None
    return Target(
        spec,
        module_name,
        classes,
        version=None if version is None else str(version),
        backend=backend,
        precision=precision,
        adapt=getattr(holder, "conformance_adapt_model", like.adapt),
        cleanup=cleanup,
        not_run=not_run,
        warm_up=getattr(holder, "conformance_warm_up", like.warm_up),
        unsupported=unsupported,
    )


def _like(spec: str, like: object) -> Target:
    """The named target whose hooks a module declaring `conformance_like` takes as its own
    defaults; without the declaration, a target with none."""
    if like is None:
        return Target(spec, spec, {})
    if not isinstance(like, str) or like not in NAMED_TARGETS or like == "reference":
        known = ", ".join(repr(name) for name in NAMED_TARGETS if name != "reference")
        raise TargetError(f"target {spec!r}: conformance_like must be one of {known}, got {like!r}")
    return NAMED_TARGETS[like]()


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


def adapt_for_keras(model: SimModel) -> SimModel:
    """Swap the stand-ins Keras tests by type for Keras's own objects: a real
    optimizer (TensorBoard logs the rate of an `Optimizer` only), compiled metric
    containers (`mode="auto"`), and a real `Embedding` layer (the projector)."""
    import keras

    try:
        from keras.src.trainers.compile_utils import MetricsList
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

"""A duck-typed `keras.Model` for TensorBoard, built twice from one description.

TensorBoard touches: the class name (`Functional`/`Sequential` get a model summary),
`to_json`, `train_function` (read at the first batch end), `optimizer` (`iterations`,
`learning_rate`, `inner_optimizer`, `optimizers`, and whether it *is* a Keras
`Optimizer`), `layers` (their `weights` with `path`, and whether they *are* Keras
`Embedding`s, with `name`) and `save_weights`.

Keras's TensorBoard decides "is a Keras Optimizer / Embedding" with `isinstance`, so its
model gets real Keras objects there; the reference's model gets plain classes with the
same names, which is exactly the duck-typing the reference promises to honour.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

Side = Literal["keras", "reference"]
OptimizerKind = Literal["keras", "plain", "none", "multi", "loss_scale"]


@dataclass(frozen=True)
class LayerSpec:
    name: str
    weight_shapes: tuple[tuple[int, ...], ...]
    embedding: bool = False  # a Keras Embedding: one (input_dim, output_dim) weight


@dataclass(frozen=True)
class ModelSpec:
    class_name: str = "Sequential"  # "Functional", "Sequential" or anything else
    json_fails: bool = False
    has_train_function: bool = True
    optimizer: OptimizerKind = "keras"
    learning_rate: float = 0.25
    layers: tuple[LayerSpec, ...] = ()


class Optimizer:
    """Stands for a Keras optimizer on the reference's side (matched by class name)."""

    def __init__(self, learning_rate: float, name: str = "sgd") -> None:
        self.learning_rate = np.float32(learning_rate)
        self.name = name
        self.iterations = 0


class PlainOptimizer:
    """Not a Keras optimizer: TensorBoard logs no learning rate for it."""

    def __init__(self, learning_rate: float, name: str = "plain") -> None:
        self.learning_rate = np.float32(learning_rate)
        self.name = name
        self.iterations = 0


@dataclass
class MultiOptimizer:
    optimizers: list[Any]
    iterations: int = 0


@dataclass
class LossScaleOptimizer:
    inner_optimizer: Any
    iterations: int = 0


class Weight:
    def __init__(self, path: str, value: np.ndarray) -> None:
        self.path = path
        self.value = value

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.value if dtype is None else self.value.astype(dtype)


class Layer:
    def __init__(self, name: str, weights: list[Any]) -> None:
        self.name = name
        self.weights = weights


class Embedding(Layer):
    """Stands for `keras.layers.Embedding` on the reference's side."""


def _weight_values(shape: tuple[int, ...], seed: int) -> np.ndarray:
    # Values spread over [-0.6, 1.2) so images hit both clipping ends and histograms
    # get uneven buckets; exact in float32.
    count = int(np.prod(shape))
    grid = ((np.arange(count) * 7 + seed * 13) % 29).astype(np.float32) / 16 - 0.6
    return grid.reshape(shape).astype(np.float32)


@dataclass
class DuckModel:
    spec: ModelSpec
    side: Side
    optimizer: Any = None
    layers: list[Any] = field(default_factory=list)
    saved_weights: list[str] = field(default_factory=list)
    stop_training: bool = False

    def to_json(self) -> str:
        if self.spec.json_fails:
            raise TypeError("cannot serialize this duck")
        return json.dumps({"class_name": self.spec.class_name, "layers": len(self.layers)})

    def __getattr__(self, name: str) -> Any:
        if name == "train_function" and self.spec.has_train_function:
            return lambda *args: None
        raise AttributeError(name)

    def save_weights(self, filepath: str, overwrite: bool = True) -> None:
        self.saved_weights.append(filepath)
        with open(filepath, "w") as file:
            file.write("weights")

    def set_epoch_weights(self, epoch: int) -> None:
        """Weights as training would have left them after `epoch`."""
        for layer in self.layers:
            for weight in layer.weights:
                value = _weight_values(tuple(np.shape(weight)), epoch + len(weight.path))
                if self.side == "keras" and not isinstance(weight, Weight):
                    weight.assign(value)
                else:
                    weight.value = value

    def advance_iterations(self, steps: int) -> None:
        for optimizer in self._all_optimizers():
            if isinstance(getattr(optimizer, "iterations", None), int):
                optimizer.iterations += steps
            else:  # a real Keras optimizer's variable
                optimizer.iterations.assign(int(np.asarray(optimizer.iterations)) + steps)

    def _all_optimizers(self) -> list[Any]:
        top = self.optimizer
        if top is None:
            return []
        inner = getattr(top, "inner_optimizer", None)
        return [top, *([inner] if inner is not None else []), *getattr(top, "optimizers", [])]


def _keras_like_optimizer(side: Side, learning_rate: float, name: str = "sgd") -> Any:
    if side == "reference":
        return Optimizer(learning_rate, name)
    import keras

    return keras.optimizers.SGD(learning_rate=learning_rate, name=name)


def _optimizer(spec: ModelSpec, side: Side) -> Any:
    rate = spec.learning_rate
    if spec.optimizer == "keras":
        return _keras_like_optimizer(side, rate)
    if spec.optimizer == "plain":
        return PlainOptimizer(rate)
    if spec.optimizer == "multi":
        first = _keras_like_optimizer(side, rate, "first")
        return MultiOptimizer([first, PlainOptimizer(rate * 2, "second")])
    if spec.optimizer == "loss_scale":
        return LossScaleOptimizer(_keras_like_optimizer(side, rate))
    return None


def _layer(spec: LayerSpec, side: Side) -> Any:
    if not spec.embedding:
        shapes = enumerate(spec.weight_shapes)
        return Layer(spec.name, [Weight(f"{spec.name}/w{i}", np.zeros(s)) for i, s in shapes])
    ((input_dim, output_dim),) = spec.weight_shapes
    if side == "reference":
        table = Weight(f"{spec.name}/embeddings", np.zeros((input_dim, output_dim)))
        return Embedding(spec.name, [table])
    import keras

    layer = keras.layers.Embedding(input_dim, output_dim, name=spec.name)
    layer.build()
    return layer


def build_model(spec: ModelSpec, side: Side) -> DuckModel:
    """The model for one side; both sides' models read back the same values."""
    model_class = type(spec.class_name, (DuckModel,), {})
    model = model_class(spec, side, _optimizer(spec, side), [_layer(s, side) for s in spec.layers])
    model.set_epoch_weights(-1)
    return model

"""SimModel: the parts of `keras.Model` the four callbacks touch, recording every call.

Its weights carry a label, the number of training steps that produced them, so an
observation can say which state was restored or saved. `save` and `save_weights`
write real files: `.keras` zip archives and HDF5 files in Keras's weights layout
(`layers/<name>/vars/<i>`), read back by `read_checkpoint`.

The classes a callback recognises by type (Keras's `Optimizer`, `Embedding`, compiled
metric containers) are stood in for by classes of the same names; a target that needs
Keras's own (the `keras` target) swaps them through its adapter hook.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

import h5py
import numpy as np

# Metric names the simulated model can be compiled with, and the direction Keras
# gives each ("up": maximised, "down": minimised, None: Keras declares none).
METRIC_DIRECTIONS: dict[str, str | None] = {
    "accuracy": "up",
    "auc": "up",
    "mean_squared_error": "down",
    "mean_absolute_error": "down",
    "custom": None,
}


@dataclass(frozen=True)
class ModelSpec:
    """What the simulated model looks like; part of a scenario, so plain data."""

    class_name: str = "Sequential"
    metrics: tuple[str, ...] = ()
    learning_rate: float = 0.5
    optimizer: str = "sgd"  # "sgd", "multi" (two sub-optimizers) or "none"
    embedding: bool = False
    to_json_fails: bool = False


class Metric:
    def __init__(self, name: str, direction: str | None) -> None:
        self.name = name
        if direction is not None:
            self._direction = direction


class MetricsList:
    """Stands for Keras's compiled-metrics container."""

    def __init__(self, metrics: list[Any]) -> None:
        self.metrics = metrics


class Optimizer:
    """Stands for a Keras optimizer: the rate is float32, as in Keras's variable."""

    def __init__(self, learning_rate: float) -> None:
        self.name = "sgd"
        self.iterations = 0
        self.learning_rate = learning_rate

    @property
    def learning_rate(self) -> np.float32:
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        self._learning_rate = np.float32(value)


class SGD(Optimizer):
    pass


class MultiOptimizer:
    """Stands for Keras's MultiOptimizer: callbacks find the rates in `optimizers`."""

    def __init__(self, learning_rate: float) -> None:
        self.optimizers = [SGD(learning_rate), SGD(learning_rate / 2)]
        self.optimizers[0].name, self.optimizers[1].name = "first", "second"
        self.iterations = 0


def _optimizer(spec: ModelSpec) -> Any:
    if spec.optimizer == "multi":
        return MultiOptimizer(spec.learning_rate)
    if spec.optimizer == "none":
        return None
    return SGD(spec.learning_rate)


class Weight:
    def __init__(self, path: str, value: np.ndarray) -> None:
        self.path = path
        self.value = value

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.value.shape)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.value if dtype is None else self.value.astype(dtype)


class Layer:
    def __init__(self, name: str, weights: list[Any]) -> None:
        self.name = name
        self.weights = weights


class Embedding(Layer):
    """Stands for `keras.layers.Embedding`."""


# Weight shapes of the simulated layers: a kernel, a bias, and an embedding table.
_DENSE_SHAPES = ((3, 2), (2,))
_EMBEDDING_SHAPE = (4, 2)


def _base_values(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """Distinct float32-exact values whose first element is 0 (the label adds to it)."""
    count = int(np.prod(shape))
    grid = ((np.arange(count) * 7 + seed * 5) % 17).astype(np.float32) / 8
    return (grid - grid[0]).reshape(shape).astype(np.float32)


class SimModel:
    """The simulated model. `calls` lists every call a callback made, in order."""

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec
        self.stop_training = False
        self.optimizer: Any = _optimizer(spec)
        self.metrics: list[Any] = [
            MetricsList([Metric(name, METRIC_DIRECTIONS[name]) for name in spec.metrics])
        ]
        self.layers: list[Any] = [
            Layer(
                "dense", [Weight(f"dense/w{i}", np.zeros(s)) for i, s in enumerate(_DENSE_SHAPES)]
            )
        ]
        if spec.embedding:
            self.layers.insert(
                0,
                Embedding(
                    "embedding", [Weight("embedding/embeddings", np.zeros(_EMBEDDING_SHAPE))]
                ),
            )
        self.calls: list[tuple[Any, ...]] = []
        self.label = 0.0
        self.set_label(0.0)

    # What training does to the model (the harness calls these, not callbacks).
    def set_label(self, label: float) -> None:
        """Weights as `label` training steps left them."""
        self.label = float(label)
        for index, weight in enumerate(self._weights()):
            value = _base_values(tuple(np.shape(weight)), index) + np.float32(label)
            if hasattr(weight, "assign"):  # a Keras variable, after adaptation
                weight.assign(value)
            else:
                weight.value = value

    def advance_iterations(self, steps: int) -> None:
        if self.optimizer is None:
            return
        iterations = self.optimizer.iterations
        if hasattr(iterations, "assign"):
            iterations.assign(int(np.asarray(iterations)) + steps)
        else:
            self.optimizer.iterations = iterations + steps

    def _weights(self) -> list[Any]:
        return [weight for layer in self.layers for weight in layer.weights]

    # What callbacks call.
    def get_weights(self) -> list[np.ndarray]:
        self.calls.append(("get_weights", self.label))
        return [np.array(weight, dtype=np.float32) for weight in self._weights()]

    def set_weights(self, weights: list[Any]) -> None:
        label = float(np.asarray(weights[0]).flat[0])
        self.calls.append(("set_weights", label))
        self.set_label(label)

    def save(self, filepath: str, overwrite: bool = True, **kwargs: Any) -> None:
        self.calls.append(("save", str(filepath), {"overwrite": overwrite, **kwargs}))
        if str(filepath).endswith(".keras"):
            with zipfile.ZipFile(filepath, "w") as archive:
                archive.writestr("metadata.json", json.dumps({"label": self.label}))
                archive.writestr("model.weights.h5", self._weights_h5_bytes())
        else:  # legacy full-model HDF5
            with h5py.File(filepath, "w") as model_file:
                model_file.attrs["model_config"] = self.to_json_unchecked()
                self._write_weights(model_file.create_group("model_weights"))

    def save_weights(self, filepath: str, overwrite: bool = True, **kwargs: Any) -> None:
        self.calls.append(("save_weights", str(filepath), {"overwrite": overwrite, **kwargs}))
        with h5py.File(filepath, "w") as weights_file:
            self._write_weights(weights_file)

    def _write_weights(self, group: Any) -> None:
        for layer in self.layers:
            variables = group.create_group(f"layers/{layer.name}/vars")
            for index, weight in enumerate(layer.weights):
                variables.create_dataset(str(index), data=np.asarray(weight, dtype=np.float32))

    def _weights_h5_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with h5py.File(buffer, "w") as weights_file:
            self._write_weights(weights_file)
        return buffer.getvalue()

    def to_json_unchecked(self) -> str:
        return json.dumps({"class_name": self.spec.class_name, "layers": len(self.layers)})

    def to_json(self) -> str:
        if self.spec.to_json_fails:
            raise TypeError("this model cannot be serialized")
        return self.to_json_unchecked()

    @property
    def train_function(self) -> Any:
        return None


def sim_model_class(class_name: str) -> type[SimModel]:
    """A SimModel subclass named like the model class being simulated, since
    TensorBoard writes the model summary only for `Sequential` and `Functional`."""
    return type(class_name, (SimModel,), {})


def read_checkpoint(path: str) -> str:
    """What a checkpoint file holds, as comparable text: the labels of its weights."""
    if path.endswith(".keras"):
        with zipfile.ZipFile(path) as archive:
            weights = h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")
            return f"keras archive: {_labels(weights)}"
    with h5py.File(path, "r") as h5:
        if "model_weights" in h5:
            return f"h5 model: {_labels(h5['model_weights'])}"
        return f"weights: {_labels(h5)}"


def _labels(group: Any) -> str:
    labels = []
    for layer in sorted(group["layers"]):
        for index in sorted(group[f"layers/{layer}/vars"], key=int):
            labels.append(
                f"{layer}/{index}={float(group[f'layers/{layer}/vars/{index}'][()].flat[0])}"
            )
    return ", ".join(labels)

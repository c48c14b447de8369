"""SimModel: the parts of `keras.Model` the four callbacks touch, recording every call.

Its weights carry a label, the number of training steps that produced them, so an
observation can say which state was restored or saved. `save` and `save_weights`
write real files: `.keras` zip archives and HDF5 files in Keras's weights layout
(`layers/<name>/vars/<i>`), read back by `read_checkpoint`; `save_raises` makes a
model whose saves fail instead (as h5py or a full disk might), for `observe`'s `adapt`.

The classes a callback recognises by type (Keras's `Optimizer`, `Embedding`, compiled
metric containers) are stood in for by classes of the same names; a target that needs
Keras's own (the `keras` target) swaps them through its adapter hook.
"""

from __future__ import annotations

import functools
import io
import json
import pickle
import zipfile
from collections.abc import Callable
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
    # "sgd", "multi" (two sub-optimizers), "loss_scale" (an SGD wrapped as Keras's
    # LossScaleOptimizer wraps one), "plain" (no Keras optimizer: TensorBoard logs no
    # rate for it) or "none". The suite's strategies draw the first two and "none".
    optimizer: str = "sgd"
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


class LossScaleOptimizer:
    """Stands for Keras's LossScaleOptimizer: callbacks find the rate through
    `inner_optimizer`."""

    def __init__(self, learning_rate: float) -> None:
        self.inner_optimizer = SGD(learning_rate)
        self.iterations = 0


class PlainOptimizer:
    """An optimizer that is not a Keras `Optimizer` (a rate and a step count only)."""

    def __init__(self, learning_rate: float) -> None:
        self.name = "plain"
        self.iterations = 0
        self.learning_rate = np.float32(learning_rate)


def _optimizer(spec: ModelSpec) -> Any:
    if spec.optimizer == "multi":
        return MultiOptimizer(spec.learning_rate)
    if spec.optimizer == "loss_scale":
        return LossScaleOptimizer(spec.learning_rate)
    if spec.optimizer == "plain":
        return PlainOptimizer(spec.learning_rate)
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


@functools.cache
def _base_values(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """Distinct float32-exact values whose first element is 0 (the label adds to it).
    Made once per shape and seed (read-only): the weights are set at every batch."""
    count = int(np.prod(shape))
    grid = ((np.arange(count) * 7 + seed * 5) % 17).astype(np.float32) / 8
    values = (grid - grid[0]).reshape(shape).astype(np.float32)
    values.flags.writeable = False
    return values


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
            # `shape`, not np.shape: that would copy a Keras variable's value to the host.
            value = _base_values(tuple(weight.shape), index) + np.float32(label)
            if hasattr(weight, "assign"):  # a Keras variable, after adaptation
                weight.assign(value)
            else:
                weight.value = value

    def advance_iterations(self, steps: int) -> None:
        if self.optimizer is None:
            return
        iterations = self.optimizer.iterations
        if hasattr(iterations, "assign_add"):  # a Keras or TensorFlow variable
            iterations.assign_add(steps)
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
        # A `.keras` archive, or a legacy full-model HDF5 file.
        kind = "keras" if str(filepath).endswith(".keras") else "h5 model"
        _write_file(filepath, self._file_bytes(kind), hdf5=kind == "h5 model")

    def save_weights(self, filepath: Any, overwrite: bool = True, **kwargs: Any) -> None:
        """Save the weights to `filepath`: a path, or a binary file open for writing (a
        framework's callback may open the file itself: `conformance.adapters`)."""
        self.calls.append(
            ("save_weights", _file_name(filepath), {"overwrite": overwrite, **kwargs})
        )
        _write_file(filepath, self._file_bytes("weights"), hdf5=True)

    def load_weights(self, filepath: Any, **kwargs: Any) -> None:
        """The weights a `save_weights` file holds (a path, or a binary file open for
        reading), as Keras's `load_weights` loads them."""
        if hasattr(filepath, "read"):
            content = filepath.read()
        else:
            with open(filepath, "rb") as file:
                content = file.read()
        label = checkpoint_label(content)
        self.calls.append(("load_weights", _file_name(filepath), label))
        self.set_label(label)

    def _file_bytes(self, kind: str) -> bytes:
        weights = tuple(
            (layer.name, tuple(np.asarray(weight, dtype=np.float32) for weight in layer.weights))
            for layer in self.layers
        )
        return _checkpoint_bytes(kind, self.label, self.to_json_unchecked(), weights)

    def to_json_unchecked(self) -> str:
        return json.dumps({"class_name": self.spec.class_name, "layers": len(self.layers)})

    def to_json(self) -> str:
        if self.spec.to_json_fails:
            raise TypeError("this model cannot be serialized")
        return self.to_json_unchecked()

    @property
    def train_function(self) -> Any:
        return None


Layers = tuple[tuple[str, tuple[np.ndarray, ...]], ...]  # (layer name, its weights)


# A checkpoint's content is a function of what it holds: made with h5py once per content,
# not at every save (h5py's work was a fifth of a ModelCheckpoint scenario's time).
_CHECKPOINTS: dict[tuple[Any, ...], bytes] = {}
_CHECKPOINTS_KEPT = 4096


def _checkpoint_bytes(kind: str, label: float, model_json: str, layers: Layers) -> bytes:
    """The bytes of a checkpoint file of `kind` ("keras", "h5 model" or "weights")."""
    held = tuple((name, tuple((w.shape, w.tobytes()) for w in ws)) for name, ws in layers)
    key = (kind, label, model_json, held)
    if key not in _CHECKPOINTS:
        if len(_CHECKPOINTS) >= _CHECKPOINTS_KEPT:
            _CHECKPOINTS.clear()
        if kind == "keras":
            archive_bytes = io.BytesIO()
            with zipfile.ZipFile(archive_bytes, "w") as archive:
                archive.writestr("metadata.json", json.dumps({"label": label}))
                archive.writestr("model.weights.h5", _hdf5_bytes(layers))
            _CHECKPOINTS[key] = archive_bytes.getvalue()
        else:
            _CHECKPOINTS[key] = _hdf5_bytes(layers, model_json if kind == "h5 model" else None)
    return _CHECKPOINTS[key]


def _hdf5_bytes(layers: Layers, model_json: str | None = None) -> bytes:
    """Weights in Keras's layout (`layers/<name>/vars/<i>`); with `model_json`, as a
    legacy full-model file (the config in an attribute, the weights in `model_weights`)."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        group = h5
        if model_json is not None:
            h5.attrs["model_config"] = model_json
            group = h5.create_group("model_weights")
        for name, weights in layers:
            variables = group.create_group(f"layers/{name}/vars")
            for index, weight in enumerate(weights):
                variables.create_dataset(str(index), data=weight)
    return buffer.getvalue()


def _file_name(filepath: Any) -> str:
    """A path as text; a file object as the name it was opened with."""
    if hasattr(filepath, "write") or hasattr(filepath, "read"):
        return str(getattr(filepath, "name", filepath))
    return str(filepath)


def _write_file(filepath: Any, content: bytes, hdf5: bool) -> None:
    """Write `content` to `filepath` (a path, or a binary file open for writing), failing
    as the library that makes such files would: zipfile (Python's `open`) for an archive,
    h5py for an HDF5 file (whose errors are OSErrors worded by HDF5, which
    ModelCheckpoint rewords)."""
    if hasattr(filepath, "write"):
        filepath.write(content)
        return
    try:
        with open(filepath, "wb") as file:
            file.write(content)
    except OSError:
        if hdf5:
            h5py.File(filepath, "w").close()  # raises h5py's error for this path
        raise


def save_raises(error: BaseException) -> Callable[[SimModel], SimModel]:
    """A model adapter (`observe`'s `adapt`): the model's `save` and `save_weights` raise
    `error`, as h5py or a full disk might. Chain it after a target's own adapter."""

    def adapt(model: SimModel) -> SimModel:
        def save(filepath: str, overwrite: bool = True, **kwargs: Any) -> None:
            raise error

        model.save = save  # type: ignore[method-assign]
        model.save_weights = save  # type: ignore[method-assign]
        return model

    return adapt


def sim_model_class(class_name: str) -> type[SimModel]:
    """A SimModel subclass named like the model class being simulated, since
    TensorBoard writes the model summary only for `Sequential` and `Functional`."""
    return type(class_name, (SimModel,), {})


def read_checkpoint(path: str) -> str:
    """What a checkpoint file holds, as comparable text: the labels of its weights."""
    with open(path, "rb") as file:
        return checkpoint_text(path, file.read())


def checkpoint_text(name: str, content: bytes) -> str:
    """`read_checkpoint` of a file called `name` holding `content`."""
    return _checkpoint_text(name.endswith(".keras"), content)


@functools.lru_cache(maxsize=4096)
def _checkpoint_text(archive: bool, content: bytes) -> str:
    """`read_checkpoint` of a file holding `content` (parsed once per content)."""
    state = _torch_state_dict(content)
    if state is not None:
        return f"weights: {_state_dict_labels(state)}"
    if archive:
        with zipfile.ZipFile(io.BytesIO(content)) as zipped:
            weights = h5py.File(io.BytesIO(zipped.read("model.weights.h5")), "r")
            return f"keras archive: {_labels(weights)}"
    with h5py.File(io.BytesIO(content), "r") as h5:
        if "model_weights" in h5:
            return f"h5 model: {_labels(h5['model_weights'])}"
        return f"weights: {_labels(h5)}"


class _ArraysOnly(pickle.Unpickler):
    """Unpickles a mapping of numpy arrays, and nothing else (no torch tensor, no code)."""

    ALLOWED = {
        ("collections", "OrderedDict"),
        ("_codecs", "encode"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.multiarray", "_reconstruct"),
    }

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"not an array: {module}.{name}")
        return super().find_class(module, name)


def _torch_state_dict(content: bytes) -> dict[str, np.ndarray] | None:
    """The state dict a `torch.save(module.state_dict(), path)` file holds, when it is a
    mapping of numpy arrays (a torch framework's checkpoint of a view of the simulated
    model, `conformance.adapters`); None for any other file. torch's format is a zip
    archive whose `<name>/data.pkl` is the pickled object."""
    buffer = io.BytesIO(content)
    if not zipfile.is_zipfile(buffer):
        return None
    with zipfile.ZipFile(buffer) as zipped:
        pickles = [name for name in zipped.namelist() if name.endswith("/data.pkl")]
        if len(pickles) != 1:
            return None
        state = _ArraysOnly(io.BytesIO(zipped.read(pickles[0]))).load()
    return dict(state) if isinstance(state, dict) else None


def _state_dict_labels(state: dict[str, np.ndarray]) -> str:
    """A state dict's labels as `_labels` gives a weights file's: a key `<layer>/<name>`
    (or torch's `<layer>.<name>`) is its layer's next weight."""
    counts: dict[str, int] = {}
    labels = []
    for key, value in state.items():
        layer = key.rpartition("/")[0] or key.rpartition(".")[0]
        index = counts[layer] = counts.get(layer, -1) + 1
        labels.append((layer, index, float(np.asarray(value).flat[0])))
    return ", ".join(f"{layer}/{index}={label}" for layer, index, label in sorted(labels))


def checkpoint_label(content: bytes) -> float:
    """The label of the weights a weights file (`save_weights`) holding `content` holds:
    every weight's first value is its label (`_base_values`)."""
    with h5py.File(io.BytesIO(content), "r") as h5:
        first_layer = sorted(h5["layers"])[0]
        return float(h5[f"layers/{first_layer}/vars/0"][()].flat[0])


def _labels(group: Any) -> str:
    labels = []
    for layer in sorted(group["layers"]):
        for index in sorted(group[f"layers/{layer}/vars"], key=int):
            labels.append(
                f"{layer}/{index}={float(group[f'layers/{layer}/vars/{index}'][()].flat[0])}"
            )
    return ", ".join(labels)

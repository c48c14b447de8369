"""Details of the reference the drawn differential runs do not reach, each checked against
the installed Keras 3.15.1 (or, where the jax backend cannot show it, against the rule).

Found by mutation testing of `reference/` (docs/mutation_testing.md): constructor
defaults, the `_is_default` marks Keras's CallbackList reads, the file a warning points
at, real compiled-metric containers for `mode="auto"`, numpy scalars in directly driven
logs, and the precision edges of the monitor rule.
"""

from __future__ import annotations

import inspect
import os
import pathlib
import sys
import warnings
from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import pytest

import reference
from conformance.harness.fit import EpochPlan, FitPlan, FitRecord, simulate_fit
from conformance.harness.sim_model import (
    Embedding,
    Layer,
    ModelSpec,
    SimModel,
    Weight,
    sim_model_class,
)
from conformance.targets import resolve
from reference.callback import Callback
from reference.monitor import as_compared

CALLBACKS = ("EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard")
HOOKS = sorted(name for name in vars(Callback) if name.startswith("on_"))
TINY = float(np.finfo(np.float32).tiny)  # the smallest normal float32


def _parameters(callable_: Any) -> list[tuple[str, Any, Any]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(callable_).parameters.values()]


@pytest.mark.parametrize("name", CALLBACKS)
def test_constructor_parameters_and_defaults_are_keras(name: str) -> None:
    assert _parameters(getattr(reference, name)) == _parameters(getattr(keras.callbacks, name))


REQUIRED = {
    "EarlyStopping": {},
    "LearningRateScheduler": {"schedule": lambda epoch: 0.1},
    "ModelCheckpoint": {"filepath": "m.keras"},
    "TensorBoard": {},
}
STATE = {
    "EarlyStopping": (
        "monitor", "min_delta", "patience", "verbose", "mode", "baseline", "best",
        "restore_best_weights", "start_from_epoch", "wait", "stopped_epoch", "best_weights",
    ),
    "LearningRateScheduler": ("verbose",),
    "ModelCheckpoint": (
        "monitor", "verbose", "save_best_only", "save_weights_only", "mode", "save_freq",
        "best", "min_delta", "filepath",
    ),
    "TensorBoard": (
        "log_dir", "histogram_freq", "write_graph", "write_images", "write_steps_per_second",
        "update_freq", "embeddings_freq", "embeddings_metadata",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", CALLBACKS)
def test_constructed_with_defaults_as_keras(name: str) -> None:
    """The defaults in effect, not only those the signature shows (and no warning)."""
    ours = theirs = None

    def construct() -> None:
        nonlocal ours, theirs
        ours = getattr(reference, name)(**REQUIRED[name])
        theirs = getattr(keras.callbacks, name)(**REQUIRED[name])

    assert _warned_from(construct) == []
    for attribute in STATE[name]:
        assert getattr(ours, attribute) == getattr(theirs, attribute), attribute
    # Before fit gives them any: no params, no model (Keras's Callback.__init__).
    assert (ours.params, ours.model) == (theirs.params, theirs.model) == (None, None)


@pytest.mark.parametrize("name", ["Callback", *CALLBACKS])
def test_hooks_marked_default_as_in_keras(name: str) -> None:
    """Keras's CallbackList dispatches batch ends on a worker thread only when no callback
    overrides them: the `_is_default` marks must be Keras's, hook by hook."""
    ours = getattr(reference, name) if name != "Callback" else Callback
    theirs = getattr(keras.callbacks, name)
    for hook in HOOKS:
        marks = [getattr(getattr(cls, hook), "_is_default", False) for cls in (ours, theirs)]
        assert marks[0] is marks[1], f"{name}.{hook}: {marks[0]} (Keras: {marks[1]})"


def _warned_from(action: Callable[[], Any]) -> list[tuple[str, str]]:
    """The category and source file (base name) of each warning `action` gives."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        action()
    return [(w.category.__name__, os.path.basename(w.filename)) for w in caught]


def _checkpoint(
    module: Any, root: pathlib.Path, logs: dict[str, Any], **options: Any
) -> Callable[[], Any]:
    def run() -> None:
        callback = module.ModelCheckpoint(str(root / f"{module.__name__}.keras"), **options)
        callback.set_model(SimModel(ModelSpec()))
        callback.on_epoch_begin(0)
        callback.on_epoch_end(0, logs)

    return run


def _early_stopping(module: Any, logs: dict[str, Any], **options: Any) -> Callable[[], Any]:
    def run() -> None:
        callback = module.EarlyStopping(**options)
        callback.set_model(SimModel(ModelSpec()))
        callback.on_train_begin()
        callback.on_epoch_end(0, logs)

    return run


WARNINGS = {
    "early_stopping-unknown-mode": lambda m, root: _early_stopping(m, {"loss": 1.0}, mode="up"),
    "early_stopping-missing-monitor": lambda m, root: _early_stopping(m, {}, mode="min"),
    "model_checkpoint-unknown-mode": lambda m, root: _checkpoint(
        m, root, {"loss": 1.0}, monitor="loss", mode="up"
    ),
    "model_checkpoint-missing-monitor": lambda m, root: _checkpoint(
        m, root, {}, mode="min", save_best_only=True
    ),
    "model_checkpoint-non-scalar": lambda m, root: _checkpoint(
        m, root, {"loss": np.array([1.0, 2.0])}, monitor="loss", mode="min", save_best_only=True
    ),
    # On jax below Python 3.12, profiling is dropped with a warning.
    "tensorboard-profile-on-jax": lambda m, root: (
        lambda: m.TensorBoard(str(root / "logs"), profile_batch=2)
    ),
    "tensorboard-model-json": lambda m, root: lambda: _tensorboard_of_unserializable_model(m, root),
}


def _tensorboard_of_unserializable_model(module: Any, root: pathlib.Path) -> None:
    callback = module.TensorBoard(log_dir=str(root / module.__name__))
    callback.set_model(_model_for(module, ModelSpec(to_json_fails=True)))


def _model_for(module: Any, spec: ModelSpec, layers: list[Any] | None = None) -> SimModel:
    """The harness's simulated model of `spec` (with `layers` instead of its own), as the
    suite gives it to `module`'s callbacks: adapted by the keras target for Keras's."""
    model = sim_model_class(spec.class_name)(spec)
    if layers is not None:
        model.layers = layers
    if module is reference:
        return model
    adapt = resolve("keras").adapt
    assert adapt is not None
    return adapt(model)


@pytest.mark.parametrize("case", WARNINGS)
def test_warnings_point_where_keras_points(case: str, tmp_path: pathlib.Path) -> None:
    """A warning's `stacklevel` decides the file it is reported from: the callback's own
    module in both, never the caller's."""
    if "mutmut" in sys.modules:
        pytest.skip("mutmut's trampolines add a frame to every call in reference/")
    ours = _warned_from(WARNINGS[case](reference, tmp_path))
    theirs = _warned_from(WARNINGS[case](keras.callbacks, tmp_path))
    assert ours == theirs and ours


@pytest.fixture(scope="module")
def compiled_model() -> keras.Model:
    """A real model compiled with metrics of both directions and none: its `metrics`
    hold Keras's `CompileMetrics` container once it has been evaluated."""

    def custom(y_true: Any, y_pred: Any) -> Any:  # a metric without a direction
        return keras.ops.mean(y_pred)

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(loss="mse", metrics=["accuracy", "mean_squared_error", custom])
    model.evaluate(np.zeros((2, 2)), np.zeros((2, 1)), verbose=0)
    return model


def _direction(module: Any, model: keras.Model, monitor: str) -> str:
    """What `mode="auto"` makes of `monitor`: "max", "min" or the exception's type."""
    callback = module.EarlyStopping(monitor=monitor)
    callback.set_model(model)
    try:
        callback._set_monitor_op()
    except ValueError as error:
        return type(error).__name__
    return "max" if bool(callback._is_improvement(1.0, 0.0)) else "min"


@pytest.mark.parametrize(
    "monitor", ["accuracy", "val_accuracy", "mean_squared_error", "custom", "loss", "auc"]
)
def test_auto_mode_reads_keras_compiled_metrics(compiled_model: keras.Model, monitor: str) -> None:
    ours = _direction(reference, compiled_model, monitor)
    assert ours == _direction(keras.callbacks, compiled_model, monitor)


SCALARS = {
    "np.float32": np.float32,
    "np.float64": np.float64,
    "0-d array": np.array,
}


@pytest.mark.parametrize("kind", SCALARS)
def test_numpy_scalars_are_scalars_to_best_only(
    kind: str, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Driven directly (no `fit` turning logs into floats), a numpy scalar is compared,
    not treated as a non-scalar that is saved anyway; with `verbose=0` nothing is printed,
    not even for the epoch that does not improve."""
    convert = SCALARS[kind]
    outcome = {}
    for name, module in (("reference", reference), ("keras", keras.callbacks)):
        model = SimModel(ModelSpec())
        callback = module.ModelCheckpoint(
            str(tmp_path / name / "m{epoch}.keras"), monitor="loss", mode="min", save_best_only=True
        )
        callback.set_model(model)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for epoch, loss in enumerate([1.0, 2.0, 0.5]):
                callback.on_epoch_begin(epoch)
                callback.on_epoch_end(epoch, {"loss": convert(loss)})
        saved = [os.path.basename(path) for _, path, _ in model.calls]
        outcome[name] = saved, [w.category.__name__ for w in caught], capsys.readouterr().out
    assert outcome["reference"] == outcome["keras"] == (["m1.keras", "m3.keras"], [], "")


def _stops(module: Any, values: list[float], mode: str) -> list[int]:
    callback = module.EarlyStopping(monitor="loss", mode=mode, patience=0)
    model = SimModel(ModelSpec())
    callback.set_model(model)
    callback.on_train_begin()
    stops = []
    for epoch, value in enumerate(values):
        callback.on_epoch_end(epoch, {"loss": value})
        if model.stop_training:
            stops.append(epoch)
            model.stop_training = False
    return stops


@pytest.mark.parametrize(
    ("values", "mode"),
    [
        ([0.0, TINY, TINY], "max"),  # the smallest normal is not flushed: it improves on 0
        ([0.0, TINY / 2, TINY / 2], "max"),  # a subnormal is flushed on jax: a tie with 0
        ([0.0, -TINY, -TINY], "min"),
        ([1.0, 1.0 - 1e-9, 1.0], "min"),  # closer than float32 tells apart
    ],
)
def test_float32_edges_compare_as_keras_on_jax(values: list[float], mode: str) -> None:
    assert _stops(reference, values, mode) == _stops(keras.callbacks, values, mode)


class Float64EarlyStopping(reference.EarlyStopping):
    """The reference modelling Keras's numpy backend, which compares in float64."""

    comparison_precision = "float64"


def test_float64_precision_tells_apart_what_float32_cannot() -> None:
    """Clause monitor.precision: on the numpy backend 1 - 1e-9 improves on 1; on jax it
    ties (the float32 case is checked against Keras above)."""
    values = [1.0, 1.0 - 1e-9]
    module = type("numpy_backend", (), {"EarlyStopping": Float64EarlyStopping})
    assert _stops(module, values, "min") == []
    assert _stops(reference, values, "min") == [1]
    assert as_compared(1.0 - 1e-9, "float64") == np.float64(1.0 - 1e-9)
    assert as_compared(TINY, "float32-ftz") == np.float32(TINY)


@pytest.mark.parametrize("restore", [False, True])
def test_verbose_early_stop_at_epoch_one_is_reported(
    restore: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    """The earliest possible stop (epoch index 1) is announced like any other."""
    printed = {}
    for name, module in (("reference", reference), ("keras", keras.callbacks)):
        callback = module.EarlyStopping(
            monitor="loss", verbose=1, patience=0, restore_best_weights=restore
        )
        model = SimModel(ModelSpec())
        callback.set_model(model)
        callback.on_train_begin()
        for epoch, loss in enumerate([1.0, 2.0]):
            model.set_label(float(epoch))
            callback.on_epoch_end(epoch, {"loss": loss})
        callback.on_train_end()
        printed[name] = capsys.readouterr().out
    assert printed["reference"] == printed["keras"]
    assert "Epoch 2: early stopping" in printed["reference"]


@pytest.mark.parametrize("channels", [1, 3, 4])
def test_png_images_decode_with_tensorflow(channels: int) -> None:
    """The reference's PNG encoder writes what a strict decoder (TensorFlow's, which
    TensorBoard uses) reads back pixel for pixel: signature, header fields, chunks."""
    tf = pytest.importorskip("tensorflow")
    from reference.summary_writer import encode_png

    image = (np.arange(5 * 7 * channels) * 37 % 256).astype(np.uint8).reshape(5, 7, channels)
    decoded = tf.io.decode_png(encode_png(image), channels=channels).numpy()
    assert decoded.tobytes() == image.tobytes()
    theirs = tf.io.encode_png(image).numpy()
    assert encode_png(image)[:33] == theirs[:33]  # signature and IHDR chunk alike
    assert encode_png(image)[-12:] == theirs[-12:]  # and the (empty) IEND chunk


def _raw_summaries(log_dir: pathlib.Path) -> list[tuple[str, str, str, bytes, str]]:
    """Every summary value in the events files under `log_dir`: run, tag, plugin, plugin
    content and dtype, read with TensorFlow's own reader; and each file's first event,
    the file version record (with a wall time, as every event has)."""
    tf = pytest.importorskip("tensorflow")
    found: list[tuple[str, str, str, bytes, str]] = []
    for path in sorted(log_dir.rglob("*tfevents*")):
        events = list(tf.compat.v1.train.summary_iterator(str(path)))
        found.append((path.parent.name, "", "file_version", events[0].file_version.encode(), ""))
        assert all(event.wall_time > 0 for event in events), path
        for event in events:
            for value in event.summary.value:
                plugin = value.metadata.plugin_data
                dtype = tf.dtypes.as_dtype(value.tensor.dtype).name
                found.append(
                    (path.parent.name, value.tag, plugin.plugin_name, plugin.content, dtype)
                )
    return sorted(found)


def test_summary_metadata_and_dtypes_are_keras(tmp_path: pathlib.Path) -> None:
    """Plugin names, plugin contents (the model summary's version, the histogram and
    image formats) and tensor dtypes, as Keras's TensorBoard writes them."""
    plan = FitPlan([EpochPlan({"loss": 0.5}, validation={"loss": 0.25})])
    written = {}
    for side, module in (("reference", reference), ("keras", keras.callbacks)):
        log_dir = tmp_path / side
        callback = module.TensorBoard(
            log_dir=str(log_dir), histogram_freq=1, write_images=True, update_freq="batch"
        )
        simulate_fit(callback, _model_for(module, ModelSpec()), plan, FitRecord())
        written[side] = _raw_summaries(log_dir)
    assert written["reference"] == written["keras"]
    assert {entry[2] for entry in written["keras"]} >= {"scalars", "histograms", "images"}


def _embedded_layers() -> list[Layer]:
    """Two Embedding layers after a layer of another kind."""
    return [
        Layer("dense", [Weight("dense/w0", np.zeros((2, 3)))]),
        Embedding("tokens", [Weight("tokens/embeddings", np.zeros((4, 2)))]),
        Embedding("words", [Weight("words/embeddings", np.zeros((5, 2)))]),
    ]


@pytest.mark.parametrize(
    "metadata", [None, "all.tsv", {"tokens": "t.tsv"}, {"words": "w.tsv", "tokens": "t.tsv"}]
)
def test_projector_config_after_other_layers(metadata: Any, tmp_path: pathlib.Path) -> None:
    """Embedding layers after a layer of another kind, with metadata for some or all of
    them: the projector config Keras writes."""
    written = {}
    for side, module in (("reference", reference), ("keras", keras.callbacks)):
        log_dir = tmp_path / side
        callback = module.TensorBoard(
            log_dir=str(log_dir),
            write_graph=False,
            embeddings_freq=1,
            embeddings_metadata=metadata if not isinstance(metadata, dict) else dict(metadata),
        )
        log_dir.mkdir()
        callback.set_model(_model_for(module, ModelSpec(), _embedded_layers()))
        written[side] = (log_dir / "projector_config.pbtxt").read_text()
    assert written["reference"] == written["keras"]
    assert written["keras"].count("embeddings {") == 2


def test_unknown_metadata_layer_message_is_keras(tmp_path: pathlib.Path) -> None:
    messages = {}
    for side, module in (("reference", reference), ("keras", keras.callbacks)):
        (tmp_path / side).mkdir()
        callback = module.TensorBoard(
            log_dir=str(tmp_path / side),
            write_graph=False,
            embeddings_freq=1,
            embeddings_metadata={"tokens": "t.tsv", "nope": "n.tsv"},
        )
        with pytest.raises(ValueError) as raised:
            callback.set_model(_model_for(module, ModelSpec(), _embedded_layers()))
        messages[side] = str(raised.value)
    assert messages["reference"] == messages["keras"]
    assert "nope" in messages["keras"]


def test_a_closed_writer_refuses_as_tensorflow_does(tmp_path: pathlib.Path) -> None:
    """A second `on_train_begin` without a new `set_model` finds the writers closed."""
    messages = {}
    for side, module in (("reference", reference), ("keras", keras.callbacks)):
        callback = module.TensorBoard(
            log_dir=str(tmp_path / side), write_graph=False, update_freq="batch"
        )
        callback.set_model(_model_for(module, ModelSpec()))
        callback.on_train_begin()
        callback.on_train_end()
        with pytest.raises(RuntimeError) as raised:
            callback.on_train_begin()
        messages[side] = str(raised.value)
    assert messages["reference"].endswith(" is already closed")
    assert messages["keras"].endswith(" is already closed")


def test_model_json_failure_warns_as_keras(tmp_path: pathlib.Path) -> None:
    """The warning of a model whose `to_json` fails: category and text."""
    warned = {}
    for side, module in (("reference", reference), ("keras", keras.callbacks)):
        callback = module.TensorBoard(log_dir=str(tmp_path / side))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            callback.set_model(_model_for(module, ModelSpec(to_json_fails=True)))
        warned[side] = [
            (w.category.__name__, str(w.message)) for w in caught if "JSON" in str(w.message)
        ]
    assert warned["reference"] == warned["keras"] and warned["keras"]


def test_evaluation_needs_an_optimizer_with_iterations(tmp_path: pathlib.Path) -> None:
    """An optimizer without `iterations` gets no `evaluation_*` scalars, and no error."""
    written = {}
    for side, module in (("reference", reference), ("keras", keras.callbacks)):
        model = _model_for(module, ModelSpec(optimizer="plain"))
        del model.optimizer.iterations
        callback = module.TensorBoard(log_dir=str(tmp_path / side), write_graph=False)
        callback.set_model(model)
        callback.on_test_begin()
        callback.on_test_end({"loss": 0.5})
        written[side] = [e for e in _raw_summaries(tmp_path / side) if e[2] != "file_version"]
    assert written["reference"] == written["keras"] == []


def _pixels_disagreeing_in_float32(count: int) -> np.ndarray:
    """Values in [0, 1) whose ×255.5 truncates to a different pixel in float64 than in
    float32: where the precision of the scaling shows."""
    candidates = np.random.default_rng(0).random(1_000_000)
    in_float32 = (candidates.astype(np.float32) * np.float32(255.5)).astype(np.uint8)
    in_float64 = (candidates * 255.5).astype(np.uint8)
    return candidates[in_float32 != in_float64][:count]


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_weight_images_scale_in_their_own_dtype(dtype: str, tmp_path: pathlib.Path) -> None:
    """A weight image's pixels are those `tf.summary.image` (what Keras's TensorBoard
    calls with the weight as a numpy array of its own dtype) writes for the same array:
    on the TensorFlow backend a float64 model's weights are float64."""
    tf = pytest.importorskip("tensorflow")
    from reference.summary_writer import image_summary

    values = np.concatenate([_pixels_disagreeing_in_float32(6), [0.0, 0.5, 0.999, 1.0, 1.5]])
    image = values.astype(dtype).reshape(1, 1, -1, 1)
    with tf.summary.create_file_writer(str(tmp_path)).as_default():
        tf.summary.image("weight", image, step=0)
    (events_file,) = tmp_path.iterdir()
    (written,) = [
        value.tensor
        for event in tf.compat.v1.train.summary_iterator(str(events_file))
        for value in event.summary.value
    ]
    ours = image_summary("weight", image).value[0].tensor

    def pixels(tensor: Any) -> list[int]:
        png = tf.make_ndarray(tensor)[2]
        return tf.io.decode_png(png).numpy().ravel().tolist()

    assert pixels(ours) == pixels(written)


def test_steps_per_second_values_are_keras_under_one_clock(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rates themselves, which the drawn runs compare only by sign: under a clock that
    advances 0.5 s at every reading (the callbacks' own `time.time`, not the event
    writers'), both callbacks read it at the same moments and write the same
    `batch_steps_per_second` and `epoch_steps_per_second`."""
    import itertools
    import types

    import keras.src.callbacks.tensorboard

    import reference.tensorboard
    from conformance.harness.events import TIMING_TAGS

    tf = pytest.importorskip("tensorflow")
    # Three executions of two batches, then two.
    plan = FitPlan(
        [EpochPlan({"loss": 0.5}, batches=6), EpochPlan({"loss": 0.25}, batches=4)],
        steps_per_execution=2,
    )
    rates = {}
    for side, module, timed in (
        ("reference", reference, reference.tensorboard),
        ("keras", keras.callbacks, keras.src.callbacks.tensorboard),
    ):
        clock = itertools.count(1000.0, 0.5)
        monkeypatch.setattr(timed, "time", types.SimpleNamespace(time=clock.__next__))
        log_dir = tmp_path / side
        callback = module.TensorBoard(str(log_dir), write_steps_per_second=True, update_freq=1)
        simulate_fit(callback, _model_for(module, ModelSpec()), plan, FitRecord())
        monkeypatch.undo()
        rates[side] = sorted(
            (event.step, value.tag, float(tf.make_ndarray(value.tensor)))
            for path in log_dir.rglob("*tfevents*")
            for event in tf.compat.v1.train.summary_iterator(str(path))
            for value in event.summary.value
            if value.tag in TIMING_TAGS
        )
    assert rates["reference"] == rates["keras"]
    # Two steps an execution, one execution per batch hook: 2 iterations a batch.
    assert {tag for _, tag, _ in rates["keras"]} == set(TIMING_TAGS)
    assert all(rate > 0 for _, _, rate in rates["keras"])

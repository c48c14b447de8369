"""Drive a TensorBoard callback through `fit`/`evaluate`/`predict`-shaped sessions and
observe what it left on disk; Hypothesis strategies for the sessions.

A session is what one `keras.Model.fit` (or `evaluate`, `predict`) call does to one
callback in Keras 3.15.1: `set_model`, then the hooks in `fit`'s order with
`steps_per_execution` begin/end indices, validation on chosen epochs through
`on_test_*`, and fresh sorted float logs per hook. Several sessions share one
callback instance and one model, as repeated `fit` calls do.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from hypothesis import strategies as st

from conformance.harness.events import Record, event_file_runs, read_records
from tests.support.tensorboard_model import DuckModel, LayerSpec, ModelSpec, Side, build_model

IGNORED_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)


@dataclass(frozen=True)
class Epoch:
    executions: int  # train executions run this epoch
    validation_executions: int | None = None  # None: no validation this epoch
    empty_logs: bool = False  # `on_epoch_end` receives `{}`


@dataclass(frozen=True)
class Session:
    kind: Literal["fit", "evaluate", "predict"]
    epochs: tuple[Epoch, ...] = ()
    initial_epoch: int = 0
    steps_per_execution: int = 1
    evaluate_executions: int = 1
    new_callback_list: bool = True  # False: the user passed the same CallbackList again


@dataclass(frozen=True)
class Scenario:
    config: dict[str, Any]
    model: ModelSpec
    metrics: tuple[str, ...]
    sessions: tuple[Session, ...]


@dataclass
class Observation:
    records: list[Record]
    event_files: list[str]  # run dir of every events file
    other_files: dict[str, str]  # log-dir-relative path -> contents
    saved_weights: list[str]
    error: str | None
    warnings: list[str]
    users_metadata_after: Any  # the argument object itself, after the run
    hooks_run: int = 0


@dataclass
class _Driver:
    callback: Any
    model: DuckModel
    metrics: tuple[str, ...]
    hooks_run: int = field(default=0)

    def hook(self, name: str, *args: Any) -> None:
        getattr(self.callback, name)(*args)
        self.hooks_run += 1

    def logs(self, epoch: int, index: int, prefix: str = "") -> dict[str, float]:
        # Values on a float32-exact grid, distinct per metric, epoch and batch.
        values = {
            f"{prefix}{m}": (i + 1) * 0.5 + epoch * 0.25 + index * 0.0625
            for i, m in enumerate(self.metrics)
        }
        return dict(sorted(values.items()))

    def evaluate(self, epoch: int, executions: int, steps_per_execution: int) -> dict[str, float]:
        self.hook("on_test_begin", {})
        for k in range(executions):
            self.hook("on_test_batch_begin", k * steps_per_execution, {})
            self.hook(
                "on_test_batch_end",
                k * steps_per_execution + steps_per_execution - 1,
                self.logs(epoch, k),
            )
        final = self.logs(epoch, 99)
        self.hook("on_test_end", dict(final))
        return final

    def fit(self, session: Session) -> None:
        spe = session.steps_per_execution
        self.hook("on_train_begin", {})
        last_logs: dict[str, float] = {}
        for offset, plan in enumerate(session.epochs):
            epoch = session.initial_epoch + offset
            self.hook("on_epoch_begin", epoch, {})
            for k in range(plan.executions):
                self.hook("on_train_batch_begin", k * spe, {})
                self.model.advance_iterations(spe)
                self.hook("on_train_batch_end", k * spe + spe - 1, self.logs(epoch, k))
            self.model.set_epoch_weights(epoch)
            epoch_logs = self.logs(epoch, 50)
            if plan.validation_executions is not None:
                val_logs = self.evaluate(epoch, plan.validation_executions, spe)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            last_logs = dict(sorted(epoch_logs.items()))
            self.hook("on_epoch_end", epoch, {} if plan.empty_logs else dict(last_logs))
        self.hook("on_train_end", last_logs)

    def run(self, session: Session) -> None:
        if session.new_callback_list:  # only a new CallbackList calls set_model
            self.hook("set_model", self.model)
        if session.kind == "fit":
            self.fit(session)
        elif session.kind == "evaluate":
            self.evaluate(0, session.evaluate_executions, session.steps_per_execution)
        else:
            self.hook("on_predict_begin", {})
            self.hook("on_predict_batch_begin", 0, {})
            self.hook("on_predict_batch_end", 0, {"outputs": 0.5})
            self.hook("on_predict_end", {})


def observe(tensorboard_class: type, scenario: Scenario, side: Side, root: str) -> Observation:
    """Run `scenario` on a new `tensorboard_class` writing under `root/logs`."""
    log_dir = os.path.join(root, "logs")  # not created: Keras makes it (or fails to)
    config = dict(scenario.config)
    if isinstance(config.get("embeddings_metadata"), dict):
        config["embeddings_metadata"] = dict(config["embeddings_metadata"])  # it gets mutated
    model = build_model(scenario.model, side)
    error = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        callback = tensorboard_class(log_dir=log_dir, **config)
        driver = _Driver(callback, model, scenario.metrics)
        try:
            for session in scenario.sessions:
                driver.run(session)
        except Exception as exc:  # the observation is what was raised, and after which hook
            error = type(exc).__name__
        finally:
            unwind = getattr(callback, "_pop_writer", None)
            while unwind and callback._prev_summary_state:  # Keras's TF-global contexts
                unwind()
    files = (
        sorted(p for p in Path(log_dir).rglob("*") if p.is_file()) if os.path.isdir(log_dir) else []
    )
    return Observation(
        records=read_records(log_dir) if os.path.isdir(log_dir) else [],
        event_files=event_file_runs(log_dir) if os.path.isdir(log_dir) else [],
        other_files={
            p.relative_to(log_dir).as_posix(): p.read_text()
            for p in files
            if "tfevents" not in p.name
        },
        saved_weights=[os.path.relpath(p, log_dir) for p in model.saved_weights],
        error=error,
        warnings=[
            w.category.__name__ for w in caught if not issubclass(w.category, IGNORED_WARNINGS)
        ],
        users_metadata_after=config.get("embeddings_metadata"),
        hooks_run=driver.hooks_run,
    )


def observe_both(reference_class: type, scenario: Scenario) -> tuple[Observation, Observation]:
    import keras

    with tempfile.TemporaryDirectory() as keras_root, tempfile.TemporaryDirectory() as ref_root:
        expected = observe(keras.callbacks.TensorBoard, scenario, "keras", keras_root)
        actual = observe(reference_class, scenario, "reference", ref_root)
    return expected, actual


def assert_conforms(reference_class: type, scenario: Scenario) -> Observation:
    """The differential property: both observations agree field by field. Returns
    Keras's observation."""
    expected, actual = observe_both(reference_class, scenario)
    assert (actual.error, actual.hooks_run) == (expected.error, expected.hooks_run), (
        "exception / when"
    )
    assert actual.warnings == expected.warnings, "warning categories"
    assert actual.event_files == expected.event_files, "events files per run directory"
    missing = sorted(set(expected.records) - set(actual.records), key=repr)
    extra = sorted(set(actual.records) - set(expected.records), key=repr)
    assert actual.records == expected.records, (
        f"records: Keras only {missing[:5]}, reference only {extra[:5]}"
    )
    assert actual.other_files == expected.other_files, "projector config / checkpoint files"
    assert actual.saved_weights == expected.saved_weights, "save_weights calls"
    assert actual.users_metadata_after == expected.users_metadata_after, "the user's metadata"
    return expected


# Strategies -------------------------------------------------------------------------

# A training metric named like a validation one, and names TensorBoard adds itself.
ODD_METRIC_NAMES = ["mae", "val_odd", "learning_rate", "steps_per_second"]
# Weighted towards the forms that write: 0 only shows the ZeroDivisionError.
UPDATE_FREQS = ["epoch", "epoch", "batch", 1, 1, 2, 2, 3, 2.0, 0]
WEIGHT_SHAPES = [(3,), (1,), (2, 3), (4, 2), (1, 3, 1), (2, 2, 3), (2, 2, 1, 3), (1, 1, 2, 2, 2)]


@st.composite
def model_specs(draw: st.DrawFn) -> ModelSpec:
    plain_layers = draw(
        st.lists(st.lists(st.sampled_from(WEIGHT_SHAPES), max_size=2), max_size=2),
        label="layer weight shapes",
    )
    layers = [LayerSpec(f"dense_{i}", tuple(shapes)) for i, shapes in enumerate(plain_layers)]
    if draw(st.booleans(), label="has an Embedding layer"):
        layers.insert(
            draw(st.integers(0, len(layers)), label="embedding position"),
            LayerSpec("embedding", ((4, 2),), embedding=True),
        )
    return ModelSpec(
        class_name=draw(
            st.sampled_from(["Sequential", "Functional", "MySubclassedModel"]), label="model class"
        ),
        json_fails=draw(st.booleans(), label="to_json fails") and draw(st.booleans()),
        has_train_function=not (
            draw(st.booleans()) and draw(st.booleans()) and draw(st.booleans())
        ),
        optimizer=draw(
            st.sampled_from(["keras", "plain", "none", "multi", "loss_scale"]), label="optimizer"
        ),
        learning_rate=draw(st.sampled_from([0.25, 0.001, 1.5]), label="learning rate"),
        layers=tuple(layers),
    )


@st.composite
def configs(draw: st.DrawFn, model: ModelSpec) -> dict[str, Any]:
    layer_names = [layer.name for layer in model.layers if layer.embedding]
    metadata = draw(
        st.one_of(
            st.none(),
            st.just("metadata.tsv"),
            st.dictionaries(
                st.sampled_from([*layer_names, "no_such_layer"]), st.just("meta.tsv"), max_size=2
            ),
        ),
        label="embeddings_metadata",
    )
    return {
        "histogram_freq": draw(st.sampled_from([0, 1, 2]), label="histogram_freq"),
        "write_graph": draw(st.booleans(), label="write_graph"),
        "write_images": draw(st.booleans(), label="write_images"),
        "write_steps_per_second": draw(st.booleans(), label="write_steps_per_second"),
        "update_freq": draw(st.sampled_from(UPDATE_FREQS), label="update_freq"),
        "embeddings_freq": draw(st.sampled_from([0] * 6 + [1, 2]), label="embeddings_freq"),
        "embeddings_metadata": metadata,
    }


epoch_plans = st.builds(
    Epoch,
    executions=st.integers(1, 4) | st.just(0),
    validation_executions=st.none() | st.integers(0, 3),
    empty_logs=st.sampled_from([False, False, False, True]),
)

fit_sessions = st.builds(
    Session,
    kind=st.just("fit"),
    epochs=st.lists(epoch_plans, min_size=1, max_size=3).map(tuple),
    initial_epoch=st.integers(0, 2),
    steps_per_execution=st.integers(1, 3),
    new_callback_list=st.sampled_from([True] * 7 + [False]),
)
sessions = st.one_of(
    fit_sessions,
    fit_sessions,
    st.builds(
        Session,
        kind=st.just("evaluate"),
        evaluate_executions=st.integers(0, 3),
        steps_per_execution=st.integers(1, 2),
    ),
    st.builds(Session, kind=st.just("predict")),
)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    model = draw(model_specs(), label="model")
    return Scenario(
        config=draw(configs(model), label="TensorBoard arguments"),
        model=model,
        metrics=(
            "loss",
            *draw(
                st.lists(st.sampled_from(ODD_METRIC_NAMES), max_size=2, unique=True),
                label="more metric names",
            ),
        ),
        sessions=tuple(draw(st.lists(sessions, min_size=1, max_size=3), label="sessions")),
    )

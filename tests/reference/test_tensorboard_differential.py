"""TensorBoard: the reference and Keras 3.15.1 leave the same event files.

Fits: the suite's own scenarios (`conformance.strategies.tensorboard`) run through the
suite's harness on both, and everything observed is compared whole: event files and
their records (run dir, tag, step, value, plugin; timings by sign), other files,
model calls, warnings and errors.

Sessions the harness does not run: `evaluate` and `predict` without a fit, and a fit
given the same CallbackList again (no `set_model`). These check the reference's API
against Keras's directly, with the harness's simulated model and its `simulate_fit`;
the small driver below is this module's alone. Its drawn runs also reach what the
suite's scenarios leave out: weights of other shapes, a model without
`train_function`, loss-scale and plain optimizers, and `update_freq=0`.
"""

from __future__ import annotations

import copy
import os
import tempfile
import warnings
from dataclasses import dataclass, replace
from typing import Any, Literal

import keras
import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from conformance.harness.events import event_runs_in, records_in
from conformance.harness.fit import EpochPlan, FitPlan, FitRecord, simulate_fit
from conformance.harness.observe import IGNORED_WARNINGS, Scenario, observe, run_relative
from conformance.harness.run_files import read_tree
from conformance.harness.sim_model import (
    Embedding,
    Layer,
    ModelSpec,
    SimModel,
    Weight,
    sim_model_class,
)
from conformance.strategies.tensorboard import (
    SAFE_UPDATE_FREQS,
    configs,
    fit_plans,
    model_specs,
    scenarios,
)
from tests.support.differential import assert_agrees_with_keras, keras_target, reference_class

ONE_EPOCH = FitPlan([EpochPlan({"loss": 0.5})])

# Found by mutation testing of reference/ (docs/mutation_testing.md): drawn fits never
# have an optimizer to unwrap (`loss_scale` is not drawn) with logged epochs.
LEARNING_RATES_OF_WRAPPED_OPTIMIZERS = [
    Scenario("TensorBoard", {"log_dir": "logs"}, ModelSpec(optimizer=kind), [ONE_EPOCH])
    for kind in ("loss_scale", "multi")
]


@given(scenarios())
@example(LEARNING_RATES_OF_WRAPPED_OPTIMIZERS[0])
@example(LEARNING_RATES_OF_WRAPPED_OPTIMIZERS[1])
def test_reference_agrees_with_keras(scenario: Scenario) -> None:
    assert_agrees_with_keras(reference_class("TensorBoard"), scenario)


# Found by mutation testing: drawn fits have one dense layer of fixed shapes, so they
# never take every branch of the weight image.
IMAGE_SHAPES = (
    (3, 3),  # square: not transposed
    (2, 3, 4),  # 3-D: one image per last-axis channel, axes (2, 0, 1)
    (2, 2, 2, 3),  # 4-D with 3 channels: written as is
    (2, 2, 2, 4),  # 4 channels: written
    (2, 2, 2, 2),  # 2 channels: skipped
)


def with_layer(model: SimModel, name: str, shapes: tuple[tuple[int, ...], ...]) -> SimModel:
    """`model` with a layer `name` of weights of `shapes` instead of its dense layer."""
    weights = [Weight(f"{name}/w{i}", np.zeros(shape)) for i, shape in enumerate(shapes)]
    embeddings = [layer for layer in model.layers if isinstance(layer, Embedding)]
    model.layers = [*embeddings, Layer(name, weights)]
    model.set_label(model.label)
    return model


def with_image_layer(model: SimModel) -> SimModel:
    """A layer of `IMAGE_SHAPES`, named so that its tags need ":" replaced."""
    return with_layer(model, "conv:0", IMAGE_SHAPES)


def test_weight_images_of_every_branch_are_keras() -> None:
    config = {"log_dir": "logs", "histogram_freq": 1, "write_images": True}
    scenario = Scenario("TensorBoard", config, fits=[ONE_EPOCH])
    target = keras_target()
    assert target.adapt is not None
    on_keras = observe(
        keras.callbacks.TensorBoard,
        scenario,
        adapt=lambda model: target.adapt(with_image_layer(model)),  # type: ignore[misc]
        cleanup=target.cleanup,
        backend=target.backend,
    )
    on_reference = observe(
        reference_class("TensorBoard"), scenario, adapt=with_image_layer, backend=target.backend
    )
    assert repr(on_reference) == repr(on_keras)
    assert {r.plugin for r in on_keras.summaries} >= {"images", "histograms"}


# Sessions outside the harness ---------------------------------------------------------


@dataclass(frozen=True)
class Session:
    # "same_list_fit": a fit given the CallbackList of an earlier session again
    kind: Literal["fit", "same_list_fit", "evaluate", "predict"]
    plan: FitPlan | None = None  # a fit's
    batches: int = 1  # an evaluate's


@dataclass(frozen=True)
class SessionScenario:
    config: dict[str, Any]  # `log_dir` relative to the run's directory
    model: ModelSpec
    sessions: tuple[Session, ...]
    weight_shapes: tuple[tuple[int, ...], ...] = ()  # the dense layer's; (): the harness's own
    has_train_function: bool = True  # False: reading `model.train_function` raises


def _no_train_function(model: SimModel) -> Any:
    raise AttributeError("train_function")


class _InSameCallbackList:
    """The callback inside a CallbackList passed to `fit` again: Keras makes no new
    list, so the callback gets no `set_model` and no `set_params`."""

    def __init__(self, callback: Any) -> None:
        self._callback = callback

    def set_model(self, model: Any) -> None:
        pass

    def set_params(self, params: Any) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._callback, name)


def _run_session(callback: Any, model: SimModel, session: Session, record: FitRecord) -> None:
    if session.plan is not None:
        fitted = callback if session.kind == "fit" else _InSameCallbackList(callback)
        simulate_fit(fitted, model, session.plan, record)
        return

    def hook(name: str, *args: Any) -> None:
        record.current_hook = name
        getattr(callback, name)(*args)

    hook("set_model", model)  # `evaluate` and `predict` make a new CallbackList
    if session.kind == "evaluate":
        hook("on_test_begin", {})
        for batch in range(session.batches):
            hook("on_test_batch_begin", batch, {})
            hook("on_test_batch_end", batch, {"loss": 0.25 * batch})
        hook("on_test_end", {"loss": 0.75})
    else:
        hook("on_predict_begin", {})
        hook("on_predict_batch_begin", 0, {})
        hook("on_predict_batch_end", 0, {"outputs": 0.5})
        hook("on_predict_end", {})


def observe_sessions(tensorboard_class: type, scenario: SessionScenario, root: str) -> str:
    """What running `scenario` under `root` left and raised, as comparable text."""
    model_class = sim_model_class(scenario.model.class_name)
    if not scenario.has_train_function:
        train_function = property(_no_train_function)
        model_class = type(model_class.__name__, (model_class,), {"train_function": train_function})
    model = model_class(scenario.model)
    if scenario.weight_shapes:
        model = with_layer(model, "dense", scenario.weight_shapes)
    target = keras_target()
    if tensorboard_class is keras.callbacks.TensorBoard and target.adapt is not None:
        model = target.adapt(model)
    config = copy.deepcopy(scenario.config)
    log_dir = config["log_dir"] = os.path.join(root, config["log_dir"])
    raised, callback = None, None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            callback = tensorboard_class(**config)
            for number, session in enumerate(scenario.sessions):
                record = FitRecord()
                try:
                    _run_session(callback, model, session, record)
                except Exception as error:
                    raised = (type(error).__name__, number, record.current_hook)
                    break
        finally:
            if callback is not None and target.cleanup is not None:
                target.cleanup(callback)
    tree = read_tree(log_dir)
    return repr(
        (
            raised,
            [w.category.__name__ for w in caught if not issubclass(w.category, IGNORED_WARNINGS)],
            run_relative(model.calls, root),
            event_runs_in(tree),
            records_in(tree),
            {path: content for path, content in tree.regular.items() if "tfevents" not in path},
        )
    )


OPTIMIZERS = ["sgd", "multi", "loss_scale", "plain", "none"]
# 0 too: Keras raises ZeroDivisionError at the first write, which the suite's fits avoid.
UPDATE_FREQS = [*SAFE_UPDATE_FREQS, 0]
WEIGHT_SHAPES = [(3,), (1,), (2, 3), (4, 2), (1, 3, 1), (2, 2, 3), (2, 2, 1, 3), (1, 1, 2, 2, 2)]
sessions = st.one_of(
    st.builds(Session, st.sampled_from(["fit", "same_list_fit"]), fit_plans()),
    st.builds(Session, st.just("evaluate"), batches=st.integers(0, 3)),
    st.builds(Session, st.just("predict")),
)


@st.composite
def session_scenarios(draw: st.DrawFn) -> SessionScenario:
    model = replace(
        draw(model_specs(), label="model"),
        optimizer=draw(st.sampled_from(OPTIMIZERS), label="optimizer"),
    )
    config = draw(configs(model), label="config")
    config["update_freq"] = draw(st.sampled_from(UPDATE_FREQS), label="update_freq")
    return SessionScenario(
        config,
        model,
        tuple(draw(st.lists(sessions, min_size=1, max_size=3), label="sessions")),
        weight_shapes=tuple(
            draw(st.lists(st.sampled_from(WEIGHT_SHAPES), max_size=2), label="weight shapes")
        ),
        has_train_function=draw(st.sampled_from([True] * 5 + [False]), label="train_function"),
    )


# Found by a thorough run (seed 424242): a reused CallbackList whose first fit ran no
# batch looks for the train graph inside the closed train writer, which raises.
SAME_LIST_AFTER_EMPTY_EPOCH = SessionScenario(
    config={"log_dir": "logs", "write_graph": True, "update_freq": "epoch"},
    model=ModelSpec(),
    sessions=(
        Session("fit", FitPlan([EpochPlan({"loss": 0.5}, batches=0)])),
        Session("same_list_fit", ONE_EPOCH),
    ),
)


@given(session_scenarios())
@example(SAME_LIST_AFTER_EMPTY_EPOCH)
def test_reference_agrees_with_keras_outside_fit(scenario: SessionScenario) -> None:
    with tempfile.TemporaryDirectory() as on_keras, tempfile.TemporaryDirectory() as on_ours:
        expected = observe_sessions(keras.callbacks.TensorBoard, scenario, on_keras)
        actual = observe_sessions(reference_class("TensorBoard"), scenario, on_ours)
    assert actual == expected

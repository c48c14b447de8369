"""The fit-driven baseline: a property's scenarios checked through a real `keras.Model.fit`.

What it does, per scenario (the same scenarios the property draws: `fit_examine` replaces
`conformance.runner.examine` inside `run_property`, so Hypothesis, its seed and its
settings are the suite's own):

1. The real Keras callback (`keras.callbacks.<Callback>`, jax backend) is constructed from
   the scenario's configuration (paths inside a fresh run directory), and each of the
   scenario's fits is a real `model.fit` of a tiny compiled model (`Input((1,))`, one
   zero-initialised `Dense(1)`, SGD at the scenario's learning rate, MSE loss, the
   scenario's compiled metrics: `accuracy`, `mean_squared_error` and a direction-less
   `custom`), on zeros, one sample a batch, with the scenario's `initial_epoch`,
   epoch count and `steps_per_execution`.
2. The callback list is `[ScenarioLogs, <callback under test>, AfterCallback]`.
   `ScenarioLogs` replaces, in place, the logs dict every hook shares
   (`fit.logs.shared-per-dispatch`) with the logs the simulated fit would pass: the
   epoch's metrics and `val_` metrics at `on_epoch_end` (so the callback under test sees
   exactly the scenario's values, None and missing keys included), the running metrics
   at `on_train_batch_end`, `{}` at the begin hooks, the last epoch's logs at
   `on_train_end`; it also notes which hook is being dispatched (where an exception
   came from). `AfterCallback` asks to stop at the scenario's `stop_requested_at_epoch`
   (as the harness's StopRequester, after the callback) and records what the property
   projects: `(on_epoch_end, epoch, model.stop_training)`, the optimizer's rate after
   each `on_epoch_begin`, and (through wrappers on the model's `save` and
   `save_weights`) every save call, its path under `<run>`.
3. The reference runs the same scenario through the simulated fit
   (`conformance.harness.observe.observe`, at the target's precision), and the two
   observations are compared through the property's own projection, as `examine` does.

To be as fast as honest, one compiled model per `steps_per_execution` is reused across
scenarios (weights, optimizer iterations and learning rate reset before each), so the
jit compilation is paid once, not per scenario (`RealFitDriver(fresh_model_per_scenario=
True)` builds and compiles a model per scenario instead, as a test usually does); no
validation data is passed (the
`val_` keys are injected at epoch end: none of the three callbacks has a test hook); an
epoch runs one batch unless the scenario's batches matter (ModelCheckpoint with an
integer `save_freq`).

Scenarios a real fit cannot express are skipped and counted: a LearningRateScheduler
model with no optimizer or with the simulated multi-optimizer (Keras 3 has none), and a
ModelCheckpoint saving at batch ends whose epochs within one fit have different batch
counts (a fit has one `steps_per_epoch`).
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np

from conformance.harness.fit import EpochPlan, FitPlan, batch_logs, pythonify
from conformance.harness.observe import (
    Observation,
    Scenario,
    constructor_arguments,
    observe,
    run_relative,
)
from conformance.harness.sim_model import ModelSpec
from conformance.properties.base import Property, comparable
from conformance.results import Examination
from conformance.runner import reference_for
from conformance.running import RunningTarget
from conformance.targets import Target

BASELINE_PROPERTIES = {
    "EarlyStopping": "early_stopping.stops-where-keras-stops",
    "LearningRateScheduler": "learning_rate_scheduler.sets-the-rates-keras-sets",
    "ModelCheckpoint": "model_checkpoint.saves-where-keras-saves",
}
"""The property checked through a real fit, per callback."""


def unexpressible(scenario: Scenario) -> str | None:
    """Why a real `fit` cannot run `scenario` as the simulated fit does, or None."""
    if scenario.model.optimizer == "none":
        return "a model without an optimizer cannot fit"
    if scenario.model.optimizer == "multi":
        return "Keras 3 has no multi-optimizer"
    if scenario.callback == "ModelCheckpoint" and _saves_at_batches(scenario):
        for plan in scenario.fits:
            if len({epoch.batches for epoch in plan.epochs}) > 1:
                return "batch-level saves over epochs of different batch counts"
    return None


def _saves_at_batches(scenario: Scenario) -> bool:
    return scenario.config.get("save_freq", "epoch") != "epoch"


def _custom_metric(y_true: Any, y_pred: Any) -> Any:
    """A compiled metric Keras declares no direction for (`custom`)."""
    return keras.ops.mean(y_pred - y_true, axis=-1)


def _compiled_metrics(names: tuple[str, ...]) -> list[Any]:
    metrics: list[Any] = []
    for name in names:
        if name == "custom":
            metrics.append(keras.metrics.MeanMetricWrapper(_custom_metric, name="custom"))
        else:
            metrics.append(name)
    return metrics


@dataclass
class RunState:
    """What the real run recorded, shared by the callbacks around the one under test."""

    current_hook: str = "set_model"
    epoch_ends: list[tuple[str, int | None, bool]] = field(default_factory=list)
    learning_rates: list[tuple[float, ...]] = field(default_factory=list)
    calls: list[tuple[Any, ...]] = field(default_factory=list)


class ScenarioLogs(keras.callbacks.Callback):
    """First in the list: every hook's shared logs become the simulated fit's."""

    def __init__(self, plan: FitPlan, state: RunState) -> None:
        super().__init__()
        self.plan, self.state = plan, state
        self.epoch = plan.initial_epoch  # the epoch being run (batch hooks get no epoch)
        self.execution = 0  # executions of steps_per_execution batches this epoch
        self.last_epoch_logs: dict[str, Any] = {}

    def _enter(self, hook: str, index: int | None, logs: Any, values: dict[str, Any]) -> None:
        self.state.current_hook = hook if index is None else f"{hook}({index})"
        if isinstance(logs, dict):
            logs.clear()
            logs.update(pythonify(values))

    def _epoch(self, epoch: int) -> EpochPlan:
        return self.plan.epochs[epoch - self.plan.initial_epoch]

    def on_train_begin(self, logs: Any = None) -> None:
        self._enter("on_train_begin", None, logs, {})

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        self.epoch, self.execution = epoch, 0
        self._enter("on_epoch_begin", epoch, logs, {})

    def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._enter("on_train_batch_begin", batch, logs, {})

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        epoch = self._epoch(self.epoch)
        executions = -(-epoch.batches // self.plan.steps_per_execution)
        if epoch.batch_metrics is not None:
            values = dict(epoch.batch_metrics[self.execution])
        else:
            values = batch_logs(epoch.metrics, self.execution, executions)
        self.execution += 1
        self._enter("on_train_batch_end", batch, logs, values)

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        plan = self._epoch(epoch)
        values = dict(plan.metrics)
        if plan.validation is not None:
            values.update({f"val_{key}": value for key, value in plan.validation.items()})
        self.last_epoch_logs = values
        self._enter("on_epoch_end", epoch, logs, values)

    def on_train_end(self, logs: Any = None) -> None:
        self._enter("on_train_end", None, logs, self.last_epoch_logs)


class AfterCallback(keras.callbacks.Callback):
    """After the callback under test: stops where the scenario asks another callback to,
    and records epoch ends (with `stop_training`) and the rate during each epoch."""

    def __init__(self, plan: FitPlan, state: RunState) -> None:
        super().__init__()
        self.plan, self.state = plan, state

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        optimizer = self.model.optimizer
        self.state.learning_rates.append((float(optimizer.learning_rate),))

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        if epoch == self.plan.stop_requested_at_epoch:
            self.model.stop_training = True
        self.state.epoch_ends.append(("on_epoch_end", epoch, bool(self.model.stop_training)))


class RealFitDriver:
    """Runs scenarios through real fits of reused compiled models."""

    def __init__(self, fresh_model_per_scenario: bool = False) -> None:
        self.fresh_model_per_scenario = fresh_model_per_scenario
        self.models: dict[tuple[Any, ...], tuple[keras.Model, list[np.ndarray]]] = {}
        self.compiled = 0  # models built and compiled

    def model(
        self, spec: ModelSpec, steps_per_execution: int, state: RunState, previous: Any
    ) -> keras.Model:
        """The compiled model for `steps_per_execution`, in the state a fresh model has
        (`previous` None: a scenario's first fit) or in `previous`'s (a later fit of the
        same scenario: weights, optimizer iterations and rate carry over)."""
        key = (spec.metrics, steps_per_execution)
        if key not in self.models:
            model = keras.Sequential(
                [keras.Input((1,)), keras.layers.Dense(1, kernel_initializer="zeros")]
            )
            model.compile(
                optimizer=keras.optimizers.SGD(spec.learning_rate),
                loss="mse",
                metrics=_compiled_metrics(spec.metrics),
                steps_per_execution=steps_per_execution,
            )
            self.models[key] = (model, [w.copy() for w in model.get_weights()])
            self.compiled += 1
        model, initial = self.models[key]
        if previous is None:
            model.set_weights(initial)
            model.optimizer.iterations.assign(0)
            model.optimizer.learning_rate = spec.learning_rate
        elif previous is not model:
            model.set_weights(previous.get_weights())
            model.optimizer.iterations.assign(int(previous.optimizer.iterations))
            model.optimizer.learning_rate = float(previous.optimizer.learning_rate)
        self._record_saves(model, state)
        return model

    @staticmethod
    def _record_saves(model: keras.Model, state: RunState) -> None:
        """The model's `save` and `save_weights`, recording each call as SimModel does."""
        cls = type(model)
        for name in ("save", "save_weights"):
            original = getattr(cls, name)

            def recorded(
                filepath: Any,
                overwrite: bool = True,
                _original: Any = original,
                _name: str = name,
                **kwargs: Any,
            ) -> Any:
                state.calls.append((_name, str(filepath), {"overwrite": overwrite, **kwargs}))
                return _original(model, filepath, overwrite=overwrite, **kwargs)

            object.__setattr__(model, name, recorded)

    def run(self, scenario: Scenario, callback_class: type) -> Observation:
        """The observation of `scenario` run through real fits (the parts the baseline
        properties project: epoch ends, rates, save calls, the error)."""
        state = RunState()
        observation = Observation()
        if self.fresh_model_per_scenario:
            self.models.clear()  # built and compiled again, as a test would
        with tempfile.TemporaryDirectory(prefix="fit-baseline-") as workspace:
            run_dir = os.path.realpath(workspace)
            out = io.StringIO()
            with warnings.catch_warnings(), contextlib.redirect_stdout(out):
                warnings.simplefilter("ignore")
                try:
                    state.current_hook = "__init__"
                    callback = callback_class(**constructor_arguments(scenario.config, run_dir))
                    observation.constructed = True
                    model = None
                    for plan in scenario.fits:
                        model = self._fit(scenario, plan, callback, state, model)
                except Exception as error:
                    observation.error = (type(error).__name__, str(error), state.current_hook)
            observation.stdout = out.getvalue()
            observation.hooks = state.epoch_ends
            observation.learning_rates = state.learning_rates
            observation.model_calls = run_relative(state.calls, run_dir)
        return observation

    def _fit(
        self, scenario: Scenario, plan: FitPlan, callback: Any, state: RunState, previous: Any
    ) -> keras.Model:
        """One real `fit` of `plan`; returns the model it trained."""
        batch_level = scenario.callback == "ModelCheckpoint" and _saves_at_batches(scenario)
        per_execution = plan.steps_per_execution if batch_level else 1
        steps = plan.epochs[0].batches if (batch_level and plan.epochs) else 1
        state.current_hook = "set_model"
        model = self.model(scenario.model, per_execution, state, previous)
        first = ScenarioLogs(plan, state)
        samples = max(steps, 1)
        model.fit(
            np.zeros((samples, 1), "float32"),
            np.zeros((samples, 1), "float32"),
            batch_size=1,
            epochs=plan.initial_epoch + len(plan.epochs),
            initial_epoch=plan.initial_epoch,
            shuffle=False,
            verbose=0,
            callbacks=[first, callback, AfterCallback(plan, state)],
        )
        return model


@dataclass
class BaselineTally:
    """What the baseline saw: agreements, disagreements (with the first), skips, and
    the seconds spent checking the scenarios it expressed."""

    agree: int = 0
    disagree: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    first_disagreement: str = ""

    @property
    def checked(self) -> int:
        return self.agree + self.disagree


def fit_examiner(driver: RealFitDriver, tally: BaselineTally, keras_target: Target) -> Any:
    """An `examine` replacement that checks the scenario through a real fit: the real
    Keras callback in `model.fit` against the reference in the simulated fit, compared
    through the property's projection. Never fails the property (a disagreement is
    counted, not shrunk)."""

    def fit_examine(
        prop: Property, running: RunningTarget, scenario: Scenario, scenario_timeout: Any = None
    ) -> Examination:
        reason = unexpressible(scenario)
        if reason is not None:
            tally.skipped[reason] = tally.skipped.get(reason, 0) + 1
            return Examination(Observation(), None, None)
        started = time.perf_counter()
        callback_class = keras_target.classes[prop.callback]
        assert callback_class is not None and prop.project is not None
        real = driver.run(scenario, callback_class)
        expected = observe(reference_for(keras_target, prop.callback), scenario)
        ours, theirs = comparable(prop.project(expected)), comparable(prop.project(real))
        tally.seconds += time.perf_counter() - started
        if ours == theirs:
            tally.agree += 1
        else:
            tally.disagree += 1
            if not tally.first_disagreement:
                tally.first_disagreement = (
                    f"real fit {theirs[:300]} | reference {ours[:300]} | scenario {scenario!r}"[
                        :1500
                    ]
                )
        return Examination(real, expected, None)

    return fit_examine

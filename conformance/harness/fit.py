"""A simulated `keras.Model.fit`: it drives callbacks as Keras 3.15.1's `fit` does.

What callbacks can see of the real loop, and this loop reproduces:

* `fit.callbacks.history-after-user`: the callbacks run in list order, then History.
* `fit.logs.shared-per-dispatch` (and `sorted-keys`, `nested-dicts-flattened`,
  `scalars-are-floats`): every hook gets a fresh dict built from the loop's logs,
  key-sorted, nested dicts flattened, values made `float` where `float()` accepts them;
  the callbacks of one dispatch share that dict (a key one adds, the next sees).
* `fit.hooks.order`: `on_train_begin`; per epoch `on_epoch_begin`, per execution of
  `steps_per_execution` batches `on_train_batch_begin(k*N)` and
  `on_train_batch_end(k*N+N-1)` (unclipped on a partial last execution), validation
  (`on_test_*`) when `validation_freq` says, `on_epoch_end`; `on_train_end`.
* `fit.callbacks.set-model-then-params`: `set_model`, then `set_params`, once per fit.
* `fit.validation.evaluate-hooks`, `fit.logs.running-metrics`: batch ends report running
  metrics (the plan's, or a walk to the epoch's values); validation is an evaluate on the same
  callbacks, ending with its unprefixed metrics.
* `fit.stop-training.read-after-batch-and-epoch-end`, `fit.stop-training.epoch-completes`:
  `stop_training` is read after every batch end and every epoch end; a batch-level stop
  still validates and ends the epoch, with that batch end's metrics as the epoch's.
* `fit.train-end.last-epoch-logs`: `on_train_end` gets the loop's own last epoch logs, without
  keys callbacks added.
* `fit.exceptions.skip-train-end`: an exception from a callback ends the run at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from conformance.harness.sim_model import SimModel

HOOKS: tuple[str, ...] = (
    "on_train_begin",
    "on_epoch_begin",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_begin",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_test_end",
    "on_epoch_end",
    "on_train_end",
)
"""The hooks a fit dispatches, in the order each first runs (`fit.hooks.order`)."""


@dataclass
class EpochPlan:
    """One epoch of a run: the training metrics at its end (a value of None means the
    key is present with None; leave a key out to make it missing), its batches, and
    the validation metrics (unprefixed) if validation runs this epoch.

    `batch_metrics` and `validation_batch_metrics`, one dict per execution of
    `steps_per_execution` batches, are the running metrics each batch end reports; by
    default they walk to the epoch's values (`batch_logs`). A plan that gives them makes
    the last equal to `metrics` (or `validation`), as a real fit's are."""

    metrics: dict[str, Any]
    batches: int = 1
    validation: dict[str, Any] | None = None
    validation_batches: int = 1
    batch_metrics: list[dict[str, Any]] | None = None
    validation_batch_metrics: list[dict[str, Any]] | None = None


@dataclass
class FitPlan:
    epochs: list[EpochPlan]
    initial_epoch: int = 0
    steps_per_execution: int = 1
    stop_requested_at_epoch: int | None = None  # another callback stops at this epoch's end


@dataclass
class HookCall:
    hook: str
    index: int | None
    stop_training: bool  # `model.stop_training` after the dispatch


@dataclass
class FitRecord:
    hooks: list[HookCall] = field(default_factory=list)
    learning_rates: list[tuple[float, ...]] = field(default_factory=list)  # during each epoch
    history: dict[str, list[Any]] = field(default_factory=dict)
    current_hook: str = ""  # the hook being dispatched: where an exception came from


def pythonify(logs: Any) -> dict[str, Any]:
    """Keras's `pythonify_logs`: a new, key-sorted, flattened dict of floats."""
    result: dict[str, Any] = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            result.update(pythonify(value))
            continue
        try:
            value = float(value)
        except Exception:  # Keras keeps whatever `float()` refuses
            pass
        result[key] = value
    return result


class History:
    """Keras's History, appended after the user's callbacks by every `fit`."""

    def __init__(self) -> None:
        self.history: dict[str, list[Any]] = {}

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)


class StopRequester:
    """Another callback in the list, asking to stop at the end of one epoch."""

    def __init__(self, epoch: int | None) -> None:
        self.epoch = epoch

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        if epoch == self.epoch:
            self.model.stop_training = True

    def set_model(self, model: Any) -> None:
        self.model = model


def batch_logs(metrics: dict[str, Any], execution: int, executions: int) -> dict[str, Any]:
    """Running metrics after `execution`: they reach the epoch's values at its last
    execution, in float32-exact steps of 1/4 before it."""
    offset = (executions - 1 - execution) * 0.25
    return {
        key: value + offset if isinstance(value, float) and math.isfinite(value) else value
        for key, value in metrics.items()
        if value is not None
    }


def running_metrics(
    metrics: dict[str, Any], given: list[dict[str, Any]] | None, execution: int, executions: int
) -> dict[str, Any]:
    """The running metrics after `execution`: the plan's own, else `batch_logs`'s walk."""
    if given is not None:
        return dict(given[execution])
    return batch_logs(metrics, execution, executions)


def execution_bounds(batches: int, per_execution: int) -> list[tuple[int, int]]:
    """Each execution's (begin, end) batch index: `steps_per_execution` batches a step, the
    last one unclipped (`fit.steps-per-execution.batch-indices`)."""
    return [(step, step + per_execution - 1) for step in range(0, batches, per_execution)]


class FitLoop:
    """Keras 3.15.1's fit loop, dispatching every hook to the callbacks in order. Public so
    that the tests can build a wrong loop from it and see the fidelity property catch it."""

    def __init__(self, callbacks: list[Any], model: SimModel, record: FitRecord) -> None:
        self.callbacks = callbacks
        self.model = model
        self.record = record

    def dispatch(self, hook: str, index: int | None, logs: Any) -> None:
        self.record.current_hook = hook if index is None else f"{hook}({index})"
        shared = pythonify(logs)
        for callback in self.callbacks:
            method = getattr(callback, hook, None)
            if method is None:
                continue
            if index is None:
                method(logs=shared)
            else:
                method(index, logs=shared)
        self.record.hooks.append(HookCall(hook, index, bool(self.model.stop_training)))

    def evaluate(self, plan: EpochPlan, per_execution: int) -> None:
        """Validation: `evaluate` on the same callbacks (no new set_model or set_params)."""
        assert plan.validation is not None
        self.dispatch("on_test_begin", None, {})
        executions = execution_bounds(plan.validation_batches, per_execution)
        for number, (begin, end) in enumerate(executions):
            self.dispatch("on_test_batch_begin", begin, {})
            logs = running_metrics(
                plan.validation, plan.validation_batch_metrics, number, len(executions)
            )
            self.dispatch("on_test_batch_end", end, logs)
        self.dispatch("on_test_end", None, plan.validation)

    def fit(self, plan: FitPlan) -> None:
        model, per_execution = self.model, plan.steps_per_execution
        model.stop_training = False
        self.dispatch("on_train_begin", None, {})
        training_logs: dict[str, Any] = {}
        for offset, epoch_plan in enumerate(plan.epochs):
            epoch = plan.initial_epoch + offset
            self.dispatch("on_epoch_begin", epoch, {})
            self.record.learning_rates.append(_rates(model))
            executions = execution_bounds(epoch_plan.batches, per_execution)
            epoch_logs = dict(epoch_plan.metrics)
            for number, (begin, end) in enumerate(executions):
                self.dispatch("on_train_batch_begin", begin, {})
                steps = min(per_execution, epoch_plan.batches - begin)
                model.advance_iterations(steps)
                model.set_label(model.label + steps)
                logs = running_metrics(
                    epoch_plan.metrics, epoch_plan.batch_metrics, number, len(executions)
                )
                self.dispatch("on_train_batch_end", end, logs)
                if model.stop_training:
                    # The epoch's logs are the metrics so far: those of this batch end.
                    epoch_logs.update(logs)
                    break
            if epoch_plan.validation is not None:
                self.evaluate(epoch_plan, per_execution)
                epoch_logs.update({f"val_{k}": v for k, v in epoch_plan.validation.items()})
            self.dispatch("on_epoch_end", epoch, epoch_logs)
            training_logs = epoch_logs
            if model.stop_training:
                break
        self.dispatch("on_train_end", None, training_logs)


def _rates(model: SimModel) -> tuple[float, ...]:
    """The optimizer's rate (each sub-optimizer's, for a multi-optimizer) right now.
    Read through NumPy, as Keras's callbacks read it (`convert_to_numpy`): a variable of
    keras-core or Keras 3.0-3.4 has no `__float__`."""
    optimizers = getattr(model.optimizer, "optimizers", [model.optimizer])
    return tuple(
        float(np.asarray(o.learning_rate)) for o in optimizers if hasattr(o, "learning_rate")
    )


def simulate_fit(
    callback: Any, model: SimModel, plan: FitPlan, record: FitRecord, given: Any = None
) -> None:
    """Run one `fit` of `plan` with `callback` (then a stop requester, then History) on
    `model`; the callback is given `given` (a target's facade of `model`), else `model`."""
    history = History()
    requester = StopRequester(plan.stop_requested_at_epoch)
    requester.set_model(model)
    record.current_hook = "set_model"
    callback.set_model(model if given is None else given)
    steps = (plan.epochs[0].batches or None) if plan.epochs else None
    callback.set_params(
        {"verbose": 0, "epochs": plan.initial_epoch + len(plan.epochs), "steps": steps}
    )
    loop = FitLoop([callback, requester, history], model, record)
    try:
        loop.fit(plan)
    finally:
        for key, values in history.history.items():
            record.history.setdefault(key, []).extend(values)

"""Deliberately wrong fit loops, in the harness's place: each is one rule of the fit loop
broken, for the fidelity tests and the per-version judge (`conformance.fit_loop.judge`)
to catch."""

from __future__ import annotations

from typing import Any

import numpy as np

from conformance.harness import fit as harness_fit


class BatchEndAtBeginIndex(harness_fit.FitLoop):
    """Wrong: `on_train_batch_end` gets the execution's begin index (Keras < 3.11)."""

    def dispatch(self, hook: str, index: int | None, logs: Any) -> None:
        if hook == "on_train_batch_begin":
            self.begin = index
        if hook == "on_train_batch_end":
            index = self.begin
        super().dispatch(hook, index, logs)


class StopNotReadAfterBatchEnd(harness_fit.FitLoop):
    """Wrong: `stop_training` is read only after epoch end, never after batch end."""

    def fit(self, plan: harness_fit.FitPlan) -> None:
        model, per_execution = self.model, plan.steps_per_execution
        model.stop_training = False
        self.dispatch("on_train_begin", None, {})
        training_logs: dict[str, Any] = {}
        for offset, epoch_plan in enumerate(plan.epochs):
            epoch = plan.initial_epoch + offset
            self.dispatch("on_epoch_begin", epoch, {})
            executions = harness_fit.execution_bounds(epoch_plan.batches, per_execution)
            for number, (begin, end) in enumerate(executions):
                self.dispatch("on_train_batch_begin", begin, {})
                logs = harness_fit.running_metrics(
                    epoch_plan.metrics, epoch_plan.batch_metrics, number, len(executions)
                )
                self.dispatch("on_train_batch_end", end, logs)
            epoch_logs = dict(epoch_plan.metrics)
            if epoch_plan.validation is not None:
                self.evaluate(epoch_plan, per_execution)
                epoch_logs.update({f"val_{k}": v for k, v in epoch_plan.validation.items()})
            self.dispatch("on_epoch_end", epoch, epoch_logs)
            training_logs = epoch_logs
            if model.stop_training:
                break
        self.dispatch("on_train_end", None, training_logs)


class NumpyLogs(harness_fit.FitLoop):
    """Wrong: logs reach callbacks with numpy float32 values, not pythonified (Keras
    before 3.6 at batch ends, before 3.7 at every hook)."""

    def dispatch(self, hook: str, index: int | None, logs: Any) -> None:
        shared = {key: np.float32(value) for key, value in harness_fit.pythonify(logs).items()}
        for callback in self.callbacks:
            method = getattr(callback, hook, None)
            if method is not None:
                method(logs=shared) if index is None else method(index, logs=shared)
        self.record.hooks.append(harness_fit.HookCall(hook, index, bool(self.model.stop_training)))

"""ModelCheckpoint with `mode="auto"` looks the monitored metric up by its full name, so
`val_accuracy` finds no compiled metric and raises ValueError (only `loss` and
`val_loss` are special-cased); Keras strips the `val_` prefix first and maximises it."""

from __future__ import annotations

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference.keras_types import is_a
from reference.monitor import greater, less

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = (
    "ModelCheckpoint",
    ("monitor.mode.auto", "model_checkpoint.monitor.resolved-at-epoch-end"),
)


class ModelCheckpoint(ModelCheckpoint):
    def _set_monitor_op(self) -> None:
        if self.mode != "auto":
            super()._set_monitor_op()
            return
        # Bug: Keras looks up `self.monitor.removeprefix("val_")`.
        metric_name = "loss" if self.monitor == "val_loss" else self.monitor
        if metric_name == "loss":
            self.monitor_op = less
        containers = [m for m in self.model.metrics if is_a(m, "CompileMetrics", "MetricsList")]
        for metric in (m for c in containers for m in c.metrics):
            if metric.name == metric_name and hasattr(metric, "_direction"):
                self.monitor_op = greater if metric._direction == "up" else less
        if self.monitor_op is None:
            raise ValueError(
                f"{self.__class__.__name__} callback received monitor={self.monitor}, but "
                "Keras isn't able to automatically determine whether that metric should be "
                "maximized or minimized. Pass `mode='max'` in order to monitor based on the "
                "highest metric value, or pass `mode='min'` in order to use the lowest value."
            )
        if self.monitor_op is less:
            self.min_delta *= -1

"""EarlyStopping resolves `mode="auto"` from the monitor's name, as tf.keras did: maximise
when the name contains "acc", minimise otherwise. Keras 3 asks the compiled metric of that
name for its direction and raises ValueError when none declares one (a custom metric)."""

from __future__ import annotations

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference.monitor import greater, less

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = (
    "EarlyStopping",
    ("monitor.mode.auto", "early_stopping.mode.resolved-at-first-epoch-end"),
)


class EarlyStopping(EarlyStopping):
    def _set_monitor_op(self) -> None:
        if self.mode != "auto":
            super()._set_monitor_op()
            return
        # Bug: a guess from the name; Keras 3 raises for a metric without a direction.
        self.monitor_op = greater if "acc" in self.monitor else less
        if self.monitor_op is less:
            self.min_delta *= -1

"""ModelCheckpoint with `save_best_only` saves when the monitored value ties the best
(`<=`/`>=` instead of `<`/`>`)."""

from __future__ import annotations

from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference.monitor import as_compared, less

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = (
    "ModelCheckpoint",
    ("model_checkpoint.best-only.improvement", "monitor.improvement.strict"),
)


class ModelCheckpoint(ModelCheckpoint):
    def _is_improvement(self, monitor_value: Any, reference_value: Any) -> bool:
        if reference_value is None:
            return True
        shifted = as_compared(monitor_value - self.min_delta, self.comparison_precision)
        reference = as_compared(reference_value, self.comparison_precision)
        # Bug: non-strict comparisons.
        return bool(shifted <= reference if self.monitor_op is less else shifted >= reference)

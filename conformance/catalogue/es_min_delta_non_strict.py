"""EarlyStopping counts a change of exactly `min_delta` (a tie, with min_delta 0) as an
improvement: `<=`/`>=` instead of `<`/`>`."""

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

# Only where a value ties the best (or sits exactly min_delta from it) does the bug show:
# the strict-improvement rule alone.
CAUGHT_BY = ("EarlyStopping", ("monitor.improvement.strict",))


class EarlyStopping(EarlyStopping):
    def _is_improvement(self, monitor_value: Any, reference_value: Any) -> bool:
        if reference_value is None:
            return True
        shifted = as_compared(monitor_value - self.min_delta, self.comparison_precision)
        reference = as_compared(reference_value, self.comparison_precision)
        # Bug: non-strict comparisons.
        return bool(shifted <= reference if self.monitor_op is less else shifted >= reference)

"""EarlyStopping in max mode adds `min_delta` to the value instead of subtracting it, so a
value up to `min_delta` *below* the best counts as an improvement (the sign is flipped for
max mode as well as for min mode)."""

from __future__ import annotations

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference.monitor import greater

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = (
    "EarlyStopping",
    ("monitor.improvement.strict", "monitor.min-delta.sign-flip-once"),
)


class EarlyStopping(EarlyStopping):
    def _set_monitor_op(self) -> None:
        super()._set_monitor_op()
        if self.monitor_op is greater:
            self.min_delta *= -1  # Bug: Keras makes min_delta negative in min mode only.

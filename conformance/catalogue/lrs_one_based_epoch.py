"""LearningRateScheduler calls the schedule with the 1-based epoch number instead of the
0-based epoch index."""

from __future__ import annotations

from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = ("LearningRateScheduler", ("learning_rate_scheduler.schedule.absolute-epoch",))


class LearningRateScheduler(LearningRateScheduler):
    def _update_optimizer_lr(self, optimizer: Any, epoch: int) -> Any:
        return super()._update_optimizer_lr(optimizer, epoch + 1)  # Bug: 1-based.

"""LearningRateScheduler always calls `schedule(epoch, lr)`, with no one-argument fallback, so
a `schedule(epoch)` raises TypeError."""

from __future__ import annotations

from typing import Any

import numpy as np

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference.learning_rate_scheduler import current_rate

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = (
    "LearningRateScheduler",
    (
        "learning_rate_scheduler.schedule.one-argument",
        "learning_rate_scheduler.schedule.type-error-falls-back",
    ),
)


class LearningRateScheduler(LearningRateScheduler):
    def _update_optimizer_lr(self, optimizer: Any, epoch: int) -> Any:
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        # Bug: no `except TypeError: self.schedule(epoch)` retry.
        learning_rate = self.schedule(epoch, current_rate(optimizer))
        if not isinstance(learning_rate, (float, np.float32, np.float64)):
            raise ValueError(
                f"The output of the `schedule` function should be a float. Got: {learning_rate}"
            )
        optimizer.learning_rate = learning_rate
        return learning_rate

"""LearningRateScheduler picks the call by the schedule's signature (one argument unless it
takes two), so a TypeError raised inside a two-argument schedule propagates; Keras retries
any TypeError with the epoch alone, masking it."""

from __future__ import annotations

import inspect
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
    ("learning_rate_scheduler.schedule.type-error-falls-back",),
)


class LearningRateScheduler(LearningRateScheduler):
    def _update_optimizer_lr(self, optimizer: Any, epoch: int) -> Any:
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        # Bug: the arity decides; Keras tries two arguments and retries on any TypeError.
        if len(inspect.signature(self.schedule).parameters) >= 2:
            learning_rate = self.schedule(epoch, current_rate(optimizer))
        else:
            learning_rate = self.schedule(epoch)
        if not isinstance(learning_rate, (float, np.float32, np.float64)):
            raise ValueError(
                f"The output of the `schedule` function should be a float. Got: {learning_rate}"
            )
        optimizer.learning_rate = learning_rate
        return learning_rate

"""LearningRateScheduler accepts any numpy floating scalar from the schedule (`np.floating`,
so `np.float16` too), where Keras accepts only `float`, `np.float32` and `np.float64`."""

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

CAUGHT_BY = ("LearningRateScheduler", ("learning_rate_scheduler.schedule.float-only",))


class LearningRateScheduler(LearningRateScheduler):
    def _update_optimizer_lr(self, optimizer: Any, epoch: int) -> Any:
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            learning_rate = self.schedule(epoch, current_rate(optimizer))
        except TypeError:
            learning_rate = self.schedule(epoch)
        # Bug: np.floating admits np.float16, which Keras rejects.
        if not isinstance(learning_rate, (float, np.floating)):
            raise ValueError(
                f"The output of the `schedule` function should be a float. Got: {learning_rate}"
            )
        optimizer.learning_rate = learning_rate
        return learning_rate

"""LearningRateScheduler takes a rank-0 backend tensor from the schedule as its float
value (`float(tensor)`), so Keras's own documented schedule `lr * ops.exp(-0.1)` works;
Keras 3.15.1 accepts only `float`, `np.float32` and `np.float64` and raises ValueError.

A port that runs on jax (it declares `conformance_backend`), so the suite's schedules
return jax arrays where they return "a tensor". Caught only where a schedule returns the
backend's tensor: numpy arrays stay rejected."""

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
    "conformance_backend",
]

CAUGHT_BY = (
    "LearningRateScheduler",
    ("learning_rate_scheduler.schedule.docstring-example-rejected",),
)
conformance_backend = "jax"


class LearningRateScheduler(LearningRateScheduler):
    def _update_optimizer_lr(self, optimizer: Any, epoch: int) -> Any:
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            learning_rate = self.schedule(epoch, current_rate(optimizer))
        except TypeError:
            learning_rate = self.schedule(epoch)
        # Bug: a rank-0 tensor that is not a numpy array is converted, not rejected.
        if getattr(learning_rate, "shape", None) == () and not isinstance(
            learning_rate, np.ndarray | np.generic
        ):
            learning_rate = float(learning_rate)
        if not isinstance(learning_rate, (float, np.float32, np.float64)):
            raise ValueError(
                f"The output of the `schedule` function should be a float. Got: {learning_rate}"
            )
        optimizer.learning_rate = learning_rate
        return learning_rate

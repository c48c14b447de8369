"""ModelCheckpoint with `save_best_only` and no `initial_value_threshold` starts from a best
of +inf (min) or -inf (max), as tf.keras did, so a first NaN, or a first infinity in the
wrong direction, is not saved; Keras 3 starts from None, and any first value is saved."""

from __future__ import annotations

import math

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference.callback import Logs
from reference.monitor import less

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = ("ModelCheckpoint", ("model_checkpoint.best-only.first-value-wins",))


class ModelCheckpoint(ModelCheckpoint):
    def _should_save_model(self, epoch: int, logs: Logs, filepath: str) -> bool:
        if self.best is None and self.monitor_op is not None:
            # Bug: Keras 3 keeps None until the first value.
            self.best = math.inf if self.monitor_op is less else -math.inf
        return super()._should_save_model(epoch, logs, filepath)

"""ModelCheckpoint with `save_best_only` warns and skips the save when the monitored value is
missing, as Keras before 3.10 did; 3.15.1 saves anyway."""

from __future__ import annotations

import warnings

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference.callback import Logs

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = ("ModelCheckpoint", ("model_checkpoint.best-only.missing-saves",))


class ModelCheckpoint(ModelCheckpoint):
    def _should_save_model(self, epoch: int, logs: Logs, filepath: str) -> bool:
        if self.save_best_only and (logs or {}).get(self.monitor) is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=2)
            return False  # Bug: Keras 3.15.1 returns True here.
        return super()._should_save_model(epoch, logs, filepath)

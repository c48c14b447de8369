"""ModelCheckpoint creates the formatted path's directory before deciding whether to save, so
an epoch that `save_best_only` skips still leaves an empty directory; Keras creates it only
when it saves."""

from __future__ import annotations

import os

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference.callback import Logs

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = ("ModelCheckpoint", ("model_checkpoint.save.makedirs",))


class ModelCheckpoint(ModelCheckpoint):
    def _save_model(self, epoch: int, batch: int | None, logs: Logs) -> None:
        dirname = os.path.dirname(self._get_file_path(epoch, batch, logs))
        if dirname and not os.path.exists(dirname):
            os.makedirs(dirname)  # Bug: before the save decision.
        super()._save_model(epoch, batch, logs)

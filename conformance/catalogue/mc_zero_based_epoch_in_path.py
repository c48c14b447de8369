"""ModelCheckpoint fills `{epoch}` in the file name with the 0-based epoch index instead of the
1-based epoch number."""

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

CAUGHT_BY = ("ModelCheckpoint", ("model_checkpoint.path.format",))


class ModelCheckpoint(ModelCheckpoint):
    def _get_file_path(self, epoch: int, batch: int | None, logs: Any) -> str:
        # Bug: Keras formats epoch=epoch + 1; this formats the index itself.
        return super()._get_file_path(epoch - 1, batch, logs)

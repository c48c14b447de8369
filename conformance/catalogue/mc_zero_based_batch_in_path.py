"""ModelCheckpoint fills `{batch}` in the file name with the 0-based batch index Keras
passes to `on_train_batch_end` instead of the 1-based batch number (index + 1)."""

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
        # Bug: Keras formats batch=batch + 1; this formats the index itself.
        return super()._get_file_path(epoch, None if batch is None else batch - 1, logs)

"""ModelCheckpoint lets the KeyError of an unknown placeholder in `filepath` propagate as
`str.format` raised it; Keras re-raises it naming the template ("Failed to format this
callback filepath: ...")."""

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

CAUGHT_BY = ("ModelCheckpoint", ("model_checkpoint.path.key-error-reworded",))


class ModelCheckpoint(ModelCheckpoint):
    def _get_file_path(self, epoch: int, batch: int | None, logs: Any) -> str:
        # Bug: no `except KeyError` rewording.
        if batch is None or "batch" in logs:
            return self.filepath.format(epoch=epoch + 1, **logs)
        return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)

"""ModelCheckpoint always calls `model.save_weights`, even when `save_weights_only=False` asks
for `model.save`."""

from __future__ import annotations

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference.callback import Logs

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = ("ModelCheckpoint", ("model_checkpoint.save.write",))


class ModelCheckpoint(ModelCheckpoint):
    def _save_model(self, epoch: int, batch: int | None, logs: Logs) -> None:
        # Bug: the save branch behaves as if save_weights_only were always set
        # (only the write looks at it; the extension was checked at construction).
        save_weights_only, self.save_weights_only = self.save_weights_only, True
        try:
            super()._save_model(epoch, batch, logs)
        finally:
            self.save_weights_only = save_weights_only

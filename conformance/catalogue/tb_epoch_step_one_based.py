"""TensorBoard writes the `epoch_*` scalars at step `epoch + 1` instead of at the 0-based epoch
index."""

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

CAUGHT_BY = ("TensorBoard", ("tensorboard.epoch.scalars",))


class TensorBoard(TensorBoard):
    def _log_epoch_metrics(self, epoch: int, logs: Logs) -> None:
        super()._log_epoch_metrics(epoch + 1, logs)  # Bug: Keras uses step = epoch.

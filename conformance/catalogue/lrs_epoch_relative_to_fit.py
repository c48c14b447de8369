"""LearningRateScheduler counts epochs itself from 0 at each `fit`, ignoring `initial_epoch`,
instead of passing the absolute epoch index."""

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

CAUGHT_BY = ("LearningRateScheduler", ("learning_rate_scheduler.schedule.absolute-epoch",))


class LearningRateScheduler(LearningRateScheduler):
    _epochs_seen = 0

    def on_train_begin(self, logs: Logs = None) -> None:
        self._epochs_seen = 0

    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        # Bug: the schedule sees the epochs run in this fit, not Keras's epoch index.
        super().on_epoch_begin(self._epochs_seen, logs)
        self._epochs_seen += 1

"""LearningRateScheduler applies the schedule one epoch late: epoch `e` runs at `schedule(e -
1)`, and epoch 0 at the optimizer's initial rate."""

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
    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        # Bug: the rate for the epoch that just ended, as if set at epoch end.
        if epoch > 0:
            super().on_epoch_begin(epoch - 1, logs)

"""LearningRateScheduler never writes `learning_rate` into the epoch-end logs, so History and
later callbacks do not see it."""

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

CAUGHT_BY = ("LearningRateScheduler", ("learning_rate_scheduler.logs.rate-read-back",))


class LearningRateScheduler(LearningRateScheduler):
    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        pass  # Bug: Keras sets logs["learning_rate"] here.

"""EarlyStopping tests `wait >= patience` before counting the current epoch, so it stops one
epoch late."""

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

CAUGHT_BY = (
    "EarlyStopping",
    ("early_stopping.patience.counts-before-test", "early_stopping.patience.zero-is-one"),
)


class EarlyStopping(EarlyStopping):
    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        # Bug: the stop test sees the count of the epochs *before* this one, which is
        # the reference's test `wait >= patience` with one more epoch of patience.
        self.patience += 1
        try:
            super().on_epoch_end(epoch, logs)
        finally:
            self.patience -= 1

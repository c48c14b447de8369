"""EarlyStopping restores the best weights only when it stopped the run itself, not when the
run completed or another callback stopped it."""

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

CAUGHT_BY = ("EarlyStopping", ("early_stopping.restore.always-at-train-end",))


class EarlyStopping(EarlyStopping):
    def on_train_end(self, logs: Logs = None) -> None:
        if self.stopped_epoch > 0:  # Bug: Keras restores however the run ended.
            super().on_train_end(logs)

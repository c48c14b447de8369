"""EarlyStopping does not reset `best` at train begin, so a second `fit` on the same instance
compares against the first fit's best."""

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

CAUGHT_BY = ("EarlyStopping", ("early_stopping.reuse.resets-per-fit",))


class EarlyStopping(EarlyStopping):
    def on_train_begin(self, logs: Logs = None) -> None:
        best = self.best
        super().on_train_begin(logs)
        self.best = best  # Bug: Keras resets best to None for every fit.

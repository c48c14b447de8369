"""ModelCheckpoint resets `best` to its initial value at every train begin, so a second `fit`
saves values worse than the first fit's best."""

from __future__ import annotations

from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference.callback import Logs

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = ("ModelCheckpoint", ("model_checkpoint.save-freq.carries-over",))


class ModelCheckpoint(ModelCheckpoint):
    _initial_best: Any

    def on_train_begin(self, logs: Logs = None) -> None:
        # Bug: Keras's ModelCheckpoint has no on_train_begin; best carries over.
        if not hasattr(self, "_initial_best"):
            self._initial_best = self.best
        self.best = self._initial_best

"""TensorBoard resets its test batch count at every `fit` (train begin), where Keras never
resets it: a second fit's validation batches are written from step 1 again."""

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

CAUGHT_BY = ("TensorBoard", ("tensorboard.steps.test-batch-never-reset",))


class TensorBoard(TensorBoard):
    def on_train_begin(self, logs: Logs = None) -> None:
        self._global_test_batch = 0  # Bug: Keras keeps counting across fits.
        super().on_train_begin(logs)

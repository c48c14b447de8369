"""TensorBoard writes the `batch_*` scalars at the 0-based execution index (0, 1, 2, ...)
instead of Keras's 1-based count of executions since train begin (1, 2, 3, ...)."""

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
    "TensorBoard",
    ("tensorboard.batch.steps-count-executions", "tensorboard.batch.scalars"),
)


class TensorBoard(TensorBoard):
    def on_train_batch_end(self, batch: int, logs: Logs = None) -> None:
        self._global_train_batch -= 1  # Bug: the step written is one less than Keras's.
        try:
            super().on_train_batch_end(batch, logs)
        finally:
            self._global_train_batch += 1

"""TensorBoard counts the train batch step per epoch (reset at every epoch begin) instead of
cumulatively since train begin."""

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
    (
        "tensorboard.batch.steps-count-executions",
        "tensorboard.batch.scalars",
        "tensorboard.update-freq.gates-epoch-writes",
    ),
)


class TensorBoard(TensorBoard):
    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        super().on_epoch_begin(epoch, logs)
        self._global_train_batch = 0  # Bug: Keras resets it only at train begin.

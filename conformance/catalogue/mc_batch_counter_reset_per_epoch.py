"""ModelCheckpoint with an integer `save_freq` forgets the batches counted since the last save
at every epoch begin, instead of carrying them over."""

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
    "ModelCheckpoint",
    ("model_checkpoint.save-freq.counts-batches", "model_checkpoint.save-freq.carries-over"),
)


class ModelCheckpoint(ModelCheckpoint):
    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        super().on_epoch_begin(epoch, logs)
        self._batches_seen_since_last_saving = 0  # Bug: Keras resets only on a save.

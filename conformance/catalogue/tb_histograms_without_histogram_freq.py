"""TensorBoard treats `histogram_freq=0` as 1, so weight histograms (and images) are written
every epoch even when histograms are off."""

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
    ("tensorboard.weights.histograms-and-images", "tensorboard.weights.images-need-histograms"),
)


class TensorBoard(TensorBoard):
    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        super().on_epoch_end(epoch, logs)
        if not self.histogram_freq:  # Bug: Keras writes no histograms at 0.
            self._log_weights(epoch)

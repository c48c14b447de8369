"""TensorBoard writes weight histograms at the epochs whose 1-based number is a multiple of
`histogram_freq` (`(epoch + 1) % histogram_freq == 0`); Keras tests the 0-based index, so
epoch 0 always gets histograms and `histogram_freq=2` means epochs 0, 2, 4."""

from __future__ import annotations

import os

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference.callback import Logs

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = ("TensorBoard", ("tensorboard.weights.histograms-and-images",))


class TensorBoard(TensorBoard):
    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        self._log_epoch_metrics(epoch, logs)
        if self.histogram_freq and (epoch + 1) % self.histogram_freq == 0:  # Bug: 1-based.
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            weights_file = f"keras_embedding.ckpt-{epoch}.weights.h5"
            self.model.save_weights(os.path.join(self.log_dir, "train", weights_file))

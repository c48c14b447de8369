"""TensorBoard writes the epoch-level summaries (`epoch_*`, histograms, images) whatever
`update_freq` is, as tf.keras did (`record_if(True)`); Keras 3.15.1 leaves the last train
batch's `record_if(step % update_freq == 0)` in force, so with an integer `update_freq`
above 1 it drops them at epochs whose batch count is not a multiple of it."""

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

CAUGHT_BY = ("TensorBoard", ("tensorboard.update-freq.gates-epoch-writes",))


class TensorBoard(TensorBoard):
    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        contexts, self._contexts = self._contexts, []  # Bug: no gate at epoch end.
        try:
            super().on_epoch_end(epoch, logs)
        finally:
            self._contexts = contexts

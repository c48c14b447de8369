"""ModelCheckpoint resolves the monitored direction only when `save_best_only` needs it, so
an undecidable `mode="auto"` monitor never raises without `save_best_only`; Keras resolves
it at the first epoch end regardless, and raises there."""

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

CAUGHT_BY = ("ModelCheckpoint", ("model_checkpoint.monitor.resolved-at-epoch-end",))


class ModelCheckpoint(ModelCheckpoint):
    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        if self.monitor_op is None and self.save_best_only:  # Bug: Keras ignores save_best_only.
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch, batch=None, logs=logs)

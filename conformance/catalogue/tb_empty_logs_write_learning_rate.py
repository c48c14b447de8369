"""TensorBoard writes `epoch_learning_rate` at the end of an epoch whose logs are empty
(`if logs is None` instead of Keras's `if not logs`), where Keras writes nothing at all."""

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

CAUGHT_BY = ("TensorBoard", ("tensorboard.epoch.empty-logs-write-nothing",))


class TensorBoard(TensorBoard):
    def _log_epoch_metrics(self, epoch: int, logs: Logs) -> None:
        if logs == {}:
            # Bug: Keras returns before adding the learning rate to empty logs.
            rates = self._learning_rates()
            if rates:
                super()._log_epoch_metrics(epoch, rates)
            return
        super()._log_epoch_metrics(epoch, logs)

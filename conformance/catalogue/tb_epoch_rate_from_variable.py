"""TensorBoard's `epoch_steps_per_second` is always 0: the epoch's starting iterations are
read at epoch end from the optimizer, not kept as a value at epoch begin (Keras 3.0-3.3
kept the iterations variable itself, which the epoch's steps then advanced)."""

from __future__ import annotations

from typing import Any

import numpy as np

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference.callback import Logs

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = ("TensorBoard", ("tensorboard.steps-per-second.epoch-rate",))


class TensorBoard(TensorBoard):
    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        super().on_epoch_begin(epoch, logs)
        self._epoch_start_optimizer: Any = self.model.optimizer

    def _log_epoch_metrics(self, epoch: int, logs: Logs) -> None:
        if self.write_steps_per_second:
            # Bug: the "snapshot" is read when the epoch ends, so nothing was done since.
            self._epoch_start_iterations = np.float32(self._epoch_start_optimizer.iterations)
        super()._log_epoch_metrics(epoch, logs)

"""LearningRateScheduler writes `learning_rate` into the epoch-end logs even when they are
empty (`if logs is None` instead of Keras's `logs or {}`), so History records the rate
for epochs that logged nothing."""

from __future__ import annotations

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference.callback import Logs
from reference.learning_rate_scheduler import current_rate

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = ("LearningRateScheduler", ("learning_rate_scheduler.logs.empty-logs-dropped",))


class LearningRateScheduler(LearningRateScheduler):
    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        if logs is None:  # Bug: Keras's `logs or {}` also replaces an empty dict.
            logs = {}
        optimizer = self.model.optimizer
        if hasattr(optimizer, "optimizers"):
            for sub_optimizer in optimizer.optimizers:
                logs[f"learning_rate_{sub_optimizer.name}"] = current_rate(sub_optimizer)
        else:
            logs["learning_rate"] = current_rate(optimizer)

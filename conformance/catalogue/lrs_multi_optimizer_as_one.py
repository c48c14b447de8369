"""LearningRateScheduler treats a multi-optimizer as one optimizer, setting and logging
`learning_rate` on it, instead of scheduling each of its `optimizers` and logging
`learning_rate_<name>` for each."""

from __future__ import annotations

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference.callback import Logs
from reference.learning_rate_scheduler import current_rate
from reference.messages import print_msg

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = ("LearningRateScheduler", ("learning_rate_scheduler.optimizer.multi",))


class LearningRateScheduler(LearningRateScheduler):
    # Bug: no `hasattr(optimizer, "optimizers")` branch in either hook.
    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        learning_rate = self._update_optimizer_lr(self.model.optimizer, epoch)
        if self.verbose > 0:
            print_msg(
                f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                f"{learning_rate}."
            )

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        logs = logs or {}
        logs["learning_rate"] = current_rate(self.model.optimizer)

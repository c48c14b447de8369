"""LearningRateScheduler with `verbose=1` prints the 0-based epoch index ("Epoch 0:
LearningRateScheduler setting learning rate to ...") instead of the 1-based epoch number."""

from __future__ import annotations

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference.callback import Logs
from reference.messages import print_msg

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = ("LearningRateScheduler", ("learning_rate_scheduler.verbose.messages",))


class LearningRateScheduler(LearningRateScheduler):
    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        # Bug: `Epoch {epoch}` in both messages; Keras prints `Epoch {epoch + 1}`.
        optimizer = self.model.optimizer
        if hasattr(optimizer, "optimizers"):
            for sub_optimizer in optimizer.optimizers:
                learning_rate = self._update_optimizer_lr(sub_optimizer, epoch)
                if self.verbose > 0:
                    print_msg(
                        f"\nEpoch {epoch}: LearningRateScheduler setting "
                        f"{sub_optimizer.name} learning rate to {learning_rate}."
                    )
        else:
            learning_rate = self._update_optimizer_lr(optimizer, epoch)
            if self.verbose > 0:
                print_msg(
                    f"\nEpoch {epoch}: LearningRateScheduler setting "
                    f"learning rate to {learning_rate}."
                )

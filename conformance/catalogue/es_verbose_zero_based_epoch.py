"""EarlyStopping with `verbose=1` reports the 0-based epoch index in its messages ("Epoch 2:
early stopping" for the third epoch) instead of the 1-based epoch number."""

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

CAUGHT_BY = ("EarlyStopping", ("early_stopping.verbose.messages",))


class EarlyStopping(EarlyStopping):
    def on_train_end(self, logs: Logs = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print_msg(f"Epoch {self.stopped_epoch}: early stopping")  # Bug: Keras prints + 1.
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print_msg(
                    "Restoring model weights from the end of the best epoch: "
                    f"{self.best_epoch}."  # Bug: Keras prints + 1.
                )
            self.model.set_weights(self.best_weights)

"""EarlyStopping with `restore_best_weights` takes the model's weights at train begin as the
best so far, so a run in which no epoch was monitored (no improvement ever recorded) still
restores weights at train end, and the first monitored epoch reads the weights once, not
twice."""

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
    "EarlyStopping",
    ("early_stopping.restore.always-at-train-end", "early_stopping.restore.weights-read-twice"),
)


class EarlyStopping(EarlyStopping):
    def on_train_begin(self, logs: Logs = None) -> None:
        super().on_train_begin(logs)
        if self.restore_best_weights:
            # Bug: Keras has no best weights until the first monitored epoch.
            self.best_weights = self.model.get_weights()

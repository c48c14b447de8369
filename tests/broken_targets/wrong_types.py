"""Values of the wrong type: EarlyStopping sets `model.stop_training` to the string
`"False"` (truthy: the loop stops after every epoch), LearningRateScheduler logs the
learning rate as a string."""

from __future__ import annotations

from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = [
    "EXPECTED",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

EXPECTED = {
    "EarlyStopping": (
        "fail",
        "the target stops after epoch 0",  # a non-empty string stops the run at once
        ("early_stopping.patience.counts-before-test",),
    ),
    "LearningRateScheduler": (
        "fail",
        "the reference logs {'learning_rate': [",
        ("learning_rate_scheduler.logs.rate-read-back",),
    ),
}


class EarlyStopping(EarlyStopping):
    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        super().on_epoch_end(epoch, logs)
        self.model.stop_training = str(self.model.stop_training)


class LearningRateScheduler(LearningRateScheduler):
    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        super().on_epoch_end(epoch, logs)
        if logs and "learning_rate" in logs:
            logs["learning_rate"] = str(logs["learning_rate"])

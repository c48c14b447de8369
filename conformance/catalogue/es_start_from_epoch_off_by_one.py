"""EarlyStopping skips the epochs up to and including `start_from_epoch` (`epoch <=
start_from_epoch`) where Keras skips only those before it (`epoch < start_from_epoch`).

With the default `start_from_epoch=0` it ignores epoch 0, a monitored epoch: that breaks
the patience rule (wait grows on *every* monitored epoch), and the skipped-epochs rule
where a warm-up is set."""

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
    ("early_stopping.monitor.skipped-epochs", "early_stopping.patience.counts-before-test"),
)


class EarlyStopping(EarlyStopping):
    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        # Bug: the warm-up lasts one epoch longer than Keras's.
        self.start_from_epoch += 1
        try:
            super().on_epoch_end(epoch, logs)
        finally:
            self.start_from_epoch -= 1

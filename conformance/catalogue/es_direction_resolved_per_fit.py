"""EarlyStopping forgets the resolved direction at every train begin and resolves it again
at the next fit's first epoch end, which flips `min_delta`'s sign back: from the second
fit on, min mode accepts values up to `min_delta` worse than the best. Keras resolves the
direction once per instance."""

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

CAUGHT_BY = ("EarlyStopping", ("monitor.min-delta.sign-flip-once", "monitor.improvement.strict"))


class EarlyStopping(EarlyStopping):
    def on_train_begin(self, logs: Logs = None) -> None:
        super().on_train_begin(logs)
        self.monitor_op = None  # Bug: Keras keeps the direction (and min_delta's sign).

"""EarlyStopping starts from `best = baseline` (as multi-backend Keras 2.3.1 did), so values
not beating the baseline never become best."""

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
    ("early_stopping.baseline.not-initial-best", "early_stopping.baseline.gates-wait-reset"),
)


class EarlyStopping(EarlyStopping):
    def on_train_begin(self, logs: Logs = None) -> None:
        super().on_train_begin(logs)
        self.best = self.baseline  # Bug: Keras 3 starts from None.

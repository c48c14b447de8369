"""Hooks that raise: EarlyStopping's `on_epoch_end` raises RuntimeError before doing
anything, LearningRateScheduler's `on_train_begin` calls `sys.exit(3)` (SystemExit is
not an Exception: a suite catching only Exception would die with it)."""

from __future__ import annotations

import sys
from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = [
    "EXPECTED",
    "UNTOUCHED",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

UNTOUCHED = ("ModelCheckpoint",)
EXPECTED = {
    "EarlyStopping": (
        "fail",
        "the target raised RuntimeError: half-finished port in on_epoch_end(",
        # A crash on every run is the general rule's, not a quirk's.
        ("early_stopping.patience.counts-before-test",),
    ),
    "LearningRateScheduler": (
        "fail",
        "the target raised SystemExit: 3 in on_train_begin",
        # The rates set come first; the rates logged follow from them.
        ("learning_rate_scheduler.schedule.absolute-epoch",),
    ),
}


class EarlyStopping(EarlyStopping):
    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        raise RuntimeError("half-finished port")


class LearningRateScheduler(LearningRateScheduler):
    def on_train_begin(self, logs: Any = None) -> None:
        sys.exit(3)

"""Rude to the suite's plumbing: EarlyStopping's `on_epoch_end` closes `sys.stdout` (the
suite's capture of it) and raises an exception whose `__str__` itself raises."""

from __future__ import annotations

import sys
from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = ["EXPECTED", "EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"]

EXPECTED = {
    "EarlyStopping": (
        "fail",
        "the target raised Unprintable: <unprintable Unprintable: RuntimeError> in on_epoch_end(",
        ("early_stopping.patience.counts-before-test",),
    ),
}


class Unprintable(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no text for you")


class EarlyStopping(EarlyStopping):
    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        sys.stdout.close()
        raise Unprintable()

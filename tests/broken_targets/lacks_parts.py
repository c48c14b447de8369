"""A port with parts missing: its LearningRateScheduler has no `set_model` (nor any
hook), its ModelCheckpoint is a number, not a class, and it has no TensorBoard."""

from __future__ import annotations

from typing import Any

from reference import EarlyStopping

__all__ = ["EXPECTED", "UNTOUCHED", "EarlyStopping", "LearningRateScheduler", "ModelCheckpoint"]

UNTOUCHED = ("EarlyStopping",)
EXPECTED = {
    "LearningRateScheduler": (
        "fail",
        "the target raised AttributeError: 'LearningRateScheduler' object has no attribute"
        " 'set_model' in set_model",
        ("learning_rate_scheduler.schedule.absolute-epoch",),
    ),
    "ModelCheckpoint": ("not-run", "ModelCheckpoint is not a class or callable", ()),
    "TensorBoard": ("not-run", "class absent from the target", ()),
}

ModelCheckpoint = 42


class LearningRateScheduler:
    def __init__(self, schedule: Any, verbose: int = 0) -> None:
        self.schedule = schedule
        self.verbose = verbose

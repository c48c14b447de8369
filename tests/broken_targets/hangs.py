"""Hooks that never return: EarlyStopping's `on_epoch_end` sleeps for an hour,
LearningRateScheduler's `on_epoch_begin` spins in a busy loop, and ModelCheckpoint's
`on_epoch_end` sleeps, swallows the interruption (`except BaseException`), then spins.
The per-scenario time limit stops each; the last only when the limit fires again."""

from __future__ import annotations

import time
from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = ["EXPECTED", "EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"]

EXPECTED = {
    "EarlyStopping": (
        "fail",
        "the target ran longer than the time limit of 0.5 s, stopped in on_epoch_end(",
        ("early_stopping.patience.counts-before-test", "early_stopping.verbose.messages"),
    ),
    "LearningRateScheduler": (
        "fail",
        "the target ran longer than the time limit of 0.5 s, stopped in on_epoch_begin(",
        (
            "learning_rate_scheduler.schedule.absolute-epoch",
            "learning_rate_scheduler.logs.rate-read-back",
        ),
    ),
    "ModelCheckpoint": (
        "fail",
        "the target ran longer than the time limit of 0.5 s, stopped in on_epoch_end(",
        ("model_checkpoint.save.write", "model_checkpoint.epoch.current"),
    ),
}


class EarlyStopping(EarlyStopping):
    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        time.sleep(3600)


class LearningRateScheduler(LearningRateScheduler):
    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        while True:
            pass


class ModelCheckpoint(ModelCheckpoint):
    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        try:
            time.sleep(3600)
        except BaseException:  # noqa: BLE001, S110 (the point: it swallows the interruption)
            pass
        while True:
            pass

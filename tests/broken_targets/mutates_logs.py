"""Callbacks that mutate the `logs` dict they are handed (one dict shared by every
callback of a dispatch, then History): each pops the monitored value after using it;
LearningRateScheduler deletes every entry but the rate. History records what is left."""

from __future__ import annotations

from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = ["EXPECTED", "EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"]

EXPECTED = {
    "ModelCheckpoint": (
        "fail",
        "the target's observation differs",
        ("model_checkpoint.monitor.resolved-at-epoch-end",),
    ),
}
# Mutations no clause covers yet (tests/suite/test_broken_targets.py keeps them as strict xfails).
UNCAUGHT = ("EarlyStopping", "LearningRateScheduler")


class EarlyStopping(EarlyStopping):
    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        super().on_epoch_end(epoch, logs)
        if logs:
            logs.pop(self.monitor, None)


class LearningRateScheduler(LearningRateScheduler):
    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        super().on_epoch_end(epoch, logs)
        for key in [key for key in logs or {} if not key.startswith("learning_rate")]:
            del logs[key]


class ModelCheckpoint(ModelCheckpoint):
    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        super().on_epoch_end(epoch, logs)
        if logs:
            logs.pop(self.monitor, None)

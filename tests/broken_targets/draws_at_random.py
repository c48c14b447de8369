"""Randomness in the hooks: EarlyStopping stops when `random.random()` draws below a
half (seeded the same for every run of a scenario, the draws still change with the
seed), and LearningRateScheduler adds noise from `os.urandom`, which no seed fixes. A
second run of a scenario in a fresh process, with other seeds, tells both apart: their
properties fail as "not deterministic", the same ones at every derandomized run."""

from __future__ import annotations

import os
import random
from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = ["EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"]


class EarlyStopping(EarlyStopping):
    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        super().on_epoch_end(epoch, logs)
        if random.random() < 0.5:
            self.model.stop_training = True


class LearningRateScheduler(LearningRateScheduler):
    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        super().on_epoch_begin(epoch, logs)
        noise = int.from_bytes(os.urandom(2), "little") / 2**20
        self.model.optimizer.learning_rate = float(self.model.optimizer.learning_rate) + noise

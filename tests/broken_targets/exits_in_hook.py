"""EarlyStopping's `on_epoch_end` ends its process with `os._exit(0)`: no exception,
no cleanup, status 0. The scenario it ran fails with how the process ended and in which
hook; the other callbacks, run in a fresh worker, pass."""

from __future__ import annotations

import os
from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = ["EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"]


class EarlyStopping(EarlyStopping):
    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        os._exit(0)

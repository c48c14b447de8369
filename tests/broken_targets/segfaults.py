"""ModelCheckpoint's `on_epoch_end` reads address 0 through ctypes: a segmentation
fault. The scenario fails with the signal and the hook; the rest of the run goes on."""

from __future__ import annotations

import ctypes
from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = ["EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"]


class ModelCheckpoint(ModelCheckpoint):
    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        ctypes.string_at(0)

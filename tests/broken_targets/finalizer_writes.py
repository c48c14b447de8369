"""An EarlyStopping whose instances, when collected, append to `finalized.txt` in
`$BROKEN_TARGET_OUTSIDE_DIR`; and an object whose `__repr__` never returns, put in the
logs by LearningRateScheduler's `on_epoch_end` (the history shows its repr). The write
is refused wherever the finaliser runs, and reported; the repr is taken in the worker,
which is killed at the hard deadline."""

from __future__ import annotations

import os
import time
from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = ["EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"]

OUTSIDE = os.environ.get("BROKEN_TARGET_OUTSIDE_DIR", "/nonexistent")


class EarlyStopping(EarlyStopping):
    def __del__(self) -> None:
        with open(os.path.join(OUTSIDE, "finalized.txt"), "a") as notes:
            notes.write("collected\n")


class _Endless:
    def __repr__(self) -> str:
        while True:
            time.sleep(1)


class LearningRateScheduler(LearningRateScheduler):
    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        super().on_epoch_end(epoch, logs)
        if logs is not None:
            logs["endless"] = _Endless()

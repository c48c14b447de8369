"""Callbacks that write outside the run directory they were given: EarlyStopping
appends to `early_stopping.log` and LearningRateScheduler makes a directory, both
relative to the working directory; ModelCheckpoint drops the directories of its
filepath (saving into the working directory) and writes an HDF5 file there through
h5py (native code, which Python's audit hooks do not see); TensorBoard writes notes to
an absolute path outside the run: `$BROKEN_TARGET_OUTSIDE_DIR`, else the working
directory of the process when this module was imported."""

from __future__ import annotations

import os
from typing import Any

import h5py

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = ["EXPECTED", "EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"]

OUTSIDE = os.environ.get("BROKEN_TARGET_OUTSIDE_DIR") or os.getcwd()
_REASON = "the target wrote outside its run directory: "
EXPECTED = {
    "EarlyStopping": (
        "fail",
        _REASON + "open <cwd>/early_stopping.log",
        ("early_stopping.patience.counts-before-test",),
    ),
    "LearningRateScheduler": (
        "fail",
        _REASON + "os.mkdir <cwd>/lrs_state",
        ("learning_rate_scheduler.schedule.absolute-epoch",),
    ),
    "ModelCheckpoint": (
        "fail",
        _REASON,  # the refused save, and the file h5py left: checked by the test
        ("model_checkpoint.save.write",),
    ),
    "TensorBoard": (
        "fail",
        _REASON + "open ",  # then the absolute path, which the test knows
        ("tensorboard.epoch.scalars",),
    ),
}


class EarlyStopping(EarlyStopping):
    def on_train_begin(self, logs: Any = None) -> None:
        super().on_train_begin(logs)
        with open("early_stopping.log", "a") as log:
            log.write("training begins\n")


class LearningRateScheduler(LearningRateScheduler):
    def on_train_begin(self, logs: Any = None) -> None:
        os.makedirs("lrs_state", exist_ok=True)


class ModelCheckpoint(ModelCheckpoint):
    def on_train_begin(self, logs: Any = None) -> None:
        with h5py.File("native.h5", "w") as notes:
            notes.attrs["monitor"] = self.monitor

    def _get_file_path(self, epoch: int, batch: int | None, logs: Any) -> str:
        return os.path.basename(super()._get_file_path(epoch, batch, logs))


class TensorBoard(TensorBoard):
    def on_train_begin(self, logs: Any = None) -> None:
        with open(os.path.join(OUTSIDE, "tb-notes.txt"), "w") as notes:
            notes.write(f"logging to {self.log_dir}\n")
        super().on_train_begin(logs)

"""Writes outside the run directory that no path names: through a descriptor of the
directory `$BROKEN_TARGET_OUTSIDE_DIR` (the user's files, in the test) or of a file in it.

* EarlyStopping's `on_train_begin` deletes `victim.txt` there with
  `os.unlink(name, dir_fd=...)`;
* LearningRateScheduler's links `linked.txt` there into the run directory, then appends
  to the link;
* ModelCheckpoint's changes the mode and the times of `victim.txt` through a descriptor
  (`os.chmod(fd)`, `os.utime(fd)`);
* TensorBoard's writes an SQLite database there (sqlite3 writes from C).

Each is refused and reported; the files are as they were."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = ["EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"]

OUTSIDE = os.environ.get("BROKEN_TARGET_OUTSIDE_DIR", "/nonexistent")


class EarlyStopping(EarlyStopping):
    def on_train_begin(self, logs: Any = None) -> None:
        super().on_train_begin(logs)
        directory = os.open(OUTSIDE, os.O_RDONLY)
        try:
            os.unlink("victim.txt", dir_fd=directory)
        finally:
            os.close(directory)


class LearningRateScheduler(LearningRateScheduler):
    def on_train_begin(self, logs: Any = None) -> None:
        super().on_train_begin(logs)
        os.link(os.path.join(OUTSIDE, "linked.txt"), "linked.txt")
        with open("linked.txt", "a") as link:
            link.write("appended through the link\n")


class ModelCheckpoint(ModelCheckpoint):
    def on_train_begin(self, logs: Any = None) -> None:
        super().on_train_begin(logs)
        descriptor = os.open(os.path.join(OUTSIDE, "victim.txt"), os.O_RDONLY)
        try:
            with contextlib.suppress(PermissionError):
                os.chmod(descriptor, 0o777)
            os.utime(descriptor, (0, 0))
        finally:
            os.close(descriptor)


class TensorBoard(TensorBoard):
    def on_train_begin(self, logs: Any = None) -> None:
        super().on_train_begin(logs)
        with contextlib.closing(sqlite3.connect(os.path.join(OUTSIDE, "notes.db"))) as db:
            db.execute("create table if not exists notes (text)")
            db.commit()

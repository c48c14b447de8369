"""Hangs no signal handler can stop: LearningRateScheduler's `on_epoch_begin` sums a
range of 10**13 in C (Python runs no signal handler, and Ctrl-C does nothing, until it
returns), EarlyStopping's `on_epoch_begin` ignores SIGALRM and its `on_epoch_end` sleeps,
and TensorBoard's `on_train_begin` switches the interval timer off and then sleeps. The
suite kills each worker at the hard deadline and replaces it."""

from __future__ import annotations

import signal
import time
from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = ["EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"]


class LearningRateScheduler(LearningRateScheduler):
    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        sum(range(10**13))


class EarlyStopping(EarlyStopping):
    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        signal.signal(signal.SIGALRM, signal.SIG_IGN)

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        time.sleep(3600)


class TensorBoard(TensorBoard):
    def on_train_begin(self, logs: Any = None) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        time.sleep(3600)

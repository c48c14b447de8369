"""A hook that starts a thread which never ends (not a daemon): EarlyStopping starts a
"port-writer" thread on its first `on_train_begin`. Its verdicts are the reference's; the
point is that the command line still exits, once the report is written: the thread is
the target's worker's, ended with it. Only run through the command line: in a test
process the thread would outlive the test."""

from __future__ import annotations

import threading
import time
from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = ["EXPECTED", "EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"]

EXPECTED: dict[str, Any] = {}  # nothing breaks a clause
_STARTED: list[threading.Thread] = []


def _write_forever() -> None:
    while True:
        time.sleep(0.2)


class EarlyStopping(EarlyStopping):
    def on_train_begin(self, logs: Any = None) -> None:
        super().on_train_begin(logs)
        if not _STARTED:
            _STARTED.append(threading.Thread(target=_write_forever, name="port-writer"))
            _STARTED[0].start()

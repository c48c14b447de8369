"""Processes that would outlive the run: at import, a shell in a session of its own
(`start_new_session=True`, out of the worker's process group) that would touch
`late.txt` in `$BROKEN_TARGET_OUTSIDE_DIR` after ten minutes; and EarlyStopping's
`on_train_begin` starts one the same way. The one in a hook is refused and reported;
the one from the import is killed when the run ends. The shells carry the marker
`conformance-hostile-marker` in their command line, for the test to look for."""

from __future__ import annotations

import os
import subprocess
from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = ["EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"]

OUTSIDE = os.environ.get("BROKEN_TARGET_OUTSIDE_DIR", "/nonexistent")
_LATE = ["sh", "-c", f"sleep 600; touch {OUTSIDE}/late.txt", "conformance-hostile-marker"]

if os.environ.get("BROKEN_TARGET_OUTSIDE_DIR"):  # not when a test merely imports it
    subprocess.Popen(_LATE, start_new_session=True)


class EarlyStopping(EarlyStopping):
    def on_train_begin(self, logs: Any = None) -> None:
        super().on_train_begin(logs)
        subprocess.Popen(_LATE, start_new_session=True)

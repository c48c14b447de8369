"""The reference's callbacks, with a `conformance_warm_up` that calls `sys.exit(0)`: the
run must not end there with exit status 0 and no report; the callback warmed up fails
with what its warm-up raised (not read by `tests/suite/test_broken_targets.py`'s table: a
warm-up failure has no scenario, so no counterexample; its own test runs it)."""

from __future__ import annotations

import sys

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = [
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
    "conformance_warm_up",
]


def conformance_warm_up(callback: str) -> None:
    if callback == "EarlyStopping":
        sys.exit(0)

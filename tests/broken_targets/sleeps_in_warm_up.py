"""The reference's callbacks, with a `conformance_warm_up` that sleeps for an hour on
EarlyStopping: the warm-up's own deadline stops it, and EarlyStopping's first property
fails saying so."""

from __future__ import annotations

import time

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
        time.sleep(3600)

"""Keras's four callbacks, subclassed unchanged, declared as Keras subclasses."""

from tests.subclass_targets.plain import (
    EarlyStopping,
    LearningRateScheduler,
    ModelCheckpoint,
    TensorBoard,
)

__all__ = ["EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"]

conformance_like = "keras"

"""ModelCheckpoint compares monitored values in float32 but keeps subnormals, as Keras on
torch does: a subnormal loss still improves on 0 (or on another subnormal), which jax and
TensorFlow flush to zero and call a tie."""

from __future__ import annotations

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = ("ModelCheckpoint", ("monitor.precision",))


class ModelCheckpoint(ModelCheckpoint):
    # Bug: Keras 3.15.1 on jax flushes float32 subnormals to zero before comparing.
    comparison_precision = "float32"

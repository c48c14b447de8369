"""ModelCheckpoint compares monitored values in float64, as Keras's numpy backend, tf-keras
and Keras 3.0 to 3.10 (`np.less` on Python floats) do: values equal in float32, or a
subnormal against 0, can still be an improvement and save."""

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
    # Bug: Keras 3.15.1 on jax compares in float32, subnormals flushed to zero.
    comparison_precision = "float64"

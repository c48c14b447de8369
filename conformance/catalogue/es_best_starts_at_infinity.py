"""EarlyStopping starts each fit from a best of +inf (min) or -inf (max), as tf.keras,
poutyne, torchbearer, TensorFlow.js and keras-core do, so a first NaN, or a first
infinity in the wrong direction, never becomes best; Keras 3 starts from None, and any
first value is best."""

from __future__ import annotations

import math
from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference.monitor import less

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

# Only a first value that is NaN or an infinity the wrong way tells the two starts apart.
CAUGHT_BY = ("EarlyStopping", ("early_stopping.nan.first-value-becomes-best",))


class EarlyStopping(EarlyStopping):
    def _is_improvement(self, monitor_value: Any, reference_value: Any) -> bool:
        if reference_value is None:
            # Bug: an infinite start instead of "no best yet".
            reference_value = math.inf if self.monitor_op is less else -math.inf
        return super()._is_improvement(monitor_value, reference_value)

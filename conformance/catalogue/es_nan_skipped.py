"""EarlyStopping treats a NaN monitored value as missing (skips the epoch), as other frameworks
do, instead of letting a first NaN become best."""

from __future__ import annotations

import math
import numbers
from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference.callback import Logs

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = ("EarlyStopping", ("early_stopping.nan.first-value-becomes-best",))


class EarlyStopping(EarlyStopping):
    def get_monitor_value(self, logs: Logs) -> Any:
        value = super().get_monitor_value(logs)
        if isinstance(value, numbers.Real) and math.isnan(value):
            return None  # Bug: Keras compares NaN like any other value.
        return value

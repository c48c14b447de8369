"""The monitor rule shared by EarlyStopping and ModelCheckpoint.

Keras 3.15.1's `MonitorCallback`: which direction counts as better, and whether a
value improves on a reference value by more than `min_delta`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, Literal

import numpy as np

from reference.callback import Callback
from reference.keras_types import is_a

Precision = Literal["float32-ftz", "float32", "float64"]
"""How the backend compares: float32 flushing subnormals to zero (jax, TensorFlow),
plain float32 (torch), or float64 (Keras's numpy backend)."""

_FLOAT32_TINY = float(np.finfo(np.float32).tiny)


def as_compared(value: Any, precision: Precision) -> Any:
    """The number the backend actually compares for `value`.

    Clause `monitor.precision`: Keras hands Python floats to `ops.less` /
    `ops.greater`, which convert them to the backend's float type first.
    """
    if precision == "float64":
        return np.float64(value)
    with np.errstate(over="ignore"):
        single = np.float32(value)
    if precision == "float32-ftz" and 0 < abs(single) < _FLOAT32_TINY:
        return np.float32(0.0)
    return single


def less(a: Any, b: Any, precision: Precision) -> bool:
    return bool(as_compared(a, precision) < as_compared(b, precision))


def greater(a: Any, b: Any, precision: Precision) -> bool:
    return bool(as_compared(a, precision) > as_compared(b, precision))


class MonitorCallback(Callback):
    """Base of EarlyStopping and ModelCheckpoint (clause family `monitor`)."""

    #: The comparison precision of the Keras backend being modelled.
    comparison_precision: Precision = "float32-ftz"

    def __init__(
        self,
        monitor: str = "val_loss",
        mode: str = "auto",
        baseline: float | None = None,
        min_delta: float = 0,
    ) -> None:
        super().__init__()
        if mode not in ["auto", "min", "max"]:
            # Clause `monitor.mode.unknown-warns`.
            warnings.warn(
                f"{self.__class__.__name__} mode '{mode}' is unknown, fallback to auto mode.",
                stacklevel=2,
            )
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        # Clause `early_stopping.min-delta.absolute`: a negative min_delta counts as its
        # magnitude.
        self.min_delta = abs(min_delta)
        self.monitor_op: Callable[[Any, Any, Precision], bool] | None = None

    def _set_monitor_op(self) -> None:
        """Clause `monitor.mode.auto`: resolve the direction on first use.

        Quirk `monitor.min-delta.sign-flip-once`: in min mode `min_delta` is made
        negative here. Run twice, it flips back; the callbacks run it once.
        """
        if self.mode == "min":
            self.monitor_op = less
        elif self.mode == "max":
            self.monitor_op = greater
        else:
            metric_name = self.monitor.removeprefix("val_")
            if metric_name == "loss":
                self.monitor_op = less
            if hasattr(self.model, "metrics"):
                # Only metrics compiled into the model are searched, and only those
                # that declare a direction; the last one of that name wins.
                containers = [
                    m for m in self.model.metrics if is_a(m, "CompileMetrics", "MetricsList")
                ]
                for metric in (m for c in containers for m in c.metrics):
                    if metric.name == metric_name and hasattr(metric, "_direction"):
                        self.monitor_op = greater if metric._direction == "up" else less
            if self.monitor_op is None:
                raise ValueError(
                    f"{self.__class__.__name__} callback received "
                    f"monitor={self.monitor}, but Keras isn't able to "
                    "automatically determine whether that metric should be "
                    "maximized or minimized. Pass `mode='max'` in order to "
                    "monitor based on the highest metric value, or pass "
                    "`mode='min'` in order to use the lowest value."
                )
        if self.monitor_op is less:
            self.min_delta *= -1

    def _is_improvement(self, monitor_value: Any, reference_value: Any) -> bool:
        """Clause `monitor.improvement.strict`: better by strictly more than min_delta.

        Anything improves on no reference at all, NaN included.
        """
        if reference_value is None:
            return True
        # Quirk `model_checkpoint.save-freq.best-only-crash`: before the first epoch
        # end the op is still None and this call raises TypeError, as in Keras.
        return self.monitor_op(  # type: ignore[misc]
            monitor_value - self.min_delta, reference_value, self.comparison_precision
        )

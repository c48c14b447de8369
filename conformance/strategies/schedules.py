"""Learning-rate schedules described as data, so a counterexample prints and replays.

A described schedule takes one argument (the epoch) or two (epoch and rate), may raise
TypeError inside a two-argument call (to reach Keras's one-argument retry), may fail
at a chosen epoch, and returns its value as a chosen numeric type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

RETURN_TYPES: dict[str, Callable[[float], Any]] = {
    "float": float,
    "np.float32": np.float32,
    "np.float64": np.float64,
    "int": int,
    "bool": bool,
    "np.float16": np.float16,
    "np.int64": np.int64,
    "0-d array": np.array,
}


@dataclass(frozen=True)
class ScheduleSpec:
    arity: str  # "one", "two", "two-raising-type-error", or "not-callable"
    factor: float
    returns: str = "float"
    fails_at_epoch: int | None = None

    def build(self) -> Any:
        if self.arity == "not-callable":
            return f"a schedule that is not callable ({self.factor})"
        convert = RETURN_TYPES[self.returns]
        spec = self

        def check(epoch: int) -> None:
            if epoch == spec.fails_at_epoch:
                raise RuntimeError(f"schedule fails at epoch {epoch}")

        if spec.arity == "one":

            def one_argument(epoch):
                check(epoch)
                return convert(spec.factor * (epoch + 1))

            return one_argument
        if spec.arity == "two":

            def two_arguments(epoch, lr):
                check(epoch)
                return convert(lr * spec.factor)

            return two_arguments

        def masked(epoch, lr=None):
            if lr is not None:
                raise TypeError("raised inside a two-argument schedule")
            check(epoch)
            return convert(spec.factor)

        return masked

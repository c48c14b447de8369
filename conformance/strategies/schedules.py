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
TENSOR = "tensor"  # the backend's own tensor (`backend_tensor`)


def backend_tensor(value: float, backend: str | None) -> Any:
    """`value` as a rank-0 float32 tensor of `backend` (Keras's documented schedule
    returns `lr * ops.exp(-0.1)`, one of these); numpy's array when the target declares
    no backend, or the numpy one."""
    if backend == "jax":
        import jax.numpy as jnp

        return jnp.asarray(value, dtype=jnp.float32)
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.constant(value, dtype=tf.float32)
    if backend == "torch":
        import torch

        return torch.tensor(value, dtype=torch.float32)
    return np.asarray(value, dtype=np.float32)


@dataclass(frozen=True)
class ScheduleSpec:
    arity: str  # "one", "two", "two-raising-type-error", or "not-callable"
    factor: float
    returns: str = "float"
    fails_at_epoch: int | None = None

    def build(self, backend: str | None = None) -> Any:
        """The schedule; one that returns a `TENSOR` returns `backend`'s own."""
        if self.arity == "not-callable":
            return f"a schedule that is not callable ({self.factor})"
        convert: Callable[[float], Any]
        if self.returns == TENSOR:
            convert = lambda value: backend_tensor(value, backend)  # noqa: E731
        else:
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

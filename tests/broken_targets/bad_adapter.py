"""The reference's callbacks, with a `conformance_adapt_model` hook that returns None
instead of the model: no scenario can run, and every clause checked says why."""

from __future__ import annotations

from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = [
    "EXPECTED",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
    "conformance_adapt_model",
]

_REASON = (
    "conformance_adapt_model returned NoneType: neither the model it was given nor a facade"
    " carrying it as `simulated_model`"
)
EXPECTED = {
    "EarlyStopping": ("fail", _REASON, ("early_stopping.patience.counts-before-test",)),
    "LearningRateScheduler": (
        "fail",
        _REASON,
        ("learning_rate_scheduler.schedule.absolute-epoch",),
    ),
}


def conformance_adapt_model(model: Any) -> None:
    model.optimizer = None  # adapts in place, and forgets to return it

"""LearningRateScheduler: the reference and Keras 3.15.1 agree on every drawn run.

Hypothesis draws a schedule (one or two arguments, a TypeError raised inside, a failure
at some epoch, every numeric return type; backend tensors are left to the examples), an
optimizer (single, multi, none), epoch logs (non-empty, empty, None) and one or more
fits, then compares the rates set, the logs after each hook, stdout and errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import keras
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reference
from conformance.strategies.schedules import RETURN_TYPES, ScheduleSpec
from tests.support.drive import Run, simulate_fit
from tests.support.mutants import assert_property_catches
from tests.support.stub_model import StubModel, StubOptimizer


@dataclass
class Scenario:
    schedule: ScheduleSpec
    verbose: int
    optimizer: str  # "single", "multi", "none"
    fits: list[Run]


factors = st.sampled_from([0.25, 0.5, 1.0, 2.0, 0.1])
log_entries = st.sampled_from([{"loss": 1.0}, {"loss": 0.5, "accuracy": 0.75}, {}, None])


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    returns = draw(
        st.sampled_from(["float"] * 5 + ["np.float32", "np.float64"] * 2 + list(RETURN_TYPES)),
        label="schedule returns",
    )
    schedule = ScheduleSpec(
        arity=draw(st.sampled_from(["one", "two", "two", "two-raising-type-error"]), label="arity"),
        factor=draw(factors, label="factor"),
        returns=returns,
        fails_at_epoch=draw(st.none() | st.none() | st.integers(0, 5), label="fails at"),
    )
    fits = [
        Run(
            epoch_logs=draw(st.lists(log_entries, max_size=5), label="epoch logs"),
            initial_epoch=draw(st.sampled_from([0, 0, 2]), label="initial_epoch"),
        )
        for _ in range(draw(st.integers(1, 2), label="fits"))
    ]
    return Scenario(
        schedule=schedule,
        verbose=draw(st.sampled_from([0, 1]), label="verbose"),
        optimizer=draw(st.sampled_from(["single"] * 4 + ["multi", "none"]), label="optimizer"),
        fits=fits,
    )


class MultiOptimizer:
    """Duck-typed multi-optimizer: Keras looks only for `optimizers`."""

    learning_rate = 0.0  # read by the driver's per-epoch record, not by the callback

    def __init__(self) -> None:
        self.optimizers = [StubOptimizer(0.5), StubOptimizer(0.125)]
        for name, optimizer in zip("ab", self.optimizers, strict=True):
            optimizer.name = name  # type: ignore[attr-defined]


class NoRateOptimizer:
    """An optimizer without a `learning_rate`: the scheduler must refuse it."""


def make_model(kind: str) -> StubModel:
    model = StubModel(learning_rate=0.5)
    if kind == "multi":
        model.optimizer = MultiOptimizer()  # type: ignore[assignment]
    elif kind == "none":
        model.optimizer = NoRateOptimizer()  # type: ignore[assignment]
    return model


def observe(cls: type, scenario: Scenario) -> str:
    model = make_model(scenario.optimizer)
    callback = cls(scenario.schedule.build(), verbose=scenario.verbose)
    obs = None
    for run in scenario.fits:
        obs = simulate_fit(callback, model, run, obs)
        if obs.error:
            break
    rates = [float(o.learning_rate) for o in getattr(model.optimizer, "optimizers", [])]
    if scenario.optimizer == "single":
        rates.append(float(model.optimizer.learning_rate))
    return f"{obs!r}\n{rates!r}"


def assert_agrees_with_keras(candidate: type, scenario: Scenario) -> None:
    assert observe(candidate, scenario) == observe(keras.callbacks.LearningRateScheduler, scenario)


@given(scenarios())
def test_reference_agrees_with_keras(scenario: Scenario) -> None:
    assert_agrees_with_keras(reference.LearningRateScheduler, scenario)


class ScheduleOneEpochLate(reference.LearningRateScheduler):
    def on_epoch_begin(self, epoch, logs=None):
        if epoch > 0:
            super().on_epoch_begin(epoch - 1, logs)


class IntegersAccepted(reference.LearningRateScheduler):
    def __init__(self, schedule, verbose=0):
        super().__init__(lambda *args: _as_float_if_int(schedule(*args)), verbose)


def _as_float_if_int(value: Any) -> Any:
    return float(value) if isinstance(value, int) else value


class EmptyLogsReceiveRate(reference.LearningRateScheduler):
    def on_epoch_end(self, epoch, logs=None):
        if logs is not None and not logs:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)
        super().on_epoch_end(epoch, logs)


@pytest.mark.parametrize("mutant", [ScheduleOneEpochLate, IntegersAccepted, EmptyLogsReceiveRate])
def test_property_catches_wrong_implementation(mutant: type) -> None:
    assert_property_catches(
        lambda scenario: assert_agrees_with_keras(mutant, scenario), scenarios()
    )

"""EarlyStopping: the reference and Keras 3.15.1 observed through the same runs agree.

Hypothesis draws a configuration and one or more fits (one instance reused), drives
both implementations with identical stub models, and compares everything a user can
see: hooks and `stop_training` after each, weight reads and restores, warnings, stdout,
errors, and the public state left behind.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import keras
import pytest
from hypothesis import given
from hypothesis import strategies as st
from keras.src.trainers.compile_utils import MetricsList

import reference
from tests.support.drive import Run, simulate_fit
from tests.support.metric_streams import epoch_logs, grid_values, min_deltas
from tests.support.mutants import assert_property_catches
from tests.support.stub_model import StubModel

MONITORS = ["loss", "val_loss", "accuracy", "val_accuracy", "mean_squared_error", "custom"]


def compiled_metrics() -> list[Any]:
    """Real Keras metric containers, so `mode="auto"` resolves as in a compiled model:
    accuracy is maximised, mean_squared_error minimised, custom has no direction."""
    metrics = [
        keras.metrics.Accuracy(),
        keras.metrics.MeanSquaredError(),
        keras.metrics.Mean(name="custom"),
    ]
    return [MetricsList(metrics)]


@dataclass
class Scenario:
    config: dict[str, Any]
    fits: list[Run]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    monitor = draw(st.sampled_from(MONITORS), label="monitor")
    config = {
        "monitor": monitor,
        "min_delta": draw(min_deltas, label="min_delta"),
        "patience": draw(st.integers(-1, 4), label="patience"),
        "verbose": draw(st.sampled_from([0, 1]), label="verbose"),
        "mode": draw(st.sampled_from(["auto", "min", "max", "auto", "other"]), label="mode"),
        "baseline": draw(st.none() | grid_values, label="baseline"),
        "restore_best_weights": draw(st.booleans(), label="restore_best_weights"),
        "start_from_epoch": draw(st.integers(0, 4), label="start_from_epoch"),
    }
    fits = [
        Run(
            epoch_logs=draw(epoch_logs(monitor, st.integers(0, 8)), label="epoch logs"),
            initial_epoch=draw(st.sampled_from([0, 0, 1, 3]), label="initial_epoch"),
            stop_requested_after_epoch=draw(
                st.none() | st.integers(0, 8), label="other callback stops at"
            ),
        )
        for _ in range(draw(st.integers(1, 2), label="fits"))
    ]
    return Scenario(config, fits)


def observe(cls: type, scenario: Scenario) -> str:
    """Everything observable of `cls` run through `scenario`, as comparable text
    (repr, so that NaN equals NaN)."""
    metrics = compiled_metrics()
    model = StubModel(metrics=metrics)
    obs = None
    with warnings.catch_warnings(record=True) as construction_warnings:
        warnings.simplefilter("always")
        callback = cls(**scenario.config)
    for run in scenario.fits:
        obs = simulate_fit(callback, model, run, obs)
        if obs.error:
            break
    state = {
        name: getattr(callback, name, "<absent>")
        for name in ("best", "wait", "stopped_epoch", "best_epoch", "mode", "min_delta")
    }
    warned = [(w.category.__name__, str(w.message)) for w in construction_warnings]
    return f"{warned!r}\n{obs!r}\n{state!r}"


def assert_agrees_with_keras(candidate: type, scenario: Scenario) -> None:
    assert observe(candidate, scenario) == observe(keras.callbacks.EarlyStopping, scenario)


@given(scenarios())
def test_reference_agrees_with_keras(scenario: Scenario) -> None:
    assert_agrees_with_keras(reference.EarlyStopping, scenario)


# Wrong implementations the property must catch: each a bug a real port shipped.
class PatienceCountedAfterTest(reference.EarlyStopping):
    def on_epoch_end(self, epoch, logs=None):
        # wait >= patience tested before counting: stops one epoch late.
        self.wait -= 1
        super().on_epoch_end(epoch, logs)
        if not self.model.stop_training:
            self.wait += 1


class BaselineAsInitialBest(reference.EarlyStopping):
    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self.best = self.baseline


class NonStrictMinDelta(reference.EarlyStopping):
    def _is_improvement(self, monitor_value, reference_value):
        if reference_value is None:
            return True
        return (
            super()._is_improvement(monitor_value, reference_value)
            or monitor_value - self.min_delta == reference_value
        )


class RestoreOnlyAfterStop(reference.EarlyStopping):
    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0:
            super().on_train_end(logs)


class NanIsSkipped(reference.EarlyStopping):
    def get_monitor_value(self, logs):
        value = super().get_monitor_value(logs)
        return None if value != value else value


@pytest.mark.parametrize(
    "mutant",
    [
        PatienceCountedAfterTest,
        BaselineAsInitialBest,
        NonStrictMinDelta,
        RestoreOnlyAfterStop,
        NanIsSkipped,
    ],
)
def test_property_catches_wrong_implementation(mutant: type) -> None:
    assert_property_catches(
        lambda scenario: assert_agrees_with_keras(mutant, scenario), scenarios()
    )

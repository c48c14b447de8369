"""Regimes (`Property.regimes`, `conformance/properties/monitor_regimes.py`): where each
clause is in play, on hand-made scenarios, and total on everything the callback's
strategies draw (a regime is also asked about the scenarios of the callback's other
strategies: what one property follows from another's clauses)."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import Scenario
from conformance.properties import PROPERTIES
from conformance.properties.base import Property
from conformance.properties.monitor_regimes import auto_decides, checkpoint_walk, walk
from conformance.runner import PROFILES, hypothesis_settings, scenario_seed, strategy_groups
from conformance.strategies import (
    early_stopping,
    learning_rate_scheduler,
    model_checkpoint,
    tensorboard,
)


def stopping(values: list[float | None], **config: object) -> Scenario:
    """EarlyStopping minimising the loss over one fit (None: the loss missing)."""
    epochs = [EpochPlan({} if value is None else {"loss": value}) for value in values]
    return Scenario(
        "EarlyStopping", {"monitor": "loss", "mode": "min", **config}, fits=[FitPlan(epochs)]
    )


def test_a_value_within_min_delta_of_the_best_puts_strictness_in_play() -> None:
    assert walk(stopping([1.0, 1.0])).near_best  # a tie
    assert walk(stopping([1.0, 0.75], min_delta=0.25)).near_best  # exactly min_delta better
    assert walk(stopping([1.0, 1.25], min_delta=-0.5)).near_best  # |min_delta| counts
    assert not walk(stopping([1.0, 0.5], min_delta=0.25)).near_best
    assert not walk(stopping([1.0, 2.0])).near_best


def test_non_finite_values_missing_values_and_the_warm_up() -> None:
    assert walk(stopping([math.nan, 1.0])).not_finite
    assert walk(stopping([1.0, -math.inf])).not_finite
    assert walk(stopping([1.0, None])).skipped and walk(stopping([1.0, None])).missing
    warm = walk(stopping([1.0, 2.0], start_from_epoch=1))
    assert warm.skipped and not warm.missing
    assert not walk(stopping([1.0, 0.5])).skipped


def test_the_baseline_gates_an_improvement_it_is_not_beaten_by() -> None:
    gated = walk(stopping([1.0, 0.5], baseline=0.0))
    assert gated.gated and gated.first_gated and gated.gated_at_zero
    beaten = walk(stopping([1.0, 0.5], baseline=2.0))
    assert not beaten.gated and not beaten.first_gated


def test_float32_blurs_neighbours_float64_tells_apart() -> None:
    assert walk(stopping([1.0, 1.0 + 1e-9])).blurred
    assert walk(stopping([1e-40, 2e-40])).blurred  # subnormals flushed to zero
    assert not walk(stopping([1.0, 1.0 + 2**-23])).blurred


def test_auto_decides_only_off_the_loss() -> None:
    assert auto_decides(stopping([1.0], mode="auto", monitor="val_accuracy"))
    assert auto_decides(stopping([1.0], mode="sideways", monitor="custom"))
    assert not auto_decides(stopping([1.0], mode="auto", monitor="val_loss"))
    assert not auto_decides(stopping([1.0], mode="max", monitor="accuracy"))


def test_checkpoint_best_carries_over_fits_and_starts_at_the_threshold() -> None:
    def saving(*fits: list[float], **config: object) -> Scenario:
        plans = [FitPlan([EpochPlan({"loss": value}) for value in fit]) for fit in fits]
        config = {"monitor": "loss", "mode": "min", "save_best_only": True, **config}
        return Scenario("ModelCheckpoint", config, fits=plans)

    # A second fit's first value worse than the first fit's best: nothing within a fit.
    assert not checkpoint_walk(saving([1.0], [2.0])).beaten_within_fit
    assert checkpoint_walk(saving([1.0, 2.0])).beaten_within_fit
    assert checkpoint_walk(saving([1.0], initial_value_threshold=0.5)).threshold_decides
    assert not checkpoint_walk(saving([0.25], initial_value_threshold=0.5)).threshold_decides
    assert checkpoint_walk(saving([1.0, 1.0])).near_best


STRATEGIES = {
    "EarlyStopping": [
        early_stopping.scenarios(),
        early_stopping.precision_scenarios(),
        early_stopping.min_delta_scenarios(),
        early_stopping.improving_scenarios(),
    ],
    "LearningRateScheduler": [
        learning_rate_scheduler.scenarios(),
        learning_rate_scheduler.one_argument_float_scenarios(),
    ],
    "ModelCheckpoint": [
        model_checkpoint.scenarios(),
        model_checkpoint.scenarios(edges=False),
        model_checkpoint.constructor_scenarios(),
        model_checkpoint.every_epoch_scenarios(),
        model_checkpoint.best_only_scenarios(),
        model_checkpoint.batch_frequency_scenarios(),
        model_checkpoint.precision_scenarios(),
    ],
    "TensorBoard": [tensorboard.scenarios(), tensorboard.constructor_scenarios()],
}


@pytest.mark.parametrize("callback", list(STRATEGIES))
def test_every_regime_answers_on_every_scenario_of_its_callback(callback: str) -> None:
    properties = [prop for prop in PROPERTIES if prop.callback == callback]

    @settings(max_examples=60, database=None, suppress_health_check=list(HealthCheck))
    @given(st.one_of(STRATEGIES[callback]))
    def answers(scenario: Scenario) -> None:
        for prop in properties:
            assert isinstance(prop.in_play(scenario), frozenset)

    answers()


def test_every_property_has_a_general_clause_and_regimes_only_for_its_own() -> None:
    for prop in PROPERTIES:
        assert prop.general, prop.name
        assert set(prop.regimes) <= set(prop.clauses), prop.name
        assert set(prop.projections) <= set(prop.clauses), prop.name


# A clause no scenario the simulated fit can produce reaches (a None `logs`: Keras's own
# fit never passes one); tests/reference/test_model_checkpoint.py checks it by a direct call.
UNREACHABLE = {"model_checkpoint.path.none-logs"}
FLOOR = 10  # examples of its regime a clause gets at `--profile quick` (docs/verdicts.md)


def test_every_regime_gets_ten_examples_at_the_quick_profile() -> None:
    """The scenarios a derandomized quick run draws (each strategy from its seed, as
    `conformance.runner.run_group` draws them), counted per clause in its regime over
    every callback that checks it, as the report counts them: a strategy change that
    starves a regime fails here, not silently in a report."""
    counts: dict[str, int] = {}

    def counted(group: list[Property]) -> None:
        @hypothesis_settings(PROFILES["quick"], shrink=False)
        @given(group[0].scenarios)
        def count(scenario: Scenario) -> None:
            for clause in frozenset().union(*(prop.in_play(scenario) for prop in group)):
                counts[clause] = counts.get(clause, 0) + 1

        seed(scenario_seed(group[0]))(count)()

    for group in strategy_groups(PROPERTIES):
        counted(group)
    checked = {clause for prop in PROPERTIES for clause in prop.clauses}
    thin = {clause: counts.get(clause, 0) for clause in checked - UNREACHABLE}
    assert {clause: n for clause, n in thin.items() if n < FLOOR} == {}
    assert all(counts.get(clause, 0) == 0 for clause in UNREACHABLE)

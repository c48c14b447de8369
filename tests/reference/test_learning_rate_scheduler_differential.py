"""LearningRateScheduler: the reference and Keras 3.15.1 agree on every drawn run.

The suite's own scenarios (`conformance.strategies.learning_rate_scheduler`: schedules
of every arity and return type, the backend's tensors included, single, multi and
missing optimizers, full, empty and absent epoch logs, several fits) run through the
suite's harness on both, and everything observed is compared whole: the rates set, the
logs kept in the history, stdout, warnings and errors.
"""

from __future__ import annotations

import importlib

import pytest
from hypothesis import given

from conformance.harness.observe import Scenario
from conformance.strategies.learning_rate_scheduler import scenarios
from tests.support.differential import (
    assert_agrees_with_keras,
    assert_property_catches,
    reference_class,
)


@given(scenarios())
def test_reference_agrees_with_keras(scenario: Scenario) -> None:
    assert_agrees_with_keras(reference_class("LearningRateScheduler"), scenario)


# Wrong implementations the property must catch (`conformance/catalogue/`).
MUTANTS = ["lrs_schedule_one_epoch_late", "lrs_integers_accepted", "lrs_empty_logs_receive_rate"]


@pytest.mark.parametrize("mutant", MUTANTS)
def test_property_catches_wrong_implementation(mutant: str) -> None:
    module = importlib.import_module(f"conformance.catalogue.{mutant}")
    assert_property_catches(
        lambda scenario: assert_agrees_with_keras(module.LearningRateScheduler, scenario),
        scenarios(),
    )

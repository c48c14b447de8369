"""EarlyStopping: the reference and Keras 3.15.1 observed through the same runs agree.

The suite's own scenarios (`conformance.strategies.early_stopping`: a configuration and
one or more fits on one instance) run through the suite's harness on both, and
everything a user can see is compared whole, not clause by clause: hooks and
`stop_training` after each, weight reads and restores, history, warnings, stdout and
errors.
"""

from __future__ import annotations

import importlib

import pytest
from hypothesis import given

from conformance.harness.observe import Scenario
from conformance.strategies.early_stopping import scenarios
from tests.support.differential import (
    assert_agrees_with_keras,
    assert_property_catches,
    reference_class,
)


@given(scenarios())
def test_reference_agrees_with_keras(scenario: Scenario) -> None:
    assert_agrees_with_keras(reference_class("EarlyStopping"), scenario)


# Wrong implementations the property must catch (`conformance/catalogue/`): each a bug
# a real port shipped.
MUTANTS = [
    "es_patience_counted_after_test",
    "es_baseline_as_initial_best",
    "es_min_delta_non_strict",
    "es_restore_only_after_own_stop",
    "es_nan_skipped",
]


@pytest.mark.parametrize("mutant", MUTANTS)
def test_property_catches_wrong_implementation(mutant: str) -> None:
    wrong = importlib.import_module(f"conformance.catalogue.{mutant}").EarlyStopping
    assert_property_catches(lambda scenario: assert_agrees_with_keras(wrong, scenario), scenarios())

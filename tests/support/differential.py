"""The differential check of the reference's tests: one scenario run through the
conformance harness on Keras 3.15.1 and on another implementation, observed whole.

No driver of its own: Keras runs as the suite's `keras` target does (its model adapter
and cleanup), the other class through `conformance.harness.observe.observe`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.harness.observe import Observation, Scenario, observe
from conformance.runner import reference_for
from conformance.running import in_process
from conformance.targets import Target, resolve

Drawn = TypeVar("Drawn")


@functools.cache
def keras_target() -> Target:
    return resolve("keras")


def on_keras(scenario: Scenario) -> Observation:
    return in_process(keras_target()).host.observe(scenario.callback, scenario, None).observation


def on(callback_class: type, scenario: Scenario) -> Observation:
    """`scenario` run on `callback_class`, its schedules' tensors Keras's backend's."""
    return observe(callback_class, scenario, backend=keras_target().backend)


def reference_class(callback: str) -> type:
    """The reference's `callback`, comparing values at Keras's precision."""
    return reference_for(keras_target(), callback)


def assert_agrees_with_keras(callback_class: type, scenario: Scenario) -> None:
    """Everything observed agrees (as text: NaN equals NaN)."""
    assert repr(on(callback_class, scenario)) == repr(on_keras(scenario))


def assert_property_catches(
    check: Callable[[Drawn], None], scenarios: st.SearchStrategy[Drawn], max_examples: int = 400
) -> None:
    """Proof that a property can fail: over derandomized `scenarios`, `check` raises an
    AssertionError on a deliberately wrong implementation."""

    @settings(max_examples=max_examples, derandomize=True, database=None, print_blob=False)
    @given(scenarios)
    def on_mutant(scenario: Drawn) -> None:
        check(scenario)

    with pytest.raises(AssertionError):
        on_mutant()

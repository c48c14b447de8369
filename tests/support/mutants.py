"""Proof that a property can fail: it must reject a deliberately wrong implementation."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

Scenario = TypeVar("Scenario")


def assert_property_catches(
    check: Callable[[Scenario], None],
    scenarios: st.SearchStrategy[Scenario],
    max_examples: int = 400,
) -> None:
    """Run `check` over derandomized `scenarios` and require an AssertionError."""

    @settings(max_examples=max_examples, derandomize=True, database=None, print_blob=False)
    @given(scenarios)
    def on_mutant(scenario: Scenario) -> None:
        check(scenario)

    with pytest.raises(AssertionError):
        on_mutant()

"""Collected by `pytest --pyargs conformance --target=TARGET`: one test per property."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.properties import PROPERTIES
from conformance.runner import PROFILES, run_property


@pytest.mark.parametrize("prop", PROPERTIES, ids=[prop.name for prop in PROPERTIES])
def test_property(prop: Any, conformance_target: Any, request: pytest.FixtureRequest) -> None:
    profile = request.config.getoption("--conformance-profile")
    result = run_property(
        prop, conformance_target, PROFILES[profile], request.config.getoption("--conformance-seed")
    )
    if result.verdict == "not-run":
        pytest.skip(result.reason)
    message = result.reason
    if result.counterexample is not None:
        from conformance.report import table

        counterexample = result.counterexample
        message += "\n" + table(
            counterexample.scenario, counterexample.target, counterexample.reference
        )
    assert result.verdict == "pass", f"{', '.join(prop.clauses)}: {message}"

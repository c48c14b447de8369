"""Collected by `pytest --pyargs conformance --target=TARGET`: one test per property.

The properties of one callback are run together, as `callback-conformance run` runs
them (`conformance.runner.run_group`), when the first of them is tested: the same
verdicts, each scenario drawn and observed once, the differences blamed on clauses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conformance.properties import PROPERTIES
from conformance.properties.base import Property
from conformance.results import PropertyResult
from conformance.runner import PROFILES, callback_groups, run_group


@pytest.fixture(scope="session")
def conformance_result(
    conformance_target: Any, request: pytest.FixtureRequest
) -> Callable[[Property], PropertyResult]:
    """The result of a property, its group (those of the collected tests that draw from
    its callback) run on first use."""
    profile = request.config.getoption("--conformance-profile")
    seed = request.config.getoption("--conformance-seed")
    collected = {
        params["prop"].name
        for item in request.session.items
        if "prop" in (params := getattr(getattr(item, "callspec", None), "params", {}))
    }
    groups = {
        group[0].callback: group
        for group in callback_groups(prop for prop in PROPERTIES if prop.name in collected)
    }
    results: dict[str, PropertyResult] = {}

    def result_of(prop: Property) -> PropertyResult:
        if prop.name not in results:
            group = groups.get(prop.callback, [prop])
            for result in run_group(group, conformance_target, PROFILES[profile], seed):
                results[result.property.name] = result
        return results[prop.name]

    return result_of


@pytest.mark.parametrize("prop", PROPERTIES, ids=[prop.name for prop in PROPERTIES])
def test_property(prop: Property, conformance_result: Callable[[Property], PropertyResult]) -> None:
    result = conformance_result(prop)
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

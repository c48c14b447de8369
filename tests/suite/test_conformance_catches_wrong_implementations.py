"""The suite fails every wrong implementation in `conformance/catalogue/` on a
clause of the callback it breaks (derandomized, the default profile, unshrunk)."""

from __future__ import annotations

import importlib

import pytest

from conformance.catalogue import ALL
from conformance.clauses import clauses_of
from conformance.properties import PROPERTIES
from conformance.runner import PROFILES, run, run_group, strategy_groups
from conformance.running import in_process
from conformance.targets import resolve


def first_failing_property(module_name: str, callback: str):
    """The callback's properties run as `callback-conformance run` runs them (a group
    per strategy) at the default profile, unshrunk, until one fails."""
    target = in_process(resolve(module_name))
    for group in strategy_groups(p for p in PROPERTIES if p.callback == callback):
        for result in run_group(group, target, PROFILES["default"], None, shrink=False):
            if result.verdict == "fail":
                return result
    return None


@pytest.mark.slow
@pytest.mark.parametrize("module_name", ALL, ids=[name.rsplit(".", 1)[-1] for name in ALL])
def test_suite_fails_the_wrong_implementation(module_name):
    callback, _ = importlib.import_module(module_name).CAUGHT_BY
    if not any(p.callback == callback for p in PROPERTIES):
        pytest.skip(f"the suite has no {callback} properties yet")
    result = first_failing_property(module_name, callback)
    assert result is not None, f"no {callback} property fails {module_name}"
    own_clauses = {clause.id for clause in clauses_of(callback)}
    assert own_clauses.intersection(result.property.clauses), result.property.clauses
    assert "error while checking" not in result.reason, result.reason


@pytest.mark.parametrize("spec", ["reference", "keras"])
def test_reference_and_keras_pass_every_property(spec):
    """Without this, a property failing everything would 'catch' every mutant."""
    for result in run(in_process(resolve(spec)), PROPERTIES, PROFILES["quick"]):
        assert result.verdict == "pass", f"{result.property.name}: {result.reason}"

"""The suite fails every wrong implementation in `tests/wrong_implementations/` on a
clause of the callback it breaks (derandomized, 100 examples a property, unshrunk)."""

from __future__ import annotations

import importlib

import pytest

from conformance.clauses import clauses_of
from conformance.properties import PROPERTIES
from conformance.runner import run_property
from conformance.targets import resolve
from tests.wrong_implementations import ALL


def first_failing_property(module_name: str, callback: str):
    target = resolve(module_name)
    for prop in (p for p in PROPERTIES if p.callback == callback):
        result = run_property(prop, target, examples=100, random_seed=None, shrink=False)
        if result.verdict == "fail":
            return result
    return None


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
    target = resolve(spec)
    for prop in PROPERTIES:
        result = run_property(prop, target, examples=25, random_seed=None)
        assert result.verdict == "pass", f"{prop.name}: {result.reason}"

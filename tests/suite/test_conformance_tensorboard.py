"""The TensorBoard conformance properties: they pass on the reference and on Keras, the
invariants hold of the reference, every TensorBoard clause is checked, and each
TensorBoard mutant of `conformance.catalogue` fails at least one property
(100 examples, no shrinking)."""

from __future__ import annotations

import importlib

import pytest

from conformance.catalogue import ALL
from conformance.clauses import clauses_of
from conformance.properties.base import Property
from conformance.properties.tensorboard import PROPERTIES
from conformance.runner import PROFILES, run, run_property
from conformance.running import RunningTarget, in_process
from conformance.targets import resolve

MUTANTS = [name for name in ALL if name.rsplit(".", 1)[-1].startswith("tb_")]
INVARIANTS = [prop for prop in PROPERTIES if prop.kind == "invariant"]


@pytest.fixture(scope="module")
def keras_target() -> RunningTarget:
    target = resolve("keras")
    if target.classes["TensorBoard"] is None:
        pytest.skip(target.not_run["TensorBoard"])
    return in_process(target)


def test_every_tensorboard_clause_is_checked() -> None:
    tagged = {clause for prop in PROPERTIES for clause in prop.clauses}
    known = {clause.id for clause in clauses_of("TensorBoard") if clause.level != "out-of-scope"}
    assert {c for c in known if c.startswith("tensorboard.")} <= tagged
    assert tagged <= known, f"unknown clauses: {sorted(tagged - known)}"
    assert len({prop.name for prop in PROPERTIES}) == len(PROPERTIES)


@pytest.mark.parametrize("prop", PROPERTIES, ids=lambda p: p.name)
def test_passes_on_the_reference(prop: Property) -> None:
    result = run_property(prop, in_process(resolve("reference")), 30, None)
    assert result.verdict == "pass", result.reason


@pytest.mark.parametrize("prop", PROPERTIES, ids=lambda p: p.name)
def test_passes_on_keras(prop: Property, keras_target: RunningTarget) -> None:
    result = run_property(prop, keras_target, 30, None)
    assert result.verdict == "pass", result.reason


@pytest.mark.parametrize("prop", INVARIANTS, ids=lambda p: p.name)
def test_invariant_holds_of_the_reference(prop: Property) -> None:
    result = run_property(prop, in_process(resolve("reference")), 100, None)
    assert result.verdict == "pass", result.reason


@pytest.mark.slow
@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.rsplit(".", 1)[-1])
def test_mutant_is_caught(mutant: str) -> None:
    callback, _ = importlib.import_module(mutant).CAUGHT_BY
    assert callback == "TensorBoard"
    target = in_process(resolve(mutant))
    # All of TensorBoard's properties together, as the suite runs them (blame weighs them
    # all): some clause fails.
    results = run(target, PROPERTIES, PROFILES["default"], shrink=False)
    if not any(result.verdict == "fail" for result in results):
        pytest.fail(f"{mutant} passes every TensorBoard property")

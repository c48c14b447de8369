"""ModelCheckpoint in the conformance engine: its properties pass on the reference and on
Keras 3.15.1, each ModelCheckpoint wrong implementation fails a property that names one
of the clauses it breaks, the invariants hold on the reference, every ModelCheckpoint
clause is checked, and every drawn scenario is plain data that survives JSON.
"""

from __future__ import annotations

import importlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import conformance.catalogue as catalogue
from conformance import scenario_io
from conformance.clauses import CLAUSES, clauses_of
from conformance.harness.observe import Scenario
from conformance.properties.base import Property
from conformance.properties.model_checkpoint import PROPERTIES
from conformance.runner import PROFILES, run_property
from conformance.running import in_process
from conformance.strategies import model_checkpoint as strategies
from conformance.targets import resolve

INVARIANTS = tuple(prop for prop in PROPERTIES if prop.kind == "invariant")
MUTANTS = tuple(
    name
    for name in catalogue.ALL
    if importlib.import_module(name).CAUGHT_BY[0] == "ModelCheckpoint"
)


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


@pytest.mark.parametrize("target", ["reference", "keras"])
@pytest.mark.parametrize("prop", PROPERTIES, ids=lambda prop: prop.name)
def test_property_passes(prop: Property, target: str) -> None:
    result = run_property(prop, in_process(resolve(target)), 30, None)
    assert result.verdict == "pass", result.reason
    assert result.examples == 30


def _suspects(clause_ids: tuple[str, ...]) -> list[Property]:
    """The properties checking any of `clause_ids`: invariants first (targeted, cheap)."""
    chosen = [prop for prop in PROPERTIES if set(prop.clauses) & set(clause_ids)]
    return sorted(chosen, key=lambda prop: prop.kind != "invariant")


@pytest.mark.slow
@pytest.mark.parametrize("name", MUTANTS, ids=_short)
def test_wrong_implementation_is_caught(name: str) -> None:
    """At the default profile's examples, unshrunk, by a property tagged with a clause the
    mutant breaks."""
    _, clause_ids = importlib.import_module(name).CAUGHT_BY
    target = in_process(resolve(name))
    suspects = _suspects(clause_ids)
    assert suspects, f"no property checks {clause_ids}"
    for prop in suspects:
        if run_property(prop, target, PROFILES["default"], None, shrink=False).verdict == "fail":
            return
    pytest.fail(f"{_short(name)} passed {[prop.name for prop in suspects]}")


def test_every_model_checkpoint_mutant_is_tried() -> None:
    assert len(MUTANTS) >= 7


@pytest.mark.parametrize("prop", INVARIANTS, ids=lambda prop: prop.name)
def test_invariant_holds_on_the_reference(prop: Property) -> None:
    result = run_property(prop, in_process(resolve("reference")), 100, None)
    assert result.verdict == "pass", result.reason


def test_every_model_checkpoint_clause_is_checked() -> None:
    tagged = {clause for prop in PROPERTIES for clause in prop.clauses}
    own = {c.id for c in clauses_of("ModelCheckpoint") if c.id.startswith("model_checkpoint.")}
    assert own - tagged == set()
    # The monitor clauses and the fit protocol's, and no unknown id.
    assert tagged <= {c.id for c in CLAUSES if c.callback in ("ModelCheckpoint", "monitor", "fit")}


def test_property_names_are_unique_and_prefixed() -> None:
    names = [prop.name for prop in PROPERTIES]
    assert len(set(names)) == len(names)
    assert all(name.startswith("model_checkpoint.") for name in names)
    assert {prop.callback for prop in PROPERTIES} == {"ModelCheckpoint"}


ALL_SCENARIOS = st.one_of(
    strategies.scenarios(),
    strategies.constructor_scenarios(),
    strategies.every_epoch_scenarios(),
    strategies.best_only_scenarios(),
    strategies.batch_frequency_scenarios(),
    strategies.precision_scenarios(),
)


@settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(ALL_SCENARIOS)
def test_scenarios_are_plain_data(scenario: Scenario) -> None:
    """JSON (with NaN and the infinities) and back, unchanged."""
    text = scenario_io.dumps(scenario)
    json.loads(text)
    assert repr(scenario_io.loads(text)) == repr(scenario)

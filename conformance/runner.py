"""Run properties against a target with Hypothesis, and turn results into clause verdicts.

A failing property shrinks to a minimal scenario; its clauses fail with that
counterexample. A clause passes when every property that checks it passed, is
`not-run` when its callback's class is absent (with the reason), or when no property
checks it yet.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis.internal.conjecture import engine

from conformance.clauses import CLAUSES, Clause
from conformance.harness.observe import Observation, Scenario, observe
from conformance.properties.base import Property, comparable
from conformance.targets import Target, resolve

PROFILES = {"quick": 25, "default": 100, "thorough": 1000}  # examples per property
FIT_LOOP_REASON = (
    "a rule of the fit loop the suite simulates, not of the target: checked against a real "
    "keras.Model.fit by the project's fidelity tests"
)
SHRINK_BUDGET = {"shrinks": 100, "seconds": 20}  # per failing property


@contextlib.contextmanager
def _shrink_budget() -> Iterator[None]:
    """Cap Hypothesis's shrinking (its own caps are 500 shrinks and five minutes, which
    Hypothesis documents as monkeypatchable): a counterexample a little less minimal is
    worth more than a run that takes minutes per wrong clause."""
    saved = engine.MAX_SHRINKS, engine.MAX_SHRINKING_SECONDS
    engine.MAX_SHRINKS, engine.MAX_SHRINKING_SECONDS = (
        SHRINK_BUDGET["shrinks"],
        SHRINK_BUDGET["seconds"],
    )
    try:
        yield
    finally:
        engine.MAX_SHRINKS, engine.MAX_SHRINKING_SECONDS = saved


@dataclass
class Counterexample:
    property: str
    scenario: Scenario
    target: Observation
    reference: Observation | None
    reason: str


@dataclass
class PropertyResult:
    property: Property
    verdict: str  # "pass", "fail" or "not-run"
    examples: int
    reason: str = ""
    counterexample: Counterexample | None = None


@dataclass
class ClauseResult:
    clause: Clause
    verdict: str  # "pass", "fail", "divergent", "stale" or "not-run"
    examples: int
    reason: str
    counterexample: Counterexample | None


def reference_for(target: Target, callback: str) -> type:
    """The reference class, comparing as the target declares it compares."""
    reference_class = resolve("reference").classes[callback]
    assert reference_class is not None
    overrides: dict[str, Any] = {"comparison_precision": target.precision}
    if target.backend is not None:
        overrides["backend"] = target.backend
    return type(reference_class.__name__, (reference_class,), overrides)


@dataclass
class Examination:
    """One scenario run for one property: what the target and (for a differential
    property) the reference did, and why the property fails, if it does."""

    target: Observation
    reference: Observation | None
    failure: str | None


def examine(prop: Property, target: Target, scenario: Scenario) -> Examination:
    """Run `scenario` for `prop` on the target (and the reference) and judge it."""
    target_class = target.classes[prop.callback]
    assert target_class is not None
    observed = observe(target_class, scenario, target.adapt, target.cleanup)
    if prop.kind == "invariant":
        assert prop.holds is not None
        try:
            prop.holds(scenario, observed)
        except AssertionError as broken:
            return Examination(observed, None, f"{prop.name}: {broken}")
        return Examination(observed, None, None)
    assert prop.project is not None
    expected = observe(reference_for(target, prop.callback), scenario)
    ours, theirs = comparable(prop.project(expected)), comparable(prop.project(observed))
    failure = (
        None if ours == theirs else f"{prop.name}: the target's {_first_difference(ours, theirs)}"
    )
    return Examination(observed, expected, failure)


def _first_difference(expected: str, actual: str) -> str:
    at = next(
        (i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b),
        min(len(expected), len(actual)),
    )
    start = max(0, at - 40)
    window = slice(start, at + 60)
    return f"observation differs at …{actual[window]}… (reference: …{expected[window]}…)"


def run_property(
    prop: Property, target: Target, examples: int, random_seed: int | None, shrink: bool = True
) -> PropertyResult:
    if target.classes.get(prop.callback) is None:
        return PropertyResult(prop, "not-run", 0, target.not_run.get(prop.callback, "class absent"))
    ran = 0
    failing: list[tuple[Scenario, Examination]] = []

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        print_blob=False,
        phases=list(Phase) if shrink else [p for p in Phase if p is not Phase.shrink],
    )
    @given(prop.scenarios)
    def holds_for(scenario: Scenario) -> None:
        nonlocal ran
        ran += 1
        examination = examine(prop, target, scenario)
        if examination.failure is not None:
            # Hypothesis replays the minimal failing example last: the last one kept is it.
            failing.append((scenario, examination))
            raise AssertionError(examination.failure)

    # Deterministic without a seed, yet each property draws its own examples: derandomized
    # Hypothesis would seed every property alike (from this one inner function).
    holds_for = seed(zlib.crc32(prop.name.encode()) if random_seed is None else random_seed)(
        holds_for
    )
    try:
        with _shrink_budget():
            holds_for()
    except AssertionError:
        scenario, examination = failing[-1]
        reason = examination.failure or ""
        counterexample = Counterexample(
            prop.name, scenario, examination.target, examination.reference, reason
        )
        return PropertyResult(prop, "fail", ran, reason, counterexample)
    except Exception as error:  # the suite itself could not run the property
        return PropertyResult(
            prop, "fail", ran, f"error while checking: {type(error).__name__}: {error}"
        )
    return PropertyResult(prop, "pass", ran)


def run(
    target: Target,
    properties: Iterable[Property],
    examples: int,
    random_seed: int | None = None,
    progress: Callable[[int, int, Property], None] | None = None,
    shrink: bool = True,
) -> list[PropertyResult]:
    chosen = list(properties)
    results = []
    for number, prop in enumerate(chosen):
        if progress is not None:
            progress(number, len(chosen), prop)
        results.append(run_property(prop, target, examples, random_seed, shrink))
    return results


def clause_verdicts(
    target: Target, results: list[PropertyResult], clauses: Iterable[Clause] = CLAUSES
) -> list[ClauseResult]:
    by_clause: dict[str, list[PropertyResult]] = {}
    for result in results:
        for clause_id in result.property.clauses:
            by_clause.setdefault(clause_id, []).append(result)
    verdicts = []
    for clause in clauses:
        checked = by_clause.get(clause.id, [])
        failed = [r for r in checked if r.verdict == "fail"]
        examples = sum(r.examples for r in checked)
        if failed:
            first = failed[0]
            verdicts.append(
                ClauseResult(clause, "fail", examples, first.reason, first.counterexample)
            )
        elif checked and all(r.verdict == "pass" for r in checked):
            verdicts.append(ClauseResult(clause, "pass", examples, "", None))
        elif checked:
            verdicts.append(ClauseResult(clause, "not-run", 0, checked[0].reason, None))
        else:
            verdicts.append(
                ClauseResult(clause, "not-run", 0, "no property checks this clause yet", None)
            )
    return verdicts

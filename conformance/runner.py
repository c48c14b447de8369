"""Run properties against a target with Hypothesis, and turn results into clause verdicts.

A failing property shrinks to a minimal scenario; its clauses fail with that
counterexample. A clause passes when every property that checks it passed, is
`not-run` when its callback's class is absent (with the reason), or when no property
checks it yet.

A broken target cannot break the run (docs/robustness.md): what its code raises is
part of its observation. A scenario whose target code writes outside the scenario's
workspace, or runs longer than `scenario_timeout` seconds (it is stopped), or changes
its classes' data attributes, fails the property at once with that scenario: no
shrinking (each further example could take as long again, and the reason says all
there is to say). A failure that does not reproduce on a fresh instance says so.
"""

from __future__ import annotations

import contextlib
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis.errors import Flaky
from hypothesis.internal.conjecture import engine

from conformance.clauses import CLAUSES, Clause
from conformance.harness.observe import (
    Observation,
    Scenario,
    ScenarioTimeout,
    TimeLimit,
    observe,
)
from conformance.properties.base import Property, comparable
from conformance.targets import Target, resolve

if TYPE_CHECKING:
    from conformance.divergences import Divergence

PROFILES = {"quick": 50, "default": 200, "thorough": 2000}  # examples per property
FIT_LOOP_REASON = (
    "a rule of the fit loop the suite simulates, not of the target: checked against a real "
    "keras.Model.fit by the project's fidelity tests"
)
# Per failing property. The count binds: it keeps a derandomized report the same on a busy
# machine; the seconds are only a backstop for a slow target.
SHRINK_BUDGET = {"shrinks": 100, "seconds": 120}
# Seconds the target's code may run per scenario (the reference's is not counted).
DEFAULT_SCENARIO_TIMEOUT = 10.0
NOT_REPRODUCIBLE = (
    "the same scenario run again on a fresh instance {outcome}: the target's behaviour depends"
    " on earlier runs (state kept between scenarios, e.g. on the class or module?)"
)


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
    divergence: Divergence | None = None  # the declaration that applied (conformance.divergences)


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
    timed_out: bool = False
    # A failure that says all there is to say (a timeout, a write outside the run, state
    # kept on the classes): not shrunk, not re-run.
    conclusive: bool = False


def strategy_key(prop: Property) -> str:
    """What the properties that draw from one strategy have in common."""
    return f"{prop.callback}: {prop.scenarios!r}"


def scenario_seed(prop: Property) -> int:
    """The seed of a derandomized run: that of its strategy, so that a failing property
    run alone draws the scenarios its group run drew (`run_group`)."""
    return zlib.crc32(strategy_key(prop).encode())


def examine(
    prop: Property,
    target: Target,
    scenario: Scenario,
    scenario_timeout: float | None = DEFAULT_SCENARIO_TIMEOUT,
    fresh: bool = False,
) -> Examination:
    """Run `scenario` for `prop` on the target (and the reference) and judge it. The
    target's code may run `scenario_timeout` seconds (None: no limit). The runs another
    property of the same strategy observed are judged again, not run again, unless
    `fresh` (`conformance.shared_observations`)."""
    shared = target.observations
    observed = None if fresh else shared.get("target", scenario)
    if observed is None:
        observed_or_failed = _observe_target(prop, target, scenario, scenario_timeout)
        if isinstance(observed_or_failed, Examination):
            return observed_or_failed
        observed = observed_or_failed
        shared.keep("target", scenario, observed)
    if prop.kind == "invariant":
        assert prop.holds is not None
        try:
            prop.holds(scenario, observed)
        except AssertionError as broken:
            return Examination(observed, None, f"{prop.name}: {_raised(observed, None)}{broken}")
        return Examination(observed, None, None)
    assert prop.project is not None
    expected = shared.get("reference", scenario)
    if expected is None:
        expected = observe(reference_for(target, prop.callback), scenario)
        if expected.outside_writes:  # the suite's own fault: no verdict on the target
            raise RuntimeError(
                f"the reference wrote outside its run directory: {expected.outside_writes}"
            )
        shared.keep("reference", scenario, expected)
    ours, theirs = comparable(prop.project(expected)), comparable(prop.project(observed))
    if ours == theirs:
        return Examination(observed, expected, None)
    difference = _first_difference(ours, theirs)
    return Examination(
        observed, expected, f"{prop.name}: {_raised(observed, expected)}the target's {difference}"
    )


def _observe_target(
    prop: Property, target: Target, scenario: Scenario, scenario_timeout: float | None
) -> Observation | Examination:
    """The target's run of `scenario`, or the conclusive failure of a run that timed
    out, wrote outside its run directory or changed its classes' state."""
    target_class = target.classes[prop.callback]
    assert target_class is not None
    limit = None if scenario_timeout is None else TimeLimit(scenario_timeout)
    before = class_state(target_class)
    # A class may set class attributes once, on first use: only later changes count.
    first_use = prop.callback not in target.examined
    target.examined.add(prop.callback)
    try:
        observed = observe(target_class, scenario, target.adapt, target.cleanup, limit)
    except ScenarioTimeout as timeout:
        assert timeout.observation is not None
        failure = f"{prop.name}: the target {timeout}"
        return Examination(timeout.observation, None, failure, timed_out=True, conclusive=True)
    if observed.outside_writes:
        writes = "; ".join(observed.outside_writes[:5])
        failure = f"{prop.name}: the target wrote outside its run directory: {writes}"
        return Examination(observed, None, failure, conclusive=True)
    changed = _changes(before, class_state(target_class))
    if changed and not first_use:
        return Examination(
            observed,
            None,
            f"{prop.name}: the target keeps state on its classes between scenarios: {changed}",
            conclusive=True,
        )
    return observed


_DATA = (type(None), bool, int, float, complex, str, bytes, tuple, list, dict, set, frozenset)


def class_state(cls: type) -> dict[str, str]:
    """The data attributes of `cls` and its bases (not methods, not dunders), as text:
    what a run must leave as it found it."""
    state = {}
    for klass in cls.__mro__:
        if klass is object:
            continue
        for name, value in list(vars(klass).items()):
            if isinstance(value, _DATA) and not (name.startswith("__") and name.endswith("__")):
                text = repr(value)
                size = f"{len(value)} items: " if isinstance(value, Sized) else ""
                state[f"{klass.__qualname__}.{name}"] = size + text[:500]
    return state


def _changes(before: dict[str, str], after: dict[str, str]) -> str:
    absent = "(absent)"
    changed = [
        f"{name} was {before.get(name, absent)[:120]}, is now {after.get(name, absent)[:120]}"
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    ]
    return "; ".join(changed[:3])


def _raised(observed: Observation, expected: Observation | None) -> str:
    """What the target raised, where the reference did not raise that (a lead-in for a
    failure's reason), or nothing."""
    if observed.error is None or (expected is not None and observed.raised() == expected.raised()):
        return ""
    kind, message, hook = observed.error
    if expected is None:
        return f"the target raised {kind}: {message[:200]} in {hook}; "
    reference = (
        "nothing" if expected.error is None else f"{expected.error[0]} in {expected.error[2]}"
    )
    return f"the target raised {kind}: {message[:200]} in {hook} (the reference: {reference}); "


def _first_difference(expected: str, actual: str) -> str:
    at = next(
        (i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b),
        min(len(expected), len(actual)),
    )
    start = max(0, at - 40)
    window = slice(start, at + 60)
    return f"observation differs at …{actual[window]}… (reference: …{expected[window]}…)"


class _Abandon(BaseException):
    """Stops Hypothesis at once (not an Exception: no shrinking, no replay)."""


def _hypothesis_settings(examples: int, shrink: bool) -> settings:
    return settings(
        max_examples=examples,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        print_blob=False,
        phases=list(Phase) if shrink else [p for p in Phase if p is not Phase.shrink],
    )


def _not_ready(prop: Property, target: Target) -> PropertyResult | None:
    """The result of a property that cannot run on `target` (its class is absent, or
    the target's warm-up for it fails: the first property of its callback fails with
    it), or None. Warms the callback up on first use."""
    if target.classes.get(prop.callback) is None:
        return PropertyResult(prop, "not-run", 0, target.not_run.get(prop.callback, "class absent"))
    if target.warm_up is not None and prop.callback not in target.warmed_up:
        target.warmed_up.add(prop.callback)
        try:
            target.warm_up(prop.callback)
        except Exception as error:
            reason = (
                f"the target's warm-up for {prop.callback} raised {type(error).__name__}: {error}"
            )
            return PropertyResult(prop, "fail", 0, reason)
    return None


def run_property(
    prop: Property,
    target: Target,
    examples: int,
    random_seed: int | None,
    shrink: bool = True,
    scenario_timeout: float | None = DEFAULT_SCENARIO_TIMEOUT,
) -> PropertyResult:
    not_ready = _not_ready(prop, target)
    if not_ready is not None:
        return not_ready
    ran = 0
    failing: list[tuple[Scenario, Examination]] = []

    @_hypothesis_settings(examples, shrink)
    @given(prop.scenarios)
    def holds_for(scenario: Scenario) -> None:
        nonlocal ran
        ran += 1
        examination = examine(prop, target, scenario, scenario_timeout)
        if examination.failure is not None:
            # Hypothesis replays the minimal failing example last: the last one kept is it.
            failing.append((scenario, examination))
            if examination.conclusive:  # a timeout, a write outside, kept state: no shrinking
                raise _Abandon
            raise AssertionError(examination.failure)

    # Deterministic without a seed: derandomized Hypothesis would seed every property
    # alike (from this one inner function), whatever it draws from.
    holds_for = seed(scenario_seed(prop) if random_seed is None else random_seed)(holds_for)
    try:
        with target.observations.kept_for(strategy_key(prop)), _shrink_budget():
            holds_for()
    except (AssertionError, _Abandon) as error:
        if not failing:  # an assertion of the suite's own code
            return PropertyResult(prop, "fail", ran, f"error while checking: {error!r}")
        return _failed(prop, target, ran, *failing[-1], scenario_timeout)
    except Flaky as flaky:  # a failure Hypothesis could not reproduce
        if not failing:
            return PropertyResult(prop, "fail", ran, f"error while checking: {flaky}")
        return _failed(prop, target, ran, *failing[-1], scenario_timeout, reproduced=False)
    except Exception as error:  # the suite itself could not run the property
        return PropertyResult(
            prop, "fail", ran, f"error while checking: {type(error).__name__}: {error}"
        )
    return PropertyResult(prop, "pass", ran)


def run_group(
    group: list[Property],
    target: Target,
    examples: int,
    random_seed: int | None,
    shrink: bool = True,
    scenario_timeout: float | None = DEFAULT_SCENARIO_TIMEOUT,
) -> list[PropertyResult]:
    """Run properties that draw from one strategy together: each scenario is drawn once,
    observed once on the target and once on the reference, and judged by every property
    of the group that has not failed yet. A property that fails is then run alone, from
    the same seed: it draws the same scenarios up to its failure (their runs are
    shared, not repeated) and shrinks it there. The verdicts, counterexamples and
    example counts are those of each property run alone from its strategy's seed."""
    first = group[0]
    assert all(strategy_key(prop) == strategy_key(first) for prop in group)

    def alone(prop: Property) -> PropertyResult:
        return run_property(prop, target, examples, random_seed, shrink, scenario_timeout)

    not_ready = _not_ready(first, target)
    if not_ready is not None:  # the first fails with the warm-up, the others run
        return [not_ready, *map(alone, group[1:])]
    if len(group) == 1:
        return [alone(first)]
    pending = list(group)
    failed: set[str] = set()
    # A timeout, a write outside or state kept on the classes is the target's run, not
    # an aspect of it: every property still pending fails with it, unshrunk, as each
    # would alone (its example count is where it happened).
    concluded: dict[str, tuple[int, Scenario, Examination]] = {}
    ran = 0

    @_hypothesis_settings(examples, shrink=False)
    @given(first.scenarios)
    def judged_by_all(scenario: Scenario) -> None:
        nonlocal ran
        ran += 1
        for prop in list(pending):
            examination = examine(prop, target, scenario, scenario_timeout)
            if examination.failure is None:
                continue
            pending.remove(prop)
            if not examination.conclusive:
                failed.add(prop.name)
                continue
            for other in [prop, *pending]:
                failure = other.name + examination.failure.removeprefix(prop.name)
                concluded[other.name] = (ran, scenario, replace(examination, failure=failure))
            pending.clear()
        if not pending:
            raise _Abandon

    judged_by_all = seed(scenario_seed(first) if random_seed is None else random_seed)(
        judged_by_all
    )
    with target.observations.kept_for(strategy_key(first)):
        try:
            judged_by_all()
        except _Abandon:
            pass
        except Exception as error:  # the suite itself could not run the group
            reason = f"error while checking: {type(error).__name__}: {error}"
            return [PropertyResult(prop, "fail", ran, reason) for prop in group]
        return [
            alone(prop)
            if prop.name in failed
            else _failed(prop, target, *concluded[prop.name], scenario_timeout)
            if prop.name in concluded
            else PropertyResult(prop, "pass", ran)
            for prop in group
        ]


def _unaddressed(text: str | None) -> str | None:
    """`text` without memory addresses (reprs of fresh objects differ in them)."""
    return None if text is None else re.sub(r"0x[0-9a-fA-F]+", "0x…", text)


def _failed(
    prop: Property,
    target: Target,
    ran: int,
    scenario: Scenario,
    examination: Examination,
    scenario_timeout: float | None,
    reproduced: bool | None = None,
) -> PropertyResult:
    """The failing result, its counterexample, and (unless the failure is conclusive)
    whether it reproduces on a fresh instance: a target keeping state between runs would
    otherwise fail with a counterexample that replays as a pass."""
    reason = examination.failure or ""
    if reproduced is None and not examination.conclusive:
        # Twice, on fresh instances: the failing runs may be shared ones, observed many
        # runs before, and state that alternates from run to run shows in one of two.
        for _ in range(2):
            try:
                again = examine(prop, target, scenario, scenario_timeout, fresh=True).failure
            except Exception as error:  # could not run it again: say so, keep the verdict
                again = f"error while re-running it: {type(error).__name__}: {error}"
            reproduced = _unaddressed(again) == _unaddressed(examination.failure)
            if not reproduced:
                break
        outcome = "passed" if again is None else f"failed differently ({again[:300]})"
    else:
        outcome = "passed, or failed differently, when Hypothesis replayed it"
    if reproduced is False:
        reason = f"{reason} — {NOT_REPRODUCIBLE.format(outcome=outcome)}"
    counterexample = Counterexample(
        prop.name, scenario, examination.target, examination.reference, reason
    )
    return PropertyResult(prop, "fail", ran, reason, counterexample)


def strategy_groups(properties: Iterable[Property]) -> list[list[Property]]:
    """`properties` grouped by the strategy they draw from, in order of first appearance."""
    groups: dict[str, list[Property]] = {}
    for prop in properties:
        groups.setdefault(strategy_key(prop), []).append(prop)
    return list(groups.values())


def run(
    target: Target,
    properties: Iterable[Property],
    examples: int,
    random_seed: int | None = None,
    progress: Callable[[int, int, Property], None] | None = None,
    shrink: bool = True,
    scenario_timeout: float | None = DEFAULT_SCENARIO_TIMEOUT,
) -> list[PropertyResult]:
    """Every property's result, in the order given; the properties of one strategy are
    run together (`run_group`)."""
    chosen = list(properties)
    results: dict[str, PropertyResult] = {}
    for group in strategy_groups(chosen):
        if progress is not None:
            progress(chosen.index(group[0]), len(chosen), group[0])
        for result in run_group(group, target, examples, random_seed, shrink, scenario_timeout):
            results[result.property.name] = result
    return [results[prop.name] for prop in chosen]


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
            verdicts.append(ClauseResult(clause, "not-run", 0, _unchecked_reason(clause), None))
    return verdicts


def _unchecked_reason(clause: Clause) -> str:
    """Why no property checks `clause`: a rule the suite does not model, a rule of the fit
    loop (not the target's), or a gap in the suite."""
    if clause.level == "out-of-scope":
        return f"out of scope: {clause.statement.removeprefix('Out of scope: ')}"
    if clause.callback == "fit":
        return FIT_LOOP_REASON
    return "no property checks this clause yet"

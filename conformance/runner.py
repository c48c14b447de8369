"""Run properties against a target with Hypothesis, and turn results into clause verdicts.

The properties of one callback are run together (`run_group`): each scenario is drawn
once and judged by every property of its strategy, and the differences are blamed on
clauses (`conformance.blame`, docs/verdicts.md), each blamed clause failing with its own
minimal counterexample. A clause passes when the scenarios of its regime showed no
difference; it is `not-run` when its callback's class is absent, when no drawn scenario
reached its regime, when another failing clause explains every difference in it, or
when no property checks it (each with the reason).

A broken target cannot break the run (docs/robustness.md): what its code raises is
part of its observation. A scenario whose target code writes outside the scenario's
workspace, or runs longer than `scenario_timeout` seconds (it is stopped), or changes
its classes' data attributes, fails the property at once with that scenario: no
shrinking (each further example could take as long again, and the reason says all
there is to say). A failure that does not reproduce on a fresh instance says so.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, reject, seed, settings
from hypothesis.errors import Flaky, Unsatisfiable
from hypothesis.internal.conjecture import engine

from conformance.blame import Blame, Judged
from conformance.clauses import CLAUSES, Clause
from conformance.harness.observe import Observation, Scenario, observe
from conformance.host import RunDeadline
from conformance.properties.base import Property, comparable
from conformance.results import (
    ClauseOutcome,
    ClauseResult,
    Counterexample,
    Examination,
    PropertyResult,
)
from conformance.running import RunningTarget
from conformance.scenario_words import scenario_in_words
from conformance.targets import Target, resolve
from conformance.unsupported import Unsupported, steering

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
    worth more than a run that takes minutes per wrong clause. No public setting does it
    (Hypothesis 6.170: `settings` can only leave the shrink phase out, `phases`), so the
    engine's two module constants are patched here, and only here, for one search."""
    saved = engine.MAX_SHRINKS, engine.MAX_SHRINKING_SECONDS
    engine.MAX_SHRINKS, engine.MAX_SHRINKING_SECONDS = (
        SHRINK_BUDGET["shrinks"],
        SHRINK_BUDGET["seconds"],
    )
    try:
        yield
    finally:
        engine.MAX_SHRINKS, engine.MAX_SHRINKING_SECONDS = saved


def reference_for(target: Target, callback: str) -> type:
    """The reference class, comparing as the target declares it compares."""
    reference_class = resolve("reference").classes[callback]
    assert reference_class is not None
    overrides: dict[str, Any] = {"comparison_precision": target.precision}
    if target.backend is not None:
        overrides["backend"] = target.backend
    return type(reference_class.__name__, (reference_class,), overrides)


def make_counterexample(
    prop_name: str, scenario: Scenario, examination: Examination, reason: str, target: Target
) -> Counterexample:
    """The counterexample of `examination`, with what the reference held that its
    observation does not show (`reference_state`), for a differential EarlyStopping one."""
    state = None
    if examination.reference is not None and scenario.callback == "EarlyStopping":
        state = reference_state(scenario, target)
    return Counterexample(
        prop_name, scenario, examination.target, examination.reference, reason, state
    )


def reference_state(scenario: Scenario, target: Target) -> dict[str, Any] | None:
    """What the reference's EarlyStopping held at the end of each fit of `scenario` that its
    observation does not show: its best epoch (None where no epoch was monitored). The
    reference is run again for it, as the target declares it compares; None if that run
    does not go through."""
    base = reference_for(target, "EarlyStopping")
    best: list[int | None] = []

    def on_train_end(self: Any, logs: Any = None) -> None:
        kept = getattr(self, "best", None) is not None
        best.append(getattr(self, "best_epoch", None) if kept else None)
        super(recording, self).on_train_end(logs)

    recording: Any = type(base.__name__, (base,), {"on_train_end": on_train_end})
    try:
        observed = observe(recording, scenario)
    except Exception:
        return None
    if observed.error is not None:  # a fit a hook raised in does not reach its train end
        best.extend([None] * (len(scenario.fits) - len(best)))
    return {"best_epoch": best}


def strategy_key(prop: Property) -> str:
    """What the properties that draw from one strategy have in common."""
    return f"{prop.callback}: {prop.scenarios!r}"


def scenario_seed(prop: Property) -> int:
    """The seed of a derandomized run: that of its strategy, so that a difference drawn
    again to be shrunk is drawn from the same scenarios (`run_group`)."""
    return zlib.crc32(strategy_key(prop).encode())


def examine(
    prop: Property,
    running: RunningTarget,
    scenario: Scenario,
    scenario_timeout: float | None = DEFAULT_SCENARIO_TIMEOUT,
    fresh: bool = False,
) -> Examination:
    """Run `scenario` for `prop` on the target (and the reference) and judge it. The
    target's code may run `scenario_timeout` seconds (None: no limit). The runs another
    property of the same strategy observed are judged again, not run again, unless
    `fresh` (`conformance.shared_observations`)."""
    shared = running.observations
    observed = None if fresh else shared.get("target", scenario)
    if observed is None:
        observed_or_failed = _observe_target(prop, running, scenario, scenario_timeout)
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
        expected = observe(
            reference_for(running.target, prop.callback), scenario, backend=running.target.backend
        )
        if expected.outside_writes:  # the suite's own fault: no verdict on the target
            raise RuntimeError(
                f"the reference wrote outside its run directory: {expected.outside_writes}"
            )
        shared.keep("reference", scenario, expected)
    projected = prop.project(expected), prop.project(observed)
    ours, theirs = map(comparable, projected)
    if ours == theirs:
        return Examination(observed, expected, None)
    if prop.describe is not None:
        expected_words, actual_words = map(prop.describe, projected)
        if expected_words != actual_words:
            failure = (
                f"{prop.name}: {_raised(observed, expected)}"
                f"the reference {expected_words}; the target {actual_words}"
            )
            return Examination(observed, expected, failure)
    difference = _first_difference(ours, theirs)
    return Examination(
        observed, expected, f"{prop.name}: {_raised(observed, expected)}the target's {difference}"
    )


def _observe_target(
    prop: Property, running: RunningTarget, scenario: Scenario, scenario_timeout: float | None
) -> Observation | Examination:
    """The target's run of `scenario`, or the conclusive failure of a run that ended
    early (it timed out, or its process ended), wrote outside its run directory or
    changed its class's state. The callback is warmed up first, if it was not: a replay
    or a witness may be the first run of it (a no-op once warmed up)."""
    went_wrong = running.host.warm_up(prop.callback)
    if went_wrong is not None:
        reason = f"{prop.name}: the target's warm-up for {prop.callback} {went_wrong}"
        return Examination(Observation(), None, reason, conclusive=True)
    ran = running.host.observe(
        prop.callback, running.target.unsupported.for_target(scenario), scenario_timeout
    )
    observed = ran.observation
    if ran.ended is not None:
        failure = f"{prop.name}: the target {ran.ended}"
        return Examination(observed, None, failure, timed_out=True, conclusive=True)
    if observed.outside_writes:
        writes = "; ".join(observed.outside_writes[:5])
        failure = f"{prop.name}: the target wrote outside its run directory: {writes}"
        return Examination(observed, None, failure, conclusive=True)
    if ran.class_changes:
        return Examination(
            observed,
            None,
            f"{prop.name}: the target keeps state on its classes between scenarios:"
            f" {ran.class_changes}",
            conclusive=True,
        )
    return observed


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


def hypothesis_settings(examples: int, shrink: bool) -> settings:
    return settings(
        max_examples=examples,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        print_blob=False,
        phases=list(Phase) if shrink else [p for p in Phase if p is not Phase.shrink],
    )


def _not_ready(prop: Property, running: RunningTarget) -> PropertyResult | None:
    """The result of a property that cannot run on `target` (its class is absent, or
    the target's warm-up for it fails: the first property of its callback fails with
    it), or None. Warms the callback up on first use."""
    if not running.target.has(prop.callback):
        reason = running.target.not_run.get(prop.callback, "class absent")
        outcomes = {clause: ClauseOutcome(clause, "not-run", 0, reason) for clause in prop.clauses}
        return PropertyResult(prop, "not-run", 0, reason, clauses=outcomes)
    went_wrong = running.host.warm_up(prop.callback)
    if went_wrong is not None:
        reason = f"the target's warm-up for {prop.callback} {went_wrong}"
        return _whole(prop, running, 0, None, reason)
    return None


def run_property(
    prop: Property,
    running: RunningTarget,
    examples: int,
    random_seed: int | None,
    shrink: bool = True,
    scenario_timeout: float | None = DEFAULT_SCENARIO_TIMEOUT,
) -> PropertyResult:
    """One property run alone."""
    return run_group([prop], running, examples, random_seed, shrink, scenario_timeout)[0]


@dataclass
class _Draw:
    """One strategy's scenarios, drawn from its seed and judged by its properties."""

    group: list[Property]
    seed: int
    # the callback's other properties: where their clauses are in play explains what
    # this group's properties follow from them
    others: list[Property] = field(default_factory=list)
    judged: list[Judged] = field(default_factory=list)
    scenarios: list[Scenario] = field(default_factory=list)
    # per drawn scenario the target does not support: the clauses in play, and why
    left_out: list[tuple[frozenset[str], Unsupported]] = field(default_factory=list)
    # clause -> the drawn scenarios of its regime not judged: a declared divergence's scope
    declared_out: Counter[str] = field(default_factory=Counter)


def run_group(
    properties: list[Property],
    running: RunningTarget,
    examples: int,
    random_seed: int | None,
    shrink: bool = True,
    scenario_timeout: float | None = DEFAULT_SCENARIO_TIMEOUT,
    more_groups: bool = True,
) -> list[PropertyResult]:
    """Run properties of one callback together. The properties that draw from one
    strategy judge the same scenarios: each is drawn once from the strategy's seed,
    observed once on the target and once on the reference, and judged by all of them.
    The differences of all the strategies are then blamed on clauses together
    (`conformance.blame`): the first unexplained one is drawn again from its strategy's
    seed (the runs already observed are not run again) and shrunk, and the clauses that
    show its minimal form are blamed, with it as their counterexample. The target's host
    starts afresh first (`Host.fresh`; `more_groups`: another group may follow)."""
    try:
        running.host.fresh(more_groups)
        return _run_group(properties, running, examples, random_seed, shrink, scenario_timeout)
    except RunDeadline as passed:
        return [_whole(prop, running, 0, None, f"not checked: {passed}") for prop in properties]


def _run_group(
    properties: list[Property],
    running: RunningTarget,
    examples: int,
    random_seed: int | None,
    shrink: bool,
    scenario_timeout: float | None,
) -> list[PropertyResult]:
    first = properties[0]
    assert all(prop.callback == first.callback for prop in properties)
    not_ready = _not_ready(first, running)
    if not_ready is not None:  # the first fails with the warm-up, the others run
        if len(properties) == 1:
            return [not_ready]
        rest = _run_group(properties[1:], running, examples, random_seed, shrink, scenario_timeout)
        return [not_ready, *rest]
    results: dict[str, PropertyResult] = {}
    draws = []
    with running.observations.kept_for(first.callback):
        for group in strategy_groups(properties):
            drawn_seed = scenario_seed(group[0]) if random_seed is None else random_seed
            draw = _Draw(group, drawn_seed, [p for p in properties if p not in group])
            whole = _draw(draw, running, examples, scenario_timeout)
            if whole is None:
                draws.append(draw)
            else:
                results.update((result.property.name, result) for result in whole)
        outcomes = _blamed(draws, running, examples, shrink, scenario_timeout)
        varying = _not_deterministic(draws, outcomes, running, scenario_timeout)
    for draw in draws:
        for prop in draw.group:
            result = _property_result(prop, len(draw.judged), outcomes)
            if prop.name in varying:
                scenario, examination = varying[prop.name]
                if result.verdict == "pass":
                    result = _whole(prop, running, len(draw.judged), scenario, examination)
                else:  # it fails either way: its reasons say it may not fail so again
                    assert examination.failure is not None
                    result = _noted(result, examination.failure.split(": ", 1)[1])
            results[prop.name] = result
    return [results[prop.name] for prop in properties]


def _noted(result: PropertyResult, note: str) -> PropertyResult:
    """`result`, its failing clauses' reasons and its own followed by `— note`."""
    clauses = {
        clause: dataclasses.replace(outcome, reason=f"{outcome.reason} — {note}")
        if outcome.verdict == "fail"
        else outcome
        for clause, outcome in result.clauses.items()
    }
    return dataclasses.replace(result, reason=f"{result.reason} — {note}", clauses=clauses)


RECHECKED_PER_STRATEGY = 3  # passing scenarios run again, besides the counterexamples
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _steady(value: Any) -> str:
    """`comparable(value)` without the memory addresses reprs show (` at 0x7f...`), which
    differ from process to process in any program."""
    return _ADDRESS.sub(" at 0x…", comparable(value))


def _not_deterministic(
    draws: list[_Draw],
    outcomes: dict[str, ClauseOutcome],
    running: RunningTarget,
    scenario_timeout: float | None,
) -> dict[str, tuple[Scenario, Examination]]:
    """The properties whose verdict a second run of the target could change: each
    counterexample and the first drawn scenarios of each strategy are run again
    (`Host.again`: other seeds), and a property whose projection of
    the target's run differs between the two fails with the scenario, or, failing
    already, says so. The reason names what differs, not the values (they are what
    varies)."""
    firsts: dict[str, tuple[Scenario, Observation]] = {}
    for outcome in outcomes.values():
        if outcome.counterexample is not None and outcome.counterexample.target is not None:
            example = outcome.counterexample
            firsts.setdefault(repr(example.scenario), (example.scenario, example.target))
    for draw in draws:
        for scenario in draw.scenarios[:RECHECKED_PER_STRATEGY]:
            observed = running.observations.get("target", scenario)
            if observed is not None:
                firsts.setdefault(repr(scenario), (scenario, observed))
    if not firsts:
        return {}
    callback = draws[0].group[0].callback
    chosen = list(firsts.values())
    again = running.host.again(
        callback, [running.target.unsupported.for_target(s) for s, _ in chosen], scenario_timeout
    )
    varying: dict[str, tuple[Scenario, Examination]] = {}
    for (scenario, first), second in zip(chosen, again, strict=True):
        if second.ended is not None or _steady(first) == _steady(second.observation):
            continue
        fields = [
            name
            for name in vars(first)
            if _steady(getattr(first, name)) != _steady(getattr(second.observation, name))
        ]
        for draw in draws:
            for prop in draw.group:
                project = prop.project or (lambda observation: observation)
                if prop.name in varying or _steady(project(first)) == _steady(
                    project(second.observation)
                ):
                    continue
                failure = (
                    f"{prop.name}: not deterministic: run again ({running.host.again_means}),"
                    f" the target's {', '.join(fields)} differ"
                )
                varying[prop.name] = (scenario, Examination(first, None, failure))
    return varying


def _draw(
    draw: _Draw, running: RunningTarget, examples: int, scenario_timeout: float | None
) -> list[PropertyResult] | None:
    """Draw and judge `draw`'s scenarios; None, or the results of a group whose run
    ended at once: a timeout, a write outside or state kept on the classes is the
    target's run, not an aspect of it (every property fails with it, unshrunk), and an
    error of the suite's own fails them all."""
    group = draw.group
    concluded: list[tuple[Scenario, Examination]] = []

    @hypothesis_settings(examples, shrink=False)
    @given(group[0].scenarios)
    def judged_by_all(scenario: Scenario) -> None:
        declaration = running.target.unsupported.covering(scenario)
        if declaration is not None:
            in_play = frozenset().union(*(prop.in_play(scenario) for prop in group))
            draw.left_out.append((in_play, declaration))
            # Not an example: Hypothesis draws another, so that the target is judged on
            # as many supported scenarios as any other (up to its limit on rejections).
            reject()
        seen, first_difference = _judge(draw, running, scenario, scenario_timeout)
        draw.declared_out.update(seen.declared)
        if first_difference is not None and first_difference[2].conclusive:
            concluded.append((scenario, first_difference[2]))
            raise _Abandon
        draw.judged.append(seen)
        draw.scenarios.append(scenario)

    try:
        with steering(running.target.unsupported):
            seed(draw.seed)(judged_by_all)()
    except Unsatisfiable:  # every scenario drawn was unsupported: `draw.left_out` says so
        pass
    except _Abandon:
        scenario, examination = concluded[0]
        ran = len(draw.judged) + 1  # the scenario that ended it counts
        return [_whole(prop, running, ran, scenario, examination) for prop in group]
    except Exception as error:  # the suite itself could not run the group
        reason = f"error while checking: {type(error).__name__}: {error}"
        return [_whole(prop, running, len(draw.judged), None, reason) for prop in group]
    return None


def _blamed(
    draws: list[_Draw],
    running: RunningTarget,
    examples: int,
    shrink: bool,
    scenario_timeout: float | None,
) -> dict[str, ClauseOutcome]:
    """Each clause's outcome, the differences of all `draws` blamed together."""
    properties = [prop for draw in draws for prop in draw.group]
    where = [(draw, index) for draw in draws for index in range(len(draw.judged))]
    blame = Blame(
        {prop.name: prop.clauses for prop in properties},
        [judged for draw in draws for judged in draw.judged],
        {prop.name: tuple(prop.regimes) for prop in properties},
        {prop.name: prop.follows for prop in properties},
    )
    counterexamples: dict[str, Difference] = {}
    while (unexplained := blame.next_unexplained()) is not None:
        index, upstream = unexplained
        draw, drawn_index = where[index]
        minimal = _minimal_difference(
            draw, upstream, running, blame, shrink, examples, scenario_timeout
        )
        if minimal is None:  # it did not recur: blame the drawn scenario as it is
            minimal = _judge(draw, running, draw.scenarios[drawn_index], scenario_timeout)
        seen, difference = minimal
        suspects = [] if difference is None or not seen.differing else blame.suspects(seen)
        if seen.quirks and suspects and not seen.quirks.intersection(suspects):
            # A general rule blamed: its counterexample is better without quirks.
            pure = blame.pure_difference(suspects[0])
            if pure is not None:
                pure_draw, _ = where[pure]
                upstream = blame.scenarios[pure].differing[0]
                found = _minimal_difference(
                    pure_draw, upstream, running, blame, shrink, examples, scenario_timeout, True
                )
                minimal = found or minimal
                seen, difference = minimal
        blame.blame(suspects, index)
        if difference is not None:
            counterexamples.update(dict.fromkeys(suspects, difference))
    drawn = sum(len(draw.judged) for draw in draws)
    declared_out = sum((draw.declared_out for draw in draws), Counter[str]())
    left_out: dict[str, list[Unsupported]] = {}
    for draw in draws:
        for in_play, declaration in draw.left_out:
            for clause in in_play:
                left_out.setdefault(clause, []).append(declaration)
    return {
        clause: _clause_outcome(
            clause,
            running,
            blame,
            counterexamples,
            drawn,
            left_out.get(clause, []),
            declared_out[clause],
            scenario_timeout,
        )
        for clause in dict.fromkeys(c for prop in properties for c in prop.clauses)
    }


# A difference: the property that differs first (upstream), the scenario, its examination.
Difference = tuple[Property, Scenario, Examination]


def _judge(
    draw: _Draw,
    running: RunningTarget,
    scenario: Scenario,
    scenario_timeout: float | None,
    first_only: bool = False,
) -> tuple[Judged, Difference | None]:
    """What the group makes of `scenario`: the clauses in play, the properties that
    differ (all of them, or with `first_only` the first), the clauses that show it, and
    the first difference."""
    group = draw.group
    in_play = frozenset().union(*(prop.in_play(scenario) for prop in group))
    differing: list[str] = []
    first: Difference | None = None
    own_part_differs: set[str] = set()
    projected: set[str] = set()
    for prop in group:
        examination = examine(prop, running, scenario, scenario_timeout)
        if examination.failure is None:
            continue
        differing.append(prop.name)
        for clause in in_play.intersection(prop.clauses):
            if clause in prop.projections:
                projected.add(clause)
            if _clause_differs(prop, clause, examination):
                own_part_differs.add(clause)
        if first is None:
            first = (prop, scenario, examination)
            if examination.conclusive or first_only:
                break
    showing: frozenset[str] = frozenset()
    quirks: frozenset[str] = frozenset()
    if first is not None:
        prop, _, examination = first
        playing = prop.in_play(scenario)
        # When no clause's own part differs (the parts do not cover the whole), every
        # clause in play shows it: a difference is never left unblamed.
        showing = frozenset(c for c in playing if _clause_differs(prop, c, examination)) or playing
        quirks = playing.intersection(prop.regimes)
    also = frozenset().union(*(prop.in_play(scenario) for prop in draw.others)) - in_play
    specific = frozenset().union(*(prop.in_play(scenario) & set(prop.regimes) for prop in group))
    declared = _declared_scope([*group, *draw.others], running, scenario)
    judged_by = frozenset(prop.name for prop in group)
    judged = Judged(
        in_play,
        tuple(differing),
        showing,
        quirks,
        also,
        specific,
        judged_by,
        declared,
        frozenset(projected - own_part_differs),
    )
    return judged, first


def _declared_scope(
    properties: list[Property], running: RunningTarget, scenario: Scenario
) -> frozenset[str]:
    """The clauses, of `properties` (the callback's), whose declared divergence is known
    in `scenario`: it lies in the declaration's scope (`RunningTarget.declared_scopes`),
    or, for a declaration without one, in the clause's own regime."""
    return frozenset(
        clause
        for clause, covers in running.declared_scopes.items()
        if any(
            clause in prop.in_play(scenario) and (covers is not None or clause in prop.regimes)
            for prop in properties
        )
        and (covers is None or covers(scenario))
    )


def _clause_differs(prop: Property, clause: str, examination: Examination) -> bool:
    """Whether the clause's own projection differs (a property's projection differs, or
    its invariant is broken, for every clause without one)."""
    project = prop.projections.get(clause)
    if project is None or examination.reference is None or examination.conclusive:
        return True
    return comparable(project(examination.reference)) != comparable(project(examination.target))


def _minimal_difference(
    draw: _Draw,
    upstream: str,
    running: RunningTarget,
    blame: Blame,
    shrink: bool,
    examples: int,
    scenario_timeout: float | None,
    pure: bool = False,
) -> tuple[Judged, Difference | None] | None:
    """The first difference no blamed clause explains whose first differing property is
    `upstream` (and, if `pure`, with none of its quirks in play), drawn again from the
    group's seed (the runs already observed are not run again) and shrunk, keeping it
    so."""
    failing: list[tuple[Judged, Difference]] = []
    group = draw.group

    @hypothesis_settings(examples, shrink)
    @given(group[0].scenarios)
    def unexplained(scenario: Scenario) -> None:
        if running.target.unsupported.covering(scenario) is not None:
            return
        seen, difference = _judge(draw, running, scenario, scenario_timeout, first_only=True)
        if difference is None or difference[0].name != upstream or blame.explains(seen):
            return
        if pure and seen.quirks:
            return
        # Hypothesis replays the minimal failing example last.
        failing.append((seen, difference))
        raise AssertionError(difference[2].failure)

    try:
        with _shrink_budget(), steering(running.target.unsupported):
            seed(draw.seed)(unexplained)()
    except (AssertionError, Flaky):
        if failing:
            return failing[-1]
    return None


def _clause_outcome(
    clause: str,
    running: RunningTarget,
    blame: Blame,
    counterexamples: dict[str, Difference],
    drawn: int,
    left_out: list[Unsupported],
    declared_out: int,
    scenario_timeout: float | None,
) -> ClauseOutcome:
    """The clause's outcome, saying how many drawn scenarios of its regime were left
    out as unsupported, or not judged inside its declared divergence's scope."""
    in_regime = blame.in_regime[clause]
    if in_regime == 0 and left_out:
        return ClauseOutcome(
            clause,
            "unsupported",
            0,
            f"all {len(left_out)} drawn scenarios of its regime need what the target does not"
            f" support: {_declared(left_out)}",
            left_out=len(left_out),
        )
    outcome = _judged_outcome(clause, running, blame, counterexamples, drawn, scenario_timeout)
    notes = []
    if left_out:
        notes.append(
            f"judged on the rest: {len(left_out)} of the {len(left_out) + in_regime} drawn"
            f" scenarios of its regime left out as unsupported ({_declared(left_out)})"
        )
    if declared_out:
        notes.append(
            f"{declared_out} drawn scenarios of its regime not judged: inside the scope of its"
            " declared divergence"
        )
    if not notes:
        return outcome
    reason = " — ".join([outcome.reason, *notes] if outcome.reason else notes)
    return dataclasses.replace(outcome, reason=reason, left_out=len(left_out))


def _declared(declarations: list[Unsupported]) -> str:
    """The declarations that left scenarios out, each once, in words."""
    return "; ".join(declaration.describe() for declaration in dict.fromkeys(declarations))


def _judged_outcome(
    clause: str,
    running: RunningTarget,
    blame: Blame,
    counterexamples: dict[str, Difference],
    drawn: int,
    scenario_timeout: float | None,
) -> ClauseOutcome:
    in_regime = blame.in_regime[clause]
    if clause in counterexamples:
        prop, scenario, examination = counterexamples[clause]
        return _failed(clause, prop, running, in_regime, scenario, examination, scenario_timeout)
    explained_by = blame.explained_by
    if clause in explained_by:
        others = explained_by[clause]
        apart = blame.apart[clause]
        if apart == 0:
            return ClauseOutcome(
                clause,
                "not-run",
                in_regime,
                "not judged apart: every difference in its regime is explained by"
                f" {', '.join(others)}",
                explained_by=others,
            )
        # Judged where nothing it checks differs: the runs that differ are another
        # rule's, and tell nothing of this one.
        return ClauseOutcome(
            clause,
            "pass",
            apart,
            f"judged apart on {apart} of the {in_regime} runs of its regime (not on those"
            f" where a difference is explained by {', '.join(others)})",
            explained_by=others,
        )
    if in_regime == 0:
        return ClauseOutcome(
            clause, "not-run", 0, f"none of the {drawn} drawn scenarios is in its regime"
        )
    return ClauseOutcome(clause, "pass", in_regime)


def _property_result(
    prop: Property, ran: int, outcomes: dict[str, ClauseOutcome]
) -> PropertyResult:
    """A property's result: it fails when a clause it checks failed on it."""
    own = {clause: outcomes[clause] for clause in prop.clauses}
    failed = [
        outcome
        for outcome in own.values()
        if outcome.verdict == "fail"
        and (outcome.counterexample is None or outcome.counterexample.property == prop.name)
    ]
    if not failed:
        return PropertyResult(prop, "pass", ran, clauses=own)
    return PropertyResult(
        prop, "fail", ran, failed[0].reason, failed[0].counterexample, clauses=own
    )


def _whole(
    prop: Property,
    running: RunningTarget,
    ran: int,
    scenario: Scenario | None,
    examination: Examination | str,
    scenario_timeout: float | None = None,
) -> PropertyResult:
    """A result that is the same for every clause of the property: a conclusive
    failure on `scenario`, or (a string) an error of the suite's own."""
    if isinstance(examination, str):
        outcomes = {c: ClauseOutcome(c, "fail", ran, examination) for c in prop.clauses}
        return PropertyResult(prop, "fail", ran, examination, clauses=outcomes)
    assert scenario is not None and examination.failure is not None
    failure = prop.name + examination.failure.split(":", 1)[1]
    counterexample = make_counterexample(prop.name, scenario, examination, failure, running.target)
    outcomes = {c: ClauseOutcome(c, "fail", ran, failure, counterexample) for c in prop.clauses}
    return PropertyResult(prop, "fail", ran, failure, counterexample, clauses=outcomes)


def _unaddressed(text: str | None) -> str | None:
    """`text` without memory addresses (reprs of fresh objects differ in them)."""
    return None if text is None else re.sub(r"0x[0-9a-fA-F]+", "0x…", text)


def _failed(
    clause: str,
    prop: Property,
    running: RunningTarget,
    in_regime: int,
    scenario: Scenario,
    examination: Examination,
    scenario_timeout: float | None,
) -> ClauseOutcome:
    """The failing clause, its counterexample, and whether the failure reproduces on a
    fresh instance: a target keeping state between runs would otherwise fail with a
    counterexample that replays as a pass."""
    prop_name, _, difference = (examination.failure or "").partition(": ")
    reason = f"{difference} — in the run {scenario_in_words(scenario)} ({prop_name})"
    # Twice, on fresh instances: the failing runs may be shared ones, observed many
    # runs before, and state that alternates from run to run shows in one of two.
    for _ in range(2):
        try:
            again = examine(prop, running, scenario, scenario_timeout, fresh=True).failure
        except Exception as error:  # could not run it again: say so, keep the verdict
            again = f"error while re-running it: {type(error).__name__}: {error}"
        if _unaddressed(again) != _unaddressed(examination.failure):
            outcome = "passed" if again is None else f"failed differently ({again[:300]})"
            reason = f"{reason} — {NOT_REPRODUCIBLE.format(outcome=outcome)}"
            break
    counterexample = make_counterexample(prop.name, scenario, examination, reason, running.target)
    return ClauseOutcome(clause, "fail", in_regime, reason, counterexample)


def strategy_groups(properties: Iterable[Property]) -> list[list[Property]]:
    """`properties` grouped by the strategy they draw from, in order of first appearance."""
    groups: dict[str, list[Property]] = {}
    for prop in properties:
        groups.setdefault(strategy_key(prop), []).append(prop)
    return list(groups.values())


def callback_groups(properties: Iterable[Property]) -> list[list[Property]]:
    """`properties` grouped by callback (blame is per callback), in order of first
    appearance."""
    groups: dict[str, list[Property]] = {}
    for prop in properties:
        groups.setdefault(prop.callback, []).append(prop)
    return list(groups.values())


def run(
    running: RunningTarget,
    properties: Iterable[Property],
    examples: int,
    random_seed: int | None = None,
    progress: Callable[[int, int, Property], None] | None = None,
    shrink: bool = True,
    scenario_timeout: float | None = DEFAULT_SCENARIO_TIMEOUT,
) -> list[PropertyResult]:
    """Every property's result, in the order given; the properties of one callback are
    run together (`run_group`)."""
    chosen = list(properties)
    results: dict[str, PropertyResult] = {}
    groups = callback_groups(chosen)
    for index, group in enumerate(groups):
        if progress is not None:
            progress(chosen.index(group[0]), len(chosen), group[0])
        more = index < len(groups) - 1
        for result in run_group(
            group, running, examples, random_seed, shrink, scenario_timeout, more_groups=more
        ):
            results[result.property.name] = result
    return [results[prop.name] for prop in chosen]


# Which of a clause's outcomes from several groups speaks for it: a failure anywhere, then
# a pass, then differences it could not be judged apart from, then reached only where the
# target does not support it, then not reached at all.
_PRECEDENCE = ("fail", "pass", "explained", "unsupported", "not-run")


def _rank(outcome: ClauseOutcome) -> int:
    if outcome.verdict == "not-run" and outcome.explained_by:
        return _PRECEDENCE.index("explained")
    return _PRECEDENCE.index(outcome.verdict)


def clause_verdicts(
    target: Target, results: list[PropertyResult], clauses: Iterable[Clause] = CLAUSES
) -> list[ClauseResult]:
    """Each clause's verdict from its outcomes in the groups that judged it: the
    examples are the scenarios of its regime, over all groups. A clause that explains
    the differences of one of `clauses` is given too, chosen or not: its failure is why
    that clause could not be judged."""
    by_clause: dict[str, dict[int, ClauseOutcome]] = {}
    # the callbacks whose properties checking a clause did not run, and why
    unrun: dict[str, dict[str, str]] = {}
    for result in results:
        for clause_id, outcome in result.clauses.items():
            by_clause.setdefault(clause_id, {})[id(outcome)] = outcome
            if result.verdict == "not-run":
                unrun.setdefault(clause_id, {})[result.property.callback] = result.reason
    chosen = {clause.id for clause in clauses}
    explaining = {
        other
        for clause_id in chosen
        for outcome in by_clause.get(clause_id, {}).values()
        for other in outcome.explained_by
    }
    verdicts = []
    for clause in (c for c in CLAUSES if c.id in chosen | explaining):
        outcomes = list(by_clause.get(clause.id, {}).values())
        if not outcomes:
            verdicts.append(ClauseResult(clause, "not-run", 0, _unchecked_reason(clause), None))
            continue
        speaking = min(outcomes, key=_rank)
        # A pass counts the runs it was judged on, not those of a group that could not
        # judge it apart.
        examples = sum(o.examples for o in outcomes if _rank(o) == _rank(speaking))
        left_out = sum(outcome.left_out for outcome in outcomes)
        reason = speaking.reason
        if speaking.verdict == "pass" and clause.id in unrun:
            reason = " — ".join(filter(None, [_partly_judged(unrun[clause.id]), reason]))
        verdicts.append(
            ClauseResult(
                clause,
                speaking.verdict,
                examples,
                reason,
                speaking.counterexample,
                left_out=left_out,
            )
        )
    return verdicts


def _partly_judged(unrun: dict[str, str]) -> str:
    """A pass judged by some callbacks' properties only: which did not run, and why."""
    said = "; ".join(f"{callback}'s did not run ({why})" for callback, why in unrun.items())
    return f"judged only by the properties that ran: {said}"


def _unchecked_reason(clause: Clause) -> str:
    """Why no property checks `clause`: a rule the suite does not model, a rule of the fit
    loop (not the target's), or a gap in the suite."""
    if clause.level == "out-of-scope":
        return f"out of scope: {clause.statement.removeprefix('Out of scope: ')}"
    if clause.callback == "fit":
        return FIT_LOOP_REASON
    return "no property checks this clause yet"

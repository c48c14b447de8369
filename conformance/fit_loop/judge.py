"""A verdict per `fit.*` clause (docs/fit.md) for the installed Keras's `fit`, judged
against the loop the suite simulates (Keras 3.15.1's, `conformance.harness.fit`).

The suite's callbacks run under the simulated loop whatever Keras is installed, so a
change in how `fit` drives callbacks (logs passed as the caller's own dict, numpy values
in the logs, a batch end given the begin index) never shows in a callback clause. Here
both loops are recorded for the same drawn run shapes (`conformance.fit_loop.record`),
and each clause compares only its own part of the two records, on the shapes where it
decides (its `Part`): a batch end given the begin index fails the index rule, not the
hook order. A failing clause's witness is the smallest shape found where its part
differs, shown as the two records' difference.

    callback-conformance fit-loop [--examples N] [--json PATH]
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from hypothesis import HealthCheck, find, given, settings
from hypothesis.errors import NoSuchExample

from conformance.clauses import CLAUSES
from conformance.fit_loop.record import (
    ADDED_BY,
    Event,
    Record,
    Shape,
    diff,
    record_harness,
    record_real_fit,
    shapes,
)

SCHEMA = "callback-conformance/fit-loop/1"
EXAMPLES = 100  # drawn shapes: a real fit costs 0.1-0.2 s
SHRINK_EXAMPLES = 300  # the search for a failing clause's smallest shape
NOTES = ("set_model", "set_params")  # recorded calls that are not hook dispatches
ADDED = frozenset(ADDED_BY.values())
TRAIN_BATCH_HOOKS = ("on_train_batch_begin", "on_train_batch_end")
NOT_EXERCISED = {
    "fit.logs.nested-dicts-flattened": (
        "not exercised: the recorded model logs only `loss`, never a dict-valued entry"
        " (tests/suite/test_harness_fit.py checks it against Keras's pythonify_logs)"
    ),
}


def _hooks(record: Record) -> list[Event]:
    """The first recorder's hook dispatches (the calls without logs left out)."""
    return [e for e in record.events if e.recorder == "first" and e.hook not in NOTES]


def _keys(event: Event) -> tuple[str, ...]:
    return tuple(key for key, _, _ in event.logs)


def _after_stop(record: Record) -> list[tuple[int, str]]:
    """(fit, hook) of the first recorder's dispatches after the one that set
    `stop_training`, in each fit."""
    after: list[tuple[int, str]] = []
    stopped: set[int] = set()
    for event in _hooks(record):
        if event.fit in stopped:
            after.append((event.fit, event.hook))
        elif event.stop_training:
            stopped.add(event.fit)
    return after


def _stops(shape: Shape) -> bool:
    return shape.stop_at is not None and shape.raise_at is None


def _ends_by_itself(shape: Shape) -> bool:
    """Neither stopped nor raised: what a run holds is not cut short by another rule."""
    return shape.stop_at is None and shape.raise_at is None


def _runs_through(shape: Shape) -> bool:
    """Ends by itself after an epoch at least (whether a fit with no epoch to run ends
    well is the train-end rule's: Keras 3.0's raises UnboundLocalError)."""
    return _ends_by_itself(shape) and shape.epochs > shape.initial_epoch


def _validates_through(shape: Shape) -> bool:
    return shape.validation and _runs_through(shape)


@dataclass(frozen=True)
class Part:
    """How a clause is judged: on which shapes it decides, and what of a record it is
    about (two records agree on the clause when their projections are equal)."""

    project: Callable[[Record], Hashable]
    applies: Callable[[Shape], bool] = _runs_through


PARTS: dict[str, Part] = {
    "fit.callbacks.history-after-user": Part(lambda r: r.histories),
    # Which hooks the second callback got the first's very dict in, and which of the
    # keys the callbacks add each saw: sets, so that an order difference is not this rule's.
    "fit.logs.shared-per-dispatch": Part(
        lambda r: frozenset(
            (e.recorder, e.hook, e.shared, frozenset(_keys(e)) & ADDED)
            for e in r.events
            if e.hook not in NOTES
        ),
        lambda shape: bool(shape.mutators) and _runs_through(shape),
    ),
    "fit.logs.sorted-keys": Part(
        lambda r: frozenset(e.hook for e in _hooks(r) if list(_keys(e)) != sorted(_keys(e)))
    ),
    "fit.logs.scalars-are-floats": Part(
        lambda r: frozenset((e.hook, type_name) for e in _hooks(r) for _, type_name, _ in e.logs)
    ),
    "fit.callbacks.set-model-then-params": Part(
        lambda r: tuple(
            (e.fit, e.hook)
            for e in r.events
            if e.recorder == "first" and e.hook in (*NOTES, "on_train_begin", "on_test_begin")
        ),
        lambda shape: True,  # a stop or a raise leaves the calls before on_train_begin
    ),
    "fit.hooks.order": Part(lambda r: tuple((e.fit, e.hook) for e in _hooks(r))),
    "fit.hooks.absolute-epoch": Part(
        lambda r: tuple((e.fit, e.hook, e.index) for e in _hooks(r) if "epoch" in e.hook),
        _ends_by_itself,
    ),
    "fit.stop-training.read-after-batch-and-epoch-end": Part(
        lambda r: tuple(
            (fit, hook)
            for fit, hook in _after_stop(r)
            if hook in ("on_train_batch_begin", "on_epoch_begin")
        ),
        _stops,
    ),
    "fit.stop-training.epoch-completes": Part(
        lambda r: tuple(
            (fit, hook) for fit, hook in _after_stop(r) if hook in ("on_test_begin", "on_epoch_end")
        ),
        lambda shape: (
            _stops(shape) and shape.stop_at is not None and shape.stop_at[0] in TRAIN_BATCH_HOOKS
        ),
    ),
    "fit.steps-per-execution.batch-indices": Part(
        lambda r: tuple((e.fit, e.hook, e.index) for e in _hooks(r) if "batch" in e.hook)
    ),
    "fit.validation.cadence": Part(
        lambda r: tuple(
            (e.fit, e.index, any(key.startswith("val_") for key in _keys(e)))
            for e in _hooks(r)
            if e.hook == "on_epoch_end"
        ),
        _validates_through,
    ),
    "fit.validation.evaluate-hooks": Part(
        lambda r: tuple(
            (e.fit, e.hook, tuple(key for key in _keys(e) if key not in ADDED))
            for e in _hooks(r)
            if "test" in e.hook
        ),
        _validates_through,
    ),
    "fit.logs.running-metrics": Part(
        lambda r: tuple(
            (e.fit, e.hook, dict((key, value) for key, _, value in e.logs).get("loss"))
            for e in _hooks(r)
            if e.hook.endswith("_end") and e.hook != "on_train_end"
        )
    ),
    "fit.train-end.last-epoch-logs": Part(
        lambda r: tuple(
            (e.fit, tuple((key, value) for key, _, value in e.logs))
            for e in _hooks(r)
            if e.hook == "on_train_end"
        ),
        _ends_by_itself,
    ),
    "fit.exceptions.skip-train-end": Part(
        lambda r: (r.exceptions, tuple(e.fit for e in _hooks(r) if e.hook == "on_train_end")),
        lambda shape: shape.raise_at is not None and shape.epochs > shape.initial_epoch,
    ),
}


@dataclass(frozen=True)
class FitLoopVerdict:
    """One `fit.*` clause's verdict for the installed Keras."""

    clause: str
    verdict: str  # "pass", "fail" or "not-run"
    shapes: int  # the drawn shapes it was judged on
    reason: str
    witness: Shape | None = None
    records: str = ""  # the two records of the witness, as a unified diff

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["witness"] = None if self.witness is None else asdict(self.witness)
        return data


def _differs(part: Part, shape: Shape, loop: type | None) -> bool:
    return part.project(record_real_fit(shape)) != part.project(record_harness(shape, loop))


def drawn_shapes(examples: int = EXAMPLES) -> list[Shape]:
    """`examples` run shapes, the same on every run (derandomized)."""
    drawn: list[Shape] = []

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(shapes())
    def collect(shape: Shape) -> None:
        drawn.append(shape)

    collect()
    return drawn


def _smallest(part: Part, loop: type | None, found: Shape) -> Shape:
    """The smallest shape Hypothesis finds where `part` differs (`found` if none)."""
    try:
        return find(
            shapes(),
            lambda shape: part.applies(shape) and _differs(part, shape, loop),
            settings=settings(
                max_examples=SHRINK_EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            ),
        )
    except NoSuchExample:
        return found


def judge(examples: int = EXAMPLES, loop: type | None = None) -> list[FitLoopVerdict]:
    """Every `fit.*` clause's verdict: the installed Keras's `fit` against the simulated
    loop (or `loop` in its place: a deliberately wrong loop, for the suite's own tests)."""
    drawn = drawn_shapes(examples)
    verdicts = []
    for clause in (c for c in CLAUSES if c.callback == "fit"):
        part = PARTS.get(clause.id)
        if part is None:
            reason = NOT_EXERCISED.get(clause.id) or (
                f"out of scope: {clause.statement.removeprefix('Out of scope: ')}"
            )
            verdicts.append(FitLoopVerdict(clause.id, "not-run", 0, reason))
            continue
        judged = [shape for shape in drawn if part.applies(shape)]
        differing = next((shape for shape in judged if _differs(part, shape, loop)), None)
        if differing is None:
            verdicts.append(FitLoopVerdict(clause.id, "pass", len(judged), ""))
            continue
        witness = _smallest(part, loop, differing)
        real, simulated = record_real_fit(witness), record_harness(witness, loop)
        reason = _differing(part.project(real), part.project(simulated))
        verdicts.append(
            FitLoopVerdict(clause.id, "fail", len(judged), reason, witness, diff(real, simulated))
        )
    return verdicts


def _differing(installed: Hashable, simulated: Hashable) -> str:
    """How the two records differ in a clause's part, in words (for a set, what is in one
    only)."""
    if isinstance(installed, frozenset) and isinstance(simulated, frozenset):
        only_installed = sorted(map(repr, installed - simulated))
        only_simulated = sorted(map(repr, simulated - installed))
        return (
            f"the installed Keras's fit has {', '.join(only_installed) or 'nothing more'}"
            f" where Keras 3.15.1's has {', '.join(only_simulated) or 'nothing more'}"
        )
    return f"the installed Keras's fit gives {installed!r} where Keras 3.15.1's gives {simulated!r}"


def report(verdicts: Iterable[FitLoopVerdict], keras_version: str, examples: int) -> str:
    """The verdicts as JSON (schema `callback-conformance/fit-loop/1`)."""
    data = {
        "schema": SCHEMA,
        "keras": keras_version,
        "examples": examples,
        "clauses": [verdict.to_json() for verdict in verdicts],
    }
    return json.dumps(data, indent=2, default=repr) + "\n"

"""Record a real `keras.Model.fit` (the installed Keras, jax backend) and the harness's
`simulate_fit` hook by hook, for the same run *shape*, and compare the records: the
fidelity tests (tests/suite/test_fidelity.py) and the fit loop judged per Keras version
(`conformance.fit_loop.judge`).

A record is what callbacks can observe of the loop: per hook dispatch, the hook, its index
argument, the `logs` keys (in order), value types and values, whether the second of two
recording callbacks got the *same dict object* as the first, and `model.stop_training` after
the hook; the first recorder's `set_model` and `set_params` calls; the `params` it was given,
which fit raised, and what History recorded (keys and values).

Values are made comparable by making the real model's losses known: a zero-initialised
`Dense` trained by SGD at rate 0 predicts 0, so with batches of one sample each step's loss is
`y**2`, and the reported loss is its running mean in float32 (Keras's `Mean`). The harness
plan gets those running means, computed here from the data (`running_means`), as its
`batch_metrics`.

Known, deliberate differences between the two call lists, handled here:

* The real fit's list is `[first, second, History]` (verbose=0: no ProgbarLogger). The harness's
  is `[first, StopRequester, History]`; the second recorder is put in the History slot by
  patching `conformance.harness.fit.History` with a recorder that is also the harness's History
  (so sharing, and History seeing what the first recorder added, are observed through it). In
  both lists the first and second recorders are separated from the loop in the same way, and
  the StopRequester of a plan without a requested stop does nothing.
* The real `on_train_batch_end` logs hold the compiled metrics, only `loss` for this model; the
  plan's metrics are built with the same key.
* On the jax backend `CallbackList` may dispatch batch-end hooks on a thread pool when no
  callback overrides them (keras 3.15.1 `CallbackList._configure_async_dispatch`). The recorder
  overrides every hook, so the real fit dispatches synchronously and the record is ordered;
  the harness does not model async dispatch (out of scope: it is invisible to a callback that
  overrides the hook it would observe it from).
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock

import keras
import numpy as np
from hypothesis import strategies as st

from conformance.harness import fit as harness_fit
from conformance.harness.fit import EpochPlan, FitPlan, FitRecord, simulate_fit
from conformance.harness.sim_model import ModelSpec, SimModel

ADDED_BY = {"first": "added_by_first", "second": "added_by_second"}  # keys mutators add
TRAIN_TARGETS = (0.5, 1.0, 1.5, 2.0)  # y of training sample i is TRAIN_TARGETS[i % 4]
VALIDATION_TARGETS = (1.0, 2.0, 0.5)  # exact squares, exact float32 sums


class InjectedError(Exception):
    """What the first recorder raises at the chosen hook occurrence."""


@dataclass(frozen=True)
class Shape:
    """A run shape: everything about a `fit` call that the loop's hook protocol depends on.

    `epochs` is `fit`'s argument (epochs `initial_epoch .. epochs-1` run); `stop_at` and
    `raise_at` are `(hook, occurrence)` with the occurrence counted from 0 over the first
    recorder's life (across both fits when `two_fits`). `mutators` name the recorders that
    change the logs they get at every hook: "first" adds a key, "second" adds a key and
    negates `loss`."""

    epochs: int = 1
    initial_epoch: int = 0
    batches: int = 1
    steps_per_execution: int = 1
    validation: bool = False
    validation_freq: int | tuple[int, ...] = 1
    validation_batches: int = 1
    stop_at: tuple[str, int] | None = None
    raise_at: tuple[str, int] | None = None
    mutators: tuple[str, ...] = ()
    two_fits: bool = False

    def validates(self, epoch: int) -> bool:
        """Keras's `_should_eval`: does validation run after (absolute) `epoch`?"""
        if not self.validation:
            return False
        if isinstance(self.validation_freq, int):
            return (epoch + 1) % self.validation_freq == 0
        return epoch + 1 in self.validation_freq


HOOK_OCCURRENCES = st.tuples(st.sampled_from(harness_fit.HOOKS), st.integers(0, 3))
MUTATORS = ((), ("first",), ("second",), ("first", "second"))


@st.composite
def shapes(draw: st.DrawFn) -> Shape:
    """Run shapes: epochs 1-4 from initial_epoch 0-2 (so sometimes none run), 1-5 batches,
    steps_per_execution 1-3, validation with an int or list `validation_freq`, a stop and a
    raise at some hook occurrence, logs mutated by either callback or both, and a second fit
    with the same callbacks."""
    validation = draw(st.booleans(), label="validation")
    freq = draw(
        st.one_of(
            st.integers(1, 2),
            st.lists(st.integers(1, 4), max_size=3, unique=True).map(lambda v: tuple(sorted(v))),
        ),
        label="validation_freq",
    )
    return Shape(
        epochs=draw(st.integers(1, 4), label="epochs"),
        initial_epoch=draw(st.integers(0, 2), label="initial_epoch"),
        batches=draw(st.integers(1, 5), label="batches"),
        steps_per_execution=draw(st.integers(1, 3), label="steps_per_execution"),
        validation=validation,
        validation_freq=freq,
        validation_batches=draw(st.integers(1, 3), label="validation_batches"),
        stop_at=draw(st.none() | HOOK_OCCURRENCES, label="stop_at"),
        raise_at=draw(st.none() | HOOK_OCCURRENCES, label="raise_at"),
        mutators=draw(st.sampled_from(MUTATORS), label="mutators"),
        two_fits=draw(st.booleans(), label="two_fits"),
    )


@dataclass(frozen=True)
class Event:
    """One thing a recorder saw. `shared` is, for the second recorder, whether its `logs` is
    the very object the first recorder got in the same dispatch (None for the first)."""

    fit: int
    recorder: str
    hook: str
    index: int | None
    logs: tuple[tuple[str, str, Any], ...]  # (key, type name, value), in the dict's order
    shared: bool | None
    stop_training: bool
    raised: bool = False

    def line(self) -> str:
        arg = "" if self.index is None else str(self.index)
        logs = ", ".join(f"{k}:{t}={v!r}" for k, t, v in self.logs)
        extra = "" if self.shared is None else f" shared={self.shared}"
        raised = " RAISED" if self.raised else ""
        return (
            f"fit{self.fit} {self.recorder:6} {self.hook}({arg}) {{{logs}}}"
            f"{extra} stop={self.stop_training}{raised}"
        )


@dataclass(frozen=True)
class Record:
    """What one run of a shape showed, in a comparable form."""

    events: tuple[Event, ...]
    params: tuple[tuple[tuple[str, Any], ...], ...]  # per fit, as the first recorder got them
    exceptions: tuple[tuple[int, str], ...]  # (fit, exception type) per fit that raised
    histories: tuple[tuple[tuple[str, tuple[Any, ...]], ...], ...]  # per fit, sorted by key

    def lines(self) -> list[str]:
        return (
            [e.line() for e in self.events]
            + [f"params {p}" for p in self.params]
            + [f"exception fit{f} {t}" for f, t in self.exceptions]
            + [f"history fit{n} {h}" for n, h in enumerate(self.histories)]
        )


def diff(real: Record, harness: Record) -> str:
    """A readable unified diff of two records (real fit first)."""
    return "\n".join(
        difflib.unified_diff(real.lines(), harness.lines(), "real fit", "harness", lineterm="")
    )


class RecordingCallback(keras.callbacks.Callback):
    """Records every hook it receives into a shared event list; the first of a pair can
    also stop training or raise at chosen occurrences; either can mutate its logs.

    Overriding `on_train_batch_end` and `on_test_batch_end` makes Keras dispatch them
    synchronously (no async batch-end thread), so the record is in call order."""

    def __init__(
        self,
        name: str,
        events: list[Event],
        fit_number: list[int],
        partner: RecordingCallback | None = None,
        stop_at: tuple[str, int] | None = None,
        raise_at: tuple[str, int] | None = None,
        mutates: bool = False,
    ) -> None:
        super().__init__()
        self.name = name
        self.events = events
        self.fit_number = fit_number  # a one-element list the driver bumps per fit
        self.partner = partner
        self.stop_at, self.raise_at, self.mutates = stop_at, raise_at, mutates
        self.counts: dict[str, int] = {}
        self.last_logs: Any = None  # kept alive, so `is` can't be fooled by id reuse
        self.params_seen: list[dict[str, Any]] = []

    def _note(self, hook: str) -> None:
        """Record a call that carries no logs (only the first recorder's: the harness calls
        `set_model` and `set_params` on the callback under test only)."""
        if self.partner is None:
            self.events.append(Event(self.fit_number[0], self.name, hook, None, (), None, False))

    def set_model(self, model: Any) -> None:
        super().set_model(model)
        self._note("set_model")

    def set_params(self, params: dict[str, Any]) -> None:
        super().set_params(params)
        self.params_seen.append(dict(params))
        self._note("set_params")

    def _mutate(self, logs: dict[str, Any]) -> None:
        logs[ADDED_BY[self.name]] = 1.0
        if self.name == "second" and "loss" in logs:
            logs["loss"] = -logs["loss"]

    def _hook(self, hook: str, index: int | None, logs: Any) -> None:
        occurrence = self.counts.get(hook, 0)
        self.counts[hook] = occurrence + 1
        self.last_logs = logs
        if self.mutates and isinstance(logs, dict):
            self._mutate(logs)
        if self.stop_at == (hook, occurrence):
            self.model.stop_training = True
        raising = self.raise_at == (hook, occurrence)
        items = list(logs.items()) if isinstance(logs, dict) else []
        self.events.append(
            Event(
                fit=self.fit_number[0],
                recorder=self.name,
                hook=hook,
                index=index,
                logs=tuple((k, type(v).__name__, v) for k, v in items),
                shared=None if self.partner is None else logs is self.partner.last_logs,
                stop_training=bool(self.model.stop_training),
                raised=raising,
            )
        )
        if raising:
            raise InjectedError(f"{hook} occurrence {occurrence}")

    def on_train_begin(self, logs: Any = None) -> None:
        self._hook("on_train_begin", None, logs)

    def on_train_end(self, logs: Any = None) -> None:
        self._hook("on_train_end", None, logs)

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        self._hook("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        self._hook("on_epoch_end", epoch, logs)

    def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._hook("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        self._hook("on_train_batch_end", batch, logs)

    def on_test_begin(self, logs: Any = None) -> None:
        self._hook("on_test_begin", None, logs)

    def on_test_end(self, logs: Any = None) -> None:
        self._hook("on_test_end", None, logs)

    def on_test_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._hook("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch: int, logs: Any = None) -> None:
        self._hook("on_test_batch_end", batch, logs)


def _first(shape: Shape, events: list[Event], fit_number: list[int]) -> RecordingCallback:
    return RecordingCallback(
        "first",
        events,
        fit_number,
        stop_at=shape.stop_at,
        raise_at=shape.raise_at,
        mutates="first" in shape.mutators,
    )


def _second(
    cls: type[RecordingCallback], shape: Shape, events: list[Event], fit_number: list[int], first
) -> RecordingCallback:
    return cls("second", events, fit_number, partner=first, mutates="second" in shape.mutators)


def _record(
    events: list[Event],
    first: RecordingCallback,
    exceptions: list[tuple[int, str]],
    histories: list[dict[str, list[Any]]],
) -> Record:
    return Record(
        events=tuple(events),
        params=tuple(tuple(sorted(p.items())) for p in first.params_seen),
        exceptions=tuple(exceptions),
        histories=tuple(tuple((k, tuple(h[k])) for k in sorted(h)) for h in histories),
    )


# --- the real fit ---------------------------------------------------------------------


def _data(n: int, targets: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    y = np.array([[targets[i % len(targets)]] for i in range(n)], dtype="float32")
    return np.zeros((n, 2), dtype="float32"), y


def _real_model(steps_per_execution: int) -> keras.Model:
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(
        optimizer=keras.optimizers.SGD(0.0), loss="mse", steps_per_execution=steps_per_execution
    )
    return model


@functools.cache
def record_real_fit(shape: Shape) -> Record:
    """Run `shape` through a real `keras.Model.fit` with two recorders; cached per shape
    (a real fit costs tens of milliseconds plus compilation)."""
    model = _real_model(shape.steps_per_execution)
    events: list[Event] = []
    fit_number = [0]
    first = _first(shape, events, fit_number)
    second = _second(RecordingCallback, shape, events, fit_number, first)
    exceptions: list[tuple[int, str]] = []
    histories: list[dict[str, list[Any]]] = []
    x, y = _data(shape.batches, TRAIN_TARGETS)
    validation_data = (
        _data(shape.validation_batches, VALIDATION_TARGETS) if shape.validation else None
    )
    freq = shape.validation_freq
    for number in range(2 if shape.two_fits else 1):
        fit_number[0] = number
        try:
            model.fit(
                x,
                y,
                batch_size=1,
                epochs=shape.epochs,
                initial_epoch=shape.initial_epoch,
                validation_data=validation_data,
                validation_freq=list(freq) if isinstance(freq, tuple) else freq,
                shuffle=False,
                callbacks=[first, second],
                verbose=0,
            )
        except Exception as error:  # the injected one, or the version's own (Keras 3.0's
            # fit raises UnboundLocalError when no epoch runs)
            exceptions.append((number, type(error).__name__))
        history = getattr(model, "history", None)
        histories.append(dict(history.history) if history is not None else {})
    return _record(events, first, exceptions, histories)


# --- the harness ----------------------------------------------------------------------


def running_means(
    samples: int, targets: tuple[float, ...], per_execution: int
) -> list[dict[str, float]]:
    """The `loss` a real fit reports after each execution over `samples` one-sample batches
    with targets `targets` and predictions 0: the float32 mean of `y**2` so far."""
    losses = [np.float32(targets[i % len(targets)]) ** 2 for i in range(samples)]
    means = []
    for end in range(per_execution, samples + per_execution, per_execution):
        seen = losses[: min(end, samples)]
        total = np.float32(sum(seen, np.float32(0)))
        means.append({"loss": float(total / np.float32(len(seen)))})
    return means


def fit_plan(shape: Shape) -> FitPlan:
    """The harness plan of `shape`: one EpochPlan per epoch that runs, with the real fit's
    running losses, validating on the epochs `validation_freq` selects."""
    train = running_means(shape.batches, TRAIN_TARGETS, shape.steps_per_execution)
    test = running_means(shape.validation_batches, VALIDATION_TARGETS, shape.steps_per_execution)
    return FitPlan(
        epochs=[
            EpochPlan(
                dict(train[-1]),
                batches=shape.batches,
                validation=dict(test[-1]) if shape.validates(epoch) else None,
                validation_batches=shape.validation_batches,
                batch_metrics=train,
                validation_batch_metrics=test,
            )
            for epoch in range(shape.initial_epoch, shape.epochs)
        ],
        initial_epoch=shape.initial_epoch,
        steps_per_execution=shape.steps_per_execution,
    )


_HarnessHistory = harness_fit.History  # the real one, before any patching


class _SecondAsHistory(RecordingCallback, _HarnessHistory):
    """The second recorder in the harness's History slot: it records, then is History."""

    def __init__(self, name: str, events: list[Event], fit_number: list[int], **kwargs: Any):
        RecordingCallback.__init__(self, name, events, fit_number, **kwargs)
        _HarnessHistory.__init__(self)

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        RecordingCallback.on_epoch_end(self, epoch, logs)
        _HarnessHistory.on_epoch_end(self, epoch, logs)


@contextmanager
def _patched(name: str, value: Any) -> Iterator[None]:
    """`conformance.harness.fit.<name>` replaced by `value` (kept when `value` is None)."""
    if value is None:
        yield
        return
    with mock.patch.object(harness_fit, name, value):
        yield


def record_harness(shape: Shape, loop: type | None = None) -> Record:
    """Run `shape` through `simulate_fit` (optionally with a replacement loop class, for
    the deliberately wrong variants) with the same two recorders."""
    model = SimModel(ModelSpec())
    events: list[Event] = []
    fit_number = [0]
    first = _first(shape, events, fit_number)
    exceptions: list[tuple[int, str]] = []
    histories: list[dict[str, list[Any]]] = []
    for number in range(2 if shape.two_fits else 1):
        fit_number[0] = number
        record = FitRecord()

        def second_as_history() -> RecordingCallback:
            second = _second(_SecondAsHistory, shape, events, fit_number, first)
            second._model = model  # the harness never calls History's set_model; Keras does
            return second

        try:
            with _patched("History", second_as_history), _patched("FitLoop", loop):
                simulate_fit(first, model, fit_plan(shape), record)
        except InjectedError as error:
            exceptions.append((number, type(error).__name__))
        histories.append(dict(record.history))
    return _record(events, first, exceptions, histories)


def validation_keys_where_expected(shape: Shape, record: Record) -> list[str]:
    """Problems with `val_` keys: they must appear in `on_epoch_end` logs exactly on the
    epochs `validation_freq` selects (fit.validation.cadence); empty when all is well."""
    problems = []
    for event in record.events:
        if event.hook != "on_epoch_end":
            continue
        has_val = any(k.startswith("val_") for k, _, _ in event.logs)
        if has_val != shape.validates(event.index or 0):
            problems.append(event.line())
    return problems

"""Fidelity of the simulated fit: record a real `keras.Model.fit` (jax backend) and the
harness's `simulate_fit` hook by hook, for the same run *shape*, and compare the records.

A record is what callbacks can observe of the loop: per hook dispatch, the hook, its index
argument, the `logs` keys (in order) and value types, whether the second of two recording
callbacks got the *same dict object* as the first, and `model.stop_training` after the hook;
plus the `params` the first recorder was given, which hook raised, and the keys History
recorded. Metric *values* are not compared: real training values differ from a plan's.

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

from conformance.harness import fit as harness_fit
from conformance.harness.fit import EpochPlan, FitPlan, FitRecord, simulate_fit
from conformance.harness.sim_model import ModelSpec, SimModel

HOOKS: tuple[str, ...] = (
    "on_train_begin",
    "on_epoch_begin",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_begin",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_test_end",
    "on_epoch_end",
    "on_train_end",
)
ADDED_KEY = "added_by_first"  # what the first recorder adds to the epoch-end logs


class InjectedError(Exception):
    """What the first recorder raises at the chosen hook occurrence."""


@dataclass(frozen=True)
class Shape:
    """A run shape: everything about a `fit` call that the loop's hook protocol depends on.

    `epochs` is `fit`'s argument (epochs `initial_epoch .. epochs-1` run); `stop_at` and
    `raise_at` are `(hook, occurrence)` with the occurrence counted from 0 over the first
    recorder's life (across both fits when `two_fits`)."""

    epochs: int = 1
    initial_epoch: int = 0
    batches: int = 1
    steps_per_execution: int = 1
    validation: bool = False
    validation_freq: int | tuple[int, ...] = 1
    validation_batches: int = 1
    stop_at: tuple[str, int] | None = None
    raise_at: tuple[str, int] | None = None
    mutate_logs: bool = False
    two_fits: bool = False

    def validates(self, epoch: int) -> bool:
        """Keras's `_should_eval`: does validation run after (absolute) `epoch`?"""
        if not self.validation:
            return False
        if isinstance(self.validation_freq, int):
            return (epoch + 1) % self.validation_freq == 0
        return epoch + 1 in self.validation_freq


@dataclass(frozen=True)
class Event:
    """One thing a recorder saw. `shared` is, for the second recorder, whether its `logs` is
    the very object the first recorder got in the same dispatch (None for the first)."""

    fit: int
    recorder: str
    hook: str
    index: int | None
    keys: tuple[str, ...]
    types: tuple[str, ...]
    shared: bool | None
    stop_training: bool
    raised: bool = False

    def line(self) -> str:
        arg = "" if self.index is None else str(self.index)
        logs = ", ".join(f"{k}:{t}" for k, t in zip(self.keys, self.types, strict=True))
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
    history_keys: tuple[tuple[str, ...], ...]  # per fit, sorted keys History recorded
    history_lengths: tuple[tuple[int, ...], ...]  # per fit, entries per key

    def lines(self) -> list[str]:
        return (
            [e.line() for e in self.events]
            + [f"params {p}" for p in self.params]
            + [f"exception fit{f} {t}" for f, t in self.exceptions]
            + [
                f"history {k} {n}"
                for k, n in zip(self.history_keys, self.history_lengths, strict=True)
            ]
        )


def diff(real: Record, harness: Record) -> str:
    """A readable unified diff of two records (real fit first)."""
    return "\n".join(
        difflib.unified_diff(real.lines(), harness.lines(), "real fit", "harness", lineterm="")
    )


class RecordingCallback(keras.callbacks.Callback):
    """Records every hook it receives into a shared event list; the first of a pair can
    also stop training, raise, or add a key to the epoch-end logs, at chosen occurrences.

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
        mutate_logs: bool = False,
    ) -> None:
        super().__init__()
        self.name = name
        self.events = events
        self.fit_number = fit_number  # a one-element list the driver bumps per fit
        self.partner = partner
        self.stop_at, self.raise_at, self.mutate_logs = stop_at, raise_at, mutate_logs
        self.counts: dict[str, int] = {}
        self.last_logs: Any = None  # kept alive, so `is` can't be fooled by id reuse
        self.params_seen: list[dict[str, Any]] = []

    def set_params(self, params: dict[str, Any]) -> None:
        super().set_params(params)
        self.params_seen.append(dict(params))

    def _hook(self, hook: str, index: int | None, logs: Any) -> None:
        occurrence = self.counts.get(hook, 0)
        self.counts[hook] = occurrence + 1
        self.last_logs = logs
        if self.mutate_logs and hook == "on_epoch_end" and isinstance(logs, dict):
            logs[ADDED_KEY] = 1.0
        if self.stop_at == (hook, occurrence):
            self.model.stop_training = True
        raising = self.raise_at == (hook, occurrence)
        items = list((logs or {}).items()) if isinstance(logs, dict) else []
        self.events.append(
            Event(
                fit=self.fit_number[0],
                recorder=self.name,
                hook=hook,
                index=index,
                keys=tuple(k for k, _ in items),
                types=tuple(type(v).__name__ for _, v in items),
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


def _pair(shape: Shape, events: list[Event], fit_number: list[int]) -> RecordingCallback:
    return RecordingCallback(
        "first",
        events,
        fit_number,
        stop_at=shape.stop_at,
        raise_at=shape.raise_at,
        mutate_logs=shape.mutate_logs,
    )


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
        history_keys=tuple(tuple(sorted(h)) for h in histories),
        history_lengths=tuple(tuple(len(h[k]) for k in sorted(h)) for h in histories),
    )


# --- the real fit ---------------------------------------------------------------------


@functools.cache
def _data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 2)).astype("float32"), rng.normal(size=(n, 1)).astype("float32")


def _real_model(steps_per_execution: int) -> keras.Model:
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(
        optimizer=keras.optimizers.SGD(0.01), loss="mse", steps_per_execution=steps_per_execution
    )
    return model


@functools.cache
def record_real_fit(shape: Shape) -> Record:
    """Run `shape` through a real `keras.Model.fit` with two recorders; cached per shape
    (a real fit costs tens of milliseconds plus compilation)."""
    model = _real_model(shape.steps_per_execution)
    events: list[Event] = []
    fit_number = [0]
    first = _pair(shape, events, fit_number)
    second = RecordingCallback("second", events, fit_number, partner=first)
    exceptions: list[tuple[int, str]] = []
    histories: list[dict[str, list[Any]]] = []
    x, y = _data(shape.batches, 0)
    validation_data = _data(shape.validation_batches, 1) if shape.validation else None
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
        except InjectedError as error:
            exceptions.append((number, type(error).__name__))
        history = getattr(model, "history", None)
        histories.append(dict(history.history) if history is not None else {})
    return _record(events, first, exceptions, histories)


# --- the harness ----------------------------------------------------------------------

TRAIN_METRICS = {"loss": 0.5}  # the compiled metrics of the real model: loss only
VALIDATION_METRICS = {"loss": 0.25}


def fit_plan(shape: Shape) -> FitPlan:
    """The harness plan of `shape`: one EpochPlan per epoch that runs, validating on the
    epochs `validation_freq` selects."""
    return FitPlan(
        epochs=[
            EpochPlan(
                dict(TRAIN_METRICS),
                batches=shape.batches,
                validation=dict(VALIDATION_METRICS) if shape.validates(epoch) else None,
                validation_batches=shape.validation_batches,
            )
            for epoch in range(shape.initial_epoch, shape.epochs)
        ],
        initial_epoch=shape.initial_epoch,
        steps_per_execution=shape.steps_per_execution,
    )


_HarnessHistory = harness_fit.History  # the real one, before any patching


class _SecondAsHistory(RecordingCallback, _HarnessHistory):
    """The second recorder in the harness's History slot: it records, then is History."""

    def __init__(self, events: list[Event], fit_number: list[int], first: Any, model: Any):
        RecordingCallback.__init__(self, "second", events, fit_number, partner=first)
        _HarnessHistory.__init__(self)
        self._model = model  # the harness calls set_model on History never; Keras does

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        RecordingCallback.on_epoch_end(self, epoch, logs)
        _HarnessHistory.on_epoch_end(self, epoch, logs)


@contextmanager
def _second_in_history_slot(factory: Any) -> Iterator[None]:
    with mock.patch.object(harness_fit, "History", factory):
        yield


@contextmanager
def _loop_class(loop: type | None) -> Iterator[None]:
    if loop is None:
        yield
        return
    with mock.patch.object(harness_fit, "_Loop", loop):
        yield


def record_harness(shape: Shape, loop: type | None = None) -> Record:
    """Run `shape` through `simulate_fit` (optionally with a replacement loop class, for
    the deliberately wrong variants) with the same two recorders."""
    model = SimModel(ModelSpec())
    events: list[Event] = []
    fit_number = [0]
    first = _pair(shape, events, fit_number)
    exceptions: list[tuple[int, str]] = []
    histories: list[dict[str, list[Any]]] = []
    for number in range(2 if shape.two_fits else 1):
        fit_number[0] = number
        record = FitRecord()
        factory = functools.partial(_SecondAsHistory, events, fit_number, first, model)
        try:
            with _second_in_history_slot(factory), _loop_class(loop):
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
        has_val = any(k.startswith("val_") for k in event.keys)
        if has_val != shape.validates(event.index or 0):
            problems.append(event.line())
    return problems

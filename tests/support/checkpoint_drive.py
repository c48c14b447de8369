"""Drive a ModelCheckpoint through `fit`-shaped runs and record what a user could see.

The hook sequence is Keras 3.15.1's `fit` for one callback: `on_train_begin`, then per
epoch `on_epoch_begin`, per execution of `steps_per_execution` batches
`on_train_batch_begin(first)` / `on_train_batch_end(last)` with the *unclipped* last
index (a partial final execution still reports `first + N - 1`), then `on_epoch_end`;
`on_train_end` only if nothing raised. Logs are a fresh key-sorted dict per hook. An
exception ends that fit, and the next fit (same callback, same model) starts as a user
retrying would.

Everything observed is written relative to the run's root directory, shown as `<root>`,
so two implementations run in two directories can be compared as plain data.
"""

from __future__ import annotations

import contextlib
import io
import math
import warnings
from dataclasses import dataclass, field
from typing import Any

from tests.support.checkpoint_model import CheckpointModel, files_under

Logs = dict[str, Any] | None


@dataclass(frozen=True)
class Epoch:
    execution_logs: list[Logs]  # `on_train_batch_end` logs, one per execution
    epoch_logs: Logs  # `on_epoch_end` logs (val_* keys only on validation epochs)


@dataclass(frozen=True)
class Fit:
    epochs: list[Epoch]
    steps_per_epoch: int
    steps_per_execution: int = 1
    initial_epoch: int = 0

    def executions(self) -> list[tuple[int, int]]:
        """(begin, end) batch indices as Keras's EpochIterator yields them."""
        width = self.steps_per_execution
        return [(step, step + width - 1) for step in range(0, self.steps_per_epoch, width)]


def executions_per_epoch(steps_per_epoch: int, steps_per_execution: int) -> int:
    return math.ceil(steps_per_epoch / steps_per_execution)


@dataclass
class Observation:
    """What happened, hook by hook (only hooks where something happened), and after."""

    events: list[tuple[Any, ...]] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    best: str = ""


def _describe(value: Any) -> str:
    return f"{type(value).__name__}:{value!r}"


class _Recorder:
    def __init__(self, root: str, model: CheckpointModel) -> None:
        self.root = root
        self.model = model
        self.observation = Observation()

    def relative(self, text: str) -> str:
        return text.replace(self.root, "<root>")

    def call(self, callback: Any, hook: str, *args: Any, logs: Logs) -> bool:
        """Run one hook; record saves, warnings, stdout and errors. False if it raised."""
        calls_before = len(self.model.calls)
        out = io.StringIO()
        error: BaseException | None = None
        with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
            warnings.simplefilter("always")
            try:
                getattr(callback, hook)(*args, logs=logs)
            except Exception as raised:  # the observation is what was raised, and when
                error = raised
        happened: list[tuple[Any, ...]] = [
            (method, self.relative(path), kwargs)
            for method, path, kwargs in self.model.calls[calls_before:]
        ]
        happened += [
            ("warning", w.category.__name__, self.relative(str(w.message))) for w in caught
        ]
        if out.getvalue():
            happened.append(("stdout", self.relative(out.getvalue())))
        if error is not None:
            happened.append(("raised", type(error).__name__, self.relative(str(error))))
        if happened:
            self.observation.events.append((hook, *args, happened))
        return error is None


def drive(callback: Any, model: CheckpointModel, fits: list[Fit], root: str) -> Observation:
    recorder = _Recorder(root, model)
    for fit in fits:
        _fit(recorder, callback, model, fit)
    recorder.observation.files = files_under(root)
    recorder.observation.best = _describe(callback.best)
    return recorder.observation


def _fit(recorder: _Recorder, callback: Any, model: CheckpointModel, fit: Fit) -> None:
    callback.set_model(model)
    if not recorder.call(callback, "on_train_begin", logs={}):
        return
    last_logs: Logs = {}
    for offset, epoch_plan in enumerate(fit.epochs):
        epoch = fit.initial_epoch + offset
        if not recorder.call(callback, "on_epoch_begin", epoch, logs={}):
            return
        for (begin, end), logs in zip(fit.executions(), epoch_plan.execution_logs, strict=True):
            model.label = f"epoch {epoch} step {end}"
            if not recorder.call(callback, "on_train_batch_begin", begin, logs={}):
                return
            if not recorder.call(callback, "on_train_batch_end", end, logs=_fresh(logs)):
                return
        model.label = f"epoch {epoch} end"
        if not recorder.call(callback, "on_epoch_end", epoch, logs=_fresh(epoch_plan.epoch_logs)):
            return
        last_logs = epoch_plan.epoch_logs
    recorder.call(callback, "on_train_end", logs=_fresh(last_logs))


def _fresh(logs: Logs) -> Logs:
    """A new key-sorted dict per hook, as Keras's CallbackList hands over."""
    return None if logs is None else dict(sorted(logs.items()))

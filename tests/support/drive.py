"""Drive one callback through a `fit`-shaped run and record what a user could observe.

This is a small stand-in for the conformance harness (its own issue): the loop below
follows Keras 3.15.1's `fit` for one callback: `stop_training` reset before
`on_train_begin`, read after every batch end and every epoch end, `on_train_end` skipped
when a hook raises, logs handed over as a fresh dict per hook.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass, field
from typing import Any

from tests.support.stub_model import StubModel


@dataclass
class Run:
    """One training run: per epoch, its epoch-end logs (None: hand `logs=None`)."""

    epoch_logs: list[dict[str, Any] | None]
    initial_epoch: int = 0
    batches_per_epoch: int = 0
    stop_requested_after_epoch: int | None = None  # another callback sets stop_training


@dataclass
class Observation:
    hooks: list[tuple[str, int | None, bool]] = field(default_factory=list)
    logs_after: list[dict[str, Any] | None] = field(default_factory=list)
    model_calls: list[tuple[Any, ...]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    stdout: str = ""
    error: tuple[str, str] | None = None
    learning_rates: list[float] = field(default_factory=list)


def _call(
    obs: Observation, model: StubModel, callback: Any, hook: str, *args: Any, logs: Any = None
) -> None:
    getattr(callback, hook)(*args, logs=logs)
    obs.hooks.append((hook, args[0] if args else None, bool(model.stop_training)))
    obs.logs_after.append(None if logs is None else dict(logs))


def simulate_fit(
    callback: Any, model: StubModel, run: Run, obs: Observation | None = None
) -> Observation:
    """Run `callback` through `run` on `model`; several calls on one Observation chain fits."""
    obs = obs or Observation()
    out = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
        warnings.simplefilter("always")
        try:
            _fit(obs, callback, model, run)
        except Exception as error:  # the observation is what was raised, and when
            obs.error = (type(error).__name__, str(error))
    obs.warnings += [(w.category.__name__, str(w.message)) for w in caught]
    obs.stdout += out.getvalue()
    obs.model_calls = list(model.calls)
    return obs


def _fit(obs: Observation, callback: Any, model: StubModel, run: Run) -> None:
    callback.set_model(model)
    model.stop_training = False
    _call(obs, model, callback, "on_train_begin", logs={})
    last_logs: dict[str, Any] = {}
    for offset, logs in enumerate(run.epoch_logs):
        epoch = run.initial_epoch + offset
        _call(obs, model, callback, "on_epoch_begin", epoch, logs={})
        obs.learning_rates.append(float(model.optimizer.learning_rate))
        for batch in range(run.batches_per_epoch):
            _call(obs, model, callback, "on_train_batch_begin", batch, logs={})
            model.optimizer.iterations += 1
            _call(obs, model, callback, "on_train_batch_end", batch, logs=dict(logs or {}))
            if model.stop_training:
                break
        model.weights_label = float(epoch)
        _call(
            obs, model, callback, "on_epoch_end", epoch, logs=None if logs is None else dict(logs)
        )
        if run.stop_requested_after_epoch == epoch:
            model.stop_training = True
        last_logs = dict(logs or {})
        if model.stop_training:
            break
    _call(obs, model, callback, "on_train_end", logs=last_logs)

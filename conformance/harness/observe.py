"""Run a scenario on one implementation and observe everything a user could see.

A scenario is plain data: which callback, its constructor arguments, the model, and
one or more fits with the same instance. Paths in the arguments are relative to a
fresh run directory; the observation writes `<run>` for that directory, so two
implementations run in two directories observe the same text.
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from conformance.harness.events import Record, event_file_runs, read_records
from conformance.harness.fit import FitPlan, FitRecord, simulate_fit
from conformance.harness.sim_model import ModelSpec, SimModel, read_checkpoint, sim_model_class

PATH_ARGUMENTS = ("filepath", "log_dir")  # constructor arguments taken relative to the run dir
IGNORED_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, ResourceWarning)

ModelAdapter = Callable[[SimModel], SimModel]


@dataclass
class Scenario:
    callback: str  # "EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"
    config: dict[str, Any]
    model: ModelSpec = field(default_factory=ModelSpec)
    fits: list[FitPlan] = field(default_factory=list)


@dataclass
class Observation:
    constructed: bool = False
    hooks: list[tuple[str, int | None, bool]] = field(default_factory=list)
    learning_rates: list[tuple[float, ...]] = field(default_factory=list)
    history: dict[str, list[Any]] = field(default_factory=dict)
    model_calls: list[tuple[Any, ...]] = field(default_factory=list)
    final_weights: float = 0.0
    files: dict[str, str] = field(default_factory=dict)  # non-event files and what they hold
    event_files: list[str] = field(default_factory=list)  # run dir of each events file
    summaries: list[Record] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    stdout: str = ""
    error: tuple[str, str, str] | None = None  # type, message, the hook that raised

    def raised(self) -> tuple[str, str] | None:
        """What raised and in which hook, without the message (messages are cosmetic)."""
        return None if self.error is None else (self.error[0], self.error[2])

    def epochs_run(self) -> list[int]:
        return [
            index for hook, index, _ in self.hooks if hook == "on_epoch_end" and index is not None
        ]


def _constructor_arguments(config: dict[str, Any], run_dir: str) -> dict[str, Any]:
    arguments = {}
    for name, value in config.items():
        if name in PATH_ARGUMENTS and isinstance(value, str):
            value = os.path.join(run_dir, value)
        elif hasattr(value, "build"):  # a described schedule
            value = value.build()
        # A callback may consume its arguments (TensorBoard pops `embeddings_metadata`):
        # each run gets its own copy.
        arguments[name] = copy.deepcopy(value)
    return arguments


def _files(run_dir: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for directory, subdirectories, names in os.walk(run_dir):
        for name in subdirectories:
            found[os.path.relpath(os.path.join(directory, name), run_dir) + "/"] = "dir"
        for name in names:
            if "tfevents" in name:
                continue
            path = os.path.join(directory, name)
            try:
                content = read_checkpoint(path)
            except Exception:  # not a checkpoint: a projector config, or a stray file
                with open(path, "rb") as stray:
                    content = stray.read(2000).decode(errors="replace")
            found[os.path.relpath(path, run_dir)] = content
    return dict(sorted(found.items()))


def _relative(value: Any, run_dir: str) -> Any:
    """`value` with the run directory written as `<run>`, through containers."""
    if isinstance(value, str):
        return value.replace(run_dir, "<run>")
    if isinstance(value, tuple):
        return tuple(_relative(v, run_dir) for v in value)
    if isinstance(value, list):
        return [_relative(v, run_dir) for v in value]
    if isinstance(value, dict):
        return {k: _relative(v, run_dir) for k, v in value.items()}
    return value


def observe(
    callback_class: type,
    scenario: Scenario,
    adapt: ModelAdapter | None = None,
    cleanup: Callable[[Any], None] | None = None,
) -> Observation:
    """Construct `callback_class` from `scenario`, run its fits, and observe them.

    `cleanup(callback)` runs afterwards, whatever happened: a target whose callbacks
    leave process-wide state behind when they raise (Keras's TensorBoard leaves
    TensorFlow's default writer entered) restores it there."""
    with tempfile.TemporaryDirectory(prefix="conformance-") as run_dir:
        run_dir = os.path.realpath(run_dir)
        observation, record = Observation(), FitRecord()
        model = sim_model_class(scenario.model.class_name)(scenario.model)
        if adapt is not None:
            model = adapt(model)
        out = io.StringIO()
        with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
            warnings.simplefilter("always")
            callback = None
            try:
                record.current_hook = "__init__"
                callback = callback_class(**_constructor_arguments(scenario.config, run_dir))
                observation.constructed = True
                for plan in scenario.fits:
                    simulate_fit(callback, model, plan, record)
            except Exception as error:  # what raised, and where, is the observation
                observation.error = (type(error).__name__, str(error), record.current_hook)
            finally:
                if cleanup is not None and callback is not None:
                    cleanup(callback)
        observation.hooks = [(h.hook, h.index, h.stop_training) for h in record.hooks]
        observation.learning_rates = record.learning_rates
        observation.history = record.history
        observation.model_calls = list(model.calls)
        observation.final_weights = model.label
        observation.warnings = [
            (w.category.__name__, str(w.message))
            for w in caught
            if not issubclass(w.category, IGNORED_WARNINGS)
        ]
        observation.stdout = out.getvalue()
        observation.files = _files(run_dir)
        observation.event_files = event_file_runs(run_dir)
        observation.summaries = read_records(run_dir)
        for name in ("model_calls", "files", "warnings", "stdout", "error", "event_files"):
            setattr(observation, name, _relative(getattr(observation, name), run_dir))
        observation.summaries = [
            s._replace(run=_relative(s.run, run_dir)) for s in observation.summaries
        ]
    return observation

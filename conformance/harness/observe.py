"""Run a scenario on one implementation and observe everything a user could see.

A scenario is plain data: which callback, its constructor arguments, the model, and
one or more fits with the same instance. Paths in the arguments are relative to a
fresh run directory; the observation writes `<run>` for that directory, so two
implementations run in two directories observe the same text.

The implementation's code (its constructor and hooks, and the target's
`conformance_adapt_model` and `conformance_cleanup`) runs *confined*, inside a
temporary workspace the suite owns and removes afterwards:

* its working directory is a fresh directory of the workspace (`<cwd>`), and `tempfile`
  and `TMPDIR` point at another (`<tmp>`);
* a Python-level write (`open` for writing, `os.open` with a write flag, `os.mkdir`,
  rename, remove, `shutil`'s copies and removals, ...) outside the run directory and
  `<tmp>` is refused with `PermissionError` and recorded, through an audit hook
  (PEP 578), and so is a save the model is asked to make outside the run directory;
  whatever native code (which audit hooks do not see) leaves in `<cwd>` is recorded
  after the run. `Observation.outside_writes` lists them all;
* with a `TimeLimit`, the time spent in its code per scenario is limited: when it runs
  out, `ScenarioTimeout` is raised inside that code, and `observe` raises it again,
  carrying the partial observation, once the workspace is cleaned up. See
  `docs/robustness.md`.

The mechanisms live in modules of their own: `time_limit`, `confinement` and
`workspaces`; what the run left is read by `run_files`.
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import warnings
from collections.abc import Callable
from typing import Any

from conformance.harness.confinement import Confinement, confined
from conformance.harness.events import event_runs_in, records_in
from conformance.harness.fit import FitRecord, simulate_fit
from conformance.harness.records import Observation as Observation  # re-exported: the API
from conformance.harness.records import Scenario as Scenario
from conformance.harness.run_files import RunFiles, read_tree
from conformance.harness.sim_model import SimModel, checkpoint_text, sim_model_class
from conformance.harness.time_limit import Clock, ScenarioTimeout, TimeLimit
from conformance.harness.workspaces import WORKSPACE_DIRECTORIES, WORKSPACES

PATH_ARGUMENTS = ("filepath", "log_dir")  # constructor arguments taken relative to the run dir
IGNORED_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, ResourceWarning)

# A model adapter returns the model, or a facade of it (`FACADE_ATTRIBUTE`).
ModelAdapter = Callable[[SimModel], Any]


def _confine_saves(
    model: SimModel, confinement: Confinement, record: FitRecord, saved_at: list[str]
) -> None:
    """Saves to where the model is told to save (h5py writes natively, unaudited) are
    checked before they happen, and the hook each is made in is noted in `saved_at`."""
    for name in ("save", "save_weights"):
        original = getattr(model, name)

        def confined(
            filepath: Any, *args: Any, _save: Any = original, _name: str = name, **kwargs: Any
        ) -> Any:
            confinement.check(filepath, f"model.{_name}")
            saved_at.append(record.current_hook)
            return _save(filepath, *args, **kwargs)

        setattr(model, name, confined)


class _TargetCode:
    """Runs steps of the implementation's code confined, and records what they raised."""

    def __init__(
        self, confinement: Confinement, clock: Clock | None, record: FitRecord, obs: Observation
    ) -> None:
        self.confinement, self.clock, self.record, self.observation = (
            confinement,
            clock,
            record,
            obs,
        )
        self.timed_out: ScenarioTimeout | None = None

    def run(self, step: Callable[[], Any], hook: str, clock: Clock | None = None) -> Any:
        """`step()`, or None if it raised (recorded, with `hook` unless a later hook
        was dispatched), against `clock` (default: the scenario's)."""
        clock = clock or self.clock
        self.record.current_hook = hook
        try:
            with confined(self.confinement, clock):
                return step()
        except ScenarioTimeout:
            self._stopped(clock)
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # SystemExit from a hook too: what raised, and where
            if self.observation.error is None:
                self.observation.error = (
                    type(error).__name__,
                    _message(error),
                    self.record.current_hook,
                )
        if clock is not None and clock.expired and self.timed_out is None:
            self._stopped(clock)  # the code caught ScenarioTimeout and raised something else
        return None

    def _stopped(self, clock: Clock | None) -> None:
        assert clock is not None
        if self.timed_out is None:
            self.timed_out = ScenarioTimeout(clock.limit.seconds, self.record.current_hook)
        self.observation.error = ("ScenarioTimeout", str(self.timed_out), self.timed_out.hook)


def _message(error: BaseException) -> str:
    try:
        return str(error)
    except Exception as unprintable:  # a __str__ that raises is the target's, not ours
        return f"<unprintable {type(error).__name__}: {type(unprintable).__name__}>"


class _Captured(io.StringIO):
    """What the implementation prints; a hook closing `sys.stdout` does not lose it."""

    def close(self) -> None:
        pass


FACADE_ATTRIBUTE = "simulated_model"
"""The attribute a facade returned by `conformance_adapt_model` carries its `SimModel` in."""


def _adapted(adapt: ModelAdapter, model: SimModel) -> tuple[SimModel, Any]:
    """The model the fit loop drives and the model the callbacks are given, from what
    `adapt(model)` returned: a `SimModel` is both; a facade (a framework's view of the
    model, say) is given to the callbacks, and the `SimModel` it carries as
    `simulated_model` is driven and observed (its calls, weights and saves)."""
    adapted = adapt(model)
    if isinstance(adapted, SimModel):
        return adapted, adapted
    wrapped = getattr(adapted, FACADE_ATTRIBUTE, None)
    if isinstance(wrapped, SimModel):
        return wrapped, adapted
    raise TypeError(
        f"conformance_adapt_model returned {type(adapted).__name__}: neither the model it was"
        f" given nor a facade carrying it as `{FACADE_ATTRIBUTE}`"
    )


# --------------------------------------------------------------------------------------
# Observing a run
# --------------------------------------------------------------------------------------


def constructor_arguments(
    config: dict[str, Any], run_dir: str, backend: str | None = None
) -> dict[str, Any]:
    """The keyword arguments a callback is made with from a scenario's `config`: paths
    inside `run_dir`, described schedules built (for `backend`), each value a copy."""
    arguments = {}
    for name, value in config.items():
        if name in PATH_ARGUMENTS and isinstance(value, str):
            value = os.path.join(run_dir, value)
        elif hasattr(value, "build"):  # a described schedule
            value = value.build(backend)
        # A callback may consume its arguments (TensorBoard pops `embeddings_metadata`):
        # each run gets its own copy.
        arguments[name] = copy.deepcopy(value)
    return arguments


def _files(tree: RunFiles) -> dict[str, str]:
    """The directories, and the files but event files with what they hold, of `tree`:
    a checkpoint as its weights' labels, another file as its first 2000 characters,
    what is not a regular file as what it is (never opened: `run_files`)."""
    found: dict[str, str] = dict.fromkeys(tree.directories, "dir")
    for path, content in tree.regular.items():
        if "tfevents" in path.rsplit("/", 1)[-1]:
            continue
        try:
            found[path] = checkpoint_text(path, content)
        except Exception:  # not a checkpoint: a projector config, or a stray file
            found[path] = content[:2000].decode(errors="replace")
    for path, kind in tree.other.items():
        found[path] = f"<not read: {kind}>"
    return dict(sorted(found.items()))


def run_relative(value: Any, run_dir: str, names: tuple[tuple[str, str], ...] = ()) -> Any:
    """`value` with the run directory written as `<run>` (and each other `(path, name)`
    of `names` as its name), through containers."""
    if isinstance(value, str):
        value = value.replace(run_dir, "<run>")
        for path, name in names:
            value = value.replace(path, name)
        return value
    if isinstance(value, tuple):
        return tuple(run_relative(v, run_dir, names) for v in value)
    if isinstance(value, list):
        return [run_relative(v, run_dir, names) for v in value]
    if isinstance(value, dict):
        return {k: run_relative(v, run_dir, names) for k, v in value.items()}
    return value


def observe(
    callback_class: type,
    scenario: Scenario,
    adapt: ModelAdapter | None = None,
    cleanup: Callable[[Any], None] | None = None,
    time_limit: TimeLimit | None = None,
    backend: str | None = None,
) -> Observation:
    """Construct `callback_class` from `scenario`, run its fits, and observe them, in
    this process (`conformance.worker` runs a target's in a process of its own).

    `backend` is the Keras backend the target declares: a described schedule that
    returns "a tensor" returns that backend's own tensor type.

    `adapt(model)` adapts the simulated model first (or returns a facade of it, given
    to the callback while the fit drives the model: `FACADE_ATTRIBUTE`).
    `cleanup(callback)` runs afterwards, whatever happened: a target whose callbacks
    leave process-wide state behind when they raise (Keras's TensorBoard leaves
    TensorFlow's default writer entered) restores it there. All three run confined
    (module docstring); with `time_limit`, a run whose code takes longer raises
    ScenarioTimeout, carrying the observation so far."""
    with WORKSPACES.one() as workspace:
        observation, timed_out = run_in(
            workspace, callback_class, scenario, adapt, cleanup, time_limit, backend
        )
        read_outputs(observation, workspace)
    if timed_out is not None:
        timed_out.observation = observation
        raise timed_out
    return observation


def run_in(
    workspace: str,
    callback_class: type,
    scenario: Scenario,
    adapt: ModelAdapter | None = None,
    cleanup: Callable[[Any], None] | None = None,
    time_limit: TimeLimit | None = None,
    backend: str | None = None,
    record: FitRecord | None = None,
) -> tuple[Observation, ScenarioTimeout | None]:
    """The part of `observe` that runs the implementation's code, in `workspace`: what
    it did, except the files it left (`read_outputs`), and the ScenarioTimeout that
    stopped it, if one did. `record`, if given, follows the hooks as they run."""
    confinement = Confinement(os.path.realpath(workspace))
    run_dir = confinement.run_dir
    observation = Observation()
    record = FitRecord() if record is None else record
    target = _TargetCode(
        confinement, None if time_limit is None else Clock(time_limit), record, observation
    )
    model = sim_model_class(scenario.model.class_name)(scenario.model)
    given: Any = model  # what the callback is given: the model, or a facade of it
    if adapt is not None:
        model, given = target.run(lambda: _adapted(adapt, model), "conformance_adapt_model") or (
            model,
            model,
        )
    _confine_saves(model, confinement, record, observation.saved_at)
    out = _Captured()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
        warnings.simplefilter("always")
        callback = None

        def construct_and_fit() -> None:
            nonlocal callback
            arguments = constructor_arguments(scenario.config, run_dir, backend)
            callback = callback_class(**arguments)
            observation.constructed = True
            for plan in scenario.fits:
                simulate_fit(callback, model, plan, record, given)

        if observation.error is None:
            target.run(construct_and_fit, "__init__")
        if cleanup is not None and callback is not None:
            # Its own time limit: cleaning up after a run that timed out still matters.
            fresh = None if time_limit is None else Clock(time_limit)
            target.run(lambda: cleanup(callback), "conformance_cleanup", fresh)
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
    observation.outside_writes = confinement.outside + confinement.leftovers()
    names = ((confinement.cwd, "<cwd>"), (confinement.scratch, "<tmp>"))
    for name in ("model_calls", "warnings", "stdout", "error"):
        setattr(observation, name, run_relative(getattr(observation, name), run_dir, names))
    return observation, target.timed_out


def read_outputs(observation: Observation, workspace: str) -> None:
    """Add to `observation` what the run left in the run directory of `workspace`:
    files and what they hold, event files and their records."""
    run_dir = os.path.join(os.path.realpath(workspace), WORKSPACE_DIRECTORIES[0])
    tree = read_tree(run_dir)
    observation.files = run_relative(_files(tree), run_dir)
    observation.event_files = event_runs_in(tree)
    observation.summaries = records_in(tree)

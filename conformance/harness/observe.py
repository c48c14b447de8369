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
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import ctypes
import errno
import io
import os
import queue
import shutil
import signal
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from conformance.harness.events import Record, event_runs_in, records_in
from conformance.harness.fit import FitPlan, FitRecord, simulate_fit
from conformance.harness.run_files import RunFiles, read_tree
from conformance.harness.sim_model import ModelSpec, SimModel, checkpoint_text, sim_model_class

PATH_ARGUMENTS = ("filepath", "log_dir")  # constructor arguments taken relative to the run dir
IGNORED_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, ResourceWarning)
REFIRE_SECONDS = 1.0  # after the limit, ScenarioTimeout again every second until the code stops

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
    saved_at: list[str] = field(default_factory=list)  # the hook each save was made in
    final_weights: float = 0.0
    files: dict[str, str] = field(default_factory=dict)  # non-event files and what they hold
    event_files: list[str] = field(default_factory=list)  # run dir of each events file
    summaries: list[Record] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    stdout: str = ""
    error: tuple[str, str, str] | None = None  # type, message, the hook that raised
    # writes outside the run directory, refused or found: "open /abs/path", "left <cwd>/x"
    outside_writes: list[str] = field(default_factory=list)

    def raised(self) -> tuple[str, str] | None:
        """What raised and in which hook, without the message (messages are cosmetic)."""
        return None if self.error is None else (self.error[0], self.error[2])

    def epochs_run(self) -> list[int]:
        return [
            index for hook, index, _ in self.hooks if hook == "on_epoch_end" and index is not None
        ]


# --------------------------------------------------------------------------------------
# The time limit
# --------------------------------------------------------------------------------------


class ScenarioTimeout(BaseException):
    """Raised inside an implementation's code when its run of a scenario has used up the
    time limit. A BaseException, so that a hook's `except Exception` does not swallow it.
    `observe` raises it again after cleaning up, with `hook` (where the code was stopped)
    and `observation` (what the run did until then) filled in."""

    def __init__(self, seconds: float = 0.0, hook: str = "") -> None:
        super().__init__(seconds, hook)
        self.seconds = seconds
        self.hook = hook
        self.observation: Observation | None = None

    def __str__(self) -> str:
        where = f", stopped in {self.hook}" if self.hook else ""
        return f"ran longer than the time limit of {self.seconds:g} s{where}"


@dataclass(frozen=True)
class TimeLimit:
    """How long an implementation's code may run per scenario, and how it is stopped:
    `"signal"` (SIGALRM from `setitimer`: interrupts Python code and blocking calls such
    as `time.sleep`; POSIX, main thread, no other interval timer running), `"thread"` (a
    watchdog thread raises the exception asynchronously in the running thread:
    interrupts Python code, but a blocking call only once it returns) or `"auto"` (the
    signal where it can be used, else the thread; so is `"signal"` where it cannot)."""

    seconds: float
    mechanism: str = "auto"

    def __post_init__(self) -> None:
        if self.mechanism not in ("auto", "signal", "thread"):
            raise ValueError(f"unknown time limit mechanism {self.mechanism!r}")


class _Clock:
    """What is left of one scenario's time limit; spent only inside the target's code."""

    def __init__(self, limit: TimeLimit) -> None:
        self.limit = limit
        self.remaining = limit.seconds
        self.expired = False  # ScenarioTimeout was raised in the target's code
        self.inside = False  # the target's code is running (the exception may be raised)

    def stop(self) -> None:
        self.expired = True
        raise ScenarioTimeout(self.limit.seconds)


def signal_usable() -> bool:
    """Whether SIGALRM can stop the running code: POSIX, the main thread, and no other
    interval timer of the process running (pytest-timeout's, say) to clobber."""
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )


def _arm_signal(clock: _Clock) -> Callable[[], None]:
    def on_alarm(signum: int, frame: Any) -> None:
        if clock.inside:
            clock.stop()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, max(clock.remaining, 1e-3), REFIRE_SECONDS)

    def disarm() -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        if previous is not None:
            signal.signal(signal.SIGALRM, previous)

    return disarm


def _arm_thread(clock: _Clock) -> Callable[[], None]:
    """The fallback: a watchdog thread that, once the time is up, raises ScenarioTimeout
    in the running thread (CPython's PyThreadState_SetAsyncExc), again every second."""
    running = ctypes.c_ulong(threading.get_ident())
    done, lock = threading.Event(), threading.Lock()

    def watch() -> None:
        wait = max(clock.remaining, 1e-3)
        while not done.wait(wait):
            with lock:
                if done.is_set() or not clock.inside:
                    return
                clock.expired = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    running, ctypes.py_object(ScenarioTimeout)
                )
            wait = REFIRE_SECONDS

    threading.Thread(target=watch, name="conformance-time-limit", daemon=True).start()

    def disarm() -> None:
        # An exception the watchdog set may still be pending: let it be raised here, in a
        # loop whose backward jumps deliver it. Clearing it with
        # PyThreadState_SetAsyncExc(id, NULL) instead leaves CPython's eval breaker set for
        # good, which slows every later bytecode of the process many times over.
        try:
            with lock:
                done.set()
            if clock.expired:
                for _ in range(1000):
                    pass
        except ScenarioTimeout:
            pass

    return disarm


@contextlib.contextmanager
def _timed(clock: _Clock | None) -> Iterator[None]:
    """Run the body as the target's code, against what is left of the time limit."""
    if clock is None:
        yield
        return
    if clock.remaining <= 0:
        clock.stop()
    mechanism = clock.limit.mechanism
    if mechanism == "auto" or (mechanism == "signal" and not signal_usable()):
        mechanism = "signal" if signal_usable() else "thread"
    arm = _arm_signal if mechanism == "signal" else _arm_thread
    started = time.monotonic()
    disarm: Callable[[], None] | None = None
    clock.inside = True  # before arming: the watchdog thread reads it as soon as it starts
    try:
        try:
            disarm = arm(clock)
            yield
        finally:
            clock.inside = False
    finally:
        if disarm is not None:
            disarm()
        clock.remaining -= time.monotonic() - started


# --------------------------------------------------------------------------------------
# Confinement: nothing written outside the workspace
# --------------------------------------------------------------------------------------

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
# Audit events that change the file system: (index of a path, index of its dir_fd or None).
_CHANGES: dict[str, tuple[tuple[int, int | None], ...]] = {
    "os.mkdir": ((0, 2),),
    "os.rename": ((0, 2), (1, 3)),  # also os.replace
    "os.remove": ((0, 1),),  # also os.unlink
    "os.rmdir": ((0, 1),),
    "os.symlink": ((1, 2),),
    "os.link": ((0, 2), (1, 3)),  # a link to a file is a way to write to it
    "os.truncate": ((0, None),),
    "os.chmod": ((0, 2),),
    "os.chown": ((0, 3),),
    "os.utime": ((0, 3),),
    "os.mkfifo": ((0, 2),),
    "os.mknod": ((0, 3),),
    "shutil.copyfile": ((1, None),),
    "shutil.copytree": ((1, None),),
    "shutil.move": ((0, None), (1, None)),
    "shutil.rmtree": ((0, 1),),
    "sqlite3.connect": ((0, None),),
}
# Audit events that start a process: refused during a run (what it does is not seen).
_PROCESSES = (
    "subprocess.Popen",
    "os.system",
    "os.posix_spawn",
    "os.exec",
    "os.spawn",
    "os.fork",
    "os.forkpty",
    "pty.spawn",
)


class _Confinement:
    """One scenario's workspace: the run directory, the working directory and the
    temporary directory the implementation is given, and the writes it tried elsewhere."""

    def __init__(self, workspace: str) -> None:
        """`workspace` holds the three, empty (`Workspaces`)."""
        self.run_dir, self.cwd, self.scratch = (
            os.path.join(workspace, name) for name in WORKSPACE_DIRECTORIES
        )
        self.allowed = (self.run_dir, self.scratch)
        self.outside: list[str] = []
        self.active = False
        # whether starting a process is refused: during a run, not at import
        self.refuses_processes = True

    def check(self, path: Any, what: str, directory: Any = None) -> None:
        """Refuse (PermissionError), and record, a write to `path` (relative to the open
        `directory` descriptor, if given) outside the run directory and the temporary
        directory; bytecode caches, the null device and in-memory databases pass."""
        try:
            if isinstance(path, int):  # a descriptor: the file it is open on
                text = _descriptor_path(path)
            else:
                text = os.fsdecode(os.fspath(path))
            if directory not in (None, -1) and not os.path.isabs(text):
                text = os.path.join(_descriptor_path(directory), text)
            full = os.path.realpath(os.path.join(os.getcwd(), text))
        except (TypeError, ValueError, OSError):  # not a path, a NUL in it, no /proc
            return
        if full == os.devnull or "__pycache__" in full.split(os.sep) or text in ("", ":memory:"):
            return
        if any(full == root or full.startswith(root + os.sep) for root in self.allowed):
            return
        entry = f"{what} {full.replace(self.cwd, '<cwd>')}"
        if entry not in self.outside:
            self.outside.append(entry)
        raise PermissionError(
            errno.EACCES, "callback-conformance refuses writes outside the run directory", text
        )

    def leftovers(self) -> list[str]:
        """What is left in the working directory: written there by native code."""
        found = []
        for directory, subdirectories, names in os.walk(self.cwd):
            for name in [*subdirectories, *names]:
                found.append(
                    f"left <cwd>/{os.path.relpath(os.path.join(directory, name), self.cwd)}"
                )
        return sorted(found)


_CONFINEMENT: _Confinement | None = None  # the confinement in force, if any
_HOOK_INSTALLED = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    confinement = _CONFINEMENT
    if confinement is None or not confinement.active or _REMOVER.is_current():
        return
    if event == "open":
        path, mode, flags = args
        writes = (isinstance(flags, int) and flags & _WRITE_FLAGS) or (
            isinstance(mode, str) and any(c in mode for c in "wax+")
        )
        if writes and not isinstance(path, int):
            confinement.check(path, "open")
    elif event in _CHANGES:
        for path_index, fd_index in _CHANGES[event]:
            dir_fd = args[fd_index] if fd_index is not None else None
            confinement.check(args[path_index], event, dir_fd)
    elif event in _PROCESSES and confinement.refuses_processes:
        what = f"{event} {str(args[:2])[:120]}"
        if what not in confinement.outside:
            confinement.outside.append(what)
        raise PermissionError(errno.EACCES, "callback-conformance refuses to start processes")


def _descriptor_path(descriptor: int) -> str:
    """The path of what the open `descriptor` refers to (Linux's /proc; OSError
    elsewhere, where the write is not seen: docs/robustness.md)."""
    return os.readlink(f"/proc/self/fd/{descriptor}")


def _install_audit_hook() -> None:
    """Audit hooks cannot be removed: one, installed once, idle outside a confinement."""
    global _HOOK_INSTALLED
    if not _HOOK_INSTALLED:
        sys.addaudithook(_audit)
        _HOOK_INSTALLED = True


@contextlib.contextmanager
def _confined(confinement: _Confinement, clock: _Clock | None) -> Iterator[None]:
    """Run the body as the implementation's code: in the workspace, writes confined,
    against the time limit. The confinement in force before is restored after."""
    global _CONFINEMENT
    _install_audit_hook()
    outer = _CONFINEMENT
    cwd, tempdir, tmpdir = os.getcwd(), tempfile.tempdir, os.environ.get("TMPDIR")
    os.chdir(confinement.cwd)
    tempfile.tempdir = os.environ["TMPDIR"] = confinement.scratch
    _CONFINEMENT, confinement.active = confinement, True
    try:
        with _timed(clock):
            yield
    finally:
        _CONFINEMENT, confinement.active = outer, False
        os.chdir(cwd)
        tempfile.tempdir = tempdir
        if tmpdir is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = tmpdir


def confine_for_good(workspace: str) -> list[str]:
    """Confine all code of this process from now on to `workspace` (a process that
    runs nothing but an implementation's code: `conformance.worker`), as its runs are
    confined (module docstring): the working directory is its `<cwd>`, and writes
    outside its run directory and `<tmp>` are refused. A run's own confinement takes
    over during the run. Returns the list where refused writes are recorded, for the
    caller to read and clear."""
    global _CONFINEMENT
    _install_audit_hook()
    confinement = _Confinement(os.path.realpath(workspace))
    os.chdir(confinement.cwd)
    tempfile.tempdir = os.environ["TMPDIR"] = confinement.scratch
    confinement.refuses_processes = False  # the import may start helpers (a compiler)
    _CONFINEMENT, confinement.active = confinement, True
    return confinement.outside


def _confine_saves(
    model: SimModel, confinement: _Confinement, record: FitRecord, saved_at: list[str]
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
        self, confinement: _Confinement, clock: _Clock | None, record: FitRecord, obs: Observation
    ) -> None:
        self.confinement, self.clock, self.record, self.observation = (
            confinement,
            clock,
            record,
            obs,
        )
        self.timed_out: ScenarioTimeout | None = None

    def run(self, step: Callable[[], Any], hook: str, clock: _Clock | None = None) -> Any:
        """`step()`, or None if it raised (recorded, with `hook` unless a later hook
        was dispatched), against `clock` (default: the scenario's)."""
        clock = clock or self.clock
        self.record.current_hook = hook
        try:
            with _confined(self.confinement, clock):
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

    def _stopped(self, clock: _Clock | None) -> None:
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


def _adapted(adapt: ModelAdapter, model: SimModel) -> SimModel:
    adapted = adapt(model)
    if not isinstance(adapted, SimModel):
        raise TypeError(
            f"conformance_adapt_model returned {type(adapted).__name__}, not the model it was given"
        )
    return adapted


# --------------------------------------------------------------------------------------
# Workspaces
# --------------------------------------------------------------------------------------


class _Remover:
    """Removes used workspaces on a thread of its own. Removing a directory tree checks
    nothing, yet an `rmdir` can block for milliseconds on a busy disk (2 to 12 ms a
    workspace measured here, docs/benchmarks.md); on this thread the next scenario runs
    meanwhile. What is still queued when the process exits is removed then."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def remove(self, path: str) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="workspace-remover")
            self._thread.daemon = True
            self._thread.start()
            atexit.register(self._finish)
        self._queue.put(path)

    def is_current(self) -> bool:
        """Whether this is the remover's thread (its removals are the suite's own)."""
        return self._thread is not None and threading.current_thread() is self._thread

    def _work(self) -> None:
        while (path := self._queue.get()) is not None:
            shutil.rmtree(path, ignore_errors=True)

    def _finish(self) -> None:
        self._queue.put(None)
        assert self._thread is not None
        self._thread.join()


_REMOVER = _Remover()
WORKSPACE_DIRECTORIES = ("run", "cwd", "tmp")  # the run directory, `<cwd>` and `<tmp>`


class Workspaces:
    """Workspaces for observations, in `root` (the temporary directory if None): a
    directory holding the three, empty. One
    a run left empty (nothing written in any of the three; most EarlyStopping and
    LearningRateScheduler runs) is handed to the next observation as it is; any other is
    removed in the background. Making and removing four directories per observation
    checks nothing and costs milliseconds on a busy disk."""

    def __init__(self, root: str | None = None) -> None:
        self.root = root
        self._empty: str | None = None
        self._exit_registered = False

    @contextlib.contextmanager
    def one(self) -> Iterator[str]:
        path, self._empty = self._empty, None
        if path is None:
            if not self._exit_registered:
                self._exit_registered = True
                atexit.register(self.close)
            path = tempfile.mkdtemp(prefix="conformance-", dir=self.root)
            for name in WORKSPACE_DIRECTORIES:
                os.mkdir(os.path.join(path, name))
        try:
            yield path
        finally:
            if self._empty is None and self._left_empty(path):
                self._empty = path
            else:
                _REMOVER.remove(path)

    @staticmethod
    def _left_empty(path: str) -> bool:
        try:
            return sorted(os.listdir(path)) == sorted(WORKSPACE_DIRECTORIES) and not any(
                os.listdir(os.path.join(path, name)) for name in WORKSPACE_DIRECTORIES
            )
        except OSError:  # a directory gone or replaced by a file
            return False

    def close(self) -> None:
        """Remove the empty workspace kept (at exit)."""
        if self._empty is not None:
            shutil.rmtree(self._empty, ignore_errors=True)
            self._empty = None


_WORKSPACES = Workspaces()


# --------------------------------------------------------------------------------------
# Observing a run
# --------------------------------------------------------------------------------------


def _constructor_arguments(
    config: dict[str, Any], run_dir: str, backend: str | None = None
) -> dict[str, Any]:
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


def _relative(value: Any, run_dir: str, names: tuple[tuple[str, str], ...] = ()) -> Any:
    """`value` with the run directory written as `<run>` (and each other `(path, name)`
    of `names` as its name), through containers."""
    if isinstance(value, str):
        value = value.replace(run_dir, "<run>")
        for path, name in names:
            value = value.replace(path, name)
        return value
    if isinstance(value, tuple):
        return tuple(_relative(v, run_dir, names) for v in value)
    if isinstance(value, list):
        return [_relative(v, run_dir, names) for v in value]
    if isinstance(value, dict):
        return {k: _relative(v, run_dir, names) for k, v in value.items()}
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

    `adapt(model)` adapts the simulated model first. `cleanup(callback)` runs afterwards,
    whatever happened: a target whose callbacks leave process-wide state behind when
    they raise (Keras's TensorBoard leaves TensorFlow's default writer entered) restores
    it there. All three run confined (module docstring); with `time_limit`, a run whose
    code takes longer raises ScenarioTimeout, carrying the observation so far."""
    with _WORKSPACES.one() as workspace:
        observation, timed_out = run_in(
            workspace, callback_class, scenario, adapt, cleanup, time_limit, backend
        )
        read_outputs(observation, workspace)
    if timed_out is not None:
        timed_out.observation = observation
        raise timed_out
    return observation


def new_workspace() -> contextlib.AbstractContextManager[str]:
    """A workspace for one observation: a directory holding the run directory, `<cwd>`
    and `<tmp>`, empty; removed (or handed on, if left empty) afterwards."""
    return _WORKSPACES.one()


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
    confinement = _Confinement(os.path.realpath(workspace))
    run_dir = confinement.run_dir
    observation = Observation()
    record = FitRecord() if record is None else record
    target = _TargetCode(
        confinement, None if time_limit is None else _Clock(time_limit), record, observation
    )
    model = sim_model_class(scenario.model.class_name)(scenario.model)
    if adapt is not None:
        model = target.run(lambda: _adapted(adapt, model), "conformance_adapt_model") or model
    _confine_saves(model, confinement, record, observation.saved_at)
    out = _Captured()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
        warnings.simplefilter("always")
        callback = None

        def construct_and_fit() -> None:
            nonlocal callback
            arguments = _constructor_arguments(scenario.config, run_dir, backend)
            callback = callback_class(**arguments)
            observation.constructed = True
            for plan in scenario.fits:
                simulate_fit(callback, model, plan, record)

        if observation.error is None:
            target.run(construct_and_fit, "__init__")
        if cleanup is not None and callback is not None:
            # Its own time limit: cleaning up after a run that timed out still matters.
            fresh = None if time_limit is None else _Clock(time_limit)
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
        setattr(observation, name, _relative(getattr(observation, name), run_dir, names))
    return observation, target.timed_out


def read_outputs(observation: Observation, workspace: str) -> None:
    """Add to `observation` what the run left in the run directory of `workspace`:
    files and what they hold, event files and their records."""
    run_dir = os.path.join(os.path.realpath(workspace), WORKSPACE_DIRECTORIES[0])
    tree = read_tree(run_dir)
    observation.files = _relative(_files(tree), run_dir)
    observation.event_files = event_runs_in(tree)
    observation.summaries = records_in(tree)

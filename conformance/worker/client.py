"""The suite's side of the worker protocol: a target run in processes of its own.

`connect(spec)` starts a worker, imports the target there, and returns the target as a
run checks it (`conformance.running.RunningTarget`), with a `WorkerHost` as its host: the
runner asks it to warm up and to observe, and it answers with what the worker observed,
or with how the worker ended (`TargetRun.ended`). A worker that dies, or overruns its
hard deadline, is killed with its process group and replaced by a fresh one; so is the
worker at the start of each callback's properties (`fresh`), so that the runs of one
callback cannot change another's, whichever `--jobs` process runs them. A spare worker
is started in advance, while the current one works.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import conformance
from conformance.harness.observe import Observation, Scenario, read_outputs
from conformance.harness.workspaces import WORKSPACE_DIRECTORIES, Workspaces
from conformance.host import RunDeadline, TargetRun
from conformance.running import RunningTarget
from conformance.targets import Target, TargetError, TargetOptions
from conformance.unsupported import Declarations, Unsupported
from conformance.worker import codec, sandbox
from conformance.worker.processes import become_subreaper, kill_group, sweep
from conformance.worker.progress import PROGRESS_BYTES
from conformance.worker.server import PROTOCOL

START_SECONDS = 300.0  # to import the target, and for each warm-up
GRACE_SECONDS = 10.0  # beyond twice the time limit, before a worker that overran is killed
OTHER_SEEDS = 0x5BD1E995  # mixed into the seeds of `again`


@dataclass(frozen=True)
class Deadline:
    """When the whole run must end (`time.monotonic()`, the same clock in every process
    of the machine), and the seconds it was given."""

    at: float
    seconds: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds, seconds)

    def passed(self) -> bool:
        return time.monotonic() >= self.at


class _Ended(Exception):  # noqa: N818
    """The worker ended, or was killed, before it answered; the message says how."""


class _Worker:
    """One worker process, started with its `start` request sent."""

    def __init__(
        self,
        command: Sequence[str],
        root: str,
        number: int,
        start: dict[str, Any],
        sandboxed: bool = False,
    ) -> None:
        self.sandboxed = sandboxed
        self.home = os.path.join(root, f"home-{number}")
        os.mkdir(self.home)
        for name in WORKSPACE_DIRECTORIES:
            os.mkdir(os.path.join(self.home, name))
        self.progress_path = os.path.join(root, f"progress-{number}")
        with open(self.progress_path, "wb") as progress:
            progress.write(b"\0" * PROGRESS_BYTES)
        self.stderr = open(os.path.join(root, f"stderr-{number}"), "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            cwd=os.path.join(self.home, "cwd"),
            env=_environment(),
            process_group=0,
        )
        self.used = False
        self._buffer = b""
        self.send({**start, "home": self.home, "progress": self.progress_path})

    def send(self, request: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(
                (codec.dumps({"protocol": PROTOCOL, **request}) + "\n").encode()
            )
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # it has ended: receive says how

    def receive(self, deadline: float | None) -> dict[str, Any]:
        """The next reply; `_Ended` if the process ends first, or is still silent at
        `deadline` (`time.monotonic()`; then it is killed)."""
        assert self.process.stdout is not None
        stream = self.process.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(stream, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                wait = None if deadline is None else deadline - time.monotonic()
                if wait is not None and wait <= 0:
                    self.kill()
                    raise _Ended("overran")
                if not selector.select(wait):
                    continue
                chunk = os.read(stream, 1 << 20)
                if not chunk:
                    raise _Ended(self._how_it_ended())
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            reply = codec.loads(line.decode())
        except ValueError:
            self.kill()
            raise _Ended(f"sent an unreadable reply ({line[:80]!r})") from None
        if not isinstance(reply, dict) or reply.get("protocol") != PROTOCOL:
            self.kill()
            raise _Ended(f"sent a reply that is not the protocol's ({line[:80]!r})")
        return reply

    def request(self, request: dict[str, Any], deadline: float | None) -> dict[str, Any]:
        self.used = True
        self.send(request)
        return self.receive(deadline)

    def hook(self) -> str:
        """The hook it was in when it last said (for a worker that ended)."""
        with (
            open(self.progress_path, "rb") as file,
            mmap.mmap(file.fileno(), PROGRESS_BYTES, access=mmap.ACCESS_READ) as view,
        ):
            return view[:].split(b"\0", 1)[0].decode(errors="replace")

    def _how_it_ended(self) -> str:
        self.kill()
        status = self.process.returncode
        if self.sandboxed and status is not None and 128 < status < 128 + signal.NSIG:
            status = 128 - status  # bubblewrap exits 128 + the signal that ended its child
        if status is not None and status < 0:
            name = signal.Signals(-status).name
            if -status == signal.SIGKILL:
                return f"ended its process by {name} (out of memory, or killed from outside)"
            return f"ended its process by {name}"
        return f"ended its process with status {status}"

    def kill(self) -> None:
        kill_group(self.process.pid)
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self.stderr.close()


def _package_root() -> str:
    """The directory this `conformance` package is in."""
    return os.path.dirname(os.path.dirname(os.path.abspath(conformance.__file__)))


def _environment() -> dict[str, str]:
    """The worker's environment: this process's, with this `conformance` package first
    on the path, so that the worker runs the suite's own code (a source checkout, say)."""
    here = _package_root()
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": here if not path else here + os.pathsep + path}


class _RemoteWhen:
    """A declaration's `when` predicate, asked of the worker that has it."""

    def __init__(self, host: WorkerHost, index: int, name: str) -> None:
        self.host, self.index, self.__name__ = host, index, name

    def __call__(self, scenario: Scenario) -> bool:
        return bool(self.host.ask("covers", {"index": self.index, "scenario": scenario}))


class WorkerHost:
    """A target's code, run in worker processes (module docstring)."""

    again_means = "other seeds for random and numpy.random"

    def __init__(
        self,
        spec: str,
        path: Sequence[str] | None = None,
        sandboxed: bool = False,
        deadline: Deadline | None = None,
        start_seconds: float = START_SECONDS,
    ) -> None:
        become_subreaper()
        self.spec = spec
        self.sandboxed = sandboxed
        self.root = tempfile.mkdtemp(prefix="conformance-run-")
        # The worker's working directory is its own: "" and relative entries are ours.
        path = [os.path.abspath(entry) for entry in (sys.path if path is None else path)]
        visible = [*path, _package_root(), sys.prefix, sys.base_prefix]
        try:
            prefix = sandbox.command_prefix(self.root, visible) if sandboxed else []
        except sandbox.SandboxError:
            shutil.rmtree(self.root, ignore_errors=True)
            raise
        self.command = [*prefix, sys.executable, "-m", "conformance.worker"]
        self.start_request: dict[str, Any] = {
            "op": "start",
            "target": spec,
            "path": path,
            "cwd": os.getcwd(),
        }
        if sandboxed:
            self.start_request["limits"] = sandbox.limits()
        self.start_seconds = start_seconds
        self.deadline = deadline
        self.workspaces = Workspaces(self.root)
        self.warmed: set[str] = set()  # callbacks whose warm-up passed
        self.tried: set[str] = set()  # callbacks whose warm-up was run
        self._started = 0
        self._current: _Worker | None = None
        self._spare: _Worker | None = None
        try:
            self._current = self._spawn()
            self.description = self._ready(self._current)
        except BaseException:
            self.close()
            raise

    # -- the processes ---------------------------------------------------------------

    def _spawn(self) -> _Worker:
        self._started += 1
        return _Worker(self.command, self.root, self._started, self.start_request, self.sandboxed)

    def _ready(self, worker: _Worker) -> dict[str, Any]:
        """The worker's description of the target, once it has imported it."""
        try:
            reply = worker.receive(time.monotonic() + self.start_seconds)
        except _Ended as ended:
            how = (
                f"took longer than {self.start_seconds:g} s to import"
                if str(ended) == "overran"
                else f"{ended} while it was imported"
            )
            raise TargetError(f"target {self.spec!r} {how}{self._last_words(worker)}") from None
        if "error" in reply:
            worker.kill()
            raise TargetError(str(reply["error"]), traceback=reply.get("traceback"))
        worker.used = False
        return dict(reply["ok"])

    def _last_words(self, worker: _Worker) -> str:
        """The last line the worker wrote on its standard error, if any."""
        try:
            with open(worker.stderr.name, "rb") as text:
                lines = text.read()[-2000:].decode(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return f" (its last words: {lines[-1][:200]})" if lines else ""

    def _worker(self) -> _Worker:
        """The current worker: a replacement, warmed up, if the last one ended."""
        if self._current is None:
            worker = self._spare or self._spawn()
            self._spare = self._spawn()  # the next replacement imports meanwhile
            self._ready(worker)
            self._current = worker
            for callback in sorted(self.warmed):  # already warmed up: again, quietly
                try:
                    worker.request({"op": "warm_up", "callback": callback}, self._deadline())
                except _Ended:
                    self.warmed.discard(callback)
                    self._ended()
                    return self._worker()
            worker.used = False
        return self._current

    def _ended(self) -> None:
        """The current worker ended: it is replaced before the next request."""
        if self._current is not None:
            self._current.kill()
            self._current = None
        sweep(self._live())

    def _live(self) -> list[int]:
        return [w.process.pid for w in (self._current, self._spare) if w is not None]

    def _deadline(self, seconds: float | None = None) -> float | None:
        """When a request made now must be answered: in `seconds` (the start's if
        None), and before the run's deadline."""
        self._check_deadline()
        limit = time.monotonic() + (self.start_seconds if seconds is None else seconds)
        return limit if self.deadline is None else min(limit, self.deadline.at)

    def _check_deadline(self) -> None:
        if self.deadline is not None and self.deadline.passed():
            raise RunDeadline(self.deadline.seconds)

    # -- Host -----------------------------------------------------------------------

    def fresh(self, more: bool = True) -> None:
        if self._current is not None and not self._current.used:
            return
        self._ended()
        self.warmed.clear()
        self.tried.clear()
        self._current = self._spare or self._spawn()
        self._spare = None
        self._ready(self._current)
        if more:  # the next callback's worker imports while this one works
            self._spare = self._spawn()

    def warm_up(self, callback: str) -> str | None:
        if callback in self.tried:
            return None
        self.tried.add(callback)
        worker = self._worker()
        try:
            reply = worker.request({"op": "warm_up", "callback": callback}, self._deadline())
        except _Ended as ended:
            hook = f"conformance_warm_up({callback!r})"
            self._ended()
            self._check_deadline()
            if str(ended) == "overran":
                return f"ran longer than {self.start_seconds:g} s, stopped in {hook}"
            return f"{ended} in {hook}"
        if "error" in reply:
            return f"broke the worker: {reply['error']}"
        if reply["ok"] is None:
            self.warmed.add(callback)
        return reply["ok"]

    def again(
        self, callback: str, scenarios: list[Scenario], seconds: float | None
    ) -> list[TargetRun]:
        """In the same worker, seeded otherwise. (A fresh worker would also show state
        the target keeps in its process; it costs the target's import, and TensorFlow's
        for TensorBoard, again for every callback: 5 to 12 s of a 25 s quick run against
        Keras. State kept between runs shows in the re-runs of failing scenarios on
        fresh instances, and on the classes.)"""
        return [self.observe(callback, scenario, seconds, OTHER_SEEDS) for scenario in scenarios]

    def observe(
        self, callback: str, scenario: Scenario, seconds: float | None, variant: int = 0
    ) -> TargetRun:
        """As `Host.observe`; `random` and `numpy.random` seeded from the scenario, and
        `variant` (`again`)."""
        worker = self._worker()
        if seconds is None:
            self._check_deadline()
            deadline = None if self.deadline is None else self.deadline.at
        else:
            deadline = self._deadline(2 * seconds + GRACE_SECONDS)
        seed = zlib.crc32(codec.dumps(scenario).encode()) ^ variant
        with self.workspaces.one() as workspace:
            request = {
                "op": "observe",
                "callback": callback,
                "scenario": scenario,
                "workspace": workspace,
                "seconds": seconds,
                "seed": seed,
            }
            try:
                reply = worker.request(request, deadline)
            except _Ended as ended:
                hook = worker.hook()
                self._ended()
                self._check_deadline()
                if str(ended) == "overran":
                    assert seconds is not None
                    how = (
                        f"ran longer than the time limit of {seconds:g} s, stopped in {hook}"
                        " (its process did not stop, and was killed)"
                    )
                else:
                    how = f"{ended}" + (f" in {hook}" if hook else "")
                observation = Observation(error=("ProcessEnded", how, hook))
                read_outputs(observation, workspace)
                return TargetRun(observation, how)
            if "error" in reply:
                how = f"broke the worker: {reply['error']}"
                observation = Observation(error=("WorkerError", how, worker.hook()))
                read_outputs(observation, workspace)
                return TargetRun(observation, how)
            answer = reply["ok"]
            observation = codec.observation_from(answer["observation"])
            read_outputs(observation, workspace)
        return TargetRun(observation, answer["ended"], answer["class_changes"])

    def ask(self, op: str, request: dict[str, Any]) -> Any:
        """A request whose reply is data (a declaration's predicate)."""
        worker = self._worker()
        try:
            reply = worker.request({"op": op, **request}, self._deadline())
        except _Ended as ended:
            self._ended()
            raise TargetError(f"target {self.spec!r} {ended} in {op}") from None
        if "error" in reply:
            raise TargetError(f"target {self.spec!r}: {op} raised {reply['error']}")
        return reply["ok"]

    def close(self) -> None:
        for worker in (self._current, self._spare):
            if worker is not None:
                worker.kill()
        self._current = self._spare = None
        sweep()
        shutil.rmtree(self.root, ignore_errors=True)


def connect(
    spec: str,
    path: Sequence[str] | None = None,
    sandboxed: bool = False,
    deadline: Deadline | None = None,
    start_seconds: float = START_SECONDS,
    options: TargetOptions | None = None,
) -> RunningTarget:
    """The target named `spec`, run in worker processes (module docstring), in the
    sandbox if `sandboxed` (`conformance.worker.sandbox`), as `options` make it;
    TargetError with a one-line reason if it cannot be imported there (SandboxError:
    the sandbox cannot be made). Close its host when done."""
    host = WorkerHost(spec, path, sandboxed, deadline, start_seconds)
    try:
        running = _target(host)
        if options is not None:
            running.target = options.apply(running.target)
        return running
    except BaseException:
        host.close()
        raise


def _target(host: WorkerHost) -> RunningTarget:
    """The target `host` runs, as its worker described it."""
    about = host.description
    declared = tuple(
        Unsupported(
            callback=item["callback"],
            parameter=item["parameter"],
            values=item["values"],
            supported=item["supported"],
            when=None if item["when"] is None else _RemoteWhen(host, index, item["when"]),
            reason=item["reason"],
        )
        for index, item in enumerate(about["unsupported"])
    )
    target = Target(
        spec=about["spec"],
        module=about["module"],
        classes={},
        version=about["version"],
        backend=about["backend"],
        precision=about["precision"],
        not_run=about["not_run"],
        unsupported=Declarations(declared),
        present=frozenset(about["present"]),
    )
    return RunningTarget(target, host, refused_at_import=tuple(about["refused_at_import"]))

"""The foreign process: started, asked, and replaced when it ends or hangs
(`conformance.foreign`, the protocol)."""

from __future__ import annotations

import contextlib
import subprocess
from typing import IO, Any

from conformance.harness.confinement import allow_restarts
from conformance.worker import codec
from conformance.worker.server import PROTOCOL  # one protocol: the worker's version


class ForeignError(Exception):
    """An error the foreign callback raised; subclassed per foreign type (`error_class`)."""


class ForeignProcessEnded(Exception):
    """The foreign process ended, hung, or answered what is not a reply."""


_ERROR_CLASSES: dict[str, type[ForeignError]] = {}


def error_class(name: str) -> type[ForeignError]:
    """An exception class named `name` (the foreign error's type): the observation
    records the name, as it records a Python callback's exception type."""
    if not name.isidentifier():
        name = "ForeignError"
    if name not in _ERROR_CLASSES:
        _ERROR_CLASSES[name] = type(name, (ForeignError,), {"__module__": __name__})
    return _ERROR_CLASSES[name]


class ForeignProcess:
    """One foreign implementation's process, speaking the callback protocol."""

    def __init__(self, command: list[str], label: str) -> None:
        """`command` starts the process (`subprocess.Popen`'s list); `label` names it in
        messages ("the TF.js driver")."""
        self.command = list(command)
        self.label = label
        self.process: subprocess.Popen[str] | None = None
        self.started: dict[str, Any] = {}  # the `start` reply of the running process
        self.starts = 0  # processes started: more than one, it was replaced
        self.transcript: list[str] | None = None  # set to a list: every line sent and read

    def warm_up(self, callback: str | None = None) -> None:
        """Start the process, outside any run (a target's `conformance_warm_up`), and let
        runs start it again to replace it."""
        allow_restarts(self.command)
        self._ensure_running()

    def request(self, message: dict[str, Any], during: str) -> Any:
        """Send `message` (the version added), return the reply's value; raise the
        foreign error it carries, or ForeignProcessEnded (`during` says in which hook)."""
        process = self._ensure_running()
        assert process.stdin is not None and process.stdout is not None
        sent = codec.dumps({"protocol": PROTOCOL, **message})
        try:
            process.stdin.write(sent + "\n")
            process.stdin.flush()
            line = process.stdout.readline()
        except BrokenPipeError:
            line = ""
        except BaseException:  # the time limit (ScenarioTimeout) stopped a hang
            self.end()
            raise
        if self.transcript is not None:
            self.transcript += [sent, line.rstrip("\n")] if line else [sent]
        if not line:
            status = self.end()
            raise ForeignProcessEnded(f"{self.label} ended with status {status} in {during}")
        try:
            reply = codec.loads(line)
            if not isinstance(reply, dict) or reply.get("protocol") != PROTOCOL:
                raise ValueError("no protocol 1 reply")
        except ValueError:
            self.end()
            raise ForeignProcessEnded(
                f"{self.label} answered {line.strip()[:200]!r} in {during}, not a reply"
            ) from None
        if "error" in reply:
            error = reply["error"]
            raise error_class(str(error.get("type")))(str(error.get("message")))
        return reply.get("ok")

    def end(self) -> int | None:
        """Kill the process (if it still runs) and reap it: its exit status."""
        process, self.process = self.process, None
        if process is None:
            return None
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        for stream in (process.stdin, process.stdout):
            with contextlib.suppress(OSError):
                _close(stream)
        return process.wait()

    def _ensure_running(self) -> subprocess.Popen[str]:
        if self.process is not None and self.process.poll() is None:
            return self.process
        self.end()
        self.starts += 1
        self.process = subprocess.Popen(
            self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.started = self.request({"op": "start"}, "start")
        return self.process


def _close(stream: IO[str] | None) -> None:
    if stream is not None:
        stream.close()

"""The time limit on an implementation's code: `TimeLimit` says how long a scenario's run
may take, `timed` runs a stretch of the code against what is left of it, and
`ScenarioTimeout` is raised inside the code when it runs out (docs/robustness.md, "The
time limit")."""

from __future__ import annotations

import contextlib
import ctypes
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conformance.harness.records import Observation

REFIRE_SECONDS = 1.0  # after the limit, ScenarioTimeout again every second until the code stops


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


class Clock:
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


def _arm_signal(clock: Clock) -> Callable[[], None]:
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


def _arm_thread(clock: Clock) -> Callable[[], None]:
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
def timed(clock: Clock | None) -> Iterator[None]:
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

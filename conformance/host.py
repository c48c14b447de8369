"""Where a target's code runs, and what one run of a scenario on it gave.

A `Host` runs a target's callbacks on scenarios. `callback-conformance run`, `replay`
and the pytest plugin use a worker process of the target's own
(`conformance.worker.connect`): whatever its code does, exit, crash or hang, the suite
that judges it lives on. `InProcess` runs a target resolved in this process
(`conformance.targets.resolve`): the suite's own tests use it for the reference and for
the classes they make, and the worker runs its target with it.
"""

from __future__ import annotations

from collections.abc import Sized
from dataclasses import dataclass
from typing import Any, Protocol

from conformance.harness.fit import FitRecord
from conformance.harness.observe import Observation, Scenario, read_outputs, run_in
from conformance.harness.time_limit import TimeLimit
from conformance.harness.workspaces import new_workspace
from conformance.targets import Target


@dataclass(frozen=True)
class TargetRun:
    """One scenario run on a target: what it did, and whether the run ended early
    (`ended`: "ran longer than the time limit of 10 s, stopped in on_epoch_end(0)",
    "ended its process with status 0 in on_epoch_end(0)") or changed the state of its
    callback's class (`class_changes`, after the class's first use: which attributes)."""

    observation: Observation
    ended: str | None = None
    class_changes: str = ""


class RunDeadline(BaseException):  # noqa: N818 (a BaseException: it must stop Hypothesis)
    """The whole run's deadline passed: nothing more is run on the target."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds

    def __str__(self) -> str:
        return f"the run's deadline of {self.seconds:g} s passed before this was checked"


class Host(Protocol):
    """Runs a target's code (module docstring)."""

    again_means: str  # how `again` runs a scenario differently, in words

    def fresh(self, more: bool = True) -> None:
        """Start over, as if no scenario had run: before each callback's properties, so
        that what one callback's runs left behind cannot change another's verdicts.
        `more`: another callback's properties may follow (a host may prepare for them)."""

    def warm_up(self, callback: str) -> str | None:
        """Run the target's warm-up for `callback` once (imports, compilation): None, or
        what went wrong."""

    def observe(self, callback: str, scenario: Scenario, seconds: float | None) -> TargetRun:
        """Run `scenario` on the target's `callback`, its code limited to `seconds`.
        RunDeadline (here and in `warm_up`) once the whole run's deadline has passed."""

    def again(
        self, callback: str, scenarios: list[Scenario], seconds: float | None
    ) -> list[TargetRun]:
        """Run `scenarios` again, as differently as the host can (other seeds for `random`
        and `numpy.random`): a target whose runs differ is not deterministic."""

    def close(self) -> None:
        """Nothing of the target's keeps running."""


class InProcess:
    """Runs a target resolved in this process."""

    again_means = "in the same process, on a fresh instance"

    def __init__(self, target: Target) -> None:
        self.target = target
        self.warmed_up: set[str] = set()
        self.examined: set[str] = set()  # callbacks run at least once

    def fresh(self, more: bool = True) -> None:
        """Nothing to start over in this process: its module state stays."""

    def warm_up(self, callback: str) -> str | None:
        if self.target.warm_up is None or callback in self.warmed_up:
            return None
        self.warmed_up.add(callback)
        try:
            self.target.warm_up(callback)
        except (Exception, SystemExit) as error:  # sys.exit() in it must not end the run
            return f"raised {type(error).__name__}: {error}"
        return None

    def observe(
        self,
        callback: str,
        scenario: Scenario,
        seconds: float | None,
        record: FitRecord | None = None,
        workspace: str | None = None,
    ) -> TargetRun:
        """As `Host.observe`; `record` follows the hooks as they are dispatched, and the
        files left in `workspace` (a new one if None) are for the caller to read."""
        target_class = self.target.classes[callback]
        assert target_class is not None
        limit = None if seconds is None else TimeLimit(seconds)
        before = class_state(target_class)
        # A class may set class attributes once, on first use: only later changes count.
        first_use = callback not in self.examined
        self.examined.add(callback)
        arguments = (target_class, scenario, self.target.adapt, self.target.cleanup, limit)
        if workspace is None:
            with new_workspace() as workspace:
                observation, timed_out = run_in(workspace, *arguments, self.target.backend, record)
                read_outputs(observation, workspace)
        else:
            observation, timed_out = run_in(workspace, *arguments, self.target.backend, record)
        if timed_out is not None:
            return TargetRun(observation, str(timed_out))
        changes = "" if first_use else _changes(before, class_state(target_class))
        return TargetRun(observation, class_changes=changes)

    def again(
        self, callback: str, scenarios: list[Scenario], seconds: float | None
    ) -> list[TargetRun]:
        """Again in this process: what differs is what the target draws from the
        operating system (`os.urandom`, the clock), or state it kept."""
        return [self.observe(callback, scenario, seconds) for scenario in scenarios]

    def close(self) -> None:
        """Nothing to stop: the target lives in this process."""


_DATA = (type(None), bool, int, float, complex, str, bytes, tuple, list, dict, set, frozenset)


def class_state(cls: Any) -> dict[str, str]:
    """The data attributes of `cls` and its bases (not methods, not dunders), as text:
    what a run must leave as it found it. A factory function has none."""
    state = {}
    for klass in getattr(cls, "__mro__", ()):
        if klass is object:
            continue
        for name, value in list(vars(klass).items()):
            if isinstance(value, _DATA) and not (name.startswith("__") and name.endswith("__")):
                text = repr(value)
                size = f"{len(value)} items: " if isinstance(value, Sized) else ""
                state[f"{klass.__qualname__}.{name}"] = size + text[:500]
    return state


def _changes(before: dict[str, str], after: dict[str, str]) -> str:
    absent = "(absent)"
    changed = [
        f"{name} was {before.get(name, absent)[:120]}, is now {after.get(name, absent)[:120]}"
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    ]
    return "; ".join(changed[:3])

"""A target as one run checks it: its configuration, where its code runs, and the run's state.

A `Target` (`conformance.targets`) is what the user asked for, and does not change. What
changes while it is checked belongs to the run, held here: the `Host` its code runs on
(`InProcess`, or the worker processes `conformance.worker.connect` starts), the writes
outside its run directory its import tried (refused, in a worker), the scopes of its
declared divergences (`conformance.divergences.scope`) and the observations the
properties of one callback share (`conformance.shared_observations`). Whoever runs the
target makes one and passes it to the runner.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from conformance.harness.observe import Scenario
from conformance.host import Host, InProcess
from conformance.shared_observations import SharedObservations
from conformance.targets import Target


@dataclass
class RunningTarget:
    target: Target
    # where its code runs; closed by whoever made it
    host: Host
    # writes outside its run directory its import tried, refused (in a worker process)
    refused_at_import: tuple[str, ...] = ()
    # clause -> the scenarios where a declared divergence of it is known, not judged
    # there (`when` in a divergences file: conformance.divergences.scope); None: wherever
    # the clause's own regime holds (a declaration without `when`)
    declared_scopes: Mapping[str, Callable[[Scenario], bool] | None] = field(default_factory=dict)
    # the runs of the scenarios the current group of properties draws (conformance.runner)
    observations: SharedObservations = field(default_factory=SharedObservations)

    def describe(self) -> dict[str, Any]:
        """The target as the JSON report holds it."""
        return {**self.target.describe(), "refused_at_import": list(self.refused_at_import)}


def in_process(target: Target) -> RunningTarget:
    """`target` run in this process (the suite's own tests, the worker, the diagnosis)."""
    return RunningTarget(target, InProcess(target))

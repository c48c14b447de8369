"""Observations shared by the properties of one callback.

The properties of a callback are run together (`conformance.runner.run_group`): each
scenario is drawn once, run once on the target and once on the reference, and judged by
every property of its strategy, each projecting its own aspect. The first property's
examination observes the runs and keeps them here; the others, and the runs that draw a
difference again to shrink it (the same scenarios up to it), find them here.

Only clean observations are kept: a run that timed out, wrote outside its run
directory or changed its classes' state fails at once and is observed afresh by the
next property. A failure is run again on fresh instances without this cache
(`runner._failed`), so a target whose behaviour depends on earlier runs is still told
apart.

The cache holds one callback's scenarios at a time: its memory is bounded by the
scenarios its strategies draw (and the shrinking that follows).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Literal

from conformance.harness.observe import Observation, Scenario

Side = Literal["target", "reference"]


class SharedObservations:
    def __init__(self) -> None:
        self._strategy: str | None = None
        self._kept: dict[tuple[Side, str], Observation] = {}
        # The last scenario and its key: every property of a group looks it up again.
        self._last: tuple[Scenario | None, str] = (None, "")

    @contextlib.contextmanager
    def kept_for(self, strategy: str) -> Iterator[None]:
        """Keep the observations of `strategy`'s (or a callback's) scenarios within the
        block, and forget them after it (a block within a block for the same keeps them
        on)."""
        if strategy == self._strategy:
            yield
            return
        self._strategy, self._kept = strategy, {}
        try:
            yield
        finally:
            self._strategy, self._kept = None, {}

    def get(self, side: Side, scenario: Scenario) -> Observation | None:
        return self._kept.get((side, self._key(scenario)))

    def keep(self, side: Side, scenario: Scenario, observation: Observation) -> None:
        if self._strategy is not None:
            self._kept[(side, self._key(scenario))] = observation

    def _key(self, scenario: Scenario) -> str:
        if self._last[0] is not scenario:
            self._last = (scenario, repr(scenario))
        return self._last[1]

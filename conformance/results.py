"""The runner's results as plain records: what a run found, per scenario, property and
clause. The runner makes them; divergences, diagnosis, the parallel runner and the report
read (and refine) them, without importing the runner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from conformance.clauses import Clause
from conformance.harness.observe import Observation, Scenario
from conformance.properties.base import Property


class Declaration(Protocol):
    """A declared divergence as a verdict carries it (`conformance.divergences.Divergence`,
    which imports these records): the report reads its description."""

    def describe(self) -> dict[str, Any]: ...


@dataclass
class Examination:
    """One scenario run for one property: what the target and (for a differential
    property) the reference did, and why the property fails, if it does."""

    target: Observation
    reference: Observation | None
    failure: str | None
    timed_out: bool = False
    # A failure that says all there is to say (a timeout, a write outside the run, state
    # kept on the classes): not shrunk, not re-run.
    conclusive: bool = False


@dataclass
class Counterexample:
    property: str
    scenario: Scenario
    target: Observation
    reference: Observation | None
    reason: str
    # what the reference held that its observation does not show (`runner.reference_state`)
    reference_state: dict[str, Any] | None = None


@dataclass
class ClauseOutcome:
    """A clause's verdict from one group: judged on `examples` scenarios of its regime."""

    clause: str
    verdict: str  # "pass", "fail", "unsupported" or "not-run"
    examples: int
    reason: str = ""
    counterexample: Counterexample | None = None
    explained_by: tuple[str, ...] = ()  # the failing clauses it could not be judged apart from
    # drawn scenarios of its regime left out: they need what the target does not support
    left_out: int = 0


@dataclass
class PropertyResult:
    property: Property
    verdict: str  # "pass", "fail" or "not-run"
    examples: int
    reason: str = ""
    counterexample: Counterexample | None = None
    # the verdict of each clause the property checks, as its group blamed them
    clauses: dict[str, ClauseOutcome] = field(default_factory=dict)


@dataclass
class ClauseResult:
    clause: Clause
    verdict: str  # "pass", "fail", "divergent", "stale", "unsupported" or "not-run"
    examples: int
    reason: str
    counterexample: Counterexample | None
    divergence: Declaration | None = None  # the declaration that applied (conformance.divergences)
    left_out: int = 0  # drawn scenarios of its regime the target does not support
    # catalogue entries that behave as the target on its counterexample (conformance.diagnosis)
    behaves_like: tuple[str, ...] = ()

"""What a property is: a statement about observations, tagged with the clauses it checks.

A *differential* property runs one scenario on the target and on the reference (set to
the target's comparison precision) and requires the two observations to agree on the
part the property projects. An *invariant* property states something any conforming
run satisfies, checked on the target's observation alone (and on the reference's own,
by the project's tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from hypothesis import strategies as st

from conformance.harness.observe import Observation, Scenario


@dataclass(frozen=True)
class Property:
    name: str
    callback: str
    clauses: tuple[str, ...]
    scenarios: st.SearchStrategy[Scenario]
    kind: Literal["differential", "invariant"] = "differential"
    # differential: the part of an observation compared between target and reference
    project: Callable[[Observation], Any] | None = None
    # invariant: raises AssertionError (with a reason) when the run breaks the rule
    holds: Callable[[Scenario, Observation], None] | None = None


def comparable(value: Any) -> str:
    """Text that compares NaN equal to NaN (repr does, `==` does not)."""
    return repr(value)

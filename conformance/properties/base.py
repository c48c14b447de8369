"""What a property is: a statement about observations, tagged with the clauses it checks.

A *differential* property runs one scenario on the target and on the reference (set to
the target's comparison precision) and requires the two observations to agree on the
part the property projects. An *invariant* property states something any conforming
run satisfies, checked on the target's observation alone (and on the reference's own,
by the project's tests).

Each clause a property checks has a *regime* (`regimes`): a predicate over the scenario
that says where the clause is the rule in play. A clause with no regime is in play in
every scenario the property draws: it is the general rule, judged where no more specific
clause explains a difference better (`conformance.blame`). Every property has at least
one such general clause, so that every difference it finds can be blamed. What a
property observes may follow from rules checked upstream (the rate logged follows from
the rate set): those clauses are its `follows`, and their failure explains its
differences.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from hypothesis import strategies as st

from conformance.harness.observe import Observation, Scenario

Regime = Callable[[Scenario], bool]


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
    # clause id → where it is in play; the clauses not named here are general
    regimes: Mapping[str, Regime] = field(default_factory=dict, compare=False)
    # clause id → the part of the projection it governs (differential; default: all)
    projections: Mapping[str, Callable[[Observation], Any]] = field(
        default_factory=dict, compare=False
    )
    # clauses of upstream properties whose failure explains this property's differences
    # (what it observes follows from them), though never blamed on its evidence alone
    follows: tuple[str, ...] = field(default=(), compare=False)
    # differential: the projection in words, for a failure's reason
    describe: Callable[[Any], str] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        unknown = (set(self.regimes) | set(self.projections)) - set(self.clauses)
        if unknown:
            raise ValueError(f"{self.name}: clauses it does not check: {unknown}")
        if not self.general:
            raise ValueError(f"{self.name}: every clause has a regime; one must be general")

    @property
    def general(self) -> tuple[str, ...]:
        """The clauses in play in every scenario the property draws."""
        return tuple(clause for clause in self.clauses if clause not in self.regimes)

    def in_play(self, scenario: Scenario) -> frozenset[str]:
        return frozenset(
            clause
            for clause in self.clauses
            if clause not in self.regimes or self.regimes[clause](scenario)
        )


def comparable(value: Any) -> str:
    """Text that compares NaN equal to NaN (repr does, `==` does not)."""
    return repr(value)


def regimes_among(table: Mapping[str, Regime], *clauses: str) -> dict[str, Regime]:
    """The regimes `table` gives for `clauses`: those without one are general."""
    return {clause: table[clause] for clause in clauses if clause in table}


# What a projection shows, in words, for a failure's reason (`Property.describe`).


def raised_in_words(raised: Any) -> str:
    """`Observation.raised()`: the exception's type and hook."""
    return "raises nothing" if raised is None else f"raises {raised[0]} in {raised[1]}"


def error_in_words(error: Any) -> str:
    """`Observation.error`: type, message and hook."""
    if error is None:
        return "raises nothing"
    kind, message, hook = error
    return f"raises {kind} in {hook}: {message[:160]!r}"


def warnings_in_words(warned: Any) -> str:
    if not warned:
        return "warns nothing"
    return "warns " + "; ".join(f"{category}: {message[:100]!r}" for category, message in warned)


def printed_in_words(printed: Any) -> str:
    return f"prints {printed!r}" if printed else "prints nothing"

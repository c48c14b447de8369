"""Which clauses a group's differences are blamed on.

A group of properties judges every scenario it draws (`conformance.runner.run_group`).
For each scenario we know which properties found a difference (an invariant broken, or
the target's projection differing from the reference's), and, for each clause, whether
the scenario lies in the clause's *regime*: the scenarios where that clause is the rule
in play (`Property.regimes`; a clause without one is the general rule of its property,
in play in every scenario).

A group lists its properties upstream first: what the callback decides (when to stop,
which rate to set) before what follows from it (the weights restored, the rate logged,
the messages printed). A clause *shows* a scenario when the scenario is in its regime
and its first differing property is one of the clause's: a wrong stop also moves the
restored weights, and is the stop rule's fault, not the restore rule's. A clause with
a projection of its own (`Property.projections`) shows only the scenarios where that
projection differs: the path rule shows a wrong file name, not a missing save.

Blame goes from the first unexplained difference (of the most upstream property) to its
minimal form: the runner shrinks
it (keeping some property differing, and no blamed clause showing it), and the suspects
are the clauses that show the *minimal* scenario. Shrinking strips what the difference
does not need (a second fit, a multi-optimizer, a verbose flag), so the rules in play
there are the ones the difference depends on. Of the suspects, the specific ones (with
a regime) are blamed before the general rule, unless the property also differs where
none of its specific rules is in play: then the general rule fails on its own. Between
several, the one that shows the most unexplained scenarios is blamed, and between those
that show as many, the one whose regime holds on fewer drawn scenarios. The blamed
clause explains every scenario it shows; the next unexplained difference is shrunk in
turn, until none is left.

A property's differences are also explained when a clause it `follows` is blamed: the
rate logged follows from the rate set, so a wrong schedule call is not also blamed on
the logging rule. A clause that touches differences that a blamed clause explains is
*explained*:
it could not be judged apart from that clause on those scenarios. It is judged on the
others of its regime, where none of its properties differs, or only outside its own
projection (a save's name differing where the clause is about when it happens): it
passes there (`apart`),
saying how many scenarios it was not judged on and why, and is `not-run` only when none
is left. A clause whose regime no drawn scenario reached is *unreached* (`not-run`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Judged:
    """One drawn scenario: the clauses in play, the properties that differ on it
    (upstream first), and the clauses that show it: those of the first differing
    property, in play, whose own projection differs (`Property.projections`)."""

    in_play: frozenset[str]
    differing: tuple[str, ...] = ()
    showing: frozenset[str] = frozenset()
    # the first differing property's clauses with a regime that holds here
    quirks: frozenset[str] = frozenset()
    # clauses of the callback's other strategies in play here (what this one follows)
    also: frozenset[str] = frozenset()
    # the clauses in play here through a regime of theirs (not as a general rule)
    specific: frozenset[str] = frozenset()
    # the properties that judged it (its strategy's)
    judged_by: frozenset[str] = frozenset()
    # clauses whose declared divergence is known here (its scope, or its regime, holds,
    # judged by any property of the callback): not judged here, and any difference here
    # is explained by it, the target being known to differ in this scenario
    declared: frozenset[str] = frozenset()
    # the clauses in play, of a differing property, whose own projection agrees on every
    # property that differs (`Property.projections`): their part is the same here
    agreeing: frozenset[str] = frozenset()


class Blame:
    """The blame of one group's drawn scenarios, built one minimal difference at a time."""

    def __init__(
        self,
        clauses_of: Mapping[str, Sequence[str]],
        scenarios: Sequence[Judged],
        specific: Mapping[str, Collection[str]] | None = None,
        follows: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.clauses_of = clauses_of
        self.scenarios = scenarios
        # property → its clauses that have a regime (the others are general)
        self.specific = specific or {}
        # property → the upstream clauses whose failure explains its differences
        self.follows = follows or {}
        self._depths: dict[str, int] = {}  # computed when a difference needs it
        properties_of: dict[str, set[str]] = {}
        for prop, clauses in clauses_of.items():
            for clause in clauses:
                properties_of.setdefault(clause, set()).add(prop)
        self.in_regime = {
            clause: sum(
                clause in judged.in_play and clause not in judged.declared for judged in scenarios
            )
            for clause in properties_of
        }
        self._shows = {
            clause: {
                index
                for index, judged in enumerate(scenarios)
                if clause in judged.showing and clause not in judged.declared
            }
            for clause in properties_of
        }
        # What a clause shows where it is in play through its regime: between specific
        # suspects, what they show as a general rule elsewhere does not count.
        self._shows_as_quirk = {
            clause: {index for index in shown if clause in scenarios[index].quirks}
            for clause, shown in self._shows.items()
        }
        self._touches = {
            clause: {
                index
                for index, judged in enumerate(scenarios)
                if clause in judged.in_play
                and clause not in judged.declared
                and clause not in judged.agreeing
                and props.intersection(judged.differing)
            }
            for clause, props in properties_of.items()
        }
        # The scenarios of its regime where none of its properties differs, or only in
        # what the clause's own projection leaves out: the ones a clause is judged on apart
        # from any other.
        self.apart = {
            clause: self.in_regime[clause] - len(touched)
            for clause, touched in self._touches.items()
        }
        self.blamed: list[str] = []
        self.unexplained = {
            index
            for index, judged in enumerate(scenarios)
            if judged.differing and not judged.declared
        }

    def explains(self, judged: Judged) -> bool:
        """Whether a declared divergence is known in `judged`, or a blamed clause shows
        it, or is in play there and one that its first differing property follows."""
        return bool(judged.declared) or self._explaining(judged, self.blamed)

    def _explaining(self, judged: Judged, clauses: Iterable[str]) -> bool:
        """Whether one of `clauses` shows `judged`, or is in play there and one that its
        first differing property follows."""
        if not judged.differing:
            return False
        follows = self.follows.get(judged.differing[0], ())
        in_play = judged.in_play | judged.also
        return any(
            clause in judged.showing or (clause in in_play and clause in follows)
            for clause in clauses
        )

    def suspects(self, minimal: Judged) -> list[str]:
        """The clauses to blame for a minimal difference: of those that show it, the
        specific ones (with a regime) unless the property also differs, unexplained,
        where none of its specific clauses is in play (then the general rule fails on
        its own); between several, the ones that show the most unexplained drawn
        scenarios, then the narrowest regimes."""
        upstream = minimal.differing[0]
        showing = [c for c in self.clauses_of[upstream] if c in minimal.showing]
        specific = [c for c in showing if c in self.specific.get(upstream, ())]
        quirky = bool(specific) and not self._pure(upstream)
        chosen = specific if quirky else showing
        if not chosen:
            return []
        shows = self._shows_as_quirk if quirky else self._shows
        # Counted on this property's own differences: what a clause shows downstream
        # follows from what it shows here.
        here = {i for i in self.unexplained if self.scenarios[i].differing[0] == upstream}
        score = {c: (len(shows[c] & here), -self._breadth(c, upstream)) for c in chosen}
        best = max(score.values())
        return [c for c in chosen if score[c] == best]

    def _breadth(self, clause: str, prop: str) -> int:
        """How narrow `clause`'s regime is: on how many of the scenarios `prop` judged it
        holds as a regime, else on how many of all, else (a clause general everywhere)
        how many scenarios it is in play in."""
        own = [j for j in self.scenarios if prop in j.judged_by] or self.scenarios
        for judged in (own, self.scenarios):
            as_regime = sum(clause in j.specific for j in judged)
            if as_regime:
                return as_regime
        return self.in_regime[clause]

    def _pure(self, prop: str) -> bool:
        """Whether a general clause of `prop` fails on its own: a property where it is
        general (`prop` or another) differs first on an unexplained drawn scenario where
        none of that property's specific clauses is in play."""
        general = self._general(prop)
        return any(
            not self.scenarios[index].quirks
            and general & self._general(self.scenarios[index].differing[0])
            for index in self.unexplained
        )

    def pure_difference(self, clause: str) -> int | None:
        """The first unexplained drawn scenario where a property with `clause` as its
        general rule differs first with none of its quirks in play: the general rule's
        own counterexample, free of quirks."""
        return next(
            (
                index
                for index in sorted(self.unexplained)
                if not self.scenarios[index].quirks
                and clause in self._general(self.scenarios[index].differing[0])
            ),
            None,
        )

    def _general(self, prop: str) -> set[str]:
        return set(self.clauses_of[prop]) - set(self.specific.get(prop, ()))

    def blame(self, clauses: Iterable[str], minimal_index: int | None) -> None:
        """Blame `clauses`; they explain what they show, and the drawn difference the
        minimal one was shrunk from (`minimal_index`), whatever its regimes."""
        for clause in clauses:
            self.blamed.append(clause)
            self.unexplained -= self._shows[clause]
        self.unexplained -= {
            index for index in self.unexplained if self.explains(self.scenarios[index])
        }
        if minimal_index is not None:
            self.unexplained.discard(minimal_index)

    def next_unexplained(self) -> tuple[int, str] | None:
        """The earliest drawn of the unexplained differences whose first differing
        property is the most upstream (the least deep in what follows what), with no
        quirk in play if there is one such, of the first listed property, and that
        property."""
        if not self.unexplained:
            return None
        order = list(self.clauses_of)

        def upstream_first(index: int) -> tuple[int, bool, int, int]:
            judged = self.scenarios[index]
            prop = judged.differing[0]
            # Where no quirk is in play a general rule fails on its own: blamed first,
            # it explains the differences it shows where quirks are in play too.
            if prop not in self._depths:
                self._depths[prop] = self._depth(prop)
            return self._depths[prop], bool(judged.quirks), order.index(prop), index

        index = min(self.unexplained, key=upstream_first)
        return index, self.scenarios[index].differing[0]

    def _depth(self, prop: str, seen: frozenset[str] = frozenset()) -> int:
        """How far downstream `prop` is: 0 if it follows nothing, else one more than the
        deepest of the rules it follows, each as deep as the least deep property that
        checks it. A property of another strategy that checks a followed rule (the tie
        rule, in a strategy of its own) is upstream too: its differences are blamed
        first, so that they explain this one's."""
        seen = seen | {prop}
        depths = [
            min(
                (
                    self._depth(owner, seen)
                    for owner, clauses in self.clauses_of.items()
                    if owner not in seen and clause in clauses
                ),
                default=0,
            )
            for clause in self.follows.get(prop, ())
        ]
        return 1 + max(depths) if depths else 0

    @property
    def explained_by(self) -> dict[str, tuple[str, ...]]:
        """Each clause not blamed whose differences blamed clauses, or declared
        divergences known there, explain: by which."""
        explaining = {}
        for clause, touched in self._touches.items():
            if touched and clause not in self.blamed:
                declared = [
                    other
                    for judged in (self.scenarios[index] for index in sorted(touched))
                    for other in sorted(judged.declared)
                ]
                showing = [other for other in self.blamed if self._shows[other] & touched]
                explaining[clause] = tuple(dict.fromkeys(showing + declared)) or tuple(self.blamed)
        return explaining

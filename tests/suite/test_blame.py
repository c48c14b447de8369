"""Blame (`conformance.blame`) on made-up groups: a difference is blamed on the rule in
play where it shows, general rules only where no specific one is, and what follows
from a blamed rule is explained by it, not blamed again."""

from __future__ import annotations

import dataclasses

from conformance.blame import Blame, Judged

STOPS = "stops"
RESTORES = "restores"
CLAUSES = {
    STOPS: ("patience", "ties", "nan"),  # `patience` general, the others with regimes
    RESTORES: ("restore",),
}
SPECIFIC = {STOPS: ("ties", "nan")}
FOLLOWS = {RESTORES: CLAUSES[STOPS]}


def judged(*in_play: str, differing: tuple[str, ...] = ()) -> Judged:
    """Every clause in play of the first differing property shows the scenario."""
    playing = frozenset({"patience", "restore", *in_play})
    showing = playing.intersection(CLAUSES[differing[0]]) if differing else frozenset()
    quirks = showing.intersection(SPECIFIC.get(differing[0], ())) if differing else frozenset()
    return Judged(playing, differing, showing, quirks)


def settle(blame: Blame, minimal: dict[int, Judged] | None = None) -> list[str]:
    """Blame every difference as the runner does, with the minimal scenario of drawn
    difference i given by `minimal` (default: the drawn scenario itself)."""
    while (found := blame.next_unexplained()) is not None:
        index, upstream = found
        shrunk = (minimal or {}).get(index, blame.scenarios[index])
        blame.blame(blame.suspects(shrunk), index)
    return blame.blamed


def test_a_difference_only_where_values_tie_is_blamed_on_the_tie_rule() -> None:
    scenarios = [
        judged("ties", differing=(STOPS, RESTORES)),
        judged(),
        judged("ties", "nan", differing=(STOPS,)),
        judged("nan"),
    ]
    blame = Blame(CLAUSES, scenarios, SPECIFIC, FOLLOWS)
    assert settle(blame) == ["ties"]
    # patience and restore touched differences that the tie rule explains
    assert blame.explained_by == {
        "patience": ("ties",),
        "nan": ("ties",),
        "restore": ("ties",),
    }
    assert blame.in_regime == {"patience": 4, "ties": 2, "nan": 2, "restore": 4}
    # ... and are judged on the rest of their regime, where none of their properties differs
    assert blame.apart == {"patience": 2, "ties": 0, "nan": 1, "restore": 3}


def test_a_declared_divergence_explains_and_its_own_clause_is_not_judged_there() -> None:
    """Where a declared divergence of `ties` is known (a scoped declaration), its
    difference is explained by it: `ties` is not judged there, the others name it."""
    declared = Judged(
        frozenset({"patience", "restore", "ties"}),
        (STOPS,),
        frozenset({"patience", "ties"}),
        frozenset({"ties"}),
        declared=frozenset({"ties"}),
    )
    blame = Blame(CLAUSES, [declared, judged("ties")], SPECIFIC, FOLLOWS)
    assert settle(blame) == []
    assert blame.explained_by == {"patience": ("ties",)}
    assert blame.in_regime["ties"] == 1 and blame.apart == {
        "patience": 1,
        "ties": 1,
        "nan": 0,
        "restore": 2,
    }


def test_a_clause_whose_own_projection_agrees_is_judged_apart_there() -> None:
    """A run where the stop differs only outside what `ties` projects (its own part
    agrees, `Judged.agreeing`) counts for `ties` as a run apart: the difference is not
    its rule's, and its rule was seen to hold there."""
    differing = Judged(
        frozenset({"patience", "restore", "ties"}),
        (STOPS,),
        frozenset({"patience"}),
        frozenset({"ties"}),
        agreeing=frozenset({"ties"}),
    )
    blame = Blame(CLAUSES, [differing, judged("ties")], SPECIFIC, FOLLOWS)
    assert settle(blame) == ["patience"]
    assert "ties" not in blame.explained_by
    assert blame.apart["ties"] == 2
    # without its own projection agreeing, the same run is not one of its runs apart
    muddled = dataclasses.replace(differing, agreeing=frozenset())
    blame = Blame(CLAUSES, [muddled, judged("ties")], SPECIFIC, FOLLOWS)
    settle(blame)
    assert blame.apart["ties"] == 1 and blame.explained_by["ties"] == ("patience",)


def test_a_difference_everywhere_is_the_general_rule_s_not_a_specific_one_s() -> None:
    # The minimal form of the first difference has no tie: patience is what is left.
    scenarios = [
        judged("ties", differing=(STOPS,)),
        judged(differing=(STOPS,)),
        judged("nan", differing=(STOPS,)),
    ]
    blame = Blame(CLAUSES, scenarios, SPECIFIC, FOLLOWS)
    assert settle(blame, minimal={0: judged(differing=(STOPS,))}) == ["patience"]
    assert set(blame.explained_by) == {"ties", "nan"}


def test_between_specific_suspects_the_one_that_shows_more_is_blamed() -> None:
    scenarios = [
        judged("ties", "nan", differing=(STOPS,)),
        judged("nan", differing=(STOPS,)),
        judged("ties"),
    ]
    blame = Blame(CLAUSES, scenarios, SPECIFIC, FOLLOWS)
    assert settle(blame) == ["nan"]


def test_what_follows_from_a_blamed_rule_is_explained_and_the_rest_blamed() -> None:
    scenarios = [
        judged(differing=(RESTORES,)),  # restore-only: the restore rule's
        judged("ties", differing=(STOPS, RESTORES)),
    ]
    blame = Blame(CLAUSES, scenarios, SPECIFIC, FOLLOWS)
    # Upstream first: the stop difference is blamed before the restore-only one.
    assert blame.next_unexplained() == (1, STOPS)
    assert settle(blame) == ["ties", "restore"]


def test_a_downstream_difference_explained_by_an_upstream_blame_is_not_blamed() -> None:
    scenarios = [
        judged("ties", differing=(STOPS,)),
        judged("ties", differing=(RESTORES,)),
    ]
    blame = Blame(CLAUSES, scenarios, SPECIFIC, FOLLOWS)
    blame.blame(["ties"], 0)
    # `restores` follows the stopping clauses: where values tie, the blamed tie rule
    # explains its difference too.
    assert blame.next_unexplained() is None
    assert blame.explained_by == {"patience": ("ties",), "restore": ("ties",)}


def test_a_followed_rule_checked_in_another_strategy_is_blamed_before_its_followers() -> None:
    """The tie rule is checked by a property listed after the restore property (its own
    strategy): its difference is still blamed first, and explains the restore one."""
    clauses = {STOPS: ("patience",), RESTORES: ("restore",), "ties-checked": ("ties",)}
    in_play = frozenset({"patience", "restore", "ties"})
    scenarios = [
        Judged(in_play, (RESTORES,), frozenset({"restore"})),
        Judged(in_play, ("ties-checked",), frozenset({"ties"}), frozenset({"ties"})),
    ]
    blame = Blame(clauses, scenarios, {"ties-checked": ("ties",)}, {RESTORES: ("ties",)})
    assert blame.next_unexplained() == (1, "ties-checked")
    assert settle(blame) == ["ties"]


def test_nothing_differs_nothing_is_blamed() -> None:
    blame = Blame(CLAUSES, [judged("ties"), judged()], SPECIFIC, FOLLOWS)
    assert blame.next_unexplained() is None
    assert settle(blame) == [] and blame.explained_by == {}


def test_the_general_rule_is_blamed_when_it_also_fails_where_no_quirk_is_in_play() -> None:
    # The minimal form of the first difference has a tie in play, yet the stop also
    # differs on a run without ties or NaN: the patience rule fails on its own.
    scenarios = [
        judged("ties", differing=(STOPS,)),
        judged(differing=(STOPS,)),
    ]
    blame = Blame(CLAUSES, scenarios, SPECIFIC, FOLLOWS)
    assert settle(blame) == ["patience"]


def test_a_clause_whose_own_projection_does_not_differ_does_not_show() -> None:
    # "ties" is in play but what it governs is the same on both sides: only the
    # general rule shows the scenario.
    scenarios = [
        Judged(
            frozenset({"patience", "ties"}), (STOPS,), frozenset({"patience"}), frozenset({"ties"})
        )
    ]
    blame = Blame(CLAUSES, scenarios, SPECIFIC, FOLLOWS)
    assert settle(blame) == ["patience"]

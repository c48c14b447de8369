"""The "behaves like" diagnosis: a failing clause's counterexample, replayed on the
catalogue of known wrong behaviours (`conformance.catalogue`).

A failing clause says which rule the target breaks; the catalogue may say how. Each of
its entries is the reference with one known bug (a tie counted as an improvement, tf.keras's
auto mode decided from the metric's name). The counterexample's scenario is run on every
entry whose bug is in the same callback, compared as the target compares (its precision
and backend), and an entry *matches* when it differs from the reference there too and
its observation, in the failing property's part, is the target's exactly. The clause's
reason then says so: "behaves like `es_min_delta_non_strict`: EarlyStopping counts a
change of exactly `min_delta` ... as an improvement".

A match is evidence, not proof: another bug may give the same run on that scenario.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Iterable
from dataclasses import dataclass

from conformance.catalogue import ALL
from conformance.properties import PROPERTIES
from conformance.properties.base import comparable
from conformance.results import ClauseResult, Counterexample
from conformance.runner import examine
from conformance.running import in_process
from conformance.targets import Target, resolve

LIMIT = 3  # matches named per clause


@dataclass(frozen=True)
class Match:
    """A catalogue entry that behaves as the target on a counterexample."""

    name: str  # the entry's module name in the catalogue
    bug: str  # its docstring's first paragraph, on one line
    caught_by: tuple[str, ...] = ()  # the clauses its bug breaks

    def describe(self) -> str:
        return f"behaves like `{self.name}`: {self.bug}"


def _entry_target(module: str, like: Target) -> Target:
    """The catalogue entry `module` as a target that compares as `like` does."""
    entry = resolve(module)
    classes = {
        name: None
        if cls is None
        else type(
            cls.__name__,
            (cls,),
            {"comparison_precision": like.precision}
            | ({} if like.backend is None else {"backend": like.backend}),
        )
        for name, cls in entry.classes.items()
    }
    return dataclasses.replace(
        entry, classes=classes, precision=like.precision, backend=like.backend
    )


def _bug(module: str) -> str:
    doc = importlib.import_module(module).__doc__ or ""
    return " ".join(doc.strip().split("\n\n")[0].split())


def _caught_by(module: str) -> tuple[str, tuple[str, ...]]:
    callback, clauses = importlib.import_module(module).CAUGHT_BY
    return str(callback), tuple(clauses)


def behaves_like(
    counterexample: Counterexample, target: Target, catalogue: Iterable[str] = ALL
) -> list[Match]:
    """The catalogue entries that behave as the target on `counterexample`."""
    prop = next(p for p in PROPERTIES if p.name == counterexample.property)
    scenario = counterexample.scenario
    if target.unsupported.covering(scenario) is not None:
        return []
    observed = counterexample.target
    matches = []
    for module in catalogue:
        callback, clauses = _caught_by(module)
        if callback != scenario.callback:
            continue
        entry = _entry_target(module, target)
        try:
            examination = examine(prop, in_process(entry), scenario, None, fresh=True)
        except Exception:  # an entry the scenario cannot run on says nothing
            continue
        if examination.failure is None:
            continue
        if prop.project is not None:
            same = comparable(prop.project(examination.target)) == comparable(
                prop.project(observed)
            )
        else:  # an invariant: the same rule broken the same way
            theirs = counterexample.reason.split(" — ")[0]
            same = examination.failure.partition(": ")[2] == theirs
        if same:
            matches.append(Match(module.rsplit(".", 1)[-1], _bug(module), clauses))
    return matches


def diagnose(verdicts: list[ClauseResult], target: Target) -> list[ClauseResult]:
    """`verdicts`, each failing one with the catalogue entries it behaves like (at most
    `LIMIT`, named in its reason; first those whose bug breaks that clause). Clauses
    blamed together share a counterexample, and it is replayed once."""
    found: dict[int, list[Match]] = {}
    diagnosed = []
    for verdict in verdicts:
        counterexample = verdict.counterexample
        if verdict.verdict != "fail" or counterexample is None:
            diagnosed.append(verdict)
            continue
        if id(counterexample) not in found:
            found[id(counterexample)] = behaves_like(counterexample, target)
        own_first = sorted(
            found[id(counterexample)], key=lambda match: verdict.clause.id not in match.caught_by
        )
        matches = own_first[:LIMIT]
        if not matches:
            diagnosed.append(verdict)
            continue
        words = tuple(match.describe() for match in matches)
        diagnosed.append(
            dataclasses.replace(
                verdict,
                reason=" — ".join((verdict.reason, *words)),
                behaves_like=tuple(match.name for match in matches),
            )
        )
    return diagnosed

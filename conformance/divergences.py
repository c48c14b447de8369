"""Declared divergences: what a target is known to do differently from the reference.

A divergences file (TOML, `run --divergences FILE`) declares, one entry per clause, where a
target differs from Keras 3.15.1 on purpose or knowingly, with a *witness*: a scenario on
which it still diverges. The run then reports the clause `divergent` instead of `fail`,
as long as the witness still diverges, and `stale` once it does not (the divergence was
fixed, or the witness no longer shows it: either way the declaration needs attention)::

    schema = "callback-conformance/divergences/1"

    [[divergence]]
    target = "tf_keras"                # a target (`keras`, `pkg.mod:obj`...) or its module
    versions = ">=2.16, <3"            # optional: PEP 440 specifiers its version must satisfy
    clause = "early_stopping.baseline.gates-wait-reset"
    kind = "intentional"               # bug | intentional | unsupported | spec-ambiguity
    reason = "Keras 2 resets the wait on any improvement, baseline or not"
    link = "https://github.com/keras-team/tf-keras/blob/v2.21.0/tf_keras/callbacks.py"
    witness = "tf_keras/early_stopping.baseline.json"  # relative to this file
    when = { regime = "early_stopping.baseline.gates-wait-reset" }  # optional: the scope

A witness file is what `run --counterexamples DIR` writes for a failing clause
(`{"property": ..., "scenario": ...}`); its property must check the entry's clause.
A clause checked by several properties fails with the counterexample of the one its
blame came from (docs/verdicts.md): `witness` may be a list, one file per property
(`witness = ["a.json", "b.json"]`). A declaration covers its clause only through its
witnesses' properties: if the clause's counterexample is of another property, the
clause still fails. It is stale as soon as one of its witnesses no longer
diverges. An entry applies to a run when its `target` is the run's target spec or module
and the target's version satisfies `versions` (an entry with `versions` never applies to
a target of unknown version).

A `when` table scopes the declaration to the scenarios where the difference is known: the
regime of a clause (`regime = "monitor.mode.auto"`), a parameter's value
(`parameter = "mode", values = ["auto"]`, Keras's default where not passed), or both. The
clause is then not judged on the scenarios of that scope, and is judged on the rest: a
difference outside the scope still fails it. Every witness must lie inside the scope.
Without `when`, the difference is known wherever the clause's own regime holds (for a
clause with one): blame does not put it on another clause in play there (a first NaN that
a port never takes as best is not also a fault of its missing-value rule).

Anything wrong in the file (an unknown clause, kind or field, a missing witness, a witness
whose property does not check the clause, two entries for one clause of one target) is a
`DivergenceError` with a one-line message, before anything runs.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from conformance.clauses import CLAUSES
from conformance.harness.observe import Scenario
from conformance.properties import PROPERTIES, regime_of
from conformance.properties.base import Property
from conformance.results import ClauseOutcome, ClauseResult, Examination, PropertyResult
from conformance.runner import make_counterexample
from conformance.running import RunningTarget
from conformance.scenario_io import from_data
from conformance.targets import CALLBACKS, Target
from conformance.unsupported import keras_defaults, passes

SCHEMA = "callback-conformance/divergences/1"
KINDS = ("bug", "intentional", "unsupported", "spec-ambiguity")
REQUIRED = ("target", "clause", "kind", "reason", "link", "witness")
OPTIONAL = ("versions", "when")
SCOPE_FIELDS = ("regime", "parameter", "values")


class DivergenceError(Exception):
    """A divergences file that cannot be used; the message is one line."""


@dataclass(frozen=True)
class Witness:
    path: str  # as written in the file
    property: Property
    scenario: Scenario


@dataclass(frozen=True)
class Scope:
    """Where a declared difference is known: the scenarios in a clause's regime, or
    passing a parameter's value, or both (`when` in the file)."""

    regime: str | None = None
    parameter: str | None = None
    values: tuple[Any, ...] | None = None

    def covers(self, scenario: Scenario) -> bool:
        if self.parameter is not None:
            if self.parameter not in keras_defaults(scenario.callback):
                return False
            if not passes(scenario, self.parameter, self.values):
                return False
        if self.regime is not None:
            regime = regime_of(self.regime)
            return regime is not None and regime(scenario)
        return True

    def describe(self) -> str:
        parts = []
        if self.regime is not None:
            parts.append(f"in the regime of {self.regime}")
        if self.parameter is not None:
            shown = "any value" if self.values is None else " or ".join(map(repr, self.values))
            parts.append(f"{self.parameter} {shown}")
        return " and ".join(parts)


@dataclass(frozen=True)
class Divergence:
    target: str
    clause: str
    kind: str
    reason: str
    link: str
    witnesses: tuple[Witness, ...]
    versions: SpecifierSet | None = None
    when: Scope | None = None

    def applies_to(self, target: Target) -> bool:
        if self.target not in (target.spec, target.module):
            return False
        if self.versions is None:
            return True
        try:
            return target.version is not None and self.versions.contains(
                Version(target.version), prereleases=True
            )
        except InvalidVersion:
            return False

    def describe(self) -> dict[str, Any]:
        """The declaration as the JSON report holds it."""
        return {
            "target": self.target,
            "versions": None if self.versions is None else str(self.versions),
            "kind": self.kind,
            "reason": self.reason,
            "link": self.link,
            "witness": [witness.path for witness in self.witnesses],
            "when": None if self.when is None else self.when.describe(),
        }


def load(path: str) -> list[Divergence]:
    """The entries of the divergences file at `path`, checked."""
    try:
        with open(path, "rb") as source:
            data = tomllib.load(source)
    except OSError as error:
        raise DivergenceError(
            f"cannot read divergences {path!r}: {error.strerror or error}"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise DivergenceError(f"divergences {path!r} is not TOML: {error}") from None
    except UnicodeDecodeError as error:
        raise DivergenceError(f"divergences {path!r} is not UTF-8 text: {error}") from None
    if data.get("schema") != SCHEMA:
        raise DivergenceError(
            f"divergences {path!r}: schema is {data.get('schema')!r}, expected {SCHEMA!r}"
        )
    unknown = sorted(set(data) - {"schema", "divergence"})
    if unknown:
        raise DivergenceError(f"divergences {path!r}: unknown key {unknown[0]!r}")
    entries = data.get("divergence", [])
    if not isinstance(entries, list):
        raise DivergenceError(f"divergences {path!r}: `divergence` must be an array of tables")
    base = os.path.dirname(os.path.abspath(path))
    divergences = [_entry(entry, f"{path} entry {n}", base) for n, entry in enumerate(entries, 1)]
    _refuse_duplicates(divergences, path)
    return divergences


def _entry(entry: Any, where: str, base: str) -> Divergence:
    if not isinstance(entry, dict):
        raise DivergenceError(f"{where}: not a table")
    missing = [key for key in REQUIRED if key not in entry]
    if missing:
        raise DivergenceError(f"{where}: missing {missing[0]!r}")
    unknown = sorted(set(entry) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise DivergenceError(f"{where}: unknown field {unknown[0]!r}")
    when = _scope(entry.pop("when", None), where)
    paths = entry["witness"]
    if isinstance(paths, list) and paths and all(isinstance(path, str) for path in paths):
        entry = {**entry, "witness": paths[0]}  # checked as a string below, like the others
    else:
        paths = [paths]
    for key in (*REQUIRED, *OPTIONAL):
        if key in entry and not (isinstance(entry[key], str) and entry[key].strip()):
            raise DivergenceError(f"{where}: {key} must be a non-empty string, not {entry[key]!r}")
    clause = entry["clause"]
    if clause not in {known.id for known in CLAUSES}:
        raise DivergenceError(f"{where}: unknown clause {clause!r}")
    if entry["kind"] not in KINDS:
        raise DivergenceError(
            f"{where}: unknown kind {entry['kind']!r} (one of {', '.join(KINDS)})"
        )
    versions = None
    if "versions" in entry:
        try:
            versions = SpecifierSet(entry["versions"])
        except InvalidSpecifier:
            raise DivergenceError(
                f"{where}: versions {entry['versions']!r} is not a PEP 440 version specifier"
            ) from None
    witnesses = tuple(_witness(path, where, base) for path in paths)
    for witness in witnesses:
        if clause not in witness.property.clauses:
            raise DivergenceError(
                f"{where}: the witness's property {witness.property.name!r} does not check"
                f" clause {clause!r}"
            )
    if len({witness.property.name for witness in witnesses}) < len(witnesses):
        raise DivergenceError(f"{where}: two witnesses of one property")
    outside = [w.path for w in witnesses if when is not None and not when.covers(w.scenario)]
    if when is not None and outside:
        raise DivergenceError(
            f"{where}: witness {outside[0]!r} lies outside the scope `when` ({when.describe()})"
        )
    return Divergence(
        target=entry["target"],
        clause=clause,
        kind=entry["kind"],
        reason=entry["reason"],
        link=entry["link"],
        witnesses=witnesses,
        versions=versions,
        when=when,
    )


def _scope(when: Any, where: str) -> Scope | None:
    """The `when` table of an entry, checked."""
    if when is None:
        return None
    if not isinstance(when, dict) or not when:
        raise DivergenceError(f"{where}: when must be a table, not {when!r}")
    unknown = sorted(set(when) - set(SCOPE_FIELDS))
    if unknown:
        raise DivergenceError(
            f"{where}: unknown field {unknown[0]!r} in when (one of {', '.join(SCOPE_FIELDS)})"
        )
    regime = when.get("regime")
    if regime is not None and (not isinstance(regime, str) or regime_of(regime) is None):
        raise DivergenceError(
            f"{where}: when.regime {regime!r} is not a clause with a regime"
            " (a general rule is in play everywhere: leave `when` out)"
        )
    parameter, values = when.get("parameter"), when.get("values")
    known = {name for callback in CALLBACKS for name in keras_defaults(callback)}
    if parameter is not None and parameter not in known:
        raise DivergenceError(f"{where}: when.parameter {parameter!r} is no callback's parameter")
    if values is not None and (parameter is None or not isinstance(values, list)):
        raise DivergenceError(f"{where}: when.values must be a list, with when.parameter")
    return Scope(regime, parameter, None if values is None else tuple(values))


def _witness(relative: str, where: str, base: str) -> Witness:
    path = os.path.join(base, relative)
    try:
        with open(path) as source:
            data = json.load(source)
    except OSError as error:
        raise DivergenceError(
            f"{where}: cannot read witness {relative!r}: {error.strerror or error}"
        ) from None
    except ValueError as error:
        raise DivergenceError(f"{where}: witness {relative!r} is not JSON: {error}") from None
    by_name = {prop.name: prop for prop in PROPERTIES}
    name = data.get("property") if isinstance(data, dict) else None
    if name not in by_name:
        raise DivergenceError(f"{where}: witness {relative!r} names unknown property {name!r}")
    try:
        scenario = from_data(data["scenario"])
    except (KeyError, TypeError, ValueError) as error:
        scenario = error
    if not isinstance(scenario, Scenario):
        raise DivergenceError(f"{where}: witness {relative!r} holds no scenario")
    return Witness(relative, by_name[name], scenario)


def _refuse_duplicates(divergences: list[Divergence], path: str) -> None:
    seen: set[tuple[str, str, str]] = set()
    for divergence in divergences:
        key = (divergence.target, str(divergence.versions), divergence.clause)
        if key in seen:
            raise DivergenceError(
                f"divergences {path!r}: clause {divergence.clause!r} is declared twice"
                f" for target {divergence.target!r}"
            )
        seen.add(key)


Examine = Callable[[Property, RunningTarget, Scenario], Examination]


def scope(divergences: list[Divergence], running: RunningTarget) -> None:
    """Tell the runner where the declarations that apply to the running target are
    known to differ: their clauses are not judged there (`RunningTarget.declared_scopes`).
    A declaration without `when` is known wherever its clause's own regime holds (None),
    so that blame does not put the divergence's differences on another clause in play
    there; a general rule's (no regime) is known nowhere, or it would explain everything."""
    target = running.target
    running.declared_scopes = {
        d.clause: None if d.when is None else d.when.covers
        for d in divergences
        if d.applies_to(target)
    }


def apply(
    divergences: list[Divergence],
    running: RunningTarget,
    results: list[PropertyResult],
    verdicts: list[ClauseResult],
    examine: Examine,
) -> list[ClauseResult]:
    """`verdicts` with the declarations that apply to `target` taken into account: each
    declared clause is `divergent` if its witnesses still diverge (`examine` runs them)
    and no other property fails it, `stale` if a witness no longer diverges."""
    target = running.target
    declared = {d.clause: d for d in divergences if d.applies_to(target)}
    failing: dict[str, list[ClauseOutcome]] = {}
    for result in results:
        for clause_id, outcome in result.clauses.items():
            if outcome.verdict == "fail" and outcome not in failing.get(clause_id, []):
                failing.setdefault(clause_id, []).append(outcome)
    witnessed: dict[tuple[str, str], Examination] = {}  # one run per witness file

    def run(witness: Witness) -> Examination:
        key = (witness.property.name, witness.path)
        if key not in witnessed:
            witnessed[key] = examine(witness.property, running, witness.scenario)
        return witnessed[key]

    updated = []
    for verdict in verdicts:
        divergence = declared.get(verdict.clause.id)
        # A declared clause the run could not judge (unreached, not judged apart, or its
        # scope held every scenario of its regime) is still judged by its witnesses; an
        # absent callback is not-run either way.
        absent = divergence is not None and any(
            not target.has(witness.property.callback) for witness in divergence.witnesses
        )
        if divergence is None or absent:
            updated.append(verdict)
            continue
        runs = [(witness, run(witness)) for witness in divergence.witnesses]
        updated.append(_judged(verdict, divergence, runs, failing, target))
    return updated


def _judged(
    verdict: ClauseResult,
    divergence: Divergence,
    runs: list[tuple[Witness, Examination]],
    failing: dict[str, list[ClauseOutcome]],
    target: Target,
) -> ClauseResult:
    covered = {witness.property.name for witness in divergence.witnesses}
    # A scoped declaration kept its scenarios from being judged: any failure is outside.
    others = [
        other
        for other in failing.get(verdict.clause.id, [])
        if divergence.when is not None
        or other.counterexample is None
        or other.counterexample.property not in covered
    ]
    passing = [witness for witness, examination in runs if examination.failure is None]
    if passing:
        reason = (
            f"declared divergence is stale: its witness {passing[0].path!r} no longer"
            f" diverges ({passing[0].property.name} passes on it); remove the declaration"
            " or give a witness that diverges"
        )
        return replace(verdict, verdict="stale", reason=reason, divergence=divergence)
    if others:  # a failure the declaration does not cover
        if divergence.when is not None:
            scope = f"outside the declared divergence's scope: {divergence.when.describe()}"
        else:
            scope = f"the declared divergence covers only {', '.join(sorted(covered))}"
        reason = f"{others[0].reason} ({scope})"
        return replace(
            verdict,
            verdict="fail",
            reason=reason,
            counterexample=others[0].counterexample,
            divergence=divergence,
        )
    witness, examination = runs[0]
    assert examination.failure is not None
    counterexample = make_counterexample(
        witness.property.name, witness.scenario, examination, examination.failure, target
    )
    declared = f"declared divergence ({divergence.kind}): {divergence.reason}"
    declared += f"; see {divergence.link}"
    if divergence.when is not None:
        declared += (
            f" — declared {divergence.when.describe()}; judged elsewhere on"
            f" {verdict.examples} drawn scenarios of its regime, with no difference"
        )
    return replace(
        verdict,
        verdict="divergent",
        reason=declared,
        counterexample=counterexample,
        divergence=divergence,
    )

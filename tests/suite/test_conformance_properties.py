"""The properties and the clause registry stay in step (DESIGN.md, "Clauses")."""

from conformance.clauses import CLAUSES
from conformance.properties import PROPERTIES
from conformance.runner import clause_verdicts
from conformance.targets import resolve


def test_every_property_names_known_clauses():
    known = {clause.id for clause in CLAUSES}
    unknown = {(prop.name, i) for prop in PROPERTIES for i in prop.clauses if i not in known}
    assert unknown == set()


def test_every_callback_clause_has_a_property():
    """Fit-loop clauses are rules of the simulated loop, checked by tests/suite/test_fidelity.py;
    out-of-scope clauses are checked by nothing, on purpose."""
    tagged = {i for prop in PROPERTIES for i in prop.clauses}
    checkable = [c for c in CLAUSES if c.callback != "fit" and c.level != "out-of-scope"]
    assert sorted(c.id for c in checkable if c.id not in tagged) == []
    assert {c.id for c in CLAUSES if c.level == "out-of-scope"}.isdisjoint(tagged)


def test_property_names_are_unique():
    names = [prop.name for prop in PROPERTIES]
    assert len(names) == len(set(names))


def test_clauses_no_property_checks_say_why():
    """A clause no property checks is `not-run` with the reason that holds for it: the
    out-of-scope statement, the fit loop's fidelity tests, or a gap (none today)."""
    verdicts = clause_verdicts(resolve("reference"), results=[])
    reasons = {v.clause.id: v.reason for v in verdicts if v.verdict == "not-run"}
    assert len(reasons) == len(CLAUSES)
    assert reasons["fit.dispatch.async-batch-end"].startswith("out of scope: batch ends")
    assert "fidelity tests" in reasons["fit.hooks.order"]
    assert reasons["early_stopping.patience.zero-is-one"] == "no property checks this clause yet"

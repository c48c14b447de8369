"""The properties and the clause registry stay in step (DESIGN.md, "Clauses")."""

from conformance.clauses import CLAUSES
from conformance.properties import PROPERTIES


def test_every_property_names_known_clauses():
    known = {clause.id for clause in CLAUSES}
    unknown = {(prop.name, i) for prop in PROPERTIES for i in prop.clauses if i not in known}
    assert unknown == set()


def test_every_callback_clause_has_a_property():
    """Fit-loop clauses are rules of the simulated loop, checked by tests/test_fidelity.py."""
    tagged = {i for prop in PROPERTIES for i in prop.clauses}
    untagged = sorted(c.id for c in CLAUSES if c.callback != "fit" and c.id not in tagged)
    assert untagged == []


def test_property_names_are_unique():
    names = [prop.name for prop in PROPERTIES]
    assert len(names) == len(set(names))

"""A clause checked by the properties of several callbacks (the monitor clauses: by
EarlyStopping's and ModelCheckpoint's) is judged on what ran: a target with EarlyStopping
alone passes it on EarlyStopping's properties, and the verdict says ModelCheckpoint's did
not run (issue 20: it read `not-run`, 0 examples, no reason)."""

from __future__ import annotations

import dataclasses

from conformance.properties import PROPERTIES
from conformance.runner import clause_verdicts, run
from conformance.running import in_process
from conformance.targets import resolve

CLAUSE = "monitor.mode.unknown-warns"


def test_a_clause_of_two_callbacks_passes_on_the_one_that_ran_and_names_the_other() -> None:
    reference = resolve("reference")
    classes = {**reference.classes, "ModelCheckpoint": None}
    target = dataclasses.replace(reference, classes=classes, present=None)
    checking = {prop.callback for prop in PROPERTIES if CLAUSE in prop.clauses}
    assert checking == {"EarlyStopping", "ModelCheckpoint"}
    properties = [prop for prop in PROPERTIES if prop.callback in checking]
    results = run(in_process(target), properties, 20, None)
    (verdict,) = [v for v in clause_verdicts(target, results) if v.clause.id == CLAUSE]
    assert verdict.verdict == "pass" and verdict.examples > 0
    assert "ModelCheckpoint's did not run (class absent" in verdict.reason
    assert "EarlyStopping's" not in verdict.reason

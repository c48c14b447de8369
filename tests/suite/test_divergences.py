"""Declared divergences (`run --divergences FILE`, conformance/divergences.py): a declared
clause whose witness still diverges is `divergent`, one whose witness no longer diverges is
`stale`, a failure the declaration does not cover still fails, and a bad file is a
one-line error with exit code 2 before anything runs.

The targets are real wrong implementations: `conformance.catalogue.lrs_one_based_epoch`
(LearningRateScheduler passing `epoch + 1` to the schedule), whose wrong rates fail
`schedule.absolute-epoch` (and, following from them, the printed rates are not judged
apart), and `lrs_verbose_zero_based_epoch`, whose messages alone are wrong. The witnesses in
`tests/data/divergences/` are counterexamples `run --counterexamples` wrote for the first;
the printed one diverges for both.
"""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

from conformance.divergences import DivergenceError, load
from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import Scenario
from conformance.properties import PROPERTIES
from conformance.runner import _declared_scope
from conformance.running import in_process
from conformance.targets import Target, resolve
from tests.suite.test_conformance_cli import cli

WITNESSES = pathlib.Path(__file__).parents[1] / "data" / "divergences"
PORT = "conformance.catalogue.lrs_one_based_epoch"
PRINTING_PORT = "conformance.catalogue.lrs_verbose_zero_based_epoch"
PRINTS = "learning_rate_scheduler.prints-as-keras.json"  # checks only verbose.messages
SETS = "learning_rate_scheduler.sets-the-rates-keras-sets.json"
RATE = "learning_rate_scheduler.rate-is-the-schedule-value.json"


def _entry(**fields: Any) -> str:
    entry = {
        "target": PRINTING_PORT,
        "clause": "learning_rate_scheduler.verbose.messages",
        "kind": "bug",
        "reason": "epochs counted from 1",
        "link": "https://example.org/port/issues/1",
        "witness": str(WITNESSES / PRINTS),
        **fields,
    }
    lines = [f"{key} = {json.dumps(value)}" for key, value in entry.items() if value is not None]
    return "[[divergence]]\n" + "\n".join(lines) + "\n"


def _file(tmp_path: pathlib.Path, *entries: str, head: str | None = None) -> pathlib.Path:
    path = tmp_path / "divergences.toml"
    schema = 'schema = "callback-conformance/divergences/1"\n'
    path.write_text((schema if head is None else head) + "\n".join(entries))
    return path


def _run(tmp_path: pathlib.Path, target: str, clauses: str, *entries: str) -> tuple[int, dict]:
    report = tmp_path / "report.json"
    result = cli(
        "run", target, "--profile", "quick", "-k", clauses,
        "--divergences", str(_file(tmp_path, *entries)), "--json", str(report),
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    data = json.loads(report.read_text())
    return result.returncode, {clause["id"]: clause for clause in data["clauses"]}


def test_a_declared_clause_whose_witness_diverges_is_divergent(tmp_path):
    status, clauses = _run(tmp_path, PRINTING_PORT, "learning_rate_scheduler.verbose.*", _entry())
    clause = clauses["learning_rate_scheduler.verbose.messages"]
    assert clause["verdict"] == "divergent"
    assert status == 0  # nothing fails: the only failure is declared
    assert clause["reason"].startswith("declared divergence (bug): epochs counted from 1")
    assert clause["divergence"]["kind"] == "bug"
    # The counterexample is the witness, run again: the port prints epoch 0's message.
    assert clause["counterexample"]["property"] == "learning_rate_scheduler.prints-as-keras"
    assert (
        clause["counterexample"]["scenario"]
        == json.loads((WITNESSES / PRINTS).read_text())["scenario"]
    )


def test_without_the_declaration_the_same_clause_fails(tmp_path):
    status, clauses = _run(tmp_path, PRINTING_PORT, "learning_rate_scheduler.verbose.*")
    assert clauses["learning_rate_scheduler.verbose.messages"]["verdict"] == "fail"
    assert status == 1


def test_a_witness_that_no_longer_diverges_is_stale(tmp_path):
    """The reference prints what the reference prints: declared against it, the witness
    is stale, and a stale declaration fails the run."""
    status, clauses = _run(
        tmp_path, "reference", "learning_rate_scheduler.verbose.*", _entry(target="reference")
    )
    clause = clauses["learning_rate_scheduler.verbose.messages"]
    assert clause["verdict"] == "stale"
    assert "no longer diverges" in clause["reason"]
    assert status == 1


def test_a_failure_the_declaration_does_not_cover_still_fails(tmp_path):
    """`schedule.absolute-epoch` is checked by two properties; its counterexample comes
    from one of them, and a witness of the other does not cover it."""
    clause_id = "learning_rate_scheduler.schedule.absolute-epoch"
    _, undeclared = _run(tmp_path, PORT, clause_id)
    blamed_on = undeclared[clause_id]["counterexample"]["property"]
    witnesses = {
        json.loads((WITNESSES / name).read_text())["property"]: name for name in (SETS, RATE)
    }
    other = next(name for prop, name in witnesses.items() if prop != blamed_on)
    entry = _entry(target=PORT, clause=clause_id, witness=str(WITNESSES / other))
    status, clauses = _run(tmp_path, PORT, clause_id, entry)
    clause = clauses[clause_id]
    assert clause["verdict"] == "fail"
    assert clause["counterexample"]["property"] == blamed_on
    assert "declared divergence covers only" in clause["reason"]
    assert status == 1


def test_witnesses_of_every_failing_property_cover_the_clause(tmp_path):
    """With a witness of each property that fails it, the clause is divergent."""
    clause_id = "learning_rate_scheduler.schedule.absolute-epoch"
    both = [str(WITNESSES / SETS), str(WITNESSES / RATE)]
    entry = _entry(target=PORT, clause=clause_id, witness=both)
    status, clauses = _run(tmp_path, PORT, clause_id, entry)
    assert clauses[clause_id]["verdict"] == "divergent"
    assert len(clauses[clause_id]["divergence"]["witness"]) == 2
    assert status == 0


def test_a_declaration_is_stale_when_one_of_its_witnesses_no_longer_diverges(tmp_path):
    """Against the reference, the schedule's witnesses pass: stale, naming the first."""
    clause_id = "learning_rate_scheduler.schedule.absolute-epoch"
    both = [str(WITNESSES / SETS), str(WITNESSES / RATE)]
    entry = _entry(target="reference", clause=clause_id, witness=both)
    status, clauses = _run(tmp_path, "reference", clause_id, entry)
    assert clauses[clause_id]["verdict"] == "stale"
    assert SETS in clauses[clause_id]["reason"]
    assert status == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"target": "some.other.port"},
        {"versions": ">=1.0"},  # the port has no version: a version range cannot match it
    ],
)
def test_an_entry_for_another_target_or_version_does_not_apply(tmp_path, fields):
    status, clauses = _run(
        tmp_path, PRINTING_PORT, "learning_rate_scheduler.verbose.*", _entry(**fields)
    )
    assert clauses["learning_rate_scheduler.verbose.messages"]["verdict"] == "fail"
    assert "divergence" not in clauses["learning_rate_scheduler.verbose.messages"]


def _target(spec: str, module: str, version: str | None) -> Target:
    return Target(spec=spec, module=module, classes={}, version=version)


@pytest.mark.parametrize(
    ("versions", "version", "applies"),
    [
        (None, None, True),
        (">=2.16,<3", "2.21.0", True),
        (">=2.16,<3", "3.0.0", False),
        (">=2.16,<3", None, False),
        (">=3.16.0.dev0", "3.16.0.dev2026112803", True),  # a nightly is a pre-release
        ("<3.11", "3.10.0", True),
        ("<3.11", "3.11.3", False),
    ],
)
def test_versions_select_the_targets_an_entry_applies_to(tmp_path, versions, version, applies):
    (divergence,) = load(str(_file(tmp_path, _entry(target="tf_keras", versions=versions))))
    assert divergence.applies_to(_target("tf_keras", "tf_keras.callbacks", version)) is applies
    module_named = _target("mypkg", "tf_keras", version)  # the module's name matches too
    assert divergence.applies_to(module_named) is applies


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"clause": "early_stopping.no-such-clause"}, "unknown clause 'early_stopping.no-such"),
        ({"kind": "feature"}, "unknown kind 'feature' (one of bug, intentional, unsupported"),
        ({"reason": None}, "missing 'reason'"),
        ({"link": ""}, "link must be a non-empty string"),
        ({"colour": "blue"}, "unknown field 'colour'"),
        ({"versions": "three"}, "versions 'three' is not a PEP 440 version specifier"),
        ({"witness": "no-such.json"}, "cannot read witness 'no-such.json'"),
        ({"witness": [str(WITNESSES / PRINTS)] * 2}, "two witnesses of one property"),
        ({"witness": []}, "witness must be a non-empty string, not []"),
        ({"witness": str(WITNESSES.parent / "report-every-verdict.json")}, "unknown property None"),
        (
            {"clause": "learning_rate_scheduler.logs.rate-read-back"},
            "the witness's property 'learning_rate_scheduler.prints-as-keras' does not check"
            " clause 'learning_rate_scheduler.logs.rate-read-back'",
        ),
    ],
)
def test_a_bad_entry_is_a_one_line_error_and_exit_2(tmp_path, change, message):
    path = _file(tmp_path, _entry(**change))
    with pytest.raises(DivergenceError, match="entry 1"):
        load(str(path))
    result = cli("run", "reference", "--divergences", str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    ("head", "entries", "message"),
    [
        ("", (), "schema is None, expected 'callback-conformance/divergences/1'"),
        ('schema = "callback-conformance/divergences/1"\nx = [\n', (), "is not TOML"),
        (None, (_entry(), _entry()), "declared twice for target"),
        ('schema = "callback-conformance/divergences/1"\nowner = "me"\n', (), "unknown key"),
    ],
)
def test_a_bad_file_is_a_one_line_error_and_exit_2(tmp_path, head, entries, message):
    path = _file(tmp_path, *entries, head=head)
    result = cli("run", "reference", "--divergences", str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_a_missing_file_is_a_one_line_error(tmp_path):
    result = cli("run", "reference", "--divergences", str(tmp_path / "none.toml"))
    assert result.returncode == 2
    assert "cannot read divergences" in result.stderr and "Traceback" not in result.stderr


def test_an_empty_file_declares_nothing(tmp_path):
    assert load(str(_file(tmp_path))) == []


# Scoped declarations (`when`): the clause is not judged where the declared difference is
# known, and is judged on the rest. The port counts a tie as an improvement; its witness
# ties with min_delta 0 (not passed: Keras's default), mode "min".
TIE_PORT = "conformance.catalogue.es_min_delta_non_strict"
TIE = "early_stopping.compares-at-declared-precision.tie.json"
STRICT = "monitor.improvement.strict"


def _scoped(when: str, **fields: Any) -> str:
    entry = _entry(target=TIE_PORT, clause=STRICT, witness=str(WITNESSES / TIE), **fields)
    return entry + f"when = {when}\n"


def test_a_difference_declared_in_the_clause_s_whole_regime_is_divergent(tmp_path):
    status, clauses = _run(tmp_path, TIE_PORT, STRICT, _scoped(f'{{ regime = "{STRICT}" }}'))
    clause = clauses[STRICT]
    assert clause["verdict"] == "divergent", clause["reason"]
    assert status == 0
    assert f"declared in the regime of {STRICT}" in clause["reason"]
    assert clause["divergence"]["when"] == f"in the regime of {STRICT}"


def test_a_difference_outside_the_declared_scope_still_fails(tmp_path):
    """Declared for mode "min" only: the ties of mode "max" (and "auto") still fail."""
    when = '{ parameter = "mode", values = ["min"] }'
    status, clauses = _run(tmp_path, TIE_PORT, STRICT, _scoped(when))
    clause = clauses[STRICT]
    assert clause["verdict"] == "fail"
    assert status == 1
    assert "outside the declared divergence's scope: mode 'min'" in clause["reason"]
    assert clause["counterexample"]["scenario"]["config"].get("mode", "auto") != "min"
    assert "not judged: inside the scope of its declared divergence" in clause["reason"]


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ('{ parameter = "mode", values = ["max"] }', "lies outside the scope `when` (mode 'max')"),
        ('{ regime = "early_stopping.patience.counts-before-test" }', "is not a clause with a"),
        ('{ colour = "blue" }', "unknown field 'colour' in when"),
        ('{ parameter = "modus" }', "when.parameter 'modus' is no callback's parameter"),
        ('{ parameter = "mode", values = "min" }', "when.values must be a list"),
        ('"min"', "when must be a table"),
    ],
)
def test_a_bad_scope_is_a_one_line_error(tmp_path, when, message):
    path = _file(tmp_path, _scoped(when))
    result = cli("run", TIE_PORT, "--divergences", str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


# A declaration without `when` is known wherever its clause's own regime holds: blame
# puts none of its differences on another clause in play there.


def _known(declared: dict[str, Any], *losses: float) -> frozenset[str]:
    """The clauses a run of EarlyStopping over `losses` is not judged on (min mode)."""
    running = in_process(resolve("reference"))
    running.declared_scopes = declared
    scenario = Scenario(
        "EarlyStopping",
        {"monitor": "loss", "mode": "min", "patience": 1},
        fits=[FitPlan([EpochPlan({"loss": loss}) for loss in losses])],
    )
    group = [prop for prop in PROPERTIES if prop.callback == "EarlyStopping"]
    return _declared_scope(group, running, scenario)


def test_an_unscoped_declaration_is_known_in_its_clause_s_regime() -> None:
    unscoped = {STRICT: None}
    assert _known(unscoped, 1.0, 1.0) == {STRICT}  # a tie: strictness decides
    assert _known(unscoped, 1.0, 0.5) == frozenset()  # no tie: outside its regime


def test_an_unscoped_declaration_of_a_general_rule_is_known_nowhere() -> None:
    general = "early_stopping.patience.counts-before-test"  # in play in every scenario
    assert _known({general: None}, 1.0, 1.0) == frozenset()
    assert _known({general: lambda scenario: True}, 1.0, 1.0) == {general}  # a `when`

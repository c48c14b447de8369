"""Unsupported configurations (`conformance.unsupported`, docs/verdicts.md): a target
declares what it cannot express; the scenarios that need it are left out, a clause whose
regime lies wholly inside them is `unsupported`, the others are judged on the rest and
still fail when their own rule is broken."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from hypothesis import strategies as st

import reference
from conformance.catalogue import es_min_delta_non_strict
from conformance.cli import main
from conformance.harness.observe import Scenario
from conformance.properties import PROPERTIES
from conformance.reports import markdown
from conformance.runner import clause_verdicts, run
from conformance.running import in_process
from conformance.targets import resolve
from conformance.unsupported import (
    Declarations,
    Unsupported,
    UnsupportedError,
    declarations,
    steered,
    steering,
)

AUTO_MODE_CLAUSES = {"monitor.mode.auto", "monitor.mode.unknown-warns"}
BASELINE_CLAUSES = {
    "early_stopping.baseline.not-initial-best",
    "early_stopping.baseline.gates-wait-reset",
}


def scenario(**config: Any) -> Scenario:
    return Scenario("EarlyStopping", config)


# -- what a declaration covers -----------------------------------------------------------


def test_values_cover_a_value_passed_or_keras_s_default_when_not_passed() -> None:
    auto = Unsupported("EarlyStopping", "mode", values=("auto",))
    assert auto.covers(scenario(mode="auto"))
    assert auto.covers(scenario())  # Keras's default mode is "auto"
    assert not auto.covers(scenario(mode="min"))
    assert not auto.covers(Scenario("ModelCheckpoint", {"mode": "auto"}))


def test_supported_covers_every_other_value() -> None:
    min_max = Unsupported("EarlyStopping", "mode", supported=("min", "max"))
    assert min_max.covers(scenario(mode="sideways"))
    assert min_max.covers(scenario())
    assert not min_max.covers(scenario(mode="max"))


def test_a_parameter_alone_covers_values_other_than_keras_s_default() -> None:
    baseline = Unsupported("EarlyStopping", "baseline")
    assert baseline.covers(scenario(baseline=0.5))
    assert not baseline.covers(scenario(baseline=None))
    assert not baseline.covers(scenario())
    # ... and the default passed is not given to the target, which has no such parameter
    given = Declarations((baseline,)).for_target(scenario(baseline=None, patience=2))
    assert given.config == {"patience": 2}


def test_values_compare_nan_equal_and_bools_apart_from_numbers() -> None:
    nan = Unsupported("EarlyStopping", "min_delta", values=(math.nan,))
    assert nan.covers(scenario(min_delta=math.nan))
    one = Unsupported("ModelCheckpoint", "save_freq", values=(1,))
    assert one.covers(Scenario("ModelCheckpoint", {"save_freq": 1}))
    assert not one.covers(Scenario("ModelCheckpoint", {"save_freq": True}))


def test_a_predicate_and_a_parameter_must_both_hold() -> None:
    def two_fits(s: Scenario) -> bool:
        return len(s.fits) > 1

    declared = Unsupported("EarlyStopping", "mode", values=("auto",), when=two_fits, reason="r")
    assert not declared.covers(scenario(mode="auto"))
    assert declared.describe() == "EarlyStopping(mode='auto') when two_fits: r"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"callback": "Early"}, "callback must be one of"),
        ({"callback": "EarlyStopping"}, "give a parameter, a when predicate, or both"),
        ({"callback": "EarlyStopping", "parameter": "modus"}, "has no parameter 'modus'"),
        ({"callback": "EarlyStopping", "parameter": "mode", "values": "auto"}, "tuple of values"),
        (
            {"callback": "EarlyStopping", "parameter": "mode", "values": (), "supported": ()},
            "not both",
        ),
        ({"callback": "EarlyStopping", "when": 3}, "when must be callable"),
    ],
)
def test_a_bad_declaration_names_the_field_and_the_value(
    arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(UnsupportedError, match=message):
        Unsupported(**arguments)


def test_a_target_s_declarations_must_be_a_list_of_unsupported() -> None:
    with pytest.raises(UnsupportedError, match="conformance_unsupported must be a list"):
        declarations(["mode"], "my.port")
    assert declarations(None, "my.port") == Declarations()


def test_the_command_line_refuses_bad_declarations_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "badly_declared.py").write_text(
        "from reference import EarlyStopping\nconformance_unsupported = 'mode'\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(SystemExit) as exit_:
        main(["run", "badly_declared", "--profile", "quick"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "conformance_unsupported must be a list" in err
    assert "Traceback" not in err


# -- verdicts ---------------------------------------------------------------------------


def _verdicts(target_spec: str, **classes: type) -> dict[str, Any]:
    target = resolve(target_spec)
    if classes:
        target = dataclasses.replace(target, classes={**target.classes, **classes})
    properties = [prop for prop in PROPERTIES if prop.callback == "EarlyStopping"]
    results = run(in_process(target), properties, 50, None)
    return {
        verdict.clause.id: verdict
        for verdict in clause_verdicts(target, results)
        if verdict.clause.callback in ("EarlyStopping", "monitor")
    }


def test_a_target_refusing_auto_mode_is_unsupported_there_and_passes_the_rest() -> None:
    verdicts = _verdicts("tests.partial_targets.no_auto_mode")
    unsupported = {clause for clause, v in verdicts.items() if v.verdict == "unsupported"}
    assert unsupported == AUTO_MODE_CLAUSES
    assert "modes are min and max only" in verdicts["monitor.mode.auto"].reason
    assert {v.verdict for c, v in verdicts.items() if c not in unsupported} == {"pass"}
    # a clause partly covered says how many of its scenarios were left out
    partly = verdicts["early_stopping.restore.always-at-train-end"]
    assert partly.left_out > 0
    assert f"{partly.left_out} of the" in partly.reason


def test_a_target_without_baseline_is_unsupported_on_the_baseline_clauses() -> None:
    verdicts = _verdicts("tests.partial_targets.no_baseline")
    unsupported = {clause for clause, v in verdicts.items() if v.verdict == "unsupported"}
    assert BASELINE_CLAUSES <= unsupported
    assert not unsupported & AUTO_MODE_CLAUSES
    assert {v.verdict for c, v in verdicts.items() if c not in unsupported} == {"pass"}


def test_a_target_is_judged_on_as_many_supported_scenarios_as_the_reference() -> None:
    """Unsupported scenarios are rejected, not counted: Hypothesis draws supported ones
    in their place, so the general rule has as many examples as on the reference."""
    general = "early_stopping.patience.counts-before-test"
    partial = _verdicts("tests.partial_targets.no_auto_mode")[general]
    assert partial.left_out > 0
    assert partial.examples == _verdicts("reference")[general].examples


def test_a_bug_outside_the_unsupported_space_still_fails_its_own_clause() -> None:
    """The no-auto fixture with a tie counted as an improvement: the strict-improvement
    rule fails, with a counterexample that names a direction."""
    port = resolve("tests.partial_targets.no_auto_mode").classes["EarlyStopping"]
    assert port is not None
    buggy = type(
        "EarlyStopping",
        (port,),
        {"_is_improvement": es_min_delta_non_strict.EarlyStopping._is_improvement},
    )
    verdicts = _verdicts("tests.partial_targets.no_auto_mode", EarlyStopping=buggy)
    failing = {clause for clause, v in verdicts.items() if v.verdict == "fail"}
    # On these draws every difference is a tie at exactly |min_delta| with a negative
    # min_delta: in the absolute rule's regime as well, over as many drawn scenarios, so
    # blame names both (conformance.blame, between several); nothing else fails.
    assert "monitor.improvement.strict" in failing
    assert failing <= {"monitor.improvement.strict", "early_stopping.min-delta.absolute"}
    counterexample = verdicts["monitor.improvement.strict"].counterexample
    assert counterexample is not None
    assert counterexample.scenario.config.get("mode") in ("min", "max")
    assert {verdicts[c].verdict for c in AUTO_MODE_CLAUSES} == {"unsupported"}


def test_a_target_raising_on_what_it_declares_is_never_run_there() -> None:
    """Were a scenario needing auto mode run, the fixture's ValueError would fail it."""
    port = resolve("tests.partial_targets.no_auto_mode")
    with pytest.raises(ValueError, match="mode must be 'min' or 'max'"):
        port.classes["EarlyStopping"]()  # type: ignore[misc]
    assert port.unsupported.covering(scenario()) is not None


def test_the_report_shows_the_declarations_and_counts_unsupported_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report_path = tmp_path / "report.json"
    code = main(
        [
            "run",
            "tests.partial_targets.no_auto_mode",
            "--profile",
            "quick",
            "-k",
            "monitor.mode",
            "--json",
            str(report_path),
            "--junit",
            str(tmp_path / "junit.xml"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0  # unsupported is not a failure
    assert "Declared unsupported by the target:" in out
    report = json.loads(report_path.read_text())
    assert report["target"]["unsupported"] == [
        "EarlyStopping(mode other than 'min', 'max'): modes are min and max only"
    ]
    assert report["summary"]["unsupported"] == len(AUTO_MODE_CLAUSES)
    assert "Declared unsupported by the target" in markdown.render(report)
    junit = (tmp_path / "junit.xml").read_text()
    assert '<skipped message="all ' in junit


def test_the_reference_declares_nothing() -> None:
    assert resolve("reference").unsupported == Declarations()
    assert not hasattr(reference, "conformance_unsupported")


# -- drawing for a target (`steered`) ----------------------------------------------------


def _drawn(strategy_of: Any, declared: Declarations, count: int = 400) -> list[Any]:
    """`count` values of the strategy `strategy_of()` builds, drawn under `steering`,
    beside an int: in a space as large as a scenario's, where Hypothesis does not run out
    of new draws through the steered branches."""
    values: list[Any] = []

    @hypothesis.settings(max_examples=count, database=None, derandomize=True, deadline=None)
    @hypothesis.given(st.data())
    def draw(data: st.DataObject) -> None:
        values.append(data.draw(st.tuples(st.integers(), strategy_of()))[1])

    with steering(declared):
        draw()
    return values


MODES = st.sampled_from(["auto", "auto", "min", "max", "sideways"])
MIN_MAX = Declarations((Unsupported("EarlyStopping", "mode", supported=("min", "max")),))


def test_a_declared_parameter_is_drawn_mostly_from_what_the_target_supports() -> None:
    modes = _drawn(lambda: steered("EarlyStopping", "mode", MODES), MIN_MAX)
    refused = sum(mode not in ("min", "max") for mode in modes)
    # Unsteered, three draws in five are refused; steered, three in five of one in four
    # draws all values, so that the clauses needing them are still found unsupported.
    assert 0 < refused < len(modes) / 4


def test_a_parameter_alone_is_drawn_at_keras_s_default() -> None:
    declared = Declarations((Unsupported("EarlyStopping", "baseline"),))
    baselines = _drawn(
        lambda: steered("EarlyStopping", "baseline", st.none() | st.floats(0, 1)), declared
    )
    assert 0 < sum(baseline is not None for baseline in baselines) < len(baselines) / 4


def test_a_when_is_decided_on_the_arguments_drawn_so_far() -> None:
    declared = Declarations(
        (
            Unsupported(
                "ModelCheckpoint",
                "mode",
                values=("auto",),
                when=lambda s: bool(s.config.get("save_best_only")),
            ),
        )
    )
    modes = st.sampled_from(["auto", "min"])
    best_only = _drawn(
        lambda: steered("ModelCheckpoint", "mode", modes, {"save_best_only": True}), declared
    )
    assert 0 < best_only.count("auto") < len(best_only) / 4
    every_epoch = _drawn(
        lambda: steered("ModelCheckpoint", "mode", modes, {"save_best_only": False}), declared
    )
    assert every_epoch.count("auto") > len(every_epoch) / 3


def test_nothing_declared_leaves_the_strategy_as_it_is() -> None:
    assert steered("EarlyStopping", "mode", MODES) is MODES
    with steering(MIN_MAX):
        assert steered("EarlyStopping", "patience", MODES) is MODES
        assert steered("ModelCheckpoint", "mode", MODES) is MODES

"""The "behaves like" diagnosis (`conformance.diagnosis`, docs/verdicts.md): a failing clause's
counterexample replayed on the catalogue names the known behaviour the target's run
matches, the entry whose bug breaks that clause first; a bug the catalogue does not
know is named nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main
from reference import EarlyStopping as ReferenceEarlyStopping
from reference.monitor import less


class TiesImprove(ReferenceEarlyStopping):
    """A tie counted as an improvement, written apart from the catalogue's entry."""

    def _is_improvement(self, monitor_value: Any, reference_value: Any) -> bool:
        if reference_value is None:
            return True
        if self.monitor_op is less:
            return bool(monitor_value - self.min_delta <= reference_value)
        return bool(monitor_value - self.min_delta >= reference_value)


class Shouts(ReferenceEarlyStopping):
    """The stop message in capitals: a bug the catalogue does not know."""

    def on_train_end(self, logs: Any = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"EPOCH {self.stopped_epoch + 1}: EARLY STOPPING")
            self.stopped_epoch = 0  # printed: the reference's own message is not
        super().on_train_end(logs)


def _report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, port: str, pattern: str
) -> dict[str, Any]:
    """The clauses of a quick run of a module target whose EarlyStopping is `port`."""
    module = f"port_{port.lower()}"  # a module of its own: imports are cached
    (tmp_path / f"{module}.py").write_text(
        f"from tests.suite.test_diagnosis import {port} as EarlyStopping\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    report = tmp_path / "report.json"
    main(["run", module, "--profile", "quick", "-k", pattern, "--json", str(report)])
    return {c["id"]: c for c in json.loads(report.read_text())["clauses"]}


@pytest.mark.slow
def test_a_port_s_tie_bug_behaves_like_the_catalogue_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clauses = _report(tmp_path, monkeypatch, "TiesImprove", "monitor.improvement.strict")
    strict = clauses["monitor.improvement.strict"]
    assert strict["verdict"] == "fail"
    assert strict["behaves_like"][0] == "es_min_delta_non_strict"
    assert (
        "behaves like `es_min_delta_non_strict`: EarlyStopping counts a change of exactly"
        in (strict["reason"])
    )
    out = capsys.readouterr().out
    assert "            behaves like `es_min_delta_non_strict`" in out


@pytest.mark.slow
def test_a_bug_the_catalogue_does_not_know_is_named_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clauses = _report(tmp_path, monkeypatch, "Shouts", "early_stopping.verbose.messages")
    messages = clauses["early_stopping.verbose.messages"]
    assert messages["verdict"] == "fail"
    assert "behaves_like" not in messages
    assert "behaves like" not in messages["reason"]

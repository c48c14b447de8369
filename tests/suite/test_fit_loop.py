"""The fit loop judged per Keras version (`conformance.fit_loop.judge`, `callback-conformance
fit-loop`): the installed Keras 3.15.1 passes every `fit.*` clause it exercises, and a loop
with one rule broken fails that rule's clause alone, with a small witness."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.fit_loop.judge import SCHEMA, judge
from tests.support.wrong_loops import BatchEndAtBeginIndex, NumpyLogs, StopNotReadAfterBatchEnd

pytestmark = pytest.mark.fidelity

EXAMPLES = 60  # the judge's default is 100; enough here to reach each part


def test_the_installed_keras_passes_every_clause_it_exercises() -> None:
    verdicts = {verdict.clause: verdict for verdict in judge(EXAMPLES)}
    assert {v.verdict for v in verdicts.values()} == {"pass", "not-run"}
    assert all(v.shapes > 0 for v in verdicts.values() if v.verdict == "pass")
    assert verdicts["fit.logs.nested-dicts-flattened"].verdict == "not-run"
    assert verdicts["fit.dispatch.async-batch-end"].reason.startswith("out of scope")


@pytest.mark.parametrize(
    ("loop", "clause"),
    [
        (BatchEndAtBeginIndex, "fit.steps-per-execution.batch-indices"),
        (StopNotReadAfterBatchEnd, "fit.stop-training.read-after-batch-and-epoch-end"),
        (NumpyLogs, "fit.logs.scalars-are-floats"),
    ],
    ids=["batch-end-begin-index", "stop-not-read-after-batch", "numpy-logs"],
)
def test_a_broken_rule_fails_its_own_clause_alone(loop: type, clause: str) -> None:
    failing = [verdict for verdict in judge(EXAMPLES, loop) if verdict.verdict == "fail"]
    assert [verdict.clause for verdict in failing] == [clause]
    witness = failing[0].witness
    assert witness is not None and witness.epochs == 1 and not witness.two_fits
    assert "+++ harness" in failing[0].records  # the two records, as a diff


def test_the_command_writes_the_verdicts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "fit-loop.json"
    assert main(["fit-loop", "--examples", "20", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["schema"] == SCHEMA and data["examples"] == 20
    assert {clause["verdict"] for clause in data["clauses"]} <= {"pass", "not-run"}
    assert "Keras 3.15.1's fit:" in capsys.readouterr().out


def test_a_bad_count_is_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["fit-loop", "--examples", "0"])
    assert exit_.value.code == 2
    assert "--examples" in capsys.readouterr().err

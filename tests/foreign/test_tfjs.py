"""TensorFlow.js 4.22's EarlyStopping, run as the guide shows ("An implementation in
another language"): the command exits 0, nothing fails or is stale, and what tfjs does
differently is declared, each with a witness that still diverges."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.foreign.conversations import ROOT, needs_tfjs
from tests.foreign.test_foreign_processes import cli_run, verdict

DECLARED = (
    "early_stopping.baseline.not-initial-best",
    "early_stopping.baseline.gates-wait-reset",
    "early_stopping.stop.never-at-epoch-zero",
    "early_stopping.nan.first-value-becomes-best",
    "early_stopping.monitor.missing-warns",
    "monitor.mode.auto",
    "early_stopping.mode.resolved-at-first-epoch-end",
    "early_stopping.monitor.skipped-epochs",
    "early_stopping.verbose.messages",
    "monitor.mode.unknown-warns",
)


GUIDE = ROOT / "docs" / "guide-check-your-implementation.md"


def guide_command() -> list[str]:
    """The `callback-conformance run` command of the guide's section 9, its words."""
    section = GUIDE.read_text(encoding="utf-8").split("## 9. An implementation in another")[1]
    (line,) = [line for line in section.splitlines() if line.startswith("callback-conformance run")]
    return shlex.split(line)[1:]


@needs_tfjs
def test_tfjs_runs_with_its_divergences_declared(tmp_path: Path) -> None:
    command, target, *options = guide_command()
    assert (command, target) == ("run", "conformance.foreign.tfjs")
    result, report = cli_run(target, tmp_path, *options)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    verdicts = {entry["id"]: entry["verdict"] for entry in report["clauses"]}
    assert not {clause for clause, found in verdicts.items() if found in ("fail", "stale")}
    assert {clause: verdicts[clause] for clause in DECLARED} == dict.fromkeys(DECLARED, "divergent")
    assert verdict(report, "monitor.precision")[0] == "pass"
    assert report["target"]["version"] == "4.22.0"
    # restore_best_weights=True and a None logged: tfjs throws, declared unsupported; the
    # other callbacks are absent.
    assert "restore_best_weights=True" in result.stdout
    assert "when logs_a_value_not_a_number" in result.stdout
    assert {verdicts[c] for c in verdicts if c.startswith("model_checkpoint.")} == {"not-run"}


@needs_tfjs
@pytest.mark.parametrize(
    ("witness", "difference"),
    [
        (
            "early_stopping.monitor.skipped-epochs",
            "the reference stops after epoch 3; the target stops after epoch 1",
        ),
        (
            "early_stopping.verbose.messages",
            "the reference prints 'Epoch 2: early stopping\\n'; the target prints"
            " 'Epoch 1: early stopping.\\n'",
        ),
    ],
)
def test_the_hand_written_witnesses_differ_as_declared(witness: str, difference: str) -> None:
    """start_from_epoch ignored and tfjs's stop message, from their hand-written
    witnesses, differ as their declarations say."""
    path = ROOT / "conformance" / "foreign" / "witnesses" / "tfjs" / f"{witness}.json"
    result = subprocess.run(
        [sys.executable, "-m", "conformance", "replay", str(path), "conformance.foreign.tfjs"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert difference in result.stdout

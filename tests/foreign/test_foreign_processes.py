"""A foreign implementation's process that ends or hangs in a hook is a verdict on the
scenario it ran, not a crash of the suite, and it is replaced for the next scenario
(`conformance.foreign`); the confinement lets a run start that one command again, and
nothing else."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conformance.foreign import ForeignProcess, ForeignProcessEnded
from conformance.harness.confinement import Confinement, allow_restarts, confined
from conformance.harness.time_limit import Clock, ScenarioTimeout, TimeLimit, timed
from conformance.harness.workspaces import WORKSPACES

ROOT = Path(__file__).resolve().parents[2]
CLAUSE = "early_stopping.patience.counts-before-test"
QUICK = ("--profile", "quick")


def cli_run(target: str, tmp_path: Path, *options: str) -> tuple[Any, dict[str, Any]]:
    """`callback-conformance run TARGET OPTIONS... --json REPORT` from the repository."""
    report = tmp_path / "report.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "conformance",
            "run",
            target,
            *options,
            "--json",
            str(report),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=600,
    )
    return result, json.loads(report.read_text()) if report.exists() else {}


def verdict(report: dict[str, Any], clause: str) -> tuple[str, str]:
    (found,) = [entry for entry in report["clauses"] if entry["id"] == clause]
    return found["verdict"], found["reason"]


@pytest.mark.slow
def test_a_driver_that_exits_in_a_hook_fails_the_scenario_saying_so(tmp_path: Path) -> None:
    result, report = cli_run("tests.foreign.exits", tmp_path, *QUICK, "-k", CLAUSE)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    status, reason = verdict(report, CLAUSE)
    assert status == "fail"
    assert (
        "ForeignProcessEnded: the exiting driver ended with status 1 in on_epoch_end(0)" in reason
    )


def test_a_driver_that_hangs_is_stopped_by_the_time_limit_and_replaced(tmp_path: Path) -> None:
    result, report = cli_run(
        "tests.foreign.hangs", tmp_path, *QUICK, "-k", CLAUSE, "--scenario-timeout", "0.5"
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    status, reason = verdict(report, CLAUSE)
    assert status == "fail"
    assert "ran longer than the time limit of 0.5 s, stopped in on_epoch_end(0)" in reason


def _start(command: list[str]) -> str:
    """Start `command` in a run's confinement: "started", or the refusal."""
    with WORKSPACES.one() as workspace, confined(Confinement(workspace), None):
        try:
            subprocess.run(command, check=True)
        except PermissionError as refused:
            return str(refused)
    return "started"


def test_a_run_may_start_again_only_a_command_registered_outside_runs() -> None:
    command = [sys.executable, "-c", "pass", "registered"]
    assert "refuses to start processes" in _start(command)
    allow_restarts(command)
    assert _start(command) == "started"
    assert "refuses to start processes" in _start([*command, "and more"])
    with WORKSPACES.one() as workspace, confined(Confinement(workspace), None):
        with pytest.raises(PermissionError, match="allow_restarts is refused during a run"):
            allow_restarts([sys.executable])


@pytest.mark.parametrize("mode", ["exit", "hang"])
def test_a_process_that_ended_or_hung_is_replaced_at_the_next_request(mode: str) -> None:
    process = ForeignProcess(
        [sys.executable, "-I", "-S", str(ROOT / "tests/foreign/broken_driver.py"), mode],
        label=f"the {mode} driver",
    )
    process.warm_up()
    hook = {"op": "hook", "name": "on_epoch_end", "args": [0, {}], "model": {}}
    try:
        with pytest.raises((ForeignProcessEnded, ScenarioTimeout)):
            with timed(Clock(TimeLimit(0.3))):
                process.request(hook, "on_epoch_end(0)")
        assert process.process is None  # killed and reaped
        state = {"stop_training": True}
        reply = process.request(
            {**hook, "name": "on_epoch_begin", "model": state}, "on_epoch_begin"
        )
        assert reply["model"] == state and process.starts == 2
    finally:
        process.end()

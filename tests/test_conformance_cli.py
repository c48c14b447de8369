"""The command line as a user meets it: exit codes, one-line errors, the JSON report,
counterexample files that replay."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cli(*args: str, cwd: str = ROOT) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": ROOT}
    return subprocess.run(
        [sys.executable, "-m", "conformance", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
    )


def test_reference_conforms_to_itself_and_the_report_has_the_schema(tmp_path):
    report_path = tmp_path / "report.json"
    result = cli(
        "run",
        "reference",
        "--profile",
        "quick",
        "-k",
        "early_stopping.*",
        "--json",
        str(report_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(report_path.read_text())
    assert report["schema"] == "callback-conformance/report/1"
    assert report["target"]["spec"] == "reference" and report["profile"] == "quick"
    ids = [clause["id"] for clause in report["clauses"]]
    assert ids and all(i.startswith("early_stopping.") for i in ids)
    assert {c["verdict"] for c in report["clauses"]} == {"pass"}
    assert report["summary"]["pass"] == len(ids)
    assert all(c["examples"] > 0 and c["counterexample"] is None for c in report["clauses"])


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ("run", "some_module_that_does_not_exist"),
            "unknown target 'some_module_that_does_not_exist'",
        ),
        (("run", "reference", "--profile", "fast"), "invalid choice: 'fast'"),
        (("run", "reference", "--seed", "-3"), "invalid seed '-3'"),
        (("run", "reference", "-k", "no.such.clause"), "matches no clause id"),
        (("run", "reference", "--json", "/no/such/dir/r.json"), "cannot write the JSON report"),
        (("run", "json:loads"), "exposes none of EarlyStopping"),
        (
            ("run", "tests.wrong_implementations.nope"),
            "no module named 'tests.wrong_implementations.nope'",
        ),
        (("replay", "/no/such/file.json", "reference"), "cannot read '/no/such/file.json'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, message):
    result = cli(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_a_module_that_raises_at_import_is_a_one_line_error(tmp_path):
    (tmp_path / "broken_port.py").write_text("raise RuntimeError('half-finished port')\n")
    result = cli("run", "broken_port", cwd=str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "callback-conformance: error: target 'broken_port' failed to import: "
        "RuntimeError: half-finished port"
    )


def test_a_wrong_implementation_fails_with_a_replayable_counterexample(tmp_path):
    wrong = "tests.wrong_implementations.es_nan_skipped"
    result = cli(
        "run",
        wrong,
        "--profile",
        "default",
        "-k",
        "early_stopping.nan.*",
        "--counterexamples",
        str(tmp_path),
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAIL      early_stopping.nan.first-value-becomes-best" in result.stdout
    saved = sorted(tmp_path.iterdir())
    assert saved and all(path.suffix == ".json" for path in saved)
    replayed = cli("replay", str(saved[0]), wrong)
    assert replayed.returncode == 1 and "FAIL" in replayed.stdout
    assert "fit | epoch | train | validation | reference | target" in replayed.stdout
    assert cli("replay", str(saved[0]), "reference").returncode == 0


def test_properties_run_inside_a_third_party_pytest_session(tmp_path):
    """`pytest --pyargs conformance --target=...`, as a port's own CI would run it."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--pyargs",
        "conformance",
        "-q",
        "-p",
        "no:cacheprovider",
    ]
    environment = {**os.environ, "PYTHONPATH": ROOT}

    def pytest_run(target: str) -> subprocess.CompletedProcess[str]:
        args = [*command, f"--target={target}", "-k", "learning_rate_scheduler"]
        return subprocess.run(
            args, capture_output=True, text=True, cwd=str(tmp_path), env=environment
        )

    assert pytest_run("reference").returncode == 0
    failing = pytest_run("tests.wrong_implementations.lrs_rate_not_logged")
    assert failing.returncode == 1
    assert "logs-the-rates-keras-logs" in failing.stdout

"""Hostile targets (`tests/broken_targets/`), run as a user runs them: the command line,
from an empty directory, beside a directory of the user's files the targets go after.
Whatever a target does (exit, crash, hang where no signal reaches, write through
descriptors, start processes, patch the reference), the run ends within its bound,
never exits 0, reports what happened on the scenario it happened in, and leaves the
user's files as they were and no process behind; `--jobs 1` and `--jobs 2` give the same
report. docs/robustness.md states these guarantees."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 0.5  # --scenario-timeout: the hard deadline is 2 * 0.5 + 10 s
BOUND = 300  # seconds a case may take, at most, on a loaded machine
MARKER = "conformance-hostile-marker"  # in the command line of processes targets start


@dataclass(frozen=True)
class Case:
    pattern: str | None  # -k: the callbacks it breaks
    # clause id -> a fragment of its failing reason ({watched}: the user's directory)
    failing: dict[str, str]
    # --callbacks: the callbacks it breaks, where no -k pattern names them all (the
    # others are the reference's own: checking them would only cost time)
    callbacks: str | None = None


CASES = {
    "exits_in_hook": Case(
        "early_stopping.*",
        {
            "early_stopping.patience.counts-before-test": (
                "the target ended its process with status 0 in on_epoch_end(0)"
            )
        },
    ),
    "segfaults": Case(
        "model_checkpoint.*",
        {"model_checkpoint.save.write": "the target ended its process by SIGSEGV in on_epoch_end("},
    ),
    "hangs_natively": Case(
        None,
        {
            "early_stopping.patience.counts-before-test": (
                "the target ran longer than the time limit of 0.5 s, stopped in on_epoch_end("
            ),
            "learning_rate_scheduler.schedule.absolute-epoch": ("stopped in on_epoch_begin("),
            "tensorboard.epoch.scalars": "stopped in on_train_begin (its process did not stop",
        },
        callbacks="ES,LRS,TB",
    ),
    "patches_the_reference": Case(
        "early_stopping.*", {"early_stopping.patience.counts-before-test": "the target"}
    ),
    "writes_through_descriptors": Case(
        None,
        {
            "early_stopping.patience.counts-before-test": "os.remove {watched}/victim.txt",
            "learning_rate_scheduler.schedule.absolute-epoch": "os.link {watched}/linked.txt",
            "model_checkpoint.save.write": "os.chmod {watched}/victim.txt",
            "tensorboard.epoch.scalars": "sqlite3.connect {watched}/notes.db",
        },
    ),
    "starts_processes": Case(
        "early_stopping.*",
        {"early_stopping.patience.counts-before-test": "subprocess.Popen ('sh', ['sh', '-c',"},
    ),
    "finalizer_writes": Case(
        None,
        {
            "learning_rate_scheduler.schedule.absolute-epoch": (
                "stopped in the repr of what it logged (its process did not stop"
            ),
            "early_stopping.patience.counts-before-test": (
                "open {watched}/finalized.txt (between runs)"
            ),
        },
        callbacks="ES,LRS",
    ),
    "draws_at_random": Case(
        None,
        {
            "early_stopping.patience.counts-before-test": "not deterministic: run again",
            "learning_rate_scheduler.schedule.absolute-epoch": "the target's learning_rates",
        },
        callbacks="ES,LRS",
    ),
    "exits_in_warm_up": Case(
        "early_stopping.*",
        {
            "early_stopping.patience.counts-before-test": (
                "the target's warm-up for EarlyStopping raised SystemExit: 0"
            )
        },
    ),
}


def user_files(directory: Path) -> dict[str, tuple[bytes, int, int]]:
    """What the user would check: each file's bytes, mode and modification time."""
    found = {}
    for path in sorted(directory.rglob("*")):
        status = path.lstat()
        found[str(path.relative_to(directory))] = (
            path.read_bytes() if path.is_file() else b"",
            status.st_mode,
            status.st_mtime_ns,
        )
    return found


def hostile_run(
    module: str, tmp_path: Path, *options: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any] | None, float]:
    """`callback-conformance run tests.broken_targets.MODULE` from an empty directory,
    beside `watched/` (the user's files), with a TMPDIR of the test's own; the result,
    the JSON report if one was written, and the seconds."""
    for name in ("cwd", "watched", "tmp"):
        (tmp_path / name).mkdir(exist_ok=True)
    report = tmp_path / "report.json"
    report.unlink(missing_ok=True)
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TMPDIR": str(tmp_path / "tmp"),
        "BROKEN_TARGET_OUTSIDE_DIR": str(tmp_path / "watched"),
    }
    environment.pop("HYPOTHESIS_STORAGE_DIRECTORY", None)
    command = [sys.executable, "-m", "conformance", "run", f"tests.broken_targets.{module}"]
    command += ["--profile", "quick", "--scenario-timeout", str(TIMEOUT), "--json", str(report)]
    started = time.monotonic()
    result = subprocess.run(
        [*command, *options],
        capture_output=True,
        text=True,
        cwd=tmp_path / "cwd",
        env=environment,
        timeout=BOUND,
    )
    elapsed = time.monotonic() - started
    return result, json.loads(report.read_text()) if report.exists() else None, elapsed


def marked_processes() -> list[str]:
    found = subprocess.run(["pgrep", "-af", MARKER], capture_output=True, text=True)
    return [line for line in found.stdout.splitlines() if "pgrep" not in line]


def clauses(report: dict[str, Any]) -> dict[str, tuple[str, str, int]]:
    return {c["id"]: (c["verdict"], c["reason"], c["examples"]) for c in report["clauses"]}


def sandbox_available() -> bool:
    """Whether `--sandbox` can run here; where CI says it must
    (CALLBACK_CONFORMANCE_SANDBOX=required), its absence fails instead."""
    bwrap = shutil.which("bwrap")
    trial = [bwrap or "bwrap", "--ro-bind", "/", "/", "--unshare-all", "true"]
    if bwrap is not None and subprocess.run(trial, capture_output=True).returncode == 0:
        return True
    if os.environ.get("CALLBACK_CONFORMANCE_SANDBOX") == "required":
        pytest.fail("bubblewrap (bwrap) is required here, and cannot make a sandbox")
    return False


@pytest.mark.slow
@pytest.mark.parametrize("module", list(CASES))
def test_a_hostile_target_gets_an_honest_report_and_harms_nothing(module, tmp_path):
    check_case(module, tmp_path, [("--jobs", "1"), ("--jobs", "2")])


@pytest.mark.slow
@pytest.mark.parametrize("module", list(CASES))
def test_under_the_sandbox_too(module, tmp_path):
    if not sandbox_available():
        pytest.skip("no bubblewrap (bwrap) that can make a sandbox here")
    # The user's files where the sandbox shows them (read-only): not under /tmp, which
    # it replaces with a private one.
    with tempfile.TemporaryDirectory(dir=Path.home()) as home:
        check_case(module, Path(home), [("--sandbox",)])


def check_case(module: str, tmp_path: Path, variants: list[tuple[str, ...]]) -> None:
    """Each variant of options: the report is honest, the user's files and processes
    are untouched; the reports of the variants are the same."""
    case = CASES[module]
    pattern = () if case.pattern is None else ("-k", case.pattern)
    if case.callbacks is not None:
        pattern += ("--callbacks", case.callbacks)
    (tmp_path / "watched").mkdir()
    (tmp_path / "watched" / "victim.txt").write_text("the user's file\n")
    (tmp_path / "watched" / "linked.txt").write_text("another of the user's files\n")
    before = user_files(tmp_path / "watched")
    reports = []
    for jobs in variants:
        result, report, elapsed = hostile_run(module, tmp_path, *pattern, *jobs)
        assert result.returncode == 1, (jobs, result.stdout[-2000:], result.stderr[-2000:])
        assert "Traceback" not in result.stderr, result.stderr[-3000:]
        assert elapsed < BOUND
        assert report is not None
        found = clauses(report)
        for clause_id, fragment in case.failing.items():
            fragment = fragment.format(watched=tmp_path / "watched")
            verdict, reason, _ = found[clause_id]
            assert verdict == "fail" and fragment in reason, (jobs, clause_id, reason)
        # The user's files, byte for byte, mode and times; nothing left where the
        # command ran, nor in TMPDIR; no process the target started still running.
        assert user_files(tmp_path / "watched") == before
        assert os.listdir(tmp_path / "cwd") == [] and os.listdir(tmp_path / "tmp") == []
        assert marked_processes() == []
        reports.append(found)
    assert all(report == reports[0] for report in reports)


def test_without_bubblewrap_the_sandbox_is_a_usage_error(tmp_path):
    """Never a silent run without it: a PATH where bwrap is not found."""
    empty = tmp_path / "bin"
    empty.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "reference", "--sandbox"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PATH": str(empty), "PYTHONPATH": str(ROOT)},
        timeout=BOUND,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "callback-conformance: error: --sandbox needs bubblewrap (bwrap), which is not"
        " installed (Debian and Ubuntu: apt-get install bubblewrap)"
    )


def test_a_target_that_ends_its_process_at_import_is_a_usage_error(tmp_path):
    result, report, _ = hostile_run("exits_at_import", tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "callback-conformance: error: target 'tests.broken_targets.exits_at_import' ended its"
        " process with status 0 while it was imported"
    )
    assert report is None


def test_a_warm_up_that_sleeps_is_stopped_at_its_deadline():
    from conformance.properties import PROPERTIES
    from conformance.runner import PROFILES, run
    from conformance.worker import connect

    target = connect("tests.broken_targets.sleeps_in_warm_up", start_seconds=2)
    try:
        started = time.monotonic()
        chosen = [prop for prop in PROPERTIES if prop.callback == "EarlyStopping"]
        results = run(target, chosen, PROFILES["quick"], None, scenario_timeout=TIMEOUT)
    finally:
        target.host.close()
    assert time.monotonic() - started < 60
    first, *rest = results
    assert first.verdict == "fail"
    assert first.reason == (
        "the target's warm-up for EarlyStopping ran longer than 2 s, stopped in"
        " conformance_warm_up('EarlyStopping')"
    )
    assert {result.verdict for result in rest} == {"pass"}


def processes_with(variable: str) -> list[int]:
    """The processes whose environment holds `variable` (inherited by every descendant
    of a process started with it)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            environment = Path(f"/proc/{name}/environ").read_bytes()
        except OSError:
            continue
        if variable.encode() in environment.split(b"\0"):
            found.append(int(name))
    return found


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigterm_ends_the_run_and_every_process_it_started(jobs, tmp_path):
    """Mid-run (a worker hanging in native code), SIGTERM to the command: it exits, and
    no process started under it (suite processes, workers, multiprocessing's resource
    tracker) is left."""
    mark = f"CONFORMANCE_TEST_MARK={tmp_path.name}"
    environment = {**os.environ, "PYTHONPATH": str(ROOT), mark.split("=")[0]: tmp_path.name}
    command = [sys.executable, "-m", "conformance", "run", "tests.broken_targets.hangs_natively"]
    running = subprocess.Popen(
        [*command, "--profile", "quick", "--jobs", jobs, "--scenario-timeout", "60"],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while len(processes_with(mark)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)  # until the workers are up
    time.sleep(3)
    running.terminate()
    _, errors = running.communicate(timeout=120)
    assert running.returncode == 130, errors
    assert errors.strip().splitlines()[-1] == "callback-conformance: interrupted"
    for _ in range(50):  # the kernel kills orphaned workers at once; reaping takes a moment
        if not processes_with(mark):
            break
        time.sleep(0.1)
    assert processes_with(mark) == []

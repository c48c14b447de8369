"""The suite survives broken targets (`tests/broken_targets/`) and reports each: the
clauses it breaks fail with a reason that says what happened, the callbacks it leaves
alone still pass, the run finishes with a report, and nothing is written outside the
suite's own temporary directories. Also the time limit's two mechanisms, and the
confinement of writes, on their own."""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

import pytest

from conformance.clauses import clauses_of
from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import Scenario, observe
from conformance.harness.time_limit import ScenarioTimeout, TimeLimit
from conformance.properties import PROPERTIES
from conformance.runner import PROFILES, clause_verdicts, run
from conformance.running import in_process
from conformance.targets import resolve
from reference import EarlyStopping
from tests.broken_targets import ALL

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIMEOUT = 0.5  # seconds: the broken targets' EXPECTED reasons name it
# The targets checked in this process never hang (the hanging ones go through the command
# line): a tight limit there only turns a slow moment of a loaded machine into a wrong
# verdict, as it once did to raises_in_hooks in a fresh-clone CI run.
IN_PROCESS_TIMEOUT = 10.0
# Checked through the command line below, in a directory of their own.
THROUGH_THE_CLI = (
    "tests.broken_targets.hangs",
    "tests.broken_targets.writes_outside",
    "tests.broken_targets.leaves_thread",
)


def expectations(module_name: str) -> list[tuple[str, str, Any]]:
    module = importlib.import_module(module_name)
    cases = [(module_name, callback, expected) for callback, expected in module.EXPECTED.items()]
    cases += [(module_name, callback, None) for callback in getattr(module, "UNTOUCHED", ())]
    return cases


def verdicts(module_name: str, callback: str) -> dict[str, Any]:
    """Clause id -> verdict, from the callback's properties (quick, derandomized, shrunk:
    blame starts from the minimal difference)."""
    target = resolve(module_name)
    chosen = [prop for prop in PROPERTIES if prop.callback == callback]
    results = run(
        in_process(target), chosen, PROFILES["quick"], None, scenario_timeout=IN_PROCESS_TIMEOUT
    )
    return {
        verdict.clause.id: verdict
        for verdict in clause_verdicts(target, results, clauses_of(callback))
    }


def check(callback: str, expected: Any, found: dict[str, tuple[str, str, bool]]) -> None:
    """`found`: clause id -> (verdict, reason, has a counterexample), for the callback's
    clauses. `expected`: the module's EXPECTED entry, or None for an untouched callback."""
    # A clause whose regime the drawn scenarios did not reach says so, whatever the
    # target (tests/suite/test_conformance_properties.py keeps that list short).
    checked = {
        clause_id: entry
        for clause_id, entry in found.items()
        if not entry[1].startswith(("no property checks", "out of scope", "none of the"))
    }
    assert checked, f"no {callback} clause was checked"
    reasons = " | ".join(entry[1] for entry in checked.values())
    assert "error while checking" not in reasons, reasons
    if expected is None:
        assert {entry[0] for entry in checked.values()} == {"pass"}, reasons
        return
    verdict, fragment, must_fail = expected
    if verdict == "not-run":
        assert all(entry[0] == "not-run" and fragment in entry[1] for entry in checked.values())
        return
    failing = {clause_id for clause_id, entry in checked.items() if entry[0] == "fail"}
    assert failing, reasons
    assert set(must_fail) <= failing, (sorted(set(must_fail) - failing), reasons)
    for clause_id in failing:
        _, reason, has_counterexample = checked[clause_id]
        assert fragment in reason, (clause_id, reason)
        assert has_counterexample, clause_id


CASES = [case for name in ALL if name not in THROUGH_THE_CLI for case in expectations(name)]


@pytest.mark.slow
@pytest.mark.parametrize(
    "module_name, callback, expected",
    CASES,
    ids=[f"{name.rsplit('.', 1)[-1]}-{callback}" for name, callback, _ in CASES],
)
def test_broken_target_is_reported_on_the_right_clauses(module_name, callback, expected):
    found = {
        clause_id: (v.verdict, v.reason, v.counterexample is not None)
        for clause_id, v in verdicts(module_name, callback).items()
    }
    check(callback, expected, found)


@pytest.mark.xfail(
    strict=True,
    reason="no clause says EarlyStopping or LearningRateScheduler leave the other log entries"
    " alone (tests/broken_targets/mutates_logs.py UNCAUGHT; docs/robustness.md)",
)
@pytest.mark.parametrize("callback", ["EarlyStopping", "LearningRateScheduler"])
def test_a_callback_that_deletes_log_entries_fails(callback):
    found = verdicts("tests.broken_targets.mutates_logs", callback)
    assert any(v.verdict == "fail" for v in found.values())


# --------------------------------------------------------------------------------------
# Through the command line, in a working directory of its own
# --------------------------------------------------------------------------------------


def cli_run(
    module_name: str, tmp_path: Any, *options: str
) -> tuple[subprocess.CompletedProcess[str], Any]:
    """`callback-conformance run MODULE` as a user runs it, from an empty directory,
    with TMPDIR and a directory the target writes to (`watched`) of the test's own."""
    for name in ("cwd", "watched", "tmp"):
        (tmp_path / name).mkdir()
    report = tmp_path / "report.json"
    environment = {
        **os.environ,
        "PYTHONPATH": ROOT,
        "TMPDIR": str(tmp_path / "tmp"),
        "BROKEN_TARGET_OUTSIDE_DIR": str(tmp_path / "watched"),
    }
    environment.pop("HYPOTHESIS_STORAGE_DIRECTORY", None)
    arguments = ["run", module_name, "--profile", "quick", "--scenario-timeout", str(TIMEOUT)]
    arguments += options
    result = subprocess.run(
        [sys.executable, "-m", "conformance", *arguments, "--json", str(report)],
        capture_output=True,
        text=True,
        cwd=str(tmp_path / "cwd"),
        env=environment,
        timeout=900,
    )
    return result, json.loads(report.read_text())


def check_report(module_name: str, report: dict[str, Any]) -> None:
    module = importlib.import_module(module_name)
    by_id = {clause["id"]: clause for clause in report["clauses"]}
    for callback in ("EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"):
        # The monitor clauses are EarlyStopping's and ModelCheckpoint's both: in a full
        # report their reason may come from either; they are checked in-process above.
        own = [clause.id for clause in clauses_of(callback) if clause.callback == callback]
        found = {
            clause_id: (
                by_id[clause_id]["verdict"],
                by_id[clause_id]["reason"],
                by_id[clause_id]["counterexample"] is not None,
            )
            for clause_id in own
        }
        check(callback, module.EXPECTED.get(callback), found)


@pytest.mark.slow
def test_hanging_hooks_are_stopped_and_the_run_finishes(tmp_path):
    started = time.monotonic()
    result, report = cli_run("tests.broken_targets.hangs", tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    check_report("tests.broken_targets.hangs", report)  # TensorBoard, after them, passes
    # One time limit per property of a hanging callback (plus one re-fire for the hook
    # that swallows the first), not an hour of sleep.
    assert time.monotonic() - started < 600
    assert os.listdir(tmp_path / "cwd") == [] and os.listdir(tmp_path / "tmp") == []


def test_writes_outside_the_run_are_refused_and_reported(tmp_path):
    result, report = cli_run("tests.broken_targets.writes_outside", tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    check_report("tests.broken_targets.writes_outside", report)
    reasons = {clause["id"]: clause["reason"] for clause in report["clauses"]}
    # The absolute path outside the run, refused before anything was written there:
    assert f"open {tmp_path / 'watched' / 'tb-notes.txt'}" in reasons["tensorboard.epoch.scalars"]
    # A save the model was asked to make in the working directory, and a file native
    # code (h5py) wrote there:
    assert "model.save <cwd>/" in reasons["model_checkpoint.save.write"]
    assert "left <cwd>/native.h5" in reasons["model_checkpoint.save.write"]
    # Nothing in the working directory (not even Hypothesis's .hypothesis/), nothing in
    # the watched directory, and every temporary directory the suite made is gone.
    assert os.listdir(tmp_path / "cwd") == []
    assert os.listdir(tmp_path / "watched") == []
    assert os.listdir(tmp_path / "tmp") == []


def test_a_thread_the_target_leaves_running_does_not_keep_the_run_from_ending(tmp_path):
    result, report = cli_run(
        "tests.broken_targets.leaves_thread", tmp_path, "-k", "early_stopping.patience.*"
    )
    # The thread is the worker's: the worker is ended with it, the command exits.
    assert result.returncode == 0, result.stderr
    assert report["summary"]["pass"] > 0 and report["summary"]["fail"] == 0
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------------------
# The time limit and the confinement, on their own
# --------------------------------------------------------------------------------------

ONE_EPOCH = Scenario(
    "EarlyStopping", {"monitor": "loss"}, fits=[FitPlan([EpochPlan({"loss": 1.0})])]
)


class Sleeps(EarlyStopping):
    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        time.sleep(3600)


class Spins(EarlyStopping):
    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        while True:
            pass


class SwallowsThenSpins(EarlyStopping):
    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        try:
            while True:
                pass
        except BaseException:  # noqa: BLE001, S110
            pass
        while True:
            pass


def stopped(cls: type, mechanism: str) -> tuple[ScenarioTimeout, float]:
    started = time.monotonic()
    with pytest.raises(ScenarioTimeout) as raised:
        observe(cls, ONE_EPOCH, time_limit=TimeLimit(0.3, mechanism))
    return raised.value, time.monotonic() - started


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no interval timers here")
@pytest.mark.parametrize("cls", [Sleeps, Spins, SwallowsThenSpins])
def test_the_signal_stops_sleeping_and_spinning_hooks(cls):
    previous = signal.getsignal(signal.SIGALRM)
    cwd, tempdir = os.getcwd(), tempfile.tempdir
    timeout, seconds = stopped(cls, "signal")
    assert timeout.hook == "on_epoch_end(0)" and str(timeout).endswith("stopped in on_epoch_end(0)")
    assert timeout.observation is not None
    assert timeout.observation.error == ("ScenarioTimeout", str(timeout), "on_epoch_end(0)")
    assert [hook for hook, _, _ in timeout.observation.hooks][:2] == [
        "on_train_begin",
        "on_epoch_begin",
    ]
    assert seconds < 0.3 + 1.0 + 3.0  # the limit, one re-fire for the swallower, slack
    # Nothing left armed or changed behind it.
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is previous
    assert (os.getcwd(), tempfile.tempdir) == (cwd, tempdir)


@pytest.mark.parametrize("cls", [Spins, SwallowsThenSpins])
def test_the_thread_fallback_stops_spinning_hooks(cls):
    timeout, seconds = stopped(cls, "thread")
    assert timeout.hook == "on_epoch_end(0)"
    assert seconds < 0.3 + 1.0 + 3.0


def test_off_the_main_thread_the_limit_falls_back_to_the_thread():
    """Signals reach only the main thread: `auto` picks the watchdog there."""
    outcome: list[Any] = []

    def work() -> None:
        try:
            observe(Spins, ONE_EPOCH, time_limit=TimeLimit(0.3))
        except ScenarioTimeout as timeout:
            outcome.append(timeout)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert len(outcome) == 1 and outcome[0].hook == "on_epoch_end(0)"


def test_a_run_within_its_limit_is_observed_as_without_one():
    assert observe(EarlyStopping, ONE_EPOCH, time_limit=TimeLimit(30)) == observe(
        EarlyStopping, ONE_EPOCH
    )


def test_writes_are_refused_outside_the_workspace_and_allowed_in_it(tmp_path):
    outside = tmp_path / "outside.txt"

    class Writes(EarlyStopping):
        def on_train_begin(self, logs: Any = None) -> None:
            super().on_train_begin(logs)
            handle, scratch = tempfile.mkstemp()  # the temporary directory it is given
            os.close(handle)
            os.remove(scratch)
            outside.write_text("written")  # an absolute path outside

    observation = observe(Writes, ONE_EPOCH)
    assert observation.outside_writes == [f"open {outside}"]
    assert observation.error is not None and observation.error[0] == "PermissionError"
    assert not outside.exists()
    assert observe(EarlyStopping, ONE_EPOCH).outside_writes == []


def test_a_warm_up_that_exits_fails_its_callback_and_the_run_goes_on(tmp_path):
    """`sys.exit(0)` in `conformance_warm_up` used to end the run with status 0 and no
    report: a green run that checked nothing."""
    report = tmp_path / "report.json"
    result = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "tests.broken_targets.exits_in_warm_up",
         "--profile", "quick", "-k", "early_stopping", "--json", str(report)],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": ROOT},
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    clauses = {c["id"]: c for c in json.loads(report.read_text())["clauses"]}
    failing = [c for c in clauses.values() if c["verdict"] == "fail"]
    assert failing
    assert all(
        "the target's warm-up for EarlyStopping raised SystemExit: 0" in c["reason"]
        for c in failing
    )

"""The command line as a user meets it: exit codes, one-line errors, the JSON report,
counterexample files that replay."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def cli(*args: str, cwd: str = ROOT, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": ROOT}
    return subprocess.run(
        [sys.executable, "-m", "conformance", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=timeout,
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
        (("run", "reference", "--seed", "abc"), "invalid seed 'abc'"),
        (("run", "reference", "--seed", "1.5"), "invalid seed '1.5'"),
        (("run", "reference", "--scenario-timeout", "0"), "invalid --scenario-timeout '0'"),
        (("run", "reference", "--scenario-timeout", "-1"), "invalid --scenario-timeout '-1'"),
        (("run", "reference", "--scenario-timeout", "nan"), "invalid --scenario-timeout 'nan'"),
        (("run", "reference", "--scenario-timeout", "soon"), "invalid --scenario-timeout 'soon'"),
        (("run", "reference", "-k", "no.such.clause"), "matches no clause id"),
        (("run", "reference", "--json", "/no/such/dir/r.json"), "cannot write the JSON report"),
        (
            ("run", "reference", "--json", "/"),
            "cannot write the JSON report to '/': it is a directory",
        ),
        (("run", "reference", "--counterexamples", "/no/such/dir"), "is not a directory"),
        (("run", "json:loads"), "exposes none of EarlyStopping"),
        # module:object where the object is a number, or missing
        (("run", "tests.broken_targets.lacks_parts:ModelCheckpoint"), "exposes none of"),
        (
            ("run", "tests.broken_targets.lacks_parts:nothing"),
            "module 'tests.broken_targets.lacks_parts' has no attribute 'nothing'",
        ),
        (("run", "not a module!"), "unknown target 'not a module!'"),
        (
            ("run", "conformance.catalogue.nope"),
            "no module named 'conformance.catalogue.nope'",
        ),
        (("replay", "/no/such/file.json", "reference"), "cannot read '/no/such/file.json'"),
        (("replay", "README.md", "reference"), "cannot read 'README.md'"),
        (("replay", "/no/such/file.json", "reference", "--scenario-timeout", "0"), "invalid"),
        (("run", "reference", "--jobs", "0"), "invalid --jobs '0'"),
        (("run", "reference", "--jobs", "many"), "invalid --jobs 'many'"),
        (("frobnicate",), "invalid choice: 'frobnicate'"),
        ((), "the following arguments are required: command"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, message):
    result = cli(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_an_unwritable_report_path_fails_before_the_run(tmp_path):
    """Permissions alone do not tell (root writes anywhere): the path is tried."""
    a_file = tmp_path / "a_file"
    a_file.write_text("")
    for path in (str(a_file / "r.json"), "/proc/r.json"):
        result = cli("run", "reference", "--json", path)
        assert result.returncode == 2 and result.stdout == "", result.stderr
        assert result.stderr.startswith(
            f"callback-conformance: error: cannot write the JSON report to {path!r}"
        ), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_a_report_path_that_is_a_named_pipe_nothing_reads_is_refused(tmp_path):
    """Opening it to write would wait for a reader for ever."""
    os.mkfifo(tmp_path / "pipe.json")
    result = cli("run", "reference", "--json", str(tmp_path / "pipe.json"), timeout=120)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == (
        "callback-conformance: error: cannot write the JSON report to"
        f" {str(tmp_path / 'pipe.json')!r}: it is a named pipe nothing reads"
    )


def test_what_the_run_timeout_leaves_unchecked_fails_saying_so(tmp_path):
    result = cli(
        "run", "reference", "--profile", "quick", "--run-timeout", "0.001",
        "--json", "report.json", cwd=str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    # Every clause a property checks fails, saying why; none passes.
    checked = [c for c in report["clauses"] if c["verdict"] != "not-run"]
    assert len(checked) > 70
    assert all(
        c["verdict"] == "fail"
        and c["reason"].startswith("not checked: the run's deadline of 0.001 s passed")
        for c in checked
    ), {c["reason"] for c in checked}


@pytest.mark.parametrize(
    "content, message",
    [
        ("[1, 2]", "is neither a counterexample nor a report"),
        ('{"property": "no.such.property", "scenario": {}}', "unknown property 'no.such.property'"),
        (
            '{"property": "early_stopping.stops-where-keras-stops",'
            ' "scenario": {"__type__": "Nope"}}',
            "not a scenario: KeyError",
        ),
        (
            '{"property": "early_stopping.stops-where-keras-stops", "scenario": [1]}',
            "not a scenario: TypeError",
        ),
        ('{"clauses": 3}', "is not a report of this suite"),
        ('{"clauses": []}', "is not a report of this suite"),
        (
            '{"schema": "callback-conformance/report/1", "suite": {"version": "0"},'
            ' "target": {"spec": "t", "module": "t", "version": null, "backend": null},'
            ' "profile": "quick", "seed": null, "clauses": [], "summary":'
            ' {"pass": 0, "fail": 0, "divergent": 0, "stale": 0, "not-run": 0}}',
            "holds no counterexample",
        ),
    ],
)
def test_a_bad_replay_file_is_one_line_and_exit_2(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = cli("replay", str(path), "reference")
    assert result.returncode == 2 and result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


@pytest.mark.parametrize(
    "source, message",
    [
        ("raise SystemExit(5)\n", "cannot be imported: SystemExit: 5 (half_port.py, line 1)"),
        (
            "def broken(:\n",
            "cannot be imported: SyntaxError: invalid syntax (half_port.py, line 1)",
        ),
        ("import no_such_dependency_anywhere\n", "ModuleNotFoundError"),
    ],
)
def test_a_module_that_cannot_be_imported_is_one_line(tmp_path, source, message):
    (tmp_path / "half_port.py").write_text(source)
    result = cli("run", "half_port", cwd=str(tmp_path))
    assert result.returncode == 2 and result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_the_command_line_default_time_limit_is_the_runners():
    from conformance import cli as command_line
    from conformance import runner

    assert command_line.DEFAULT_SCENARIO_TIMEOUT == runner.DEFAULT_SCENARIO_TIMEOUT


def test_a_derandomized_run_gives_the_same_report_byte_for_byte(tmp_path):
    """No false alarms from chance: two derandomized runs of the reference, in two
    processes with different hash seeds, write identical reports (the report holds no
    timings to normalize)."""
    runs = []
    for number in (1, 2):
        report = tmp_path / f"report{number}.json"
        environment = {**os.environ, "PYTHONPATH": ROOT, "PYTHONHASHSEED": str(number)}
        command = [sys.executable, "-m", "conformance", "run", "reference", "--profile", "quick"]
        runs.append(
            (
                report,
                subprocess.Popen(
                    [*command, "--json", str(report)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    cwd=str(tmp_path),
                    env=environment,
                ),
            )
        )
    for _, process in runs:
        _, stderr = process.communicate(timeout=1200)
        assert process.returncode == 0, stderr
    first, second = (report.read_bytes() for report, _ in runs)
    assert first == second
    summary = json.loads(first)["summary"]
    assert summary["fail"] == 0 and summary["pass"] > 0
    assert sorted(os.listdir(tmp_path)) == ["report1.json", "report2.json"]  # no .hypothesis/


def test_a_module_that_raises_at_import_is_a_one_line_error(tmp_path):
    (tmp_path / "broken_port.py").write_text("raise RuntimeError('half-finished port')\n")
    result = cli("run", "broken_port", cwd=str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "callback-conformance: error: target 'broken_port' cannot be imported: "
        "RuntimeError: half-finished port (broken_port.py, line 1)"
    )


def test_a_wrong_implementation_fails_with_a_replayable_counterexample(tmp_path):
    wrong = "conformance.catalogue.es_nan_skipped"
    result = cli(
        "run",
        wrong,
        "--profile",
        "quick",
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

    def pytest_run(target: str, *more: str) -> subprocess.CompletedProcess[str]:
        args = [*command, f"--target={target}", "-k", "learning_rate_scheduler", *more]
        return subprocess.run(
            args, capture_output=True, text=True, cwd=str(tmp_path), env=environment
        )

    assert pytest_run("reference").returncode == 0
    failing = pytest_run("conformance.catalogue.lrs_rate_not_logged")
    assert failing.returncode == 1
    assert "logs-the-rates-keras-logs" in failing.stdout
    # The same in two pytest-xdist workers: the same tests fail.
    parallel = pytest_run("conformance.catalogue.lrs_rate_not_logged", "-n", "2")
    assert parallel.returncode == 1
    assert _counts(parallel.stdout) == _counts(failing.stdout)


def test_the_readme_s_pytest_line_finds_a_port_in_the_working_directory(tmp_path):
    """`pytest --pyargs conformance --target=myport.callbacks`, as the README has it, run
    by the `pytest` command (not `python -m pytest`) from the port's directory."""
    port = tmp_path / "myport"
    port.mkdir()
    (port / "__init__.py").write_text("")
    (port / "callbacks.py").write_text("from reference import LearningRateScheduler\n")
    result = subprocess.run(
        [str(Path(sys.executable).with_name("pytest")), "--pyargs", "conformance", "-q"]
        + ["-p", "no:cacheprovider", "--target=myport.callbacks", "-k", "learning_rate_sch"],
        capture_output=True,
        text=True,
        cwd=str(tmp_path),
        env={**os.environ, "PYTHONPATH": ROOT},
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


@pytest.mark.parametrize("traceback", [False, True], ids=["one-line", "traceback"])
def test_a_port_that_cannot_be_imported_ends_the_pytest_session_saying_where(
    tmp_path: Path, traceback: bool
) -> None:
    """Under pytest as on the command line: the file and line in one message, exit 2, and
    the Python traceback before it with `--conformance-traceback`."""
    (tmp_path / "broken_port.py").write_text("import os\n\n1 / 0\n")
    result = subprocess.run(
        [str(Path(sys.executable).with_name("pytest")), "--pyargs", "conformance", "-q"]
        + ["-p", "no:cacheprovider", "--target=broken_port"]
        + (["--conformance-traceback"] if traceback else []),
        capture_output=True,
        text=True,
        cwd=str(tmp_path),
        env={**os.environ, "PYTHONPATH": ROOT},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 2, output[-2000:]
    assert "ZeroDivisionError: division by zero (broken_port.py, line 3)" in output
    assert ("Traceback (most recent call last)" in output) is traceback


def _counts(pytest_output: str) -> list[str]:
    """pytest's failed and passed counts ("1 failed", "4 passed"); xdist workers do not
    report the deselected."""
    last = pytest_output.strip().splitlines()[-1].split(" in ")[0]
    return [part for part in last.split(", ") if part.endswith(("failed", "passed"))]


def test_jobs_give_the_same_report_as_one_process(tmp_path):
    """`--jobs 2`: the clauses of the report, counterexamples and example counts included,
    are those of a run in one process."""
    reports = []
    for jobs in ("1", "2"):
        path = tmp_path / f"jobs-{jobs}.json"
        result = cli(
            "run", "conformance.catalogue.lrs_one_based_epoch", "--profile", "quick",
            "-k", "learning_rate_scheduler", "--jobs", jobs, "--json", str(path),
        )  # fmt: skip
        assert result.returncode == 1, result.stderr
        reports.append(json.loads(path.read_text())["clauses"])
    assert reports[0] == reports[1]
    assert any(clause["counterexample"] for clause in reports[1])


# Bad input the command line refuses before anything runs (exit 2, one line).


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("-k", ""), "-k '' matches every clause: give a pattern, or leave -k out"),
        (("-k", "  "), "-k '  ' matches every clause"),
        (("--scenario-timeout", "1e10"), "at most 86400"),
        (("--run-timeout", "0"), "invalid --run-timeout '0': expected a positive number"),
        (("--json", "same.json", "--html", "same.json"), "--json and --html name the same file"),
        (("--markdown", "s.md", "--junit", "./s.md"), "--markdown and --junit name the same file"),
        (("--callbacks", "ES,XY"), "invalid --callbacks 'ES,XY': 'XY' is not a callback"),
        (("--callbacks", ""), "invalid --callbacks '': '' is not a callback"),
        (("--precision", "float16"), "argument --precision: invalid choice: 'float16'"),
    ],
)
def test_bad_options_are_refused_in_one_line(tmp_path, arguments, message):
    result = cli("run", "reference", "--profile", "quick", *arguments, cwd=str(tmp_path))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[-1], result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_a_divergences_file_that_is_not_utf8_is_refused_in_one_line(tmp_path):
    bad = tmp_path / "divergences.toml"
    bad.write_bytes(b'schema = "caf\xe9"\n')
    result = cli("run", "reference", "--divergences", str(bad))
    assert result.returncode == 2
    assert "is not UTF-8 text" in result.stderr and "Traceback" not in result.stderr


def test_reports_go_where_the_command_was_invoked_though_the_target_moves(tmp_path):
    """A target that changes directory at import (and in its hooks) does not move the
    relative report paths."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "moving_port.py").write_text(
        f"import os\nos.chdir({str(elsewhere)!r})\nfrom reference import EarlyStopping\n"
    )
    result = cli(
        "run", "moving_port", "--profile", "quick", "-k", "early_stopping.verbose.*",
        "--json", "report.json", "--markdown", "summary.md", cwd=str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "report.json").is_file() and (tmp_path / "summary.md").is_file()
    assert list(elsewhere.iterdir()) == []


def test_a_piped_run_says_on_stderr_when_each_callback_is_done():
    """Not silent in a CI log: a line per callback whose properties are done."""
    result = cli("run", "reference", "--profile", "quick", "-k", "learning_rate_scheduler")
    assert result.returncode == 0
    done = re.compile(r"^\[\d+-\d+/\d+\] LearningRateScheduler: done in \d+ s \(\d+ s in all\)$")
    assert [line for line in result.stderr.splitlines() if done.match(line)], result.stderr


def test_output_cut_short_by_its_reader_is_no_traceback():
    """`callback-conformance diff ... | head -1`: the reader stops reading, the command
    stops writing, quietly."""
    report = os.path.join(ROOT, "tests", "data", "report-every-verdict.json")
    diff = subprocess.Popen(
        [sys.executable, "-m", "conformance", "diff", report, report],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": ROOT},
    )
    assert diff.stdout is not None and diff.stderr is not None
    diff.stdout.close()  # as `head` does once it has its line
    assert diff.wait(timeout=120) in (0, 1)
    assert b"Traceback" not in diff.stderr.read()

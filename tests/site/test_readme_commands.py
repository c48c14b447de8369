"""The README's test command is what CI runs: each of its steps is a step of `.ci/run`
(which adds only what the README cannot: a browser, bubblewrap, Node packages, quiet
installs), so a README that leaves something out fails here, not on a user's machine."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _steps(command: str) -> list[list[str]]:
    """The words of each `&&`-joined step, without pip's `--quiet`."""
    return [
        [word for word in shlex.split(step) if word != "--quiet"] for step in command.split(" && ")
    ]


def _test_commands() -> tuple[str, str]:
    """The README's two test commands: set-up and the default run, then the whole suite."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("Run the tests", 1)[1]
    default, whole = re.findall(r"```sh\n(.+?)\n```", section, re.S)[:2]
    return default, whole


def test_every_step_of_the_readme_s_test_command_is_a_step_of_ci() -> None:
    default, whole = _test_commands()
    ci = [
        [word for word in shlex.split(line) if word != "--quiet"]
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.startswith(".venv/bin/")
    ]
    steps = _steps(default)
    [whole_run] = _steps(whole)
    assert steps[0][:3] == ["python3.11", "-m", "venv"]
    for step in steps[1:-1]:
        assert step in ci, f"the README's step {shlex.join(step)!r} is not in .ci/run"
    # CI runs the whole suite as the README shows it: the default run and the slow tier
    assert whole_run in ci, f"the README's {shlex.join(whole_run)!r} is not in .ci/run"
    assert whole_run == [*steps[-1], "-m", ""]
    # ... and what CI installs before it runs the tests, the README installs too (pip
    # itself aside), so that no test is skipped for a missing package
    for step in ci[: ci.index(whole_run)]:
        if step[:2] == [".venv/bin/pip", "install"] and "--upgrade" not in step:
            assert step in steps, f".ci/run's {shlex.join(step)!r} is not in the README"


def test_the_default_run_leaves_out_the_slow_tier_only() -> None:
    """The README says the default run leaves out the tests marked slow, and `-m ""` runs
    them: pytest's own collection, asked both ways, says so."""

    def collected(*options: str) -> set[str]:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", *options],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return {line for line in result.stdout.splitlines() if "::" in line}

    mixed = "tests/suite/test_fidelity.py"  # slow tests and others
    by_default, everything = collected(mixed), collected(mixed, "-m", "")
    slow = collected(mixed, "-m", "slow")
    assert slow and by_default and everything == by_default | slow
    assert not by_default & slow

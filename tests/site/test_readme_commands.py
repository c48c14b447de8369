"""The README's test command is what CI runs: each of its steps is a step of `.ci/run`
(which adds only what the README cannot: a browser, bubblewrap, Node packages, quiet
installs), so a README that leaves something out fails here, not on a user's machine."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _steps(command: str) -> list[list[str]]:
    """The words of each `&&`-joined step, without pip's `--quiet`."""
    return [
        [word for word in shlex.split(step) if word != "--quiet"] for step in command.split(" && ")
    ]


def test_every_step_of_the_readme_s_test_command_is_a_step_of_ci() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("Run the tests", 1)[1]
    command = re.search(r"```sh\n(.+?)\n```", section, re.S)
    assert command is not None
    ci = [
        [word for word in shlex.split(line) if word != "--quiet"]
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.startswith(".venv/bin/")
    ]
    steps = _steps(command.group(1))
    assert steps[0][:3] == ["python3.11", "-m", "venv"]
    for step in steps[1:]:
        assert step in ci, f"the README's step {shlex.join(step)!r} is not in .ci/run"
    # ... and what CI installs before it runs the tests, the README installs too (pip
    # itself aside), so that no test is skipped for a missing package
    for step in ci[: ci.index(steps[-1])]:
        if step[:2] == [".venv/bin/pip", "install"] and "--upgrade" not in step:
            assert step in steps, f".ci/run's {shlex.join(step)!r} is not in the README"

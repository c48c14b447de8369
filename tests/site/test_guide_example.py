"""The guide's worked example (`docs/guide-check-your-implementation.md`, sections 3 and
5) is real output: its commands run verbatim, from a directory of their own with the
repository importable, print exactly what the guide shows, and exit as it says."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide-check-your-implementation.md"
CONSOLE = re.compile(r"```console\n(.*?)```", re.S)


def sessions() -> list[list[tuple[str, str]]]:
    """Each console block of the guide: (command, expected output) pairs."""
    found = []
    for block in CONSOLE.findall(GUIDE.read_text(encoding="utf-8")):
        pairs: list[tuple[str, str]] = []
        command: list[str] | None = None
        for line in block.splitlines():
            if line.startswith("$ "):
                command = [line[2:]]
                pairs.append(("", ""))
            elif command is not None and command[-1].endswith("\\"):
                command.append(line)
            else:
                pairs[-1] = (pairs[-1][0], pairs[-1][1] + line + "\n")
                continue
            pairs[-1] = (" ".join(part.rstrip("\\").strip() for part in command), "")
        found.append(pairs)
    return found


def test_the_worked_example_and_its_replay_print_what_the_guide_shows(tmp_path: Path) -> None:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    environment.pop("HYPOTHESIS_STORAGE_DIRECTORY", None)
    status = None
    ran = 0
    for pairs in sessions():
        for command, expected in pairs:
            if command == "echo $?":
                assert expected.strip() == str(status)
                continue
            words = shlex.split(command)
            if words[0] != "callback-conformance":
                continue
            result = subprocess.run(
                [sys.executable, "-m", "conformance", *words[1:]],
                cwd=tmp_path,
                env=environment,
                capture_output=True,
                text=True,
                timeout=600,
            )
            status = result.returncode
            assert result.stdout.rstrip("\n") == expected.rstrip("\n"), result.stderr[-2000:]
            ran += 1
    assert ran >= 2  # the run and the replay

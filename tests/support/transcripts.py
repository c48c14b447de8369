"""Console transcripts in README.md and docs/, run by the tests (Sybil, `conftest.py`).

A ```console block is a transcript: `$ ` lines are commands (a line ending in `\\` goes on
to the next), the lines under one are what it prints on stdout. Each is run and its output
compared, so a transcript cannot go stale. Sybil finds the blocks and gives each
document one namespace: the transcripts of a page run in order in one scratch directory
(the guide's `run` writes `cex/`, its `replay` reads it), unless the block is preceded by
`<!-- transcript: from the repository -->` (a command reading the repository's files).
A transcript whose page's earlier ones have not run in this process (pytest-xdist gave
them to another worker) runs them first.

Commands are `callback-conformance ...` (run as `python -m conformance`, the repository
importable) and `echo $?` (the last command's exit status). A line `...` in the output
stands for any lines. What varies from run to run is normalised on both sides: seconds
(`12 s`, `0.4s`) and memory addresses.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from sybil import Document, Example
from sybil.parsers.markdown import CodeBlockParser

ROOT = Path(__file__).resolve().parents[2]
FROM_REPOSITORY = "<!-- transcript: from the repository -->"
_VOLATILE = (
    (re.compile(r"\b\d+(\.\d+)? ?s\b"), "N s"),
    (re.compile(r"0x[0-9a-fA-F]+"), "0x…"),
)


def transcript_parser() -> CodeBlockParser:
    return CodeBlockParser(language="console", evaluator=_evaluate)


def setup(namespace: dict[str, Any]) -> None:
    namespace["scratch"] = Path(tempfile.mkdtemp(prefix="transcript-"))


def teardown(namespace: dict[str, Any]) -> None:
    shutil.rmtree(namespace["scratch"], ignore_errors=True)


def commands(block: str) -> list[tuple[str, list[str]]]:
    """The block's commands, each with the lines it is shown printing."""
    found: list[tuple[str, list[str]]] = []
    continued = False
    for line in block.splitlines():
        if line.startswith("$ ") or continued:
            text = line[2:] if line.startswith("$ ") and not continued else line
            if continued:
                found[-1] = (found[-1][0] + " " + text.strip().rstrip("\\"), [])
            else:
                found.append((text.rstrip("\\").strip(), []))
            continued = line.endswith("\\")
        elif found:
            found[-1][1].append(line)
    return found


def matches(expected: list[str], printed: list[str]) -> bool:
    """Whether the printed lines are the expected ones, `...` standing for any lines,
    what varies normalised on both sides."""
    pattern = "\n".join(
        ".*" if line == "..." else re.escape(_normalised(line)) for line in expected
    )
    text = "\n".join(_normalised(line) for line in printed)
    return re.fullmatch(pattern, text, re.DOTALL) is not None


def _normalised(line: str) -> str:
    for volatile, replacement in _VOLATILE:
        line = volatile.sub(replacement, line)
    return line.rstrip()


def _evaluate(example: Example) -> str | None:
    """The example's transcript run and compared, after the page's earlier ones."""
    done: set[int] = example.namespace.setdefault("transcripts run", set())
    for earlier in example.document.examples():
        if earlier.start >= example.start:
            break
        if earlier.start not in done and earlier.region.evaluator is _evaluate:
            failure = _transcript(earlier)
            if failure is not None:
                return f"an earlier transcript of the page fails: {failure}"
            done.add(earlier.start)
    done.add(example.start)
    return _transcript(example)


def _transcript(example: Example) -> str | None:
    document: Document = example.document
    before = document.text[: example.start].rstrip().splitlines()
    where = ROOT if before and before[-1].strip() == FROM_REPOSITORY else None
    cwd = where or example.namespace["scratch"]
    status: int | None = None
    for command, shown in commands(example.parsed):
        expected = list(shown)
        while expected and not expected[-1].strip():
            expected.pop()
        if command == "echo $?":
            if [str(status)] != [line.strip() for line in expected]:
                return f"{document.path}: `echo $?` shows {expected}, the status was {status}"
            continue
        words = shlex.split(command)
        if words[0] != "callback-conformance":
            return f"{document.path}: a transcript runs callback-conformance, not {words[0]!r}"
        result = subprocess.run(
            [sys.executable, "-m", "conformance", *words[1:]],
            cwd=cwd,
            env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
            capture_output=True,
            text=True,
            timeout=1200,
        )
        status = result.returncode
        printed = result.stdout.rstrip("\n").splitlines()
        if not matches(expected, printed):
            return (
                f"{document.path}: `{command}` printed\n{result.stdout}\nnot what the page"
                f" shows:\n" + "\n".join(expected) + f"\n(stderr: {result.stderr[-1500:]})"
            )
    return None

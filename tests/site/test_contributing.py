"""docs/contributing.md describes the clause it walks through as the repository has it.

The page shows each step of adding `early_stopping.min-delta.absolute` with excerpts of
the four files; each excerpt must be in its file, the section shown must read as the
registered clause, its command must fail that clause alone, and the kill matrix must
blame the mutant on it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conformance.clauses import clause, read_page

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")
CLAUSE = "early_stopping.min-delta.absolute"
MUTANT = "es_min_delta_signed"

_BLOCK = re.compile(r"^(`{3,})(\w+)\n(.*?)^\1$", re.MULTILINE | re.DOTALL)


def _blocks(language: str) -> list[str]:
    return [m.group(3) for m in _BLOCK.finditer(PAGE) if m.group(2) == language]


def _excerpt_lines(block: str) -> list[str]:
    """The block's lines but elisions (`...`), which the page uses to shorten prose."""
    return [line for line in block.splitlines() if line.strip() and "..." not in line]


def test_the_page_section_shown_reads_as_the_registered_clause() -> None:
    (section,) = _blocks("markdown")
    shown = read_page("early_stopping", section)
    assert [entry.id for entry in shown] == [CLAUSE]
    assert shown[0].statement == clause(CLAUSE).statement
    assert shown[0].level == clause(CLAUSE).level
    page = (ROOT / "docs" / "early_stopping.md").read_text(encoding="utf-8")
    for line in _excerpt_lines(section):
        assert line in page, line


def test_every_code_excerpt_is_in_its_file() -> None:
    files = {
        "reference/monitor.py": "self.min_delta = abs(min_delta)",
        "conformance/properties/early_stopping.py": "def _sign_of_min_delta_decides(",
        f"conformance/catalogue/{MUTANT}.py": "CAUGHT_BY = ",
    }
    python = _blocks("python")
    for path, marker in files.items():
        (excerpt,) = [block for block in python if marker in block]
        text = (ROOT / path).read_text(encoding="utf-8")
        for line in _excerpt_lines(excerpt):
            assert line in text, f"{path}: {line!r}"


def test_the_table_names_four_files_and_a_command() -> None:
    rows = re.findall(r"^\| \d \| (.*?) \|", PAGE, re.MULTILINE)
    assert [row.startswith("`") for row in rows] == [True, True, True, True, False]


def test_the_mutant_fails_the_new_clause_alone(tmp_path: Path) -> None:
    (console,) = [b for b in _blocks("console") if MUTANT in b]
    command = console.splitlines()[0].removeprefix("$ ").split()
    assert command[0] == "callback-conformance"
    env = {**os.environ, "KERAS_HOME": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "conformance", *command[1:]],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=600,
    )
    assert run.returncode == 1, run.stderr
    failing = re.findall(r"^  FAIL +(\S+)", run.stdout, re.MULTILINE)
    assert failing == [CLAUSE], run.stdout
    shown = [line for line in console.splitlines() if line.startswith("  FAIL")]
    assert [line.split()[1:3] for line in shown] == [[CLAUSE, "core"]]


def test_the_kill_matrix_blames_the_mutant_on_the_new_clause() -> None:
    matrix = (ROOT / "docs" / "kill_matrix.md").read_text(encoding="utf-8")
    (row,) = [line for line in matrix.splitlines() if line.startswith(f"| `{MUTANT}` |")]
    cells = [cell.strip() for cell in row.strip("|").split(" | ")]
    assert cells[2] == cells[3] == f"`{CLAUSE}`"

"""The example runs and clause tables the pages commit are what the reference does now.

`python -m tools.docs_site.tables --write` writes them (`tools/docs_site/tables.py`);
`--check`, this test and the site build (`hook.py`) refuse a page whose committed blocks
are stale, so the pages read on GitHub show the runs the built site shows.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tools.docs_site import hook, tables

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGE = "early_stopping.md"
ID = "early_stopping.patience.counts-before-test"
CELL = "| 4 | `2.0` | `3` | `2.0` | sets `stop_training` |"
EDITED = "| 4 | `2.0` | `2` | `2.0` | sets `stop_training` |"


def test_every_committed_block_is_current() -> None:
    assert tables.stale(DOCS) == {}, f"run `{tables.COMMAND}` and commit the pages"


def test_every_example_and_clause_table_is_committed() -> None:
    text = (DOCS / PAGE).read_text(encoding="utf-8")
    blocks = tables.committed_blocks(text)
    assert ("clauses", "EarlyStopping") in blocks
    assert f"<!-- generated: example {ID} -->" in blocks[("example", ID)]
    assert CELL in blocks[("example", ID)]
    _, generated = tables.generate(PAGE, text)
    assert set(blocks) == set(generated)


def _stale_copy(tmp_path: Path) -> tuple[Path, str]:
    """A copy of the page in `tmp_path` with one cell of the example's table edited (not
    in the example's own `expect`, which quotes the row)."""
    original = (DOCS / PAGE).read_text(encoding="utf-8")
    block = tables.committed_blocks(original)[("example", ID)]
    assert block.count(CELL) == 1
    edited = original.replace(block, block.replace(CELL, EDITED))
    (tmp_path / PAGE).write_text(edited, encoding="utf-8")
    return tmp_path / PAGE, original


def test_check_names_a_page_with_one_cell_edited_and_write_restores_it(tmp_path: Path) -> None:
    page, original = _stale_copy(tmp_path)
    command = [sys.executable, "-m", "tools.docs_site.tables", "--docs", str(tmp_path)]
    check = subprocess.run(
        [*command, "--check"], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert check.returncode == 1, check.stderr
    assert f"stale: {page}: example {ID}\n" in check.stdout
    assert tables.COMMAND in check.stdout
    assert tables.main(["--write", "--docs", str(tmp_path)]) == 0
    assert page.read_text(encoding="utf-8") == original
    assert tables.main(["--check", "--docs", str(tmp_path)]) == 0


def test_the_site_build_refuses_a_stale_page(tmp_path: Path) -> None:
    page, _ = _stale_copy(tmp_path)
    with pytest.raises(tables.StalePage, match=rf"docs/{PAGE}: .*\(example {ID}\).*--write"):
        hook.expand(page.read_text(encoding="utf-8"), PAGE)


def test_a_missing_block_or_clause_row_is_stale_and_written_back() -> None:
    text = (DOCS / PAGE).read_text(encoding="utf-8")
    block = tables.committed_blocks(text)[("example", ID)]
    without = text.replace("\n\n" + block, "")
    assert tables.stale_blocks(without, tables.regenerate(PAGE, without)) == [
        f"example {ID} (missing)"
    ]
    assert tables.regenerate(PAGE, without) == text
    row = next(line for line in text.splitlines() if line.startswith(f"| [`{ID}`]"))
    edited = text.replace(row, row.replace("| core |", "| keras-quirk |"))
    assert tables.stale_blocks(edited, tables.regenerate(PAGE, edited)) == ["clauses EarlyStopping"]


def test_a_block_without_its_end_is_an_error_not_a_rewrite() -> None:
    text = (DOCS / PAGE).read_text(encoding="utf-8")
    broken = text.replace(tables.CLOSE, "", 1)
    with pytest.raises(ValueError, match="opened without its end"):
        tables.regenerate(PAGE, broken)


def test_markers_shown_in_a_four_backtick_block_get_no_block() -> None:
    shown = "````markdown\n<!-- clauses: EarlyStopping -->\n````\n"
    assert tables.regenerate("contributing.md", shown) == shown

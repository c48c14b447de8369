"""The committed kill matrix (`docs/kill_matrix.md`) is in step with the catalogue.

The matrix itself takes long to compute (`python tools/kill_matrix.py --out
docs/kill_matrix.md`); these tests only read the committed page: every wrong
implementation in `tests.wrong_implementations.ALL` has a row, with its bug as its
docstring says it, failed by at least one property, naming only known clause ids of its
own callback. The page generator is checked on made-up rows.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from conformance.clauses import CLAUSES, clauses_of
from conformance.properties import PROPERTIES
from tests.wrong_implementations import ALL

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "kill_matrix.md"
ROW = re.compile(
    r"^\| `(?P<name>[a-z0-9_]+)` \| (?P<bug>.*) \| (?P<failed>.*) \| (?P<clauses>.*) \|$"
)


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kill_matrix", ROOT / "tools" / "kill_matrix.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("kill_matrix", module)  # dataclasses look their module up
    spec.loader.exec_module(sys.modules["kill_matrix"])
    return sys.modules["kill_matrix"]


def _rows() -> dict[str, dict[str, str]]:
    rows = {}
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            assert match["name"] not in rows, f"{match['name']} listed twice"
            rows[match["name"]] = match.groupdict()
    return rows


def _short(module: str) -> str:
    return module.rsplit(".", 1)[-1]


def test_the_page_lists_exactly_the_catalogue() -> None:
    assert sorted(_rows()) == sorted(map(_short, ALL))


@pytest.mark.parametrize("module", ALL, ids=_short)
def test_each_mutant_is_failed_by_a_property_naming_known_clauses(module: str) -> None:
    row = _rows()[_short(module)]
    mutant = importlib.import_module(module)
    callback = mutant.CAUGHT_BY[0]
    assert row["bug"] == _tool().one_line(mutant.__doc__).replace("|", "\\|"), (
        "the page is stale: regenerate it with python tools/kill_matrix.py --out "
        "docs/kill_matrix.md"
    )
    clauses = re.findall(r"`([^`]+)`", row["clauses"])
    assert clauses, f"no clause fails {module}"
    assert set(clauses) <= {clause.id for clause in clauses_of(callback)}
    failed = re.findall(r"`([^`]+)`", row["failed"])
    own = {prop.name for prop in PROPERTIES if prop.callback == callback}
    assert failed and set(failed) <= own


def test_every_clause_id_on_the_page_is_known() -> None:
    """In the clause column and in the lists of clauses no mutant reaches."""
    cells = [row["clauses"] for row in _rows().values()]
    cells += [
        line
        for line in PAGE.read_text(encoding="utf-8").splitlines()
        if line.startswith("Clauses of this callback")
    ]
    named = {clause for cell in cells for clause in re.findall(r"`([^`]+)`", cell)}
    assert named and named <= {clause.id for clause in CLAUSES}


def test_the_generator_shows_a_mutant_no_property_fails() -> None:
    tool = _tool()
    stopping = next(prop for prop in PROPERTIES if prop.callback == "EarlyStopping")
    caught = tool.Row("m.caught", "EarlyStopping", "Caught.", (), [stopping], [stopping])
    missed = tool.Row("m.missed", "EarlyStopping", "Has a | bar.", (), [stopping], [])
    page = tool.render([caught, missed])
    assert "1 of 2 wrong implementations are caught" in page
    assert "| `m.missed` | Has a \\| bar. | 0 of 1: **none** | **none** |" in page
    assert f"`{stopping.clauses[0]}`" in page
    assert tool.one_line("First sentence. Second\n  one.") == "First sentence."

"""The committed kill matrix (`docs/kill_matrix.md`) is in step with the catalogue.

The matrix itself takes long to compute (`python tools/kill_matrix.py --out
docs/kill_matrix.md`); these tests only read the committed page: every wrong
implementation in `conformance.catalogue.ALL` has a row, with its bug as its
docstring says it, fails at least one of its own clauses (its `CAUGHT_BY`), and fails
only known clauses of its callback; across the catalogue blame is precise (a mean own
share of at least 0.9, no mutant failing more than three clauses). The page generator is
checked on made-up rows.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from conformance.catalogue import ALL
from conformance.clauses import CLAUSES, clauses_of

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "kill_matrix.md"
ROW = re.compile(
    r"^\| `(?P<name>[a-z0-9_]+)` \| (?P<bug>.*) \| (?P<own>.*) \| (?P<failing>.*)"
    r" \| (?P<share>[0-9.]+) \| (?P<diagnosed>yes|no) \|$"
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
def test_each_mutant_fails_one_of_its_own_clauses_and_only_known_ones(module: str) -> None:
    row = _rows()[_short(module)]
    mutant = importlib.import_module(module)
    callback, own = mutant.CAUGHT_BY
    assert row["bug"] == _tool().one_line(mutant.__doc__).replace("|", "\\|"), (
        "the page is stale: regenerate it with python tools/kill_matrix.py --out "
        "docs/kill_matrix.md"
    )
    assert re.findall(r"`([^`]+)`", row["own"]) == list(own), "the page is stale"
    failing = re.findall(r"`([^`]+)`", row["failing"])
    assert set(failing) & set(own), f"{module} fails none of its own clauses: {failing}"
    assert set(failing) <= {clause.id for clause in clauses_of(callback)}


def test_blame_is_precise_across_the_catalogue() -> None:
    """The issue's bar (docs/verdicts.md): a mean own share of 0.9, three clauses at most."""
    rows = _rows().values()
    shares = [float(row["share"]) for row in rows]
    assert sum(shares) / len(shares) >= 0.9, shares
    assert max(len(re.findall(r"`([^`]+)`", row["failing"])) for row in rows) <= 3


def test_every_clause_id_on_the_page_is_known() -> None:
    """In the clause columns and in the lists of clauses no mutant fails."""
    cells = [row["own"] + row["failing"] for row in _rows().values()]
    cells += [
        line
        for line in PAGE.read_text(encoding="utf-8").splitlines()
        if line.startswith("Clauses of this callback")
    ]
    named = {clause for cell in cells for clause in re.findall(r"`([^`]+)`", cell)}
    assert named and named <= {clause.id for clause in CLAUSES}


def test_the_generator_shows_shares_and_a_mutant_no_clause_fails() -> None:
    tool = _tool()
    own = ("monitor.improvement.strict",)
    caught = tool.Row("m.caught", "EarlyStopping", "Caught.", own, [own[0], "monitor.precision"])
    missed = tool.Row("m.missed", "EarlyStopping", "Has a | bar.", own, [])
    page = tool.render([caught, missed])
    assert "1 of 2 wrong implementations fail at least one of their own clauses" in page
    assert "| `m.caught` | Caught. | `monitor.improvement.strict` | " in page
    assert "`monitor.improvement.strict`, `monitor.precision` | 0.50 | no |" in page
    missed_row = (
        "| `m.missed` | Has a \\| bar. | `monitor.improvement.strict` | **none** | 0.00 | no |"
    )
    assert missed_row in page
    assert tool.one_line("First sentence. Second\n  one.") == "First sentence."


def test_every_mutant_is_diagnosed_as_itself() -> None:
    """The "behaves like" diagnosis (conformance.diagnosis) names each catalogue entry
    on the counterexample of one of its failing clauses."""
    rows = _rows()
    assert {name for name, row in rows.items() if row["diagnosed"] != "yes"} == set()

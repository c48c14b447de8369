"""The ecosystem page: `docs/ecosystem.md` is exactly what `tools/ecosystem_page.py` makes
of the committed reports, each report is of the current clauses and of the target and
divergences file `ecosystem/implementations.toml` names, and none has a failing clause
(a difference nobody declared)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.clauses import CLAUSES
from tools import ecosystem_page as page

ROOT = Path(__file__).resolve().parents[2]
IMPLEMENTATIONS = page.load_implementations()


def test_the_committed_page_is_the_scripts_output() -> None:
    assert page.PAGE.read_text(encoding="utf-8") == page.build(), (
        "docs/ecosystem.md is out of date: python tools/ecosystem_page.py"
    )


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS, ids=lambda i: i.name)
def test_each_report_is_of_the_current_clauses_and_its_declared_run(implementation) -> None:
    report = page.load_report(implementation)
    assert [clause.id for clause in report.clauses] == [clause.id for clause in CLAUSES], (
        f"ecosystem/reports/{implementation.name}.json is older than the clauses:"
        f" python tools/ecosystem_page.py --run {implementation.name}"
    )
    assert report.target.spec == implementation.target
    assert report.divergences == implementation.divergences
    assert report.profile == page.PROFILE
    assert report.summary.count("fail") == report.summary.count("stale") == 0


def test_the_page_is_in_the_sites_nav() -> None:
    # Read as text: PyYAML comes with the docs extra, not the test one.
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:\n", 1)[1]
    assert "\n  - Keras's callbacks elsewhere: ecosystem.md\n" in "\n" + nav

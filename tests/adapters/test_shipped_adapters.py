"""Each adapter shipped in `conformance/adapters/`, run as `docs/ecosystem.md` says it was
checked (`ecosystem/implementations.toml`): the quick profile with its declared
divergences exits 0, and gives the verdicts of its committed report, so the page cannot
silently drift from what the framework does. Skipped, saying so, where the framework is
not installed: its tox env (`tox -e poutyne`, ...) installs it and runs this."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from tests.adapters.runs import run_suite
from tools import ecosystem_page as page

SHIPPED = [
    implementation
    for implementation in page.load_implementations()
    if implementation.target.startswith("conformance.adapters.")
]


@pytest.mark.parametrize("implementation", SHIPPED, ids=lambda i: i.name)
def test_the_adapter_gives_its_committed_report(implementation, tmp_path: Path) -> None:
    try:
        importlib.import_module(implementation.target)
    except ImportError as missing:
        pytest.skip(f"{missing.name or missing} is not installed: {implementation.environment}")
    report_path = tmp_path / "report.json"
    result = run_suite(*implementation.command(str(report_path))[1:])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    ran = json.loads(report_path.read_text(encoding="utf-8"))
    committed = page.load_report(implementation)
    verdicts = {clause["id"]: clause["verdict"] for clause in ran["clauses"]}
    assert verdicts == {clause.id: clause.verdict for clause in committed.clauses}, (
        f"ecosystem/reports/{implementation.name}.json is stale: python"
        f" tools/ecosystem_page.py --run {implementation.name}, in {implementation.environment}"
    )

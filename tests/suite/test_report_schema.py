"""The report's JSON Schema (conformance/reports/report.schema.json) is the typed model's
(`conformance.reports.model`), and every report the repository keeps is valid under it:
read back, each dumps to the very bytes it was stored as. A report that is not valid
is refused with one error naming the file and the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.reports import ReportError, load
from conformance.reports.model import SCHEMA_FILE, schema_text

ROOT = Path(__file__).resolve().parents[2]
KEPT = sorted(
    path
    for pattern in (
        "matrix/reports/*.json",
        "tests/data/**/*.json",
        "docs/example-report/**/*.json",
    )
    for path in ROOT.glob(pattern)
    if "schema" in json.loads(path.read_text(encoding="utf-8"))  # not a witness file
)


def test_the_shipped_schema_is_the_models() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "the model changed: run python -c 'from conformance.reports.model import"
        " write_schema; write_schema()'"
    )


def test_the_repository_keeps_reports_to_check() -> None:
    assert len([p for p in KEPT if "matrix" in p.parts]) >= 18
    assert ROOT / "tests" / "data" / "report-every-verdict.json" in KEPT


@pytest.mark.parametrize("path", KEPT, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_kept_report_is_valid_and_reads_back_as_stored(path: Path) -> None:
    report = load(str(path))
    # the fixture's writer (tests/data/make_report_fixture.py) ends it with a newline
    assert report.to_json() == path.read_text(encoding="utf-8").removesuffix("\n")


def test_a_bad_report_is_refused_naming_the_file_and_the_field(tmp_path: Path) -> None:
    data = json.loads((ROOT / "tests" / "data" / "report-every-verdict.json").read_text())
    data["clauses"][3]["verdict"] = "maybe"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ReportError) as refused:
        load(str(path))
    message = str(refused.value)
    assert str(path) in message and "clauses.3.verdict" in message
    assert len(message.splitlines()) == 1

"""The JSON report as types: what `conformance.report.build` makes, `--json` writes and
every rendering, `diff`, `replay` and the version matrix read back.

Pydantic, not attrs: neither is otherwise a dependency, and pydantic alone gives the three
things a report needs from one definition: validation on load with the path of the field
that is wrong, the JSON Schema shipped beside this module (`report.schema.json`, written
by `write_schema()`; tests/test_report_schema.py checks it is current) and the dump that
writes the report.
Attrs would need cattrs for the first and a hand-written schema generator for the second.

Schema `callback-conformance/report/1` grew within version 1 (`conformance.report` lists
the fields added since); a field added later is optional on read, and a report read back
dumps exactly the fields it had (`exclude_unset`): absent stays absent, null stays null.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from conformance import Precision, Profile
from conformance.clauses import Callback, Level

SCHEMA = "callback-conformance/report/1"
SCHEMA_PREFIX = "callback-conformance/report/"
SCHEMA_FILE = Path(__file__).with_name("report.schema.json")

Verdict = Literal["pass", "fail", "divergent", "stale", "unsupported", "not-run"]
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)
"""Every verdict, in the order of a report's summary."""


class _Part(BaseModel):
    # strict: a report is JSON this suite wrote; nothing in it needs coercing, and a
    # string where a number belongs is a broken report, not a number.
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        use_attribute_docstrings=True,  # the docstrings below describe the schema's fields
    )


class Suite(_Part):
    version: str
    hypothesis: str | None = None
    """The Hypothesis version that drew the scenarios: another draws others from one seed."""


class TargetInfo(_Part):
    spec: str
    module: str
    version: str | None
    backend: str | None
    precision: Precision | None = None
    """How the target compared monitored values; the reference compared at the same."""
    unsupported: list[str] | None = None
    """The target's declarations of what it does not support, in words."""
    refused_at_import: list[str] | None = None
    """The writes outside its run directory the target's import tried, refused."""


class ReferenceState(_Part):
    best_epoch: list[int | None]
    """Per fit, the reference EarlyStopping's best epoch (null when none was monitored)."""


class Counterexample(_Part):
    property: str
    scenario: dict[str, Any]
    target: dict[str, Any]
    reference: dict[str, Any] | None
    reason: str
    table: str
    reference_state: ReferenceState | None = None


class Divergence(_Part):
    """The declared divergence that applied to a clause (`conformance.divergences`)."""

    target: str
    versions: str | None
    kind: str
    reason: str
    link: str
    witness: list[str]
    when: str | None = None


class Clause(_Part):
    id: str
    callback: Callback
    level: Level
    statement: str | None = None
    verdict: Verdict
    examples: int
    reason: str
    counterexample: Counterexample | None
    divergence: Divergence | None = None
    left_out: int | None = None
    """Drawn scenarios of the clause's regime left out as unsupported, when any."""
    behaves_like: list[str] | None = None
    """The catalogue entries that behave as the target on the counterexample, when any."""


class Summary(_Part):
    passed: int = Field(alias="pass")
    fail: int
    divergent: int
    stale: int
    unsupported: int = 0
    not_run: int = Field(alias="not-run")

    def count(self, verdict: Verdict) -> int:
        return int(getattr(self, _SUMMARY_FIELDS[verdict]))

    def total(self) -> int:
        return sum(self.count(verdict) for verdict in VERDICTS)


_SUMMARY_FIELDS = {(field.alias or name): name for name, field in Summary.model_fields.items()}


class Report(_Part):
    schema_: str = Field(alias="schema", pattern=f"^{SCHEMA_PREFIX}[0-9]+$")
    suite: Suite
    target: TargetInfo
    profile: Profile
    seed: int | None
    divergences: str | None = None
    """The declared-divergences file the run used."""
    clauses: list[Clause]
    summary: Summary

    def data(self) -> dict[str, Any]:
        """The report as JSON data: the fields it was made or read with, in schema order."""
        return self.model_dump(exclude_unset=True)

    def to_json(self) -> str:
        """The report as `--json` writes it."""
        return json.dumps(self.data(), indent=1)


def schema_text() -> str:
    """The JSON Schema of a report, as `report.schema.json` holds it."""
    schema = Report.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA
    return json.dumps(schema, indent=1) + "\n"


def write_schema() -> None:
    """Write `report.schema.json` again, after a change to the model."""
    SCHEMA_FILE.write_text(schema_text(), encoding="utf-8")

"""Renderings of a JSON report (`conformance.report`, as `--json` writes it): a
self-contained HTML page (`html`), a Markdown job summary (`markdown`), JUnit XML
(`junit`) and the terminal table (`terminal`). Each takes the report typed (`model`), or
its JSON data, checked on the way in, so a saved report renders again:
`callback-conformance render REPORT.json --html PAGE`. The formats are a registry
(`conformance.report_formats`), which `render` looks a format up in."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from conformance.report_formats import report_format
from conformance.reports.model import SCHEMA_PREFIX, Report


class ReportError(ValueError):
    """A file that is not a report of this suite."""


def load(path: str) -> Report:
    """The report in `path`, or ReportError saying why it is not one."""
    try:
        with open(path) as source:
            report = json.load(source)
    except (OSError, ValueError) as error:
        raise ReportError(f"cannot read {path!r}: {error}") from None
    return check(report, path)


def check(report: Any, path: str = "the report") -> Report:
    """`report` (JSON data) as a Report, or ReportError naming the first field that is
    wrong."""
    if not isinstance(report, Mapping) or not str(report.get("schema", "")).startswith(
        SCHEMA_PREFIX
    ):
        raise ReportError(f"{path!r} is not a report of this suite (no {SCHEMA_PREFIX}N schema)")
    try:
        return Report.model_validate(report)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(map(str, first["loc"])) or "the report"
        raise ReportError(
            f"{path!r} is not a report of this suite: malformed at {field}: {first['msg']}"
        ) from None


def as_report(report: Report | Mapping[str, Any]) -> Report:
    """`report` typed: what the renderers take, from a Report or its JSON data."""
    return report if isinstance(report, Report) else check(report)


def render(report: Report | Mapping[str, Any], kind: str, report_path: str | None = None) -> str:
    """`report` as `kind` (a format of `conformance.report_formats`; ValueError naming
    the known ones otherwise); `report_path`, when known, goes into the replay commands."""
    return report_format(kind).renderer()(report, report_path)

"""The report formats a command writes to a file, an option each (`--html PAGE`,
`--markdown PATH`, `--junit PATH`, on `run` and `render`): a registry, by name.

A format is rendered by the `render` of its module, `conformance.reports.<name>` (a
`Renderer`), imported only when a report is rendered: the command line builds its
options from this registry, and the renderers' imports (pydantic, the plots) would cost
`--help` seconds.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from conformance.reports.model import Report


class Renderer(Protocol):
    """A report (typed, or its JSON data) as the text of one format; `report_path`,
    when known, goes into the replay commands."""

    def __call__(
        self, report: Report | Mapping[str, Any], report_path: str | None = None
    ) -> str: ...


@dataclass(frozen=True)
class ReportFormat:
    name: str  # its option (--NAME PATH) and its module, conformance.reports.NAME
    what: str  # what it is called in messages
    help: str  # its option's help

    def renderer(self) -> Renderer:
        render: Renderer = importlib.import_module(f"conformance.reports.{self.name}").render
        return render


REPORT_FORMATS = {
    report_format.name: report_format
    for report_format in (
        ReportFormat("html", "HTML report", "write a self-contained HTML report here"),
        ReportFormat(
            "markdown",
            "Markdown summary",
            "write a Markdown summary here (e.g. $GITHUB_STEP_SUMMARY)",
        ),
        ReportFormat("junit", "JUnit report", "write JUnit XML here (a case per clause)"),
    )
}


def report_format(name: str) -> ReportFormat:
    """The format named `name`, or ValueError naming it and the known ones."""
    try:
        return REPORT_FORMATS[name]
    except KeyError:
        known = ", ".join(REPORT_FORMATS)
        raise ValueError(f"unknown report format {name!r}: the formats are {known}") from None

"""The transcript runner (tests/support/transcripts.py) on pages made up here: it runs
what a page shows, and a page whose output is stale fails."""

from __future__ import annotations

from pathlib import Path

from sybil import Sybil
from sybil.example import SybilFailure

from tests.support.transcripts import commands, matches, setup, teardown, transcript_parser

PAGE = """# A page

```console
$ callback-conformance diff \\
      {report} {report}
{output}
$ echo $?
0
```
"""


def test_commands_join_continued_lines_and_keep_their_output() -> None:
    block = "$ a \\\n    b\nout 1\n\nout 2\n$ echo $?\n0\n"
    assert commands(block) == [("a b", ["out 1", "", "out 2"]), ("echo $?", ["0"])]


def test_an_ellipsis_stands_for_any_lines_and_seconds_are_normalised() -> None:
    assert matches(["first", "...", "done in 3 s"], ["first", "x", "y", "done in 41 s"])
    assert not matches(["first", "last"], ["first", "x", "last"])
    assert matches(["at 0x7f00aa"], ["at 0x55ee01"])


def _run(tmp_path: Path, output: str) -> list[str | None]:
    report = Path(__file__).resolve().parents[1] / "data" / "report-every-verdict.json"
    page = tmp_path / "page.md"
    page.write_text(PAGE.format(report=report, output=output), encoding="utf-8")
    sybil = Sybil(parsers=[transcript_parser()], setup=setup, teardown=teardown)
    document = sybil.parse(page)
    namespace = document.namespace
    setup(namespace)
    said: list[str | None] = []
    try:
        for example in document.examples():
            try:
                said.append(example.evaluate())
            except SybilFailure as failure:
                said.append(str(failure))
    finally:
        teardown(namespace)
    return said


def test_a_page_showing_what_the_command_prints_passes_and_a_stale_one_fails(
    tmp_path: Path,
) -> None:
    assert _run(tmp_path, "...\nno verdict and no behaviour changed\n...") == [None]
    (failure,) = _run(tmp_path, "...\nverdict changed (7)\n...")
    assert failure is not None and "not what the page shows" in failure

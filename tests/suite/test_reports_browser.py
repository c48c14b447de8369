"""The HTML report in a real browser: headless Chromium opens the page from a file, runs
its script and draws it.

* `--dump-dom` gives the document after the script ran: the verdict filter named in the
  address (`#verdict=fail`) hides every other row and counterexample; `#solo=cx-N` shows
  one counterexample alone;
* `--screenshot` of one counterexample: its plots are drawn (the series' blue and the stop
  line's red cover the areas a drawn plot covers).

The browser is the first found of: $CALLBACK_CONFORMANCE_CHROMIUM, `chromium`,
`chromium-browser`, `google-chrome` on the PATH, and the Chromium the `playwright` package
downloaded (`python -m playwright install chromium`). `.ci/run` gets one. Where there is
none, the tests fail when CI is set or CALLBACK_CONFORMANCE_BROWSER=required (as `.ci/run`
sets it), and are skipped otherwise; CALLBACK_CONFORMANCE_SKIP_BROWSER=1 skips them
explicitly, in CI too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conformance.reports import check, html
from conformance.reports.common import VERDICT_LABELS, counterexamples

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "data" / "report-every-verdict.json"
SERIES = (0x25, 0x63, 0xEB)  # svg.COLOURS["line"]
STOP = (0xDC, 0x26, 0x26)  # svg.COLOURS["stop"]


def _playwright_chromium() -> str | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    try:
        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
    except Exception:
        return None
    return path if path and os.path.exists(path) else None


@cache
def chromium() -> str | None:
    explicit = os.environ.get("CALLBACK_CONFORMANCE_CHROMIUM")
    if explicit:
        return explicit
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return _playwright_chromium()


@pytest.fixture(scope="module")
def browser() -> str:
    if os.environ.get("CALLBACK_CONFORMANCE_SKIP_BROWSER") == "1":
        pytest.skip("CALLBACK_CONFORMANCE_SKIP_BROWSER=1")
    found = chromium()
    if found is None:
        message = (
            "no Chromium for the HTML report's browser test: install chromium (apt-get install"
            " chromium) or `pip install playwright && python -m playwright install chromium`,"
            " or set CALLBACK_CONFORMANCE_CHROMIUM; CALLBACK_CONFORMANCE_SKIP_BROWSER=1 skips"
        )
        required = os.environ.get("CALLBACK_CONFORMANCE_BROWSER") == "required"
        if required or os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text())


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory, report: dict[str, Any]) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(html.render(report, "report.json"))
    return path


def run_browser(browser: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    with tempfile.TemporaryDirectory(prefix="conformance-chromium-") as profile:
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *args,
        ]
        return subprocess.run(command, capture_output=True, timeout=120, check=False)


def dom(browser: str, url: str) -> str:
    result = run_browser(browser, "--dump-dom", url)
    assert result.returncode == 0 and result.stdout, result.stderr.decode(errors="replace")
    return result.stdout.decode()


class Elements(HTMLParser):
    """Rows, articles and SVG plots of the dumped document, with their `hidden` state."""

    def __init__(self) -> None:
        super().__init__()
        self.root: dict[str, str] = {}
        self.rows: list[tuple[str, bool]] = []  # (verdict, hidden)
        self.articles: list[tuple[str, str, bool]] = []  # (id, verdicts, hidden)
        self.hidden_sections: set[str] = set()
        self.svgs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.root = a
        if tag == "tr" and "data-verdict" in a:
            self.rows.append((a["data-verdict"], "hidden" in a))
        if tag == "article":
            self.articles.append((a["id"], a["data-verdicts"], "hidden" in a))
        if tag in ("header", "section", "nav", "footer") and "hidden" in a:
            self.hidden_sections.add(a.get("id") or tag)
        if tag == "svg" and "data-kind" in a:
            self.svgs.append((a["data-kind"], a["data-side"]))


def elements(document: str) -> Elements:
    parsed = Elements()
    parsed.feed(document)
    return parsed


def test_the_page_opens_and_the_verdict_filter_in_the_address_applies(browser, page, report):
    every = elements(dom(browser, page.as_uri()))
    assert every.root.get("data-filter") == ",".join(VERDICT_LABELS)  # the script ran
    assert len(every.rows) == len(report["clauses"]) and not any(h for _, h in every.rows)
    assert not any(hidden for _, _, hidden in every.articles)
    assert {kind for kind, _ in every.svgs} == {"monitored", "rates", "saves", "summaries"}

    failing = elements(dom(browser, page.as_uri() + "#verdict=fail"))
    assert failing.root.get("data-filter") == "fail"
    shown = [verdict for verdict, hidden in failing.rows if not hidden]
    assert shown and set(shown) == {"fail"}
    assert len(shown) == sum(1 for c in report["clauses"] if c["verdict"] == "fail")
    for _, verdicts, hidden in failing.articles:
        assert hidden == ("fail" not in verdicts.split())
    assert any(hidden for _, _, hidden in failing.articles)  # the divergence's witness

    problems = elements(dom(browser, page.as_uri() + "#verdict=stale,divergent"))
    assert {v for v, hidden in problems.rows if not hidden} == {"stale", "divergent"}


def test_one_counterexample_alone(browser, page, report):
    number = len(counterexamples(check(report)))
    solo = elements(dom(browser, page.as_uri() + f"#solo=cx-{number}"))
    assert solo.root.get("data-solo") == f"cx-{number}"
    assert [a for a, _, hidden in solo.articles if not hidden] == [f"cx-{number}"]
    assert {"header", "clauses"} <= solo.hidden_sections


def _colour_boxes(png: Path) -> dict[tuple[int, int, int], tuple[int, int, int, int, int]]:
    """For the series and stop colours: (count, left, top, right, bottom) of their pixels."""
    from PIL import Image

    image = Image.open(png).convert("RGB")
    width, height = image.size
    pixels = image.load()
    assert pixels is not None
    found: dict[tuple[int, int, int], list[int]] = {}
    for y in range(height):
        for x in range(width):
            colour = pixels[x, y]
            if colour in (SERIES, STOP):
                box = found.setdefault(colour, [0, width, height, -1, -1])
                box[0] += 1
                box[1], box[2] = min(box[1], x), min(box[2], y)
                box[3], box[4] = max(box[3], x), max(box[4], y)
    return {colour: (b[0], b[1], b[2], b[3], b[4]) for colour, b in found.items()}


@pytest.fixture(scope="module")
def early_stopping_shot(browser: str, page: Path, report: dict[str, Any]) -> Iterator[Path]:
    number = next(
        n
        for n, group in enumerate(counterexamples(check(report)), 1)
        if group.counterexample.scenario["callback"] == "EarlyStopping"
        and group.counterexample.reference is not None
    )
    with tempfile.TemporaryDirectory() as directory:
        shot = Path(directory) / "shot.png"
        result = run_browser(
            browser,
            "--window-size=1280,900",
            f"--screenshot={shot}",
            page.as_uri() + f"#solo=cx-{number}",
        )
        assert result.returncode == 0 and shot.exists(), result.stderr.decode(errors="replace")
        yield shot


def test_the_plots_are_drawn(early_stopping_shot):
    from PIL import Image

    image = Image.open(early_stopping_shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # not a blank page
    boxes = _colour_boxes(early_stopping_shot)
    assert SERIES in boxes and STOP in boxes, boxes.keys()
    count, left, top, right, bottom = boxes[SERIES]
    # the monitored values: points and lines over both panels, side by side
    assert count > 100 and right - left > 500 and bottom - top > 20, boxes[SERIES]
    stop_count, _, stop_top, _, stop_bottom = boxes[STOP]
    assert stop_count > 30 and stop_bottom - stop_top > 100  # a vertical stop line

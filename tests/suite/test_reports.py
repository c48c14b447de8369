"""The reports people read, rendered from one stored result holding every verdict
(tests/data/report-every-verdict.json, made by tests/data/make_report_fixture.py from real
runs against wrong implementations): the HTML page, the Markdown summary, the JUnit XML
and the terminal table say what the result says. Also the facts the plots show, derived
from observations, on a run whose stop, best and restored epochs are known; and the
command line's report options and `render`."""

from __future__ import annotations

import copy
import io
import json
import os
import re
import subprocess
import sys
import urllib.parse
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any

import pytest

from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import Scenario, observe
from conformance.reports import ReportError, check, facts, html, junit, markdown, render
from conformance.reports.common import counterexamples
from conformance.reports.model import Counterexample
from conformance.reports.terminal import Progress, colour_wanted, table
from conformance.scenario_io import from_data, to_data
from reference import EarlyStopping

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURE = os.path.join(ROOT, "tests", "data", "report-every-verdict.json")
VERDICTS = ("pass", "fail", "divergent", "stale", "unsupported", "not-run")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    with open(FIXTURE) as source:
        return json.load(source)


def by_verdict(report: dict[str, Any], verdict: str) -> list[dict[str, Any]]:
    return [c for c in report["clauses"] if c["verdict"] == verdict]


def test_the_stored_result_holds_every_verdict_and_every_callbacks_counterexample(report):
    assert {c["verdict"] for c in report["clauses"]} == set(VERDICTS)
    callbacks = {g.counterexample.scenario["callback"] for g in counterexamples(check(report))}
    assert callbacks == {"EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"}
    assert report["summary"] == {v: len(by_verdict(report, v)) for v in VERDICTS}


# --------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------


class Page(HTMLParser):
    """The parts of the page the tests look at: rows, articles, SVGs, links, text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, str] = {}  # clause id -> data-verdict
        self.articles: list[dict[str, str]] = []
        self.svgs: list[tuple[str, str, str]] = []  # (article id, kind, side)
        self.classes: list[tuple[str, str]] = []  # (article id, class) of SVG elements
        self.links: list[str] = []
        self.sources: list[str] = []
        self.scripts = 0
        self.text: list[str] = []
        self.article = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "tr" and "data-verdict" in a:
            self.rows[a["id"].removeprefix("clause-")] = a["data-verdict"]
        if tag == "article":
            self.article = a["id"]
            self.articles.append(a)
        if tag == "svg" and "data-kind" in a:
            self.svgs.append((self.article, a["data-kind"], a["data-side"]))
        if "class" in a and tag in ("line", "path", "rect", "circle", "polyline", "g"):
            self.classes += [(self.article, c) for c in a["class"].split()]
        if "href" in a:
            self.links.append(a["href"])
        if "src" in a:
            self.sources.append(a["src"])
        if tag == "script":
            self.scripts += 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> Page:
    parsed = Page()
    parsed.feed(page)
    return parsed


def test_the_html_page_holds_the_summary_every_clause_and_each_counterexample(report):
    page = html.render(report, "results/report.json")
    parsed = parse(page)
    text = " ".join(parsed.text)
    # Summary counts, and the headline.
    for verdict in VERDICTS:
        count = report["summary"][verdict]
        assert f'<div class="card {verdict}"><b>{count}</b>' in page
    fails = len(by_verdict(report, "fail"))
    assert f"{fails} clauses fail and 1 declared divergence is stale" in text
    # Every clause, once, with its verdict, grouped by callback then level.
    assert parsed.rows == {c["id"]: c["verdict"] for c in report["clauses"]}
    for callback in {c["callback"] for c in report["clauses"]}:
        assert f'data-group="{callback}"' in page
    assert 'data-group="EarlyStopping/keras-quirk"' in page
    # One article per distinct counterexample, each with its plots for both sides.
    groups = counterexamples(check(report))
    assert [a["id"] for a in parsed.articles] == [f"cx-{n}" for n in range(1, len(groups) + 1)]
    kinds = {
        "EarlyStopping": {"monitored"},
        "LearningRateScheduler": {"rates"},
        "ModelCheckpoint": {"saves"},
        "TensorBoard": {"summaries"},
    }
    for number, group in enumerate(groups, 1):
        callback = group.counterexample.scenario["callback"]
        sides = {"target"} | ({"reference"} if group.counterexample.reference else set())
        # the replay command names the stored report and a clause of the counterexample
        assert (
            f"callback-conformance replay results/report.json {report['target']['spec']}"
            f" --clause {group.clauses[0].id}" in text
        )
        article = parsed.articles[number - 1]
        assert set(article["data-verdicts"].split()) == {c.verdict for c in group.clauses}
        found = {(kind, side) for article, kind, side in parsed.svgs if article == f"cx-{number}"}
        run = facts.run(group.counterexample)
        drawn = {
            "EarlyStopping": bool(run.planned),
            "LearningRateScheduler": any(s.rates for s in run.sides),
            "ModelCheckpoint": any(s.saves for s in run.sides),
            "TensorBoard": bool(facts.summary_records(group.counterexample.target)),
        }
        if not drawn[callback]:  # nothing to plot (e.g. a scenario without epochs)
            assert not found
            continue
        assert {kind for kind, _ in found} >= kinds[callback], (number, callback, found)
        assert {side for _, side in found} == sides
    # The divergent clause's witness is shown; the stale clause says why.
    divergent = by_verdict(report, "divergent")[0]
    stale = by_verdict(report, "stale")[0]
    assert divergent["reason"] in text and stale["reason"] in text
    assert any("divergent" in a["data-verdicts"] for a in parsed.articles)
    # Markers: a stop line in the EarlyStopping plots, differing cells in TensorBoard's.
    es = [
        f"cx-{n}"
        for n, g in enumerate(groups, 1)
        if g.counterexample.scenario["callback"] == "EarlyStopping"
    ]
    assert any(c == "marker-stop" for a, c in parsed.classes if a in es)
    assert any(c == "marker-differs" for _, c in parsed.classes)
    # Self-contained: one inline script, no file or network fetched.
    assert parsed.scripts == 1 and not parsed.sources
    assert not [link for link in parsed.links if not link.startswith(("#", "data:"))]
    assert "<link" not in page and "@import" not in page and "url(" not in page


def test_the_html_download_is_a_counterexample_file_replay_reads(report):
    page = html.render(report)
    downloads = re.findall(
        r'download="([^"]+)" href="data:application/json;charset=utf-8,([^"]+)"', page
    )
    groups = counterexamples(check(report))
    assert len(downloads) == len(groups)
    for (name, data), group in zip(downloads, groups, strict=True):
        saved = json.loads(urllib.parse.unquote(data.replace("&amp;", "&")))
        # named as `run --counterexamples` names the file: by the (first) clause
        assert name == f"{group.clauses[0].id}.json"
        assert saved["property"] == group.counterexample.property
        assert isinstance(from_data(saved["scenario"]), Scenario)
    # without the report's path, the command replays the saved file
    spec = report["target"]["spec"]
    assert f"callback-conformance replay {groups[0].clauses[0].id}.json {spec}" in page
    assert "one file per failing clause" in page


def test_the_early_stopping_plots_mark_where_each_side_stopped(report):
    """The patience bug: the reference stops one epoch before the target."""
    group = next(
        g
        for g in counterexamples(check(report))
        if "early_stopping.patience.counts-before-test" in [c.id for c in g.clauses]
    )
    run = facts.run(group.counterexample)
    assert run.reference is not None
    assert run.reference.stops and run.reference.stops != run.target.stops
    assert run.reference.best  # the reference's best epoch, from the report
    outcome = facts.outcomes(run, run.reference)
    fit, epoch = next(iter(run.reference.stops.items()))
    assert f"stopped at the end of epoch {epoch}" in " ".join(outcome)
    rows = facts.epoch_rows(run)
    stop_row = next(r for r in rows if (r.fit, r.epoch) == (fit, epoch))
    assert "stop" in stop_row.reference and stop_row.differs


def test_older_reports_without_the_added_fields_still_render(report):
    """`statement` and `reference_state` are optional: reports written before them render."""
    old = copy.deepcopy(report)
    for clause in old["clauses"]:
        clause.pop("statement", None)
        if clause["counterexample"]:
            clause["counterexample"].pop("reference_state", None)
    for kind in ("html", "markdown", "junit"):
        assert render(old, kind)
    assert 'data-kind="monitored"' in render(old, "html")


# --------------------------------------------------------------------------------------
# Facts derived from observations, on a run whose answer is known
# --------------------------------------------------------------------------------------


def test_stop_best_and_restored_epochs_are_derived_from_the_observation():
    """Loss 3, 1, 2, 4 with patience 1 and restore_best_weights: epoch 1 is best, the run
    stops at the end of epoch 2, and the weights of epoch 1 (4 steps) come back."""
    scenario = Scenario(
        "EarlyStopping",
        {"monitor": "loss", "patience": 1, "restore_best_weights": True},
        fits=[FitPlan([EpochPlan({"loss": v}, batches=2) for v in (3.0, 1.0, 2.0, 4.0)])],
    )
    observation = to_data(observe(EarlyStopping, scenario))
    counterexample = Counterexample(
        property="p",
        scenario=to_data(scenario),
        target=observation,
        reference=observation,
        reason="",
        table="",
    )
    run = facts.run(counterexample)
    target = run.target
    assert target.ran == [(0, 0), (0, 1), (0, 2)]
    assert target.stops == {0: 2}
    assert target.end_labels == {(0, 0): 2.0, (0, 1): 4.0, (0, 2): 6.0}
    assert target.best == {0: 1}  # the last weights it kept
    assert target.restored == [(4.0, (0, 1))]
    assert "restored epoch 1" in facts.outcomes(run, target)
    assert [r.target for r in facts.epoch_rows(run)] == [
        [],
        ["best", "restored to here"],
        ["stop"],
        ["not run"],
    ]
    plot = html.render(
        {
            "schema": "callback-conformance/report/1",
            "suite": {"version": "0"},
            "target": {"spec": "t", "module": "t", "version": None, "backend": None},
            "profile": "quick",
            "seed": None,
            "summary": {"pass": 0, "fail": 1, "divergent": 0, "stale": 0, "not-run": 0},
            "clauses": [
                {
                    "id": "early_stopping.x",
                    "callback": "EarlyStopping",
                    "level": "core",
                    "verdict": "fail",
                    "examples": 1,
                    "reason": "r",
                    "counterexample": counterexample,
                }
            ],
        }
    )
    for marker in ("marker-stop", "marker-best", "marker-restored"):
        assert plot.count(f'class="{marker}"') == 2, marker  # reference and target


def test_a_checkpoint_file_names_the_epoch_whose_weights_it_holds():
    side = facts.side(
        "target",
        {"fits": [{"epochs": [{"batches": 3}, {"batches": 2}], "initial_epoch": 0}]},
        {
            "hooks": [
                ["on_train_begin", None, False],
                ["on_epoch_begin", 0, False],
                *[["on_train_batch_begin", b, False] for b in range(3)],
                ["on_epoch_end", 0, False],
                ["on_epoch_begin", 1, False],
                *[["on_train_batch_begin", b, False] for b in range(2)],
                ["on_epoch_end", 1, False],
                ["on_train_end", None, False],
            ],
            "model_calls": [
                ["save", "<run>/m.keras", {"overwrite": True}],
                ["save", "<run>/m.keras", {"overwrite": True}],
                ["save_weights", "<run>/w.weights.h5", {"overwrite": True}],
            ],
            "files": {
                "m.keras": "keras archive: dense/0=5.0, dense/1=5.0",
                "w.weights.h5": "weights: dense/0=4.0, dense/1=4.0",
            },
        },
    )
    assert [(s.path, s.last, s.at) for s in side.saves] == [
        ("m.keras", False, None),
        ("m.keras", True, (0, 1)),
        ("w.weights.h5", True, (0, 1)),  # during epoch 1: after its first step
    ]
    assert side.describe_weights(4.0) == "epoch 1 after 1 step"
    assert side.describe_weights(0.0) == "the initial weights"


# --------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------


def test_the_markdown_summary_lists_what_needs_attention(report):
    text = markdown.render(report, "report.json")
    assert text.startswith("## ❌ callback-conformance: ")
    counts = "| " + " | ".join(str(report["summary"][v]) for v in markdown.VERDICT_LABELS) + " |"
    assert counts in text
    failing = by_verdict(report, "fail") + by_verdict(report, "stale")
    section = text.split("### Clauses that fail")[1].split("###")[0]
    rows = [
        line for line in section.splitlines() if line.startswith("| ❌") or line.startswith("| ⚠️")
    ]
    assert len(rows) == len(failing)
    for clause in failing:
        assert f"`{clause['id']}`" in section
    assert "### Declared divergences (1)" in text
    assert f"<summary>Not run ({len(by_verdict(report, 'not-run'))})</summary>" in text
    assert f"<summary>Passing ({len(by_verdict(report, 'pass'))})</summary>" in text
    unsupported = by_verdict(report, "unsupported")
    assert f"<summary>Unsupported by the target ({len(unsupported)})</summary>" in text
    assert "Declared unsupported by the target: EarlyStopping(baseline)" in text
    groups = counterexamples(check(report))
    assert text.count("<details><summary>") == len(groups) + 3
    assert text.count("```sh") == len(groups)
    assert f"callback-conformance replay report.json {report['target']['spec']} --clause" in text
    # every table row has as many cells as its header (no stray pipes from the data)
    for block in re.findall(r"((?:^\|.*\|\n)+)", text, flags=re.M):
        lines = block.splitlines()
        widths = {len(re.split(r"(?<!\\)\|", line)) for line in lines}
        assert len(widths) == 1, lines[:3]


def test_a_passing_run_has_a_passing_headline(report):
    passing = copy.deepcopy(report)
    passing["clauses"] = by_verdict(passing, "pass")
    passing["summary"] = {v: len(by_verdict(passing, v)) for v in VERDICTS}
    assert markdown.render(passing).startswith("## ✅ callback-conformance: ")
    assert "No clause fails" in html.render(passing)


# --------------------------------------------------------------------------------------
# JUnit
# --------------------------------------------------------------------------------------


def test_the_junit_xml_has_a_case_per_clause(report):
    root = ET.fromstring(junit.render(report, "report.json").encode())
    assert root.tag == "testsuites"
    clauses = report["clauses"]
    fails = len(by_verdict(report, "fail")) + len(by_verdict(report, "stale"))
    skipped = len(by_verdict(report, "not-run"))
    assert (root.get("tests"), root.get("failures"), root.get("skipped"), root.get("errors")) == (
        str(len(clauses)),
        str(fails),
        str(skipped),
        "0",
    )
    suites = root.findall("testsuite")
    assert sum(int(s.get("tests", "")) for s in suites) == len(clauses)
    assert sum(int(s.get("failures", "")) for s in suites) == fails
    cases = {case.get("name"): case for suite in suites for case in suite.findall("testcase")}
    assert set(cases) == {c["id"] for c in clauses}
    for clause in clauses:
        case = cases[clause["id"]]
        assert case.get("classname") == f"callback-conformance.{clause['callback']}"
        assert case.get("time") == "0"
        properties = {p.get("name"): p.get("value") for p in case.findall("properties/property")}
        assert properties["clause"] == clause["id"] and properties["level"] == clause["level"]
        assert properties["verdict"] == clause["verdict"]
        failure, skip = case.find("failure"), case.find("skipped")
        if clause["verdict"] in ("fail", "stale"):
            assert failure is not None and skip is None
            assert failure.get("message") == clause["reason"][:1000]
            if clause["counterexample"]:
                assert "Replay:" in (failure.text or "")
        elif clause["verdict"] in ("not-run", "unsupported"):
            assert skip is not None and skip.get("message") == clause["reason"]
            assert failure is None
        else:
            assert failure is None and skip is None
    divergent = cases[by_verdict(report, "divergent")[0]["id"]]
    assert "declared divergence" in (divergent.findtext("system-out") or "")
    # children in the order the JUnit schema has them: properties first
    for case in cases.values():
        assert case[0].tag == "properties"


# --------------------------------------------------------------------------------------
# The terminal
# --------------------------------------------------------------------------------------


def test_the_terminal_table_is_plain_without_colour_and_the_same_text_with_it(report):
    plain = table(report)
    coloured = table(report, colour=True)
    assert "\x1b[" not in plain
    assert ANSI.sub("", coloured) == plain
    assert "\x1b[1;31mFAIL     \x1b[0m" in coloured
    fail = by_verdict(report, "fail")[0]["id"]
    assert re.search(rf"^  FAIL      {re.escape(fail)} ", plain, flags=re.M)
    assert re.search(r"^  STALE     ", plain, flags=re.M)
    assert re.search(r"^  divergent ", plain, flags=re.M)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert colour_wanted(Terminal())
    assert not colour_wanted(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour_wanted(Terminal())


def test_the_progress_line_names_the_callback_and_property_on_a_terminal_only(monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")  # the line is cut to the terminal's width

    class Prop:
        callback = "EarlyStopping"
        name = "early_stopping.stops-where-keras-stops"
        clauses = ("a", "b")

    screen = Terminal()
    progress = Progress(screen, tick=0.01)
    progress(2, 10, Prop())
    progress.close()
    shown = screen.getvalue()
    assert "[3/10]" in shown and "EarlyStopping: early_stopping.stops-where-keras-stops" in shown
    assert "(2 clauses)" in shown
    assert shown.endswith("\r\x1b[K")  # the line is cleared at the end
    piped = io.StringIO()
    quiet = Progress(piped)
    quiet(0, 1, Prop())
    quiet.close()
    assert piped.getvalue() == ""  # an interrupted run says nothing is done
    logged = io.StringIO()
    log = Progress(logged)
    log(0, 3, Prop())
    log.finish()
    assert re.fullmatch(r"\[1-3/3\] EarlyStopping: done in 0 s \(0 s in all\)\n", logged.getvalue())


# --------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": ROOT}
    return subprocess.run(
        [sys.executable, "-m", "conformance", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
    )


def test_render_writes_every_format_from_a_stored_report(tmp_path, report):
    paths = {kind: tmp_path / f"report.{kind}" for kind in ("html", "markdown", "junit")}
    result = cli("render", FIXTURE, *[f"--{k}={p}" for k, p in paths.items()])
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout  # piped: no colour
    assert table(report) in result.stdout
    for kind, path in paths.items():
        assert path.read_text() == render(report, kind, FIXTURE)


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json", "cannot read"),
        ('{"schema": "something/else", "clauses": []}', "is not a report of this suite"),
        ('{"schema": "callback-conformance/report/1", "clauses": [3]}', "malformed"),
    ],
)
def test_render_refuses_what_is_not_a_report_in_one_line(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = cli("render", str(path), "--html", str(tmp_path / "page.html"))
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr
    assert not (tmp_path / "page.html").exists()
    with pytest.raises(ReportError):
        check(json.loads(content) if content.startswith("{") else content)


def test_an_unwritable_report_path_fails_before_the_run(tmp_path):
    for option, what in (("--html", "HTML report"), ("--junit", "JUnit report")):
        result = cli("run", "reference", option, "/no/such/dir/r")
        assert result.returncode == 2 and result.stdout == ""
        assert f"cannot write the {what} to '/no/such/dir/r'" in result.stderr


def test_a_run_writes_all_three_reports_from_its_json(tmp_path):
    wrong = "conformance.catalogue.es_patience_counted_after_test"
    paths = {k: tmp_path / f"r.{k}" for k in ("json", "html", "markdown", "junit")}
    result = cli(
        "run",
        wrong,
        "--profile",
        "quick",
        "-k",
        "early_stopping.patience.*",
        *[f"--{k}={p}" for k, p in paths.items()],
    )
    assert result.returncode == 1, result.stdout + result.stderr
    stored = json.loads(paths["json"].read_text())
    for kind in ("html", "markdown", "junit"):
        assert paths[kind].read_text() == render(stored, kind, str(paths["json"]))
    assert 'data-kind="monitored"' in paths["html"].read_text()
    root = ET.fromstring(paths["junit"].read_bytes())
    assert (
        root.find(".//testcase[@name='early_stopping.patience.counts-before-test']/failure")
        is not None
    )

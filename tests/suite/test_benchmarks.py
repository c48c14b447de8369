"""The benchmark script (`python -m benchmarks.measure`, docs/benchmarks.md) runs at a tiny
size and writes a well-formed JSON result and Markdown table. No timing is asserted: the
numbers depend on the machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from benchmarks.costs import categorize, category_of
from benchmarks.measure import SECTIONS
from benchmarks.report import growth_exponent, markdown

ROOT = Path(__file__).resolve().parents[2]


def test_quick_run_writes_json_and_markdown(tmp_path: Path) -> None:
    """Every section at `--quick` sizes, on one callback (LearningRateScheduler: the
    fastest, and one of the fit-driven baseline's)."""
    env = dict(os.environ, KERAS_BACKEND="jax")
    command = [sys.executable, "-m", "benchmarks.measure", "--quick"]
    command += ["--callbacks", "LearningRateScheduler", "--output-dir", str(tmp_path)]
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=600)

    result = json.loads((tmp_path / "latest.json").read_text())
    assert result["schema"] == "callback-conformance/benchmarks/1"
    assert result["quick"] is True
    assert set(SECTIONS) <= set(result)
    assert result["machine"]["cores"] >= 1 and result["machine"]["packages"]["keras"]
    assert result["load_average_at_start"] and result["commands"]

    for label, run in result["rates"].items():
        entry = run["callbacks"]["LearningRateScheduler"]
        assert len(entry["limit"]) == len(entry["suite"]) > 0, label
        for row in entry["limit"] + entry["suite"]:
            assert row["examples"] > 0 and row["seconds"] > 0, (label, row)
    assert {"reference", "keras-jax", "keras-numpy"} <= set(result["rates"])

    baseline = result["baseline"]["callbacks"]["LearningRateScheduler"]
    assert baseline["property"] == "learning_rate_scheduler.sets-the-rates-keras-sets"
    fit = baseline["fit_driven"]
    assert fit["checked"] + sum(fit["skipped"].values()) == fit["examples"]
    assert fit["disagree"] == 0, fit["first_disagreement"]

    (cli,) = result["cli"]
    assert cli["process"]["exit_status"] == 0 and cli["process"]["max_rss_mb"] > 0
    assert cli["summary"]["pass"] >= 1

    rows = result["scaling"]["rows"]
    assert {row["target"] for row in rows} == {"reference", "keras"}
    assert all(row["failure"] is None and row["seconds"] > 0 for row in rows)

    for run in result["profile"].get("runs", []):
        if run["categories"]:  # a quick run can end before py-spy's first sample in it
            assert abs(sum(row["share"] for row in run["categories"]) - 1) < 1e-9

    text = (tmp_path / "latest.md").read_text()
    assert text == markdown(result)
    for heading in (
        "## Targets",
        "## The suite against its limit",
        "## The suite against a fit-driven baseline",
        "## `callback-conformance run keras` (jax), as a subprocess",
        "## Scaling: `examine` on fixed scenarios",
        "## Where the time goes",
        "## Reproduce",
    ):
        assert heading in text
    for line in text.splitlines():
        if line.startswith("|"):
            assert line.endswith("|"), line


def test_samples_go_to_the_innermost_matching_category() -> None:
    timed = "timed_property (benchmarks/workers.py:60)"
    cleanup = "TemporaryDirectory.cleanup (tempfile.py:908)"
    observe = "observe (conformance/harness/observe.py:540)"
    draw = "draw (hypothesis/internal/conjecture/data.py:1292)"
    rmdir_stack = (timed, "examine (conformance/runner.py:143)", observe, cleanup)
    assert category_of(rmdir_stack) == "workspace: per-observation temporary directories"
    assert category_of((timed, draw)) == "Hypothesis: drawing scenarios"
    warm_up = ("_warm_up (benchmarks/workers.py:80)", timed, draw)
    rows = categorize(Counter({rmdir_stack: 3, (timed, draw): 1, warm_up: 50}), 2.0, 4)
    assert [(row["category"], row["samples"]) for row in rows] == [
        ("workspace: per-observation temporary directories", 3),
        ("Hypothesis: drawing scenarios", 1),
    ]
    assert rows[0]["seconds"] == 1.5 and rows[0]["ms_per_scenario"] == 375.0


def test_growth_exponent_is_one_for_linear_time() -> None:
    rows = [{"size": size, "seconds": size * 0.002} for size in (10, 100, 1000)]
    assert abs(growth_exponent(rows) - 1.0) < 1e-9

"""What the framework adapters' tests share: a scenario observed on an adapter and on the
reference, and the suite's command line run from the repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import reference
from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import Observation, Scenario, observe

ROOT = Path(__file__).resolve().parents[2]


def on_both(
    adapter: ModuleType, callback: str, config: dict[str, Any], *fits: list[dict[str, Any]]
) -> tuple[Observation, Observation]:
    """The scenario, a fit per list of epoch metrics, on the adapter's `callback` (with
    its model adapter) and on the reference's."""
    plans = [FitPlan([EpochPlan(metrics) for metrics in fit]) for fit in fits]
    scenario = Scenario(callback, config, fits=plans)
    adapt = getattr(adapter, "conformance_adapt_model", None)
    ours = observe(getattr(adapter, callback), scenario, adapt=adapt)
    return ours, observe(getattr(reference, callback), scenario)


def run_suite(*words: str) -> subprocess.CompletedProcess[str]:
    """`python -m conformance WORDS` from the repository's root."""
    return subprocess.run(
        [sys.executable, "-m", "conformance", *words],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=900,
    )

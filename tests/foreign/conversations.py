"""Real conversations of the callback protocol, for the tests: the TF.js driver's (when
Node and its node_modules are there) and the broken test driver's."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from conformance.foreign import ForeignError, ForeignProcess, foreign_callback
from conformance.harness.fit import EpochPlan, FitPlan, FitRecord, simulate_fit
from conformance.harness.sim_model import ModelSpec, SimModel

ROOT = Path(__file__).resolve().parents[2]
TFJS = ROOT / "drivers" / "tfjs"
needs_tfjs = pytest.mark.skipif(
    shutil.which("node") is None or not (TFJS / "node_modules").is_dir(),
    reason="needs node and drivers/tfjs/node_modules (npm ci --prefix drivers/tfjs)",
)


def tfjs_process() -> ForeignProcess:
    node = shutil.which("node")
    assert node is not None
    return ForeignProcess([node, str(TFJS / "driver.js")], label="the TF.js driver")


def broken_process(mode: str) -> ForeignProcess:
    driver = str(ROOT / "tests" / "foreign" / "broken_driver.py")
    return ForeignProcess([sys.executable, "-I", "-S", driver, mode], label=f"the {mode} driver")


def converse(process: ForeignProcess) -> list[str]:
    """Every line of an EarlyStopping fit (a NaN and an infinity in the logs, verbose, a
    stop at epoch 2) and a constructor that raises, as `process` sent and answered them."""
    process.transcript = []
    early_stopping = foreign_callback(process, "EarlyStopping")
    plan = FitPlan(
        epochs=[
            EpochPlan(metrics={"loss": loss, "other": other}, batches=1)
            for loss, other in [(3.0, float("nan")), (2.0, float("inf")), (2.5, 0.0)]
        ]
    )
    try:
        callback = early_stopping(monitor="loss", patience=1, verbose=1)
        simulate_fit(callback, SimModel(ModelSpec()), plan, FitRecord())
        try:
            early_stopping(restore_best_weights=True)
        except ForeignError:
            pass
        process.request({"op": "close"}, "close")
    finally:
        process.end()
    return process.transcript

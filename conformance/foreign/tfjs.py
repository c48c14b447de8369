"""TensorFlow.js 4.22's EarlyStopping (`tf.callbacks.earlyStopping`), a port of Keras's,
as a target: its callbacks run in the Node driver `drivers/tfjs/driver.js`, over the
callback protocol (`conformance.foreign`).

    npm ci --prefix drivers/tfjs
    callback-conformance run conformance.foreign.tfjs --profile quick \\
        --divergences conformance/foreign/tfjs.divergences.toml

tfjs has no LearningRateScheduler, ModelCheckpoint or TensorBoard callback: those are
absent (not-run). `CALLBACK_CONFORMANCE_TFJS_DRIVER` names another `driver.js`, beside
its installed `node_modules/`.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from conformance.foreign import ForeignProcess, foreign_callback
from conformance.harness.observe import Scenario
from conformance.unsupported import Unsupported

DRIVER = Path(
    os.environ.get("CALLBACK_CONFORMANCE_TFJS_DRIVER")
    or Path(__file__).resolve().parents[2] / "drivers" / "tfjs" / "driver.js"
)
_NODE = shutil.which("node")
if _NODE is None:
    raise ImportError("the TF.js target needs Node.js: no `node` on PATH")
if not (DRIVER.parent / "node_modules" / "@tensorflow" / "tfjs-layers").is_dir():
    raise ImportError(f"the TF.js driver is not installed: run npm ci --prefix {DRIVER.parent}")

PROCESS = ForeignProcess([_NODE, str(DRIVER)], label="the TF.js driver")
EarlyStopping = foreign_callback(PROCESS, "EarlyStopping")
conformance_warm_up = PROCESS.warm_up

_LOCK = json.loads((DRIVER.parent / "package-lock.json").read_text(encoding="utf-8"))
conformance_version = _LOCK["packages"]["node_modules/@tensorflow/tfjs-layers"]["version"]
# tfjs compares `current - minDelta` with the best in JavaScript numbers: doubles
# (callbacks.ts, `less` and `greater`), on the logs' values as given.
conformance_precision = "float64"


def logs_a_value_not_a_number(scenario: Scenario) -> bool:
    """Whether an epoch end of `scenario` logs a value that is not a number (None, an
    array): tfjs's logs hold numbers or scalar tensors, nothing else."""
    return any(
        not isinstance(value, int | float) or isinstance(value, bool)
        for fit in scenario.fits
        for epoch in fit.epochs
        for logs in (epoch.metrics, epoch.validation or {})
        for value in logs.values()
    )


conformance_unsupported = [
    Unsupported(
        "EarlyStopping",
        "restore_best_weights",
        values=(True,),
        reason="tfjs throws NotImplementedError: restoreBestWeights = True is not implemented",
    ),
    Unsupported(
        "EarlyStopping",
        when=logs_a_value_not_a_number,
        reason="tfjs logs hold numbers or scalar tensors: resolveScalarsInLogs (logs.ts) calls"
        " .data() on any other value, so a None throws TypeError",
    ),
]

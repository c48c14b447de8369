"""Poutyne 1.19's callbacks as a target: `python -m conformance run conformance.adapters.poutyne`.

Poutyne's hooks are Keras's with 1-based epochs and batches, validation hooks named
`on_valid_*` whose logs are prefixed `val_`, and `epoch` and `time` added to the epoch
logs (poutyne/framework/iterators.py): `PROTOCOL` says so. Its callbacks are given a
torch-style view of the simulated model (`TorchModelView`).

What maps, and why:

* `EarlyStopping` is poutyne's: monitor, min_delta, patience, verbose and mode
  ("min" or "max": poutyne has no "auto"). It has no baseline, no start_from_epoch and no
  restore_best_weights: declared unsupported.
"""

from __future__ import annotations

from typing import Any

import poutyne

from conformance.adapters import (
    NUMBER,
    ArgumentMap,
    HookProtocol,
    LogKeys,
    TorchModelView,
    as_keras_callback,
)
from conformance.unsupported import Unsupported

__version__ = poutyne.__version__


def _poutyne_params(params: dict[str, Any]) -> dict[str, Any]:
    """Poutyne's fit gives its callbacks `epochs` and `steps` only."""
    return {"epochs": params["epochs"], "steps": params["steps"]}


def _nothing(logs: dict[str, Any], number: int | None) -> dict[str, Any]:
    """Poutyne's fit gives `on_train_begin` and `on_train_end` empty logs."""
    return {}


PROTOCOL = HookProtocol(
    hooks={
        "on_train_begin": "on_train_begin",
        "on_train_end": "on_train_end",
        "on_epoch_begin": "on_epoch_begin",
        "on_epoch_end": "on_epoch_end",
        "on_train_batch_begin": "on_train_batch_begin",
        "on_train_batch_end": "on_train_batch_end",
        "on_test_begin": "on_valid_begin",
        "on_test_end": "on_valid_end",
        "on_test_batch_begin": "on_valid_batch_begin",
        "on_test_batch_end": "on_valid_batch_end",
    },
    epoch_base=1,
    batch_base=1,
    logs={
        "on_train_begin": LogKeys(rewrite=_nothing),
        "on_train_end": LogKeys(rewrite=_nothing),
        "on_epoch_end": LogKeys(added={"epoch": NUMBER, "time": 0.0}),
        "on_train_batch_end": LogKeys(added={"batch": NUMBER, "time": 0.0}),
        "on_test_end": LogKeys(prefix="val_", added={"time": 0.0}),
        "on_test_batch_end": LogKeys(prefix="val_", added={"batch": NUMBER, "time": 0.0}),
    },
    params=_poutyne_params,
)

EarlyStopping = as_keras_callback(
    "EarlyStopping",
    poutyne.EarlyStopping,
    PROTOCOL,
    ArgumentMap(dropped=("baseline", "restore_best_weights", "start_from_epoch")),
)

conformance_adapt_model = TorchModelView
conformance_precision = "float64"
conformance_unsupported = [
    Unsupported(
        "EarlyStopping", "mode", supported=("min", "max"), reason="poutyne's modes are min and max"
    ),
    Unsupported("EarlyStopping", "baseline", reason="poutyne's EarlyStopping has no baseline"),
    Unsupported(
        "EarlyStopping",
        "start_from_epoch",
        reason="poutyne's EarlyStopping has no start_from_epoch",
    ),
    Unsupported(
        "EarlyStopping",
        "restore_best_weights",
        reason="poutyne's EarlyStopping restores nothing (BestModelRestore does)",
    ),
]

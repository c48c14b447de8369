"""Poutyne 1.19's callbacks as a target: `python -m conformance run conformance.adapters.poutyne`.

Poutyne's hooks are Keras's with 1-based epochs and batches, validation hooks named
`on_valid_*` whose logs are prefixed `val_`, and `epoch` and `time` added to the epoch
logs (poutyne/framework/iterators.py): `PROTOCOL` says so. Its callbacks are given a
torch-style view of the simulated model (`TorchModelView`).

What maps, and why:

* `EarlyStopping` is poutyne's: monitor, min_delta, patience, verbose and mode
  ("min" or "max": poutyne has no "auto"). It has no baseline and no start_from_epoch:
  declared unsupported. `restore_best_weights=True` is poutyne's EarlyStopping and its
  BestModelRestore (same monitor and mode) in a poutyne CallbackList: BestModelRestore
  keeps the best epoch's weights (`get_weight_copies`) and sets them at the train end, as
  Keras's restore does.
* `ModelCheckpoint` is poutyne's, `filepath` renamed `filename`. It saves the weights,
  through the model's `save_weights(file)` (the view writes the simulated model's weights
  file, so the suite reads it as any checkpoint): Keras's `save_weights_only=True`.
  A whole model, `save_freq` in batches, `initial_value_threshold` and mode "auto" are
  not poutyne's: declared unsupported. `atomic_write=False`: Keras writes the file in
  place, poutyne's default writes `<file>.tmp` and renames it (an option of poutyne's,
  set to what Keras does). Its `restore_best` and `keep_only_last_best` have no Keras
  counterpart and stay off.
* `LearningRateScheduler`: poutyne's LR-scheduler callbacks wrap torch's schedulers,
  which need a real `torch.optim.Optimizer` over real parameters, and express torch's
  schedules (StepLR, LambdaLR of a factor...), not Keras's `schedule(epoch, lr)` that
  returns the new rate: not mapped. `TensorBoard`: poutyne's TensorBoardLogger writes
  other tags at other steps: not mapped.

What it does differently is declared in `poutyne.divergences.toml`, beside this module.
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


def _early_stopping(*, restore_best_weights: bool = False, **arguments: Any) -> Any:
    """Poutyne's EarlyStopping; with `restore_best_weights`, and BestModelRestore on the
    same monitor and mode, in one of poutyne's own CallbackLists."""
    stopping = poutyne.EarlyStopping(**arguments)
    if not restore_best_weights:
        return stopping
    restore = poutyne.BestModelRestore(
        monitor=stopping.monitor, mode=stopping.mode, verbose=stopping.verbose
    )
    return poutyne.CallbackList([stopping, restore])


def _weights_only(arguments: dict[str, Any]) -> dict[str, Any]:
    """Poutyne's ModelCheckpoint saves weights: Keras's `save_weights_only=True` is what it
    does, so the argument goes (False is declared unsupported)."""
    return {name: value for name, value in arguments.items() if name != "save_weights_only"}


EarlyStopping = as_keras_callback(
    "EarlyStopping",
    _early_stopping,
    PROTOCOL,
    ArgumentMap(dropped=("baseline", "start_from_epoch")),
)
ModelCheckpoint = as_keras_callback(
    "ModelCheckpoint",
    poutyne.ModelCheckpoint,
    PROTOCOL,
    ArgumentMap(
        renamed={"filepath": "filename"},
        dropped=("save_freq", "initial_value_threshold"),
        # Keras writes the file in place; poutyne's default writes `<file>.tmp` and renames it.
        fixed={"atomic_write": False},
        convert=_weights_only,
    ),
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
        "ModelCheckpoint",
        "mode",
        supported=("min", "max"),
        reason="poutyne's modes are min and max",
    ),
    Unsupported(
        "ModelCheckpoint",
        "save_weights_only",
        supported=(True,),
        reason="poutyne's ModelCheckpoint saves the network's weights only",
    ),
    Unsupported(
        "ModelCheckpoint",
        "save_freq",
        supported=("epoch",),
        reason="poutyne saves at epoch ends only (its period counts epochs)",
    ),
    Unsupported(
        "ModelCheckpoint",
        "initial_value_threshold",
        reason="poutyne's ModelCheckpoint has no initial threshold",
    ),
]

"""PyTorch Lightning 2.6's callbacks as a target:
`python -m conformance run conformance.adapters.lightning`.

Lightning's hooks take `(trainer, pl_module)`: a callback reads the metrics from
`trainer.callback_metrics` (tensors), the epoch from `trainer.current_epoch`, and stops
the fit by setting `trainer.should_stop`. `PROTOCOL` maps Keras's hooks to Lightning's
(`on_epoch_end` is `on_train_epoch_end`, whose `callback_metrics` hold the epoch's
training and validation metrics, as Keras's epoch logs do; `on_test_end` is
`on_validation_end`) and gives each hook a `SimulatedTrainer`, a view of the kit's state.

`SimulatedTrainer` stands in for the parts of `lightning.pytorch.Trainer` these two
callbacks read: a single-process fit (`strategy` reduces and broadcasts to itself,
rank 0 of 1), with validation once per epoch, no loggers, no fast_dev_run and no sanity
check (the validation loop `_has_run` once a validation hook has); `callback_metrics`
are the hook's logs as `self.log` makes them (tensors of Lightning's default dtype);
`global_step` is the simulated optimizer's iteration count; `save_checkpoint(path,
weights_only)` makes the directory, as Lightning's `TorchCheckpointIO` does, and writes
the simulated model's weights file there (the suite reads it as a checkpoint) where
Lightning would `torch.save` the module's state dict; checkpoints are removed by
Lightning's own `TorchCheckpointIO`. The `pl_module` is a `LightningModuleView` of the
simulated model (automatic optimization, Lightning's default).

What maps, and why:

* `EarlyStopping` is Lightning's: monitor, min_delta, patience, verbose and mode ("min" or
  "max": Lightning has no "auto"). `check_finite=False` and `strict=False`: Lightning's
  defaults stop the fit at a NaN or infinite value and raise on a missing monitor, which
  Keras does not (options of Lightning's, set to what Keras does).
  `check_on_train_epoch_end=True`: what the Trainer's `setup` picks for a fit validated
  once per epoch. No baseline (its `stopping_threshold` stops when a value is reached,
  Keras's baseline is one to improve on), no restore_best_weights, no start_from_epoch:
  declared unsupported.
* `ModelCheckpoint` is Lightning's. Keras's `filepath` is Lightning's `dirpath` (its
  directory), `filename` (the name without extension) and `FILE_EXTENSION` (the
  extension, a documented attribute), with `auto_insert_metric_name=False` (Keras's
  template is literal) and `enable_version_counter=False` (Keras overwrites a file of the
  same name). `save_best_only=True` is `save_top_k=1` on the monitor, in its mode;
  False is `monitor=None, save_top_k=-1` (every epoch's file kept), where neither
  framework reads the mode. `save_freq` in batches is `every_n_train_steps`, but for 0,
  which Lightning takes as never and Keras as every batch (unsupported). Lightning's
  checkpoint holds the module's state (weights), never the architecture:
  `save_weights_only=False` is unsupported; so are mode "auto" with `save_best_only`,
  `initial_value_threshold`, a template in the directory or the extension, and a
  `{where}` filled from a string log value or a monitored value that is a string
  (Lightning's logs are tensors), and a filepath neither str nor PathLike. Each
  epoch's save is at `on_train_epoch_end` (`save_on_train_epoch_end=True`, what the
  Trainer picks for a fit validated once per epoch).
* `LearningRateScheduler`: Lightning's `LearningRateMonitor` only reads the rate; a
  schedule is the module's `configure_optimizers` (torch schedulers), not a callback.
  `TensorBoard`: Lightning's is a logger, not a callback. Neither is mapped.

What it does differently is declared in `lightning.divergences.toml`, beside this module.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from types import SimpleNamespace
from typing import Any

import lightning
import torch
from lightning.fabric.plugins.io.torch_io import TorchCheckpointIO
from lightning.pytorch.callbacks import EarlyStopping as LightningEarlyStopping
from lightning.pytorch.callbacks import ModelCheckpoint as LightningModelCheckpoint
from lightning.pytorch.callbacks import model_checkpoint as lightning_model_checkpoint
from lightning.pytorch.trainer.connectors.logger_connector.result import _get_default_dtype
from lightning.pytorch.trainer.states import TrainerFn

from conformance.adapters import (
    ArgumentMap,
    HookProtocol,
    StateStyle,
    TorchModelView,
    as_keras_callback,
)
from conformance.adapters.protocol import Role
from conformance.harness.observe import Scenario
from conformance.unsupported import Unsupported

__version__ = lightning.__version__

KEYS: dict[Role, str] = {
    "model": "pl_module",
    "epoch": "current_epoch",
    "batch": "batch_idx",
    "logs": "logs",
    "stop": "should_stop",
}
"""Where the kit keeps each thing in the state the trainer is a view of."""


class LightningModuleView(TorchModelView):
    """A `LightningModule` over the simulated model: the Trainer steps its optimizer."""

    automatic_optimization = True


class _SingleProcess:
    """`trainer.strategy` of a one-process fit: every decision and object is its own."""

    def __init__(self) -> None:
        self.checkpoint_io = TorchCheckpointIO()

    def reduce_boolean_decision(self, decision: bool, all: bool = True) -> bool:
        return decision

    def broadcast(self, obj: Any, src: int = 0) -> Any:
        return obj

    def barrier(self, name: str | None = None) -> None:
        return None

    def remove_checkpoint(self, filepath: str) -> None:
        self.checkpoint_io.remove_checkpoint(filepath)


class SimulatedTrainer:
    """The parts of Lightning's `Trainer` its EarlyStopping and ModelCheckpoint read, over
    the kit's state (module docstring)."""

    state = SimpleNamespace(fn=TrainerFn.FITTING)
    sanity_checking = False
    fast_dev_run = False
    is_global_zero = True
    global_rank = 0
    world_size = 1
    loggers: list[Any] = []
    check_val_every_n_epoch = 1
    val_check_interval = 1.0
    ckpt_path = None

    def __init__(self, hook: str, kit_state: MutableMapping[str, Any]) -> None:
        self.kit_state = kit_state
        self.strategy = _SingleProcess()
        if hook.startswith("on_validation"):
            kit_state["validated"] = True
        val_loop = SimpleNamespace(_has_run=kit_state.get("validated", False))
        self.fit_loop = SimpleNamespace(epoch_loop=SimpleNamespace(val_loop=val_loop))

    @property
    def callback_metrics(self) -> dict[str, torch.Tensor]:
        """The hook's logs, each number a tensor as `LightningModule.log` makes it."""
        dtype = _get_default_dtype()
        return {
            name: torch.tensor(float(value), dtype=dtype)
            for name, value in self.kit_state.get("logs", {}).items()
            if _is_number(value)
        }

    @property
    def current_epoch(self) -> int:
        return int(self.kit_state.get("current_epoch", 0))

    @property
    def global_step(self) -> int:
        optimizer = self.kit_state["pl_module"].simulated_model.optimizer
        return 0 if optimizer is None else int(optimizer.iterations)

    @property
    def should_stop(self) -> bool:
        return bool(self.kit_state["should_stop"])

    @should_stop.setter
    def should_stop(self, value: bool) -> None:
        self.kit_state["should_stop"] = bool(value)

    def save_checkpoint(self, filepath: str, weights_only: bool = False) -> None:
        """The simulated model's weights file at `filepath`, in a directory made as
        Lightning's `TorchCheckpointIO` makes it."""
        os.makedirs(os.path.dirname(filepath) or ".", exist_ok=True)
        self.kit_state["pl_module"].save_weights(filepath)


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _hook_arguments(hook: str, state: MutableMapping[str, Any]) -> tuple[Any, ...]:
    """Lightning's arguments for `hook`: `(trainer, pl_module)`, and a batch hook's
    outputs (none: the simulated step returns nothing), batch and index."""
    common = (SimulatedTrainer(hook, state), state["pl_module"])
    if hook.endswith("_batch_end"):
        return (*common, None, None, state["batch_idx"])
    if hook.endswith("_batch_start"):
        return (*common, None, state["batch_idx"])
    return common


PROTOCOL = HookProtocol(
    hooks={
        "on_train_begin": "on_train_start",
        "on_train_end": "on_train_end",
        "on_epoch_begin": "on_train_epoch_start",
        "on_epoch_end": "on_train_epoch_end",
        "on_train_batch_begin": "on_train_batch_start",
        "on_train_batch_end": "on_train_batch_end",
        "on_test_begin": "on_validation_start",
        "on_test_end": "on_validation_end",
        "on_test_batch_begin": "on_validation_batch_start",
        "on_test_batch_end": "on_validation_batch_end",
    },
    state=StateStyle(keys=KEYS, arguments=_hook_arguments),
)


def _model_checkpoint(
    *,
    filepath: str,
    save_best_only: bool = False,
    save_weights_only: bool = True,
    save_freq: Any = "epoch",
    monitor: str = "val_loss",
    mode: str = "auto",
    **arguments: Any,
) -> LightningModelCheckpoint:
    """Lightning's ModelCheckpoint for Keras's arguments (module docstring). Without
    `save_best_only` there is no monitor, and the mode means nothing to either.

    Lightning warns of a missing monitor once per process (its module's `warning_cache`
    drops a message it has warned of): the cache is emptied here, so each scenario
    starts as a fresh process does, whatever ran before it."""
    lightning_model_checkpoint.warning_cache.clear()
    directory, name = os.path.split(os.fspath(filepath))
    stem, extension = _split_extension(name)
    callback = LightningModelCheckpoint(
        dirpath=directory or None,
        filename=stem,
        monitor=monitor if save_best_only else None,
        mode=mode if save_best_only else "min",
        save_top_k=1 if save_best_only else -1,
        save_weights_only=save_weights_only,
        every_n_train_steps=None if save_freq == "epoch" else save_freq,
        auto_insert_metric_name=False,
        enable_version_counter=False,
        save_on_train_epoch_end=True,
        **arguments,
    )
    callback.FILE_EXTENSION = extension
    return callback


def _split_extension(name: str) -> tuple[str, str]:
    """`m.weights.h5` -> (`m`, `.weights.h5`); `m.keras` -> (`m`, `.keras`)."""
    if name.endswith(".weights.h5"):
        return name.removesuffix(".weights.h5"), ".weights.h5"
    stem, extension = os.path.splitext(name)
    return stem, extension


def _templated_outside_the_name(scenario: Scenario) -> bool:
    """A `{...}` template in the filepath's directory or extension: Lightning formats
    `filename` only."""
    filepath = scenario.config.get("filepath")
    if not isinstance(filepath, str | os.PathLike):
        return False
    directory, name = os.path.split(os.fspath(filepath))
    return "{" in directory or "{" in _split_extension(name)[1]


def _filepath_not_a_path(scenario: Scenario) -> bool:
    """A filepath that is neither a str nor a PathLike (None, an int, a list): Lightning
    takes a directory and a file name, which such a value cannot be split into."""
    return not isinstance(scenario.config.get("filepath"), str | os.PathLike)


def _monitors_a_string(scenario: Scenario) -> bool:
    """A monitored value that is a str in some epoch's logs (Lightning logs tensors)."""
    monitor = scenario.config.get("monitor", "val_loss")
    for fit in scenario.fits:
        for epoch in fit.epochs:
            validation = {f"val_{key}": value for key, value in (epoch.validation or {}).items()}
            if isinstance({**epoch.metrics, **validation}.get(monitor), str):
                return True
    return False


def _filled_from_a_string(scenario: Scenario) -> bool:
    """`{where}` in the filepath: filled from a string log value, which Lightning, whose
    logged metrics are tensors, does not have (its template gets 0 for a missing name)."""
    return "{where" in str(scenario.config.get("filepath", ""))


def _best_only(scenario: Scenario) -> bool:
    return bool(scenario.config.get("save_best_only", False))


EarlyStopping = as_keras_callback(
    "EarlyStopping",
    LightningEarlyStopping,
    PROTOCOL,
    ArgumentMap(
        dropped=("baseline", "restore_best_weights", "start_from_epoch"),
        # Keras goes on at a non-finite value, and warns of a missing monitor.
        fixed={"check_finite": False, "strict": False, "check_on_train_epoch_end": True},
    ),
)
ModelCheckpoint = as_keras_callback(
    "ModelCheckpoint",
    _model_checkpoint,
    PROTOCOL,
    ArgumentMap(dropped=("initial_value_threshold",)),
)

conformance_adapt_model = LightningModuleView
conformance_precision = "float32"
conformance_unsupported = [
    Unsupported(
        "EarlyStopping",
        "mode",
        supported=("min", "max"),
        reason="Lightning's modes are min and max",
    ),
    Unsupported(
        "EarlyStopping",
        "baseline",
        reason="Lightning's EarlyStopping has no baseline to improve on",
    ),
    Unsupported(
        "EarlyStopping",
        "restore_best_weights",
        reason="Lightning's EarlyStopping does not restore weights",
    ),
    Unsupported(
        "EarlyStopping",
        "start_from_epoch",
        reason="Lightning's EarlyStopping has no start_from_epoch",
    ),
    Unsupported(
        "ModelCheckpoint",
        "mode",
        supported=("min", "max", "auto"),
        reason="Lightning's modes are min and max",
    ),
    Unsupported(
        "ModelCheckpoint",
        "mode",
        values=("auto",),
        when=_best_only,
        reason="Lightning's modes are min and max (Keras's auto matters with save_best_only)",
    ),
    Unsupported(
        "ModelCheckpoint",
        "save_freq",
        values=(0, False),
        reason="Lightning's every_n_train_steps=0 never saves, Keras's save_freq=0 every batch",
    ),
    Unsupported(
        "ModelCheckpoint",
        "save_weights_only",
        supported=(True,),
        reason="Lightning's checkpoint holds the module's state, never its architecture",
    ),
    Unsupported(
        "ModelCheckpoint",
        "initial_value_threshold",
        reason="Lightning's ModelCheckpoint has no initial threshold",
    ),
    Unsupported(
        "ModelCheckpoint",
        when=_templated_outside_the_name,
        reason="Lightning formats the filename's template only, not its directory or extension",
    ),
    Unsupported(
        "ModelCheckpoint",
        when=_filled_from_a_string,
        reason="Lightning logs tensors: a placeholder filled from a string log value has none",
    ),
    Unsupported(
        "ModelCheckpoint",
        when=_monitors_a_string,
        reason="Lightning logs tensors: a monitored value that is a string cannot be logged",
    ),
    Unsupported(
        "ModelCheckpoint",
        when=_filepath_not_a_path,
        reason="Lightning takes dirpath and filename: a filepath neither str nor PathLike"
        " has no counterpart",
    ),
]

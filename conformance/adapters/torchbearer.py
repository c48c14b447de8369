"""torchbearer 0.5.5's callbacks as a target:
`python -m conformance run conformance.adapters.torchbearer`.

torchbearer's hooks take one state mapping (torchbearer/trial.py, `Trial.run`): the fit
calls `on_start(state)`, then per epoch `on_start_epoch`, per training step
`on_step_training`, `on_start_validation`, `on_step_validation`, `on_end_validation`,
`on_end_epoch` and, right after it, `on_checkpoint`, and `on_end`. The state holds the
module under `MODEL`, the 0-based epoch under `EPOCH`, the step under `BATCH`, the hook's
metrics under `METRICS` (validation metrics prefixed `val_`, as Keras's) and the stop
flag under `STOP_TRAINING`: `StateStyle` says so. The callbacks are given a torch-style
view of the simulated model whose `state_dict()` is the network's, as torchbearer's
`MODEL` is an `nn.Module` (`TorchbearerModelView`).

What maps, and why:

* `EarlyStopping` is torchbearer's: monitor, min_delta, patience and mode ("auto" too:
  torchbearer's guesses max when "acc" is in the monitor's name). It stops at
  `on_end_epoch`. It has no baseline, restore_best_weights or start_from_epoch:
  declared unsupported. It has no verbosity either (it prints nothing): `verbose` is
  accepted and has no effect, as it would have none on torchbearer.
* `ModelCheckpoint` is torchbearer's `ModelCheckpoint`, the factory function that
  returns `Best` when `save_best_only=True` and `Interval` otherwise; both act in
  `on_checkpoint`, which the trial calls right after `on_end_epoch` (so Keras's
  `on_epoch_end` is `on_checkpoint` for it). Keras's `save_weights_only=True` is
  `save_model_params_only=True`: `torch.save(state[MODEL].state_dict(), filepath)`,
  which the suite reads as a weights file (`conformance.harness.sim_model` reads a
  torch-saved state dict of arrays); each save is recorded on the simulated model as
  the `save_weights` it stands for, once written, since torch.save does not call the
  model. `save_model_params_only=False` saves the whole torchbearer `Trial`
  (`state[SELF]`), which has no Keras counterpart; a `save_freq` in batches (the
  factory has no `on_batch`) and `initial_value_threshold` are not torchbearer's:
  declared unsupported. `verbose` has no effect (the checkpointers print nothing). Its
  `period` and `min_delta` keep their defaults (1 and 0): Keras 3 has neither.
* `LearningRateScheduler`: torchbearer's `TorchScheduler` callbacks wrap torch's
  schedulers, which need a real `torch.optim.Optimizer` and express torch's schedules,
  not Keras's `schedule(epoch, lr)` that returns the new rate: not mapped. `TensorBoard`:
  torchbearer's writes other tags at other steps, through tensorboardX: not mapped.

What it does differently is declared in `torchbearer.divergences.toml`, beside this module.
"""

from __future__ import annotations

import dataclasses
import io
from typing import Any

import torchbearer
from torchbearer import callbacks as torchbearer_callbacks

from conformance.adapters import (
    ArgumentMap,
    HookProtocol,
    LogKeys,
    StateStyle,
    TorchModelView,
    as_keras_callback,
)
from conformance.unsupported import Unsupported

__version__ = torchbearer.__version__


class TorchbearerModelView(TorchModelView):
    """torchbearer's `state[MODEL]`: a torch module, whose `state_dict()` a checkpointer
    saves with `torch.save`; here the simulated network's."""

    def state_dict(self) -> dict[str, Any]:
        return self.network.state_dict()

    def load_state_dict(self, state: Any, strict: bool = True) -> None:
        self.network.load_state_dict(state, strict)

    def torch_saved(self, filepath: str) -> None:
        """Record that `torch.save` wrote the weights to `filepath` as the simulated
        model's `save_weights` (torch.save overwrites, as Keras's call asks), made into
        an in-memory file of that name: the suite notes the call and the hook it was made
        in as any save's (its save clauses read both, and torch.save makes neither), and
        the file torch.save wrote stays as it is."""
        written = io.BytesIO()
        written.name = filepath
        self.simulated_model.save_weights(written, overwrite=True)


def _model_checkpoint(**arguments: Any) -> Any:
    """torchbearer's ModelCheckpoint factory (Best or Interval), each save it makes
    recorded on the model it saves (`TorchbearerModelView.torch_saved`) once written:
    `save_checkpoint` sets `most_recent` to the path right after its `torch.save`."""
    checkpointer = torchbearer_callbacks.ModelCheckpoint(**arguments)
    save_checkpoint = checkpointer.save_checkpoint

    def save_and_record(model_state: Any, overwrite_most_recent: bool = False) -> None:
        save_checkpoint(model_state, overwrite_most_recent)
        model_state[torchbearer.MODEL].torch_saved(checkpointer.most_recent)

    checkpointer.save_checkpoint = save_and_record
    return checkpointer


PROTOCOL = HookProtocol(
    hooks={
        "on_train_begin": "on_start",
        "on_train_end": "on_end",
        "on_epoch_begin": "on_start_epoch",
        "on_epoch_end": "on_end_epoch",
        "on_train_batch_begin": "on_sample",
        "on_train_batch_end": "on_step_training",
        "on_test_begin": "on_start_validation",
        "on_test_end": "on_end_validation",
        "on_test_batch_begin": "on_sample_validation",
        "on_test_batch_end": "on_step_validation",
    },
    logs={
        "on_test_end": LogKeys(prefix="val_"),
        "on_test_batch_end": LogKeys(prefix="val_"),
    },
    state=StateStyle(
        keys={
            "model": torchbearer.MODEL,
            "epoch": torchbearer.EPOCH,
            "batch": torchbearer.BATCH,
            "logs": torchbearer.METRICS,
            "stop": torchbearer.STOP_TRAINING,
        }
    ),
)

CHECKPOINT_PROTOCOL = dataclasses.replace(
    PROTOCOL, hooks={**PROTOCOL.hooks, "on_epoch_end": "on_checkpoint"}
)
"""The checkpointers act in `on_checkpoint`, which the trial calls right after
`on_end_epoch`, with the same state."""


def _silent(arguments: dict[str, Any]) -> dict[str, Any]:
    """torchbearer's callbacks have no verbosity (they print nothing): `verbose` goes,
    whatever its value (the messages Keras prints are declared divergences)."""
    return {name: value for name, value in arguments.items() if name != "verbose"}


def _params_only(arguments: dict[str, Any]) -> dict[str, Any]:
    """Keras's `save_weights_only=True` is torchbearer's `save_model_params_only=True`
    (False is declared unsupported); `verbose` goes (`_silent`)."""
    kept = _silent(arguments)
    kept["save_model_params_only"] = kept.pop("save_weights_only", False)
    return kept


EarlyStopping = as_keras_callback(
    "EarlyStopping",
    torchbearer_callbacks.EarlyStopping,
    PROTOCOL,
    ArgumentMap(dropped=("baseline", "restore_best_weights", "start_from_epoch"), convert=_silent),
)
ModelCheckpoint = as_keras_callback(
    "ModelCheckpoint",
    _model_checkpoint,
    CHECKPOINT_PROTOCOL,
    ArgumentMap(dropped=("save_freq", "initial_value_threshold"), convert=_params_only),
)

conformance_adapt_model = TorchbearerModelView
conformance_precision = "float64"
conformance_unsupported = [
    Unsupported("EarlyStopping", "baseline", reason="torchbearer's EarlyStopping has no baseline"),
    Unsupported(
        "EarlyStopping",
        "restore_best_weights",
        reason="torchbearer's EarlyStopping restores no weights (it has no such callback)",
    ),
    Unsupported(
        "EarlyStopping",
        "start_from_epoch",
        reason="torchbearer's EarlyStopping has no start_from_epoch",
    ),
    Unsupported(
        "ModelCheckpoint",
        "save_weights_only",
        supported=(True,),
        reason="save_model_params_only=False saves the whole torchbearer Trial (state[SELF]),"
        " which has no Keras counterpart",
    ),
    Unsupported(
        "ModelCheckpoint",
        "save_freq",
        supported=("epoch",),
        reason="the ModelCheckpoint factory checkpoints at epoch ends (its period counts epochs)",
    ),
    Unsupported(
        "ModelCheckpoint",
        "initial_value_threshold",
        reason="torchbearer's Best has no initial threshold",
    ),
]

"""skorch 1.4.0's EarlyStopping and Checkpoint as a target:
`python -m conformance run conformance.adapters.skorch`.

skorch's callbacks are given the net, `on_epoch_end(net, **kwargs)`, and read the epoch's
scores from `net.history[-1, key]`, which the net's loop fills (skorch/net.py: `fit`
initializes the history and the callbacks, `on_epoch_begin` opens an epoch numbered from
1, scoring callbacks record the scores, and a callback stops the fit by raising
`KeyboardInterrupt`, which `partial_fit` catches before `on_train_end`). `SkorchNetView`
is that net over the simulated model, with skorch's own `History`; `NetLoop` does for its
callbacks what the net's loop does around them: a new history and `initialize()` at each
fit, each epoch's logs recorded under skorch's names (`loss` is `train_loss`, `val_loss`
is `valid_loss`, other metrics keep their names), and a `KeyboardInterrupt` turned into
the stop it means.

What maps, and why:

* `EarlyStopping` is skorch's: `monitor` (under skorch's name), `patience`, `min_delta`
  as `threshold` with `threshold_mode="abs"` (Keras's min_delta is an absolute change;
  skorch's default is relative), `mode` as `lower_is_better` ("min" or "max": skorch
  has no "auto", declared unsupported), `restore_best_weights` as `load_best` (it loads
  the best epoch's `module_.state_dict()` at the train end). It has no baseline and no
  start_from_epoch: declared unsupported. It prints through the net's verbosity, not
  its own: `verbose` is accepted and the net is silent (`verbose=0`).
* `ModelCheckpoint` is skorch's Checkpoint saving the module's weights only (`f_params`,
  its other files off) through the net's `save_params` (the view's: the simulated
  model's weights file). Without `save_best_only` it saves every epoch
  (`monitor=None`); with it, it saves when `<monitor>_best` is true, which skorch's
  PassthroughScoring records (as the net's default `valid_loss` scoring does) from the
  epoch's value, given as the epoch's one batch. Keras's file name template becomes
  skorch's (`{epoch}` is `{last_epoch[epoch]}`: `skorch_template`). A whole model
  (`save_weights_only=False`), `save_freq` in batches, `initial_value_threshold`, mode
  "auto" with `save_best_only`, and a fit's `initial_epoch` (skorch numbers each fit's
  epochs from 1) are not skorch's: declared unsupported.
* `LearningRateScheduler`: skorch's LRScheduler builds a torch scheduler over a real
  `torch.optim.Optimizer` (`net.optimizer_`), and its schedules are torch's: `LambdaLR`'s
  `lr_lambda(epoch)` is a factor of the initial rate, not Keras's `schedule(epoch, lr)`
  returning the new rate from the current one, so a Keras schedule that reads `lr` has
  no skorch form. Not mapped. `TensorBoard`: skorch's TensorBoard callback writes other
  tags through torch's SummaryWriter: not mapped.

What it does differently is declared in `skorch.divergences.toml`, beside this module.
"""

from __future__ import annotations

import string
from typing import Any

import skorch
from skorch.callbacks import Checkpoint, PassthroughScoring
from skorch.callbacks import EarlyStopping as SkorchEarlyStopping
from skorch.history import History

from conformance.adapters import ArgumentMap, HookProtocol, TorchModelView, as_keras_callback
from conformance.harness.sim_model import SimModel
from conformance.unsupported import Unsupported

__version__ = skorch.__version__

SKORCH_NAMES = {"loss": "train_loss", "val_loss": "valid_loss"}
"""Keras's log keys that skorch's net records under other names."""


def skorch_name(key: str) -> str:
    """The history key skorch's net records Keras's log `key` under."""
    return SKORCH_NAMES.get(key, key)


class SkorchNetView(TorchModelView):
    """A skorch `NeuralNet` over the simulated model: its `history` (skorch's own
    `History`, filled by `NetLoop`), its `module_` (the network's state dict) and a
    silent `verbose`."""

    def __init__(self, model: SimModel) -> None:
        super().__init__(model)
        self.history = History()
        self.module_ = self.network
        self.verbose = 0

    def save_params(
        self, f_params: Any = None, f_module: Any = None, use_safetensors: bool = False
    ) -> None:
        """The net's `save_params` of the module's weights (the only file the adapter's
        Checkpoint asks for): the simulated model's weights file, overwritten as
        torch.save overwrites."""
        target = f_params if f_module is None else f_module
        self.simulated_model.save_weights(target, overwrite=True)


class NetLoop:
    """What skorch's net does around its `callbacks` (notified in order) in its fit
    loop, driven by Keras's hooks (the kit calls these with skorch's 1-based epochs)."""

    def __init__(self, *callbacks: Any) -> None:
        self.callbacks = callbacks
        self.net: Any = None

    def set_model(self, net: SkorchNetView) -> None:
        self.net = net

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        """`fit`: a new history, the callbacks initialized, then `on_train_begin`."""
        self.net.history = History()
        for callback in self.callbacks:
            callback.initialize()
            callback.on_train_begin(self.net)

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any]) -> None:
        """The net's own `on_epoch_begin`: an epoch numbered from 1, as skorch's are."""
        self.net.history.new_epoch()
        self.net.history.record("epoch", len(self.net.history))
        for callback in self.callbacks:
            callback.on_epoch_begin(self.net)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        """The epoch's scores recorded under skorch's names, at the epoch and as its one
        batch of size 1 (so a PassthroughScoring's batch average is the epoch's value);
        a `KeyboardInterrupt` is a callback's stop (`partial_fit` catches it, and the
        callbacks after it are not notified)."""
        history = self.net.history
        history.new_batch()
        history.record_batch("train_batch_size", 1)
        history.record_batch("valid_batch_size", 1)
        for key, value in logs.items():
            history.record(skorch_name(key), value)
            history.record_batch(skorch_name(key), value)
        try:
            for callback in self.callbacks:
                callback.on_epoch_end(self.net)
        except KeyboardInterrupt:
            self.net.stop_training = True

    def on_train_end(self, logs: dict[str, Any]) -> None:
        for callback in self.callbacks:
            callback.on_train_end(self.net)


PROTOCOL = HookProtocol(
    hooks={
        "on_train_begin": "on_train_begin",
        "on_train_end": "on_train_end",
        "on_epoch_begin": "on_epoch_begin",
        "on_epoch_end": "on_epoch_end",
    },
    epoch_base=1,
)


def _early_stopping(
    *,
    monitor: str = "val_loss",
    min_delta: float = 0.0,
    patience: int = 0,
    verbose: int = 0,
    mode: str = "min",
    restore_best_weights: bool = False,
) -> NetLoop:
    """skorch's EarlyStopping for Keras's arguments (`verbose` is the net's: silent)."""
    return NetLoop(
        SkorchEarlyStopping(
            monitor=skorch_name(monitor),
            patience=patience,
            threshold=min_delta,
            threshold_mode="abs",
            lower_is_better=mode == "min",
            load_best=restore_best_weights,
        )
    )


def skorch_template(filepath: Any) -> Any:
    """Keras's file name template (`m{epoch:02d}-{val_loss:.2f}`, formatted with the
    epoch and the logs) as skorch's (`{last_epoch[epoch]:02d}-{last_epoch[valid_loss]:.2f}`,
    formatted with the history's last epoch, whose `epoch` is 1-based as Keras's). A
    template Python cannot parse is given as is, to fail in skorch; so is anything but a
    str (a PathLike, None...), which skorch's Checkpoint takes as a target it does not
    format (`_format_target`)."""
    if not isinstance(filepath, str):
        return filepath
    try:
        fields = list(string.Formatter().parse(filepath))
    except ValueError:
        return filepath
    parts = []
    for literal, name, spec, conversion in fields:
        parts.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is not None:
            converted = f"!{conversion}" if conversion else ""
            parts.append(f"{{last_epoch[{skorch_name(name)}]{converted}:{spec}}}")
    return "".join(parts)


def _checkpoint(
    *,
    filepath: Any,
    monitor: str = "val_loss",
    verbose: int = 0,
    save_best_only: bool = False,
    save_weights_only: bool = True,
    mode: str = "min",
) -> NetLoop:
    """skorch's Checkpoint of the module's weights only (`f_params`, the other files
    off); with `save_best_only`, monitoring `<monitor>_best`, which skorch's
    PassthroughScoring (same direction) records before it, as the net's default
    `valid_loss` scoring does; without, every epoch (`monitor=None`)."""
    checkpoint = Checkpoint(
        monitor=f"{skorch_name(monitor)}_best" if save_best_only else None,
        f_params=skorch_template(filepath),
        f_optimizer=None,
        f_criterion=None,
        f_history=None,
    )
    if not save_best_only:
        return NetLoop(checkpoint)
    scoring = PassthroughScoring(
        name=skorch_name(monitor),
        lower_is_better=mode == "min",
        on_train=not skorch_name(monitor).startswith("valid_"),
    )
    return NetLoop(scoring, checkpoint)


EarlyStopping = as_keras_callback(
    "EarlyStopping",
    _early_stopping,
    PROTOCOL,
    ArgumentMap(dropped=("baseline", "start_from_epoch")),
)
ModelCheckpoint = as_keras_callback(
    "ModelCheckpoint",
    _checkpoint,
    PROTOCOL,
    ArgumentMap(dropped=("save_freq", "initial_value_threshold")),
)

conformance_adapt_model = SkorchNetView
# The scores are Python floats compared with each other and with np.inf: float64. The
# suite's monitor.precision cannot say so on skorch (at each precision its differences
# are declared divergences': patience 0 stopping at once, in the quick run);
# tests/adapters/test_skorch.py checks it by hand.
conformance_precision = "float64"
conformance_unsupported = [
    Unsupported(
        "EarlyStopping",
        "mode",
        supported=("min", "max"),
        reason="skorch's direction is lower_is_better, True or False: it has no auto",
    ),
    Unsupported("EarlyStopping", "baseline", reason="skorch's EarlyStopping has no baseline"),
    Unsupported(
        "EarlyStopping", "start_from_epoch", reason="skorch's EarlyStopping has no start_from_epoch"
    ),
    Unsupported(
        "ModelCheckpoint",
        "mode",
        supported=("min", "max"),
        when=lambda scenario: bool(scenario.config.get("save_best_only")),
        reason="skorch's direction is lower_is_better, True or False: it has no auto"
        " (without save_best_only no direction is used)",
    ),
    Unsupported(
        "ModelCheckpoint",
        "save_weights_only",
        supported=(True,),
        reason="skorch's Checkpoint saves the module's parameters (or pickles the whole net),"
        " never a Keras model file",
    ),
    Unsupported(
        "ModelCheckpoint",
        "save_freq",
        supported=("epoch",),
        reason="skorch's Checkpoint acts at epoch ends only",
    ),
    Unsupported(
        "ModelCheckpoint",
        "initial_value_threshold",
        reason="skorch's scoring callbacks have no initial threshold",
    ),
    Unsupported(
        "ModelCheckpoint",
        when=lambda scenario: any(fit.initial_epoch for fit in scenario.fits),
        reason="skorch's fit has no initial_epoch: its epochs, and so a file name's"
        " epoch, are numbered from 1 in each fit",
    ),
]

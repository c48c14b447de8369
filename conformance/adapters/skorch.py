"""skorch 1.4.0's EarlyStopping as a target:
`python -m conformance run conformance.adapters.skorch`.

skorch's callbacks are given the net, `on_epoch_end(net, **kwargs)`, and read the epoch's
scores from `net.history[-1, key]`, which the net's loop fills (skorch/net.py: `fit`
initializes the history and the callbacks, `on_epoch_begin` opens an epoch numbered from
1, scoring callbacks record the scores, and a callback stops the fit by raising
`KeyboardInterrupt`, which `partial_fit` catches before `on_train_end`). `SkorchNetView`
is that net over the simulated model, with skorch's own `History`; `NetLoop` does for one
callback what the net's loop does around it: a new history and `initialize()` at each
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
* `ModelCheckpoint`: skorch's Checkpoint saves when a boolean history key (`valid_loss_best`,
  which another callback, PassthroughScoring, computes) is true, formats its file names
  with `{last_epoch[...]}` rather than Keras's `{epoch}`, and writes its files through
  `net.save_params`, the net's code: checking it needs a scoring callback, a file-name
  translation and a net's saving written here. Not mapped (not done in this pass).
* `LearningRateScheduler`: skorch's LRScheduler builds a torch scheduler over a real
  `torch.optim.Optimizer` (`net.optimizer_`), and its schedules are torch's: `LambdaLR`'s
  `lr_lambda(epoch)` is a factor of the initial rate, not Keras's `schedule(epoch, lr)`
  returning the new rate from the current one, so a Keras schedule that reads `lr` has
  no skorch form. Not mapped. `TensorBoard`: skorch's TensorBoard callback writes other
  tags through torch's SummaryWriter: not mapped.

What it does differently is declared in `skorch.divergences.toml`, beside this module.
"""

from __future__ import annotations

from typing import Any

import skorch
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


class NetLoop:
    """What skorch's net does around one callback (`callback`) in its fit loop, driven
    by Keras's hooks (the kit calls these with skorch's 1-based epoch numbers)."""

    def __init__(self, callback: Any) -> None:
        self.callback = callback
        self.net: Any = None

    def set_model(self, net: SkorchNetView) -> None:
        self.net = net

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        """`fit`: a new history, the callbacks initialized, then `on_train_begin`."""
        self.net.history = History()
        self.callback.initialize()
        self.callback.on_train_begin(self.net)

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any]) -> None:
        """The net's own `on_epoch_begin`: an epoch numbered from 1, as skorch's are."""
        self.net.history.new_epoch()
        self.net.history.record("epoch", len(self.net.history))
        self.callback.on_epoch_begin(self.net)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        """The epoch's scores recorded, as the net's scoring callbacks record them; a
        `KeyboardInterrupt` is the callback's stop (`partial_fit` catches it)."""
        for key, value in logs.items():
            self.net.history.record(skorch_name(key), value)
        try:
            self.callback.on_epoch_end(self.net)
        except KeyboardInterrupt:
            self.net.stop_training = True

    def on_train_end(self, logs: dict[str, Any]) -> None:
        self.callback.on_train_end(self.net)


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


EarlyStopping = as_keras_callback(
    "EarlyStopping",
    _early_stopping,
    PROTOCOL,
    ArgumentMap(dropped=("baseline", "start_from_epoch")),
)

conformance_adapt_model = SkorchNetView
# The scores are Python floats compared with each other and with np.inf: float64. The
# suite's monitor.precision cannot say so on skorch (at each precision its differences
# are the declared NaN divergence's); tests/adapters/test_skorch.py checks it by hand.
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
]

"""Hugging Face transformers 5.x's EarlyStoppingCallback as a target:
`python -m conformance run conformance.adapters.transformers`.

transformers' callbacks take `(args, state, control, **kwargs)`: the `TrainingArguments`,
the `TrainerState` and the `TrainerControl` the Trainer keeps. Its EarlyStoppingCallback
acts in `on_evaluate(args, state, control, metrics)`, after each evaluation: it compares
the monitored `eval_` metric with `state.best_metric` and, after
`early_stopping_patience` evaluations without improvement, sets
`control.should_training_stop`. The callback does not keep the best value itself: the
Trainer does, in `Trainer._determine_best_metric`, right after the callbacks'
`on_evaluate` (`Trainer._maybe_log_save_evaluate`).

`TrainerLoop` is the smallest honest stand-in for that part of the Trainer: a fit
(Keras's `on_train_begin`) starts with a new `TrainerState` and `TrainerControl`, as
`Trainer.train` does; each epoch end is an evaluation (`eval_strategy="epoch"`) whose
metrics are the epoch's logs, what Keras's EarlyStopping reads, each key prefixed
`eval_` as `Trainer.evaluate` prefixes its metrics (`loss` is `eval_loss`, `val_loss`
`eval_val_loss`: the Trainer evaluates on whatever data it is given). It calls the
callback's `on_evaluate`, then transformers' own `Trainer._determine_best_metric`, called
unbound on the loop, which has the `args` and `state` that method reads. Its
`control.should_training_stop` is the kit state's stop flag.

What maps, and why:

* `EarlyStopping` is EarlyStoppingCallback with `TrainingArguments(metric_for_best_model,
  greater_is_better, eval_strategy="epoch")`: Keras's monitor is `metric_for_best_model`,
  mode "min"/"max" is `greater_is_better` False/True and "auto" is None (transformers
  then infers it from the name: greater unless it ends with "loss"); patience is
  `early_stopping_patience`, min_delta `early_stopping_threshold`. Baseline,
  start_from_epoch, restore_best_weights (the Trainer's `load_best_model_at_end` reloads
  a saved checkpoint, not the callback's weights) and verbose cannot be expressed:
  declared unsupported.
* `ModelCheckpoint` (the Trainer's `save_strategy`), `LearningRateScheduler` (the
  Trainer's `lr_scheduler_type`) and `TensorBoard` (an integration logging other tags)
  are the Trainer's own, not callbacks of its: not mapped.

What it does differently is declared in `transformers.divergences.toml`, beside this
module.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import transformers
from transformers import (
    EarlyStoppingCallback,
    Trainer,
    TrainerControl,
    TrainerState,
    TrainingArguments,
)

from conformance.adapters import (
    ArgumentMap,
    HookProtocol,
    LogKeys,
    StateStyle,
    as_keras_callback,
)
from conformance.unsupported import Unsupported

__version__ = transformers.__version__

GREATER_IS_BETTER = {"min": False, "max": True, "auto": None}
"""Keras's mode -> `TrainingArguments.greater_is_better` (None: transformers infers it)."""


class TrainerLoop:
    """The Trainer's part around one EarlyStoppingCallback (module docstring)."""

    def __init__(self, args: TrainingArguments, callback: EarlyStoppingCallback) -> None:
        self.args = args
        self.callback = callback
        self.state = TrainerState()
        self.control = TrainerControl()

    def on_train_begin(self, kit_state: MutableMapping[str, Any]) -> None:
        self.state, self.control = TrainerState(), TrainerControl()
        self.callback.on_train_begin(self.args, self.state, self.control)

    def on_evaluate(self, kit_state: MutableMapping[str, Any]) -> None:
        metrics = kit_state["metrics"]
        self.control.should_training_stop = kit_state["should_training_stop"]
        self.callback.on_evaluate(self.args, self.state, self.control, metrics=metrics)
        Trainer._determine_best_metric(self, metrics=metrics, trial=None)  # type: ignore[arg-type]
        kit_state["should_training_stop"] = self.control.should_training_stop


def _early_stopping(
    *, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 0, mode: str = "auto"
) -> TrainerLoop:
    """EarlyStoppingCallback in a TrainerLoop, for Keras's arguments (module docstring)."""
    args = TrainingArguments(
        metric_for_best_model=monitor,
        greater_is_better=GREATER_IS_BETTER[mode],
        eval_strategy="epoch",
        save_strategy="no",
        report_to="none",
    )
    callback = EarlyStoppingCallback(
        early_stopping_patience=patience, early_stopping_threshold=min_delta
    )
    return TrainerLoop(args, callback)


PROTOCOL = HookProtocol(
    hooks={"on_train_begin": "on_train_begin", "on_epoch_end": "on_evaluate"},
    logs={"on_epoch_end": LogKeys(prefix="eval_")},
    state=StateStyle(keys={"logs": "metrics", "stop": "should_training_stop"}),
)


EarlyStopping = as_keras_callback(
    "EarlyStopping",
    _early_stopping,
    PROTOCOL,
    ArgumentMap(dropped=("baseline", "start_from_epoch", "restore_best_weights", "verbose")),
)

# np.less and np.greater on Python floats. The quick profile's monitor.precision scenarios
# all have patience 0, a declared divergence, so it judges none of them: a direct test
# (tests/adapters/test_transformers.py) shows the float64 comparison.
conformance_precision = "float64"
conformance_unsupported = [
    Unsupported(
        "EarlyStopping",
        "mode",
        supported=tuple(GREATER_IS_BETTER),
        reason="greater_is_better is True, False or None (inferred)",
    ),
    Unsupported("EarlyStopping", "baseline", reason="EarlyStoppingCallback has no baseline"),
    Unsupported(
        "EarlyStopping",
        "start_from_epoch",
        reason="EarlyStoppingCallback has no start_from_epoch",
    ),
    Unsupported(
        "EarlyStopping",
        "restore_best_weights",
        reason="the Trainer's load_best_model_at_end reloads a saved checkpoint",
    ),
    Unsupported("EarlyStopping", "verbose", reason="EarlyStoppingCallback prints nothing"),
]

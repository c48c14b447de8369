"""The example run of every clause, as data: a scenario per clause, run on the reference
when the site is built (`<!-- example: <id> -->` in `docs/*.md`).

`expect` holds what the docs say the run shows: `tests/test_docs_examples.py` renders every
example and requires it, so a change of the reference that contradicts a page fails the
tests, not only the build. Clauses without an example are in `PROSE_ONLY`, with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from conformance.docs_site.example import Example
from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import Scenario
from conformance.harness.sim_model import ModelSpec

MISSING: Any = object()
"""A value in `fit(...)`: the key is absent from that epoch's logs."""


class Shown:
    """A schedule, or any callable argument, that shows as its source in the docs."""

    def __init__(self, text: str, function: Callable[..., Any]) -> None:
        self.text = text
        self.function = function

    def build(self) -> Callable[..., Any]:  # the harness calls `build()` on arguments
        return self.function

    def __repr__(self) -> str:
        return self.text


def fit(
    key: str,
    values: Sequence[Any],
    *,
    initial_epoch: int = 0,
    batches: int = 1,
    steps_per_execution: int = 1,
    stop_at: int | None = None,
    extra: dict[str, Any] | None = None,
) -> FitPlan:
    """A fit whose epochs log `key` with `values` (`val_<m>` keys come from validation)."""
    epochs = []
    for value in values:
        metrics: dict[str, Any] = dict(extra or {})
        validation = None
        if key.startswith("val_"):
            metrics.setdefault("loss", 1.0)
            if value is not MISSING:
                validation = {key.removeprefix("val_"): value}
        elif value is not MISSING:
            metrics[key] = value
        epochs.append(EpochPlan(metrics, batches=batches, validation=validation))
    return FitPlan(epochs, initial_epoch, steps_per_execution, stop_at)


def scenario(
    callback: str, config: dict[str, Any], *fits: FitPlan, model: ModelSpec | None = None
) -> Scenario:
    return Scenario(callback, config, model or ModelSpec(), list(fits))


def es(config: dict[str, Any], *fits: FitPlan, model: ModelSpec | None = None) -> Scenario:
    return scenario("EarlyStopping", {"monitor": "loss", **config}, *fits, model=model)


WAIT_BEST = ("logs:loss", "state:wait", "state:best")

# --- the monitor rule ------------------------------------------------------------------------

MONITOR: dict[str, Example] = {
    "monitor.mode.unknown-warns": Example(
        (
            es({"mode": "maximum"}, fit("loss", [2.0, 1.0])),
            scenario("ModelCheckpoint", {"filepath": "m.keras", "mode": "Min"}),
        ),
        style="cases",
        columns=("state:mode",),
        expect=(
            "EarlyStopping mode 'maximum' is unknown, fallback to auto mode.",
            "ModelCheckpoint mode 'Min' is unknown, fallback to auto mode.",
        ),
    ),
    "monitor.mode.auto": Example(
        (
            es({"monitor": "val_loss"}, fit("val_loss", [1.0])),
            es(
                {"monitor": "val_accuracy"},
                fit("val_accuracy", [0.5]),
                model=ModelSpec(metrics=("accuracy",)),
            ),
            es(
                {"monitor": "mean_squared_error"},
                fit("mean_squared_error", [0.5]),
                model=ModelSpec(metrics=("mean_squared_error",)),
            ),
            es({"monitor": "accuracy"}, fit("accuracy", [0.5])),
            es({"monitor": "custom"}, fit("custom", [0.5]), model=ModelSpec(metrics=("custom",))),
        ),
        style="cases",
        labels=(
            "`monitor='val_loss'`",
            "`monitor='val_accuracy'`, metrics `['accuracy']`",
            "`monitor='mean_squared_error'`, metrics `['mean_squared_error']`",
            "`monitor='accuracy'`, no compiled metrics",
            "`monitor='custom'`, metrics `['custom']` (no `_direction`)",
        ),
        columns=("state:monitor_op",),
        note="Each row is a one-epoch `fit` with `EarlyStopping(mode='auto')`; "
        "`less` minimises, `greater` maximises.",
        expect=("`less`", "`greater`", "isn't able to automatically determine"),
    ),
    "monitor.improvement.strict": Example(
        (es({"min_delta": 0.5, "patience": 3}, fit("loss", [2.0, 1.5, 1.0, math.nan])),),
        columns=WAIT_BEST,
        note="Epoch 1 is better by exactly `min_delta`: not an improvement. Epoch 2 is better"
        " than `best` (2.0) by more than 0.5. NaN improves on nothing.",
        expect=("| 1 | `1.5` | `1` | `2.0` |", "| 2 | `1.0` | `0` | `1.0` |"),
    ),
    "monitor.precision": Example(
        (es({"patience": 1}, fit("loss", [1.0, 0.99999999, 0.5])),),
        columns=WAIT_BEST,
        note="`0.99999999` and `1.0` are the same float32: a tie, so the run stops at epoch 1"
        " (on jax and TensorFlow; in float64, on Keras's numpy backend, it improves).",
        expect=("| 1 | `0.99999999` | `1` | `1.0` | sets `stop_training` |",),
    ),
    "monitor.min-delta.sign-flip-once": Example(
        (es({"min_delta": 0.5}, fit("loss", [1.0]), fit("loss", [1.0])),),
        columns=("state:min_delta", "state:monitor_op"),
        note="`min_delta=0.5` becomes `-0.5` when the first epoch end resolves `min` mode, and"
        " stays so in the second `fit`: the direction is resolved once per instance.",
        expect=("| 1 | 0 | `-0.5` | `less` |", "| 2 | 0 | `-0.5` | `less` |"),
    ),
}

# --- EarlyStopping ---------------------------------------------------------------------------

EARLY_STOPPING: dict[str, Example] = {
    "early_stopping.patience.counts-before-test": Example(
        (es({"patience": 3}, fit("loss", [3.0, 2.0, 2.5, 2.5, 2.0, 1.0])),),
        columns=WAIT_BEST,
        note="Epoch 4 ties with `best`: not an improvement, `wait` reaches 3 = `patience`."
        " Epoch 5 never runs.",
        expect=("| 4 | `2.0` | `3` | `2.0` | sets `stop_training` |",),
    ),
    "early_stopping.patience.zero-is-one": Example(
        tuple(es({"patience": p}, fit("loss", [1.0, 2.0, 3.0])) for p in (0, 1, -3, 2)),
        style="cases",
        expect=(
            "EarlyStopping(monitor='loss', patience=0) | `on_epoch_end(1)`: sets `stop_training`",
            "EarlyStopping(monitor='loss', patience=-3) | `on_epoch_end(1)`: sets `stop_training`",
            "EarlyStopping(monitor='loss', patience=2) | `on_epoch_end(2)`: sets `stop_training`",
        ),
    ),
    "early_stopping.stop.never-at-epoch-zero": Example(
        (es({"patience": 0}),),
        style="hooks",
        hooks=("on_epoch_end",),
        columns=("logs", "state:wait", "state:best"),
        direct=(
            ("on_train_begin", None, {}),
            ("on_epoch_end", 3, {"loss": 1.0}),
            ("on_epoch_end", 0, {"loss": 2.0}),
            ("on_epoch_end", 1, {"loss": 2.0}),
        ),
        setup="`EarlyStopping(monitor='loss', patience=0)` driven directly (no `fit` feeds"
        " epoch 0 after another epoch): `on_train_begin`, then three epoch ends.",
        expect=(
            "`on_epoch_end(0)` | `{'loss': 2.0}` | `1` | `1.0` |  |",
            "`on_epoch_end(1)` | `{'loss': 2.0}` | `2` | `1.0` | sets `stop_training`",
        ),
    ),
    "early_stopping.monitor.skipped-epochs": Example(
        (
            es(
                {"monitor": "val_loss", "patience": 1, "start_from_epoch": 1},
                fit("val_loss", [1.0, MISSING, 2.0, 3.0, 4.0]),
            ),
        ),
        columns=("logs:val_loss", "state:wait", "state:best"),
        note="Epoch 0 is below `start_from_epoch`, epoch 1 has no validation: neither counts,"
        " so epoch 2 is the first monitored epoch, and epoch 3 the first that can stop.",
        expect=("| 0 | `1.0` | `0` | `None` |", "| 3 | `3.0` | `1` | `2.0` | sets `stop_training`"),
    ),
    "early_stopping.monitor.missing-warns": Example(
        (es({"monitor": "val_loss"}, fit("loss", [1.0], extra={"accuracy": 0.5})),),
        columns=("logs",),
        expect=(
            "Early stopping conditioned on metric &#96;val_loss&#96; which is not available."
            " Available metrics are: accuracy,loss",
        ),
    ),
    "early_stopping.mode.resolved-at-first-epoch-end": Example(
        (
            es(
                {"monitor": "custom", "start_from_epoch": 5},
                fit("custom", [1.0, 0.5]),
                model=ModelSpec(metrics=("custom",)),
            ),
        ),
        style="hooks",
        note="Epoch 0 is a warm-up epoch (`start_from_epoch=5`), yet the direction is resolved"
        " there and fails; `fit` ends at once, without `on_train_end`.",
        expect=("`on_epoch_end(0)`", "ValueError", "isn't able to automatically determine"),
    ),
    "early_stopping.baseline.not-initial-best": Example(
        (es({"baseline": 1.0, "patience": 3}, fit("loss", [5.0, 4.0, 0.5, 0.6])),),
        columns=WAIT_BEST,
        note="`best` starts from the first value, 5.0, not from the baseline 1.0; only epoch 2,"
        " below the baseline, resets `wait`.",
        expect=("| 0 | `5.0` | `1` | `5.0` |", "| 2 | `0.5` | `0` | `0.5` |"),
    ),
    "early_stopping.baseline.gates-wait-reset": Example(
        (es({"baseline": 1.0, "patience": 2}, fit("loss", [10.0, 9.0, 8.0, 7.0, 7.0])),),
        columns=WAIT_BEST,
        note="Every epoch up to 3 improves, so none can stop, although `wait` passes"
        " `patience`; the first epoch that does not improve (4) stops at once.",
        expect=(
            "| 3 | `7.0` | `4` | `7.0` |  |",
            "| 4 | `7.0` | `5` | `7.0` | sets `stop_training`",
        ),
    ),
    "early_stopping.nan.first-value-becomes-best": Example(
        (
            es(
                {"patience": 2, "restore_best_weights": True},
                fit("loss", [math.nan, 1.0, 0.5, 0.25]),
            ),
        ),
        columns=WAIT_BEST,
        expect=(
            "| 2 | `0.5` | `2` | `nan` | sets `stop_training`",
            "restores the weights of epoch 0",
        ),
    ),
    "early_stopping.restore.always-at-train-end": Example(
        (
            es(
                {"patience": 5, "restore_best_weights": True},
                fit("loss", [3.0, 1.0, 2.0, 2.0]),
            ),
        ),
        columns=WAIT_BEST,
        note="The run completes (patience 5 is never reached); train end still restores"
        " epoch 1's weights.",
        expect=("| train end |", "restores the weights of epoch 1"),
    ),
    "early_stopping.restore.weights-read-twice": Example(
        (es({"restore_best_weights": True, "patience": 3}, fit("loss", [1.0, 0.5, 0.7])),),
        columns=WAIT_BEST,
        show_reads=True,
        expect=("| 0 | `1.0` | `0` | `1.0` | reads the weights twice |",),
    ),
    "early_stopping.reuse.resets-per-fit": Example(
        (es({"patience": 1}, fit("loss", [1.0, 2.0]), fit("loss", [5.0, 6.0])),),
        columns=WAIT_BEST,
        note="The second `fit` starts from `best = None`: 5.0 becomes `best` although the first"
        " fit reached 1.0.",
        expect=("| 2 | 0 | `5.0` | `0` | `5.0` |",),
    ),
    "early_stopping.verbose.messages": Example(
        (
            es(
                {"patience": 1, "verbose": 1, "restore_best_weights": True},
                fit("loss", [1.0, 2.0]),
            ),
        ),
        columns=("logs:loss",),
        expect=(
            "prints `Epoch 2: early stopping`",
            "prints `Restoring model weights from the end of the best epoch: 1.`",
        ),
    ),
}

# --- LearningRateScheduler ------------------------------------------------------------------


def lrs(config: dict[str, Any], *fits: FitPlan, model: ModelSpec | None = None) -> Scenario:
    return scenario("LearningRateScheduler", config, *fits, model=model)


def _masked(epoch: int, lr: float | None = None) -> float:
    if lr is not None:
        raise TypeError("raised inside the schedule")
    return 0.25


def _two_arguments_raising(epoch: int, lr: float) -> float:
    raise TypeError("raised inside the schedule")


def _docstring_schedule(epoch: int, lr: float) -> Any:
    if epoch < 10:
        return lr
    return np.asarray(lr * math.exp(-0.1))  # stands for `lr * ops.exp(-0.1)`, a tensor


PLUS_EPOCH = Shown("lambda epoch, lr: lr + epoch", lambda epoch, lr: lr + epoch)
HALVE = Shown("lambda epoch, lr: lr / 2", lambda epoch, lr: lr / 2)
LOSS = {"loss": 1.0}

LEARNING_RATE_SCHEDULER: dict[str, Example] = {
    "learning_rate_scheduler.init.no-validation": Example(
        (lrs({"schedule": "not a function"}, fit("loss", [1.0, 1.0])),),
        style="hooks",
        hooks=("__init__", "on_epoch_begin"),
        expect=("TypeError: 'str' object is not callable",),
        note="The constructor accepts the string; the first epoch begin calls it.",
    ),
    "learning_rate_scheduler.schedule.absolute-epoch": Example(
        (lrs({"schedule": PLUS_EPOCH}, fit("loss", [1.0, 1.0, 1.0], initial_epoch=2)),),
        columns=("rate",),
        note="The model's optimizer starts at 0.5. With `initial_epoch=2` the first call is"
        " `schedule(2, 0.5)`: the epoch index is absolute, the rate is the current one.",
        expect=("| 2 | `2.5` | sets the rate to 2.5 |", "| 4 | `9.5` |"),
    ),
    "learning_rate_scheduler.schedule.one-argument": Example(
        (
            lrs(
                {"schedule": Shown("lambda epoch: 0.125 * (epoch + 1)", lambda e: 0.125 * (e + 1))},
                fit("loss", [1.0, 1.0, 1.0]),
            ),
        ),
        columns=("rate",),
        expect=("| 0 | `0.125` |", "| 2 | `0.375` |"),
    ),
    "learning_rate_scheduler.schedule.type-error-falls-back": Example(
        (
            lrs(
                {"schedule": Shown("masked(epoch, lr=None)", _masked)},
                fit("loss", [1.0]),
            ),
            lrs(
                {"schedule": Shown("raising(epoch, lr)", _two_arguments_raising)},
                fit("loss", [1.0]),
            ),
        ),
        style="cases",
        labels=(
            "`def masked(epoch, lr=None)`: raises `TypeError` when given `lr`, else returns 0.25",
            "`def raising(epoch, lr)`: always raises `TypeError('raised inside the schedule')`",
        ),
        columns=("rate",),
        expect=(
            "`on_epoch_begin(0)`: sets the rate to 0.25",
            "missing 1 required positional argument: 'lr'",
        ),
        note="In the second row the schedule's own error is lost: what surfaces is the retry's.",
    ),
    "learning_rate_scheduler.schedule.float-only": Example(
        tuple(
            lrs({"schedule": Shown(text, function)}, fit("loss", [1.0]))
            for text, function in (
                ("lambda epoch, lr: 0.25", lambda e, lr: 0.25),
                ("lambda epoch, lr: np.float32(0.25)", lambda e, lr: np.float32(0.25)),
                ("lambda epoch, lr: np.float64(0.25)", lambda e, lr: np.float64(0.25)),
                ("lambda epoch, lr: 1", lambda e, lr: 1),
                ("lambda epoch, lr: True", lambda e, lr: True),
                ("lambda epoch, lr: np.float16(0.25)", lambda e, lr: np.float16(0.25)),
                ("lambda epoch, lr: np.array(0.25)", lambda e, lr: np.array(0.25)),
            )
        ),
        style="cases",
        columns=("rate",),
        note="The model's optimizer starts at 0.5: a rejected result leaves it there.",
        expect=(
            "ValueError: The output of the &#96;schedule&#96; function should be a float. Got: 1",
            "Got: True",
        ),
    ),
    "learning_rate_scheduler.schedule.docstring-example-rejected": Example(
        (
            lrs(
                {"schedule": Shown("scheduler", _docstring_schedule)},
                fit("loss", [1.0, 1.0], initial_epoch=9),
            ),
        ),
        columns=("rate",),
        setup="The docstring's `scheduler` (keep `lr` for ten epochs, then `lr *"
        " ops.exp(-0.1)`), with a 0-d numpy array standing for the backend tensor `ops.exp`"
        " returns; one `fit` from `initial_epoch=9`.",
        expect=("| 10 |", "should be a float. Got: 0.45241870901797976"),
    ),
    "learning_rate_scheduler.optimizer.needs-learning-rate": Example(
        (lrs({"schedule": HALVE}, fit("loss", [1.0]), model=ModelSpec(optimizer="none")),),
        expect=('ValueError: Optimizer must have a "learning_rate" attribute.',),
    ),
    "learning_rate_scheduler.optimizer.multi": Example(
        (
            lrs(
                {"schedule": HALVE},
                fit("loss", [1.0, 1.0]),
                model=ModelSpec(optimizer="multi"),
            ),
        ),
        columns=("rate", "out:learning_rate_first", "out:learning_rate_second"),
        note="The sub-optimizers start at 0.5 (`first`) and 0.25 (`second`).",
        expect=("| 0 | `0.25, 0.125` | `0.25` | `0.125` |",),
    ),
    "learning_rate_scheduler.logs.rate-read-back": Example(
        (
            lrs(
                {"schedule": HALVE},
                fit("loss", [1.0, 1.0], extra={"learning_rate": 9.0}),
            ),
        ),
        columns=("logs:learning_rate", "out:learning_rate"),
        show_history=True,
        note="The loop's logs carry a `learning_rate` of 9.0; the callback overwrites it with"
        " the optimizer's rate, and History, after it in the list, records that.",
        expect=("| 0 | `9.0` | `0.25` |", "'learning_rate': [0.25, 0.125]"),
    ),
    "learning_rate_scheduler.logs.empty-logs-dropped": Example(
        (lrs({"schedule": HALVE}, fit("loss", [MISSING, MISSING])),),
        columns=("logs", "rate", "out:learning_rate"),
        show_history=True,
        note="The epochs log no metric at all: the rate is written into a dict of the"
        " callback's own, so neither the loop's logs nor History get it.",
        expect=("| 0 | `{}` | `0.25` | — |", "`History` recorded: `{}`"),
    ),
    "learning_rate_scheduler.verbose.messages": Example(
        (lrs({"schedule": HALVE, "verbose": 1}, fit("loss", [1.0, 1.0])),),
        expect=("prints `Epoch 1: LearningRateScheduler setting learning rate to 0.25.`",),
    ),
}

EXAMPLES: dict[str, Example] = {**MONITOR, **EARLY_STOPPING, **LEARNING_RATE_SCHEDULER}

PROSE_ONLY: dict[str, str] = {}
"""Clauses whose docs entry explains them in prose, with why there is no example run."""

"""The example run of every clause, as data: a scenario per clause, run on the reference
when the site is built (`<!-- example: <id> -->` in `docs/*.md`).

`expect` holds what the docs say the run shows: `tests/site/test_docs_examples.py` renders every
example and requires it, so a change of the reference that contradicts a page fails the
tests, not only the build. Clauses without an example are in `PROSE_ONLY`, with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import PurePosixPath
from typing import Any

import numpy as np

import reference
from conformance.docs_site.example import Example, Probe
from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import Scenario
from conformance.harness.sim_model import Embedding, ModelSpec, Weight

MISSING: Any = object()
"""A value in `fit(...)`: the key is absent from that epoch's logs."""


class Shown:
    """A schedule, or any callable argument, that shows as its source in the docs."""

    def __init__(self, text: str, function: Callable[..., Any]) -> None:
        self.text = text
        self.function = function

    def build(self, backend: str | None = None) -> Callable[..., Any]:  # called by the harness
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
            "monitor='loss', patience=0 | `on_epoch_end(1)`: sets `stop_training`",
            "monitor='loss', patience=-3 | `on_epoch_end(1)`: sets `stop_training`",
            "monitor='loss', patience=2 | `on_epoch_end(2)`: sets `stop_training`",
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


FLOAT_ONLY_SCHEDULES: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("lambda epoch, lr: 0.25", lambda e, lr: 0.25),
    ("lambda epoch, lr: np.float32(0.25)", lambda e, lr: np.float32(0.25)),
    ("lambda epoch, lr: np.float64(0.25)", lambda e, lr: np.float64(0.25)),
    ("lambda epoch, lr: 1", lambda e, lr: 1),
    ("lambda epoch, lr: True", lambda e, lr: True),
    ("lambda epoch, lr: np.float16(0.25)", lambda e, lr: np.float16(0.25)),
    ("lambda epoch, lr: np.array(0.25)", lambda e, lr: np.array(0.25)),
)
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
            for text, function in FLOAT_ONLY_SCHEDULES
        ),
        style="cases",
        labels=tuple(f"`{text}`" for text, _ in FLOAT_ONLY_SCHEDULES),
        columns=("rate",),
        note="Each row: `LearningRateScheduler(schedule)`, one epoch. The model's optimizer"
        " starts at 0.5: a rejected result leaves it there.",
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

# --- ModelCheckpoint -------------------------------------------------------------------------


def mc(config: dict[str, Any], *fits: FitPlan, model: ModelSpec | None = None) -> Scenario:
    return scenario("ModelCheckpoint", config, *fits, model=model)


def _save_raises(error: OSError) -> Callable[[Any], Any]:
    """A model adapter: the model's `save` raises `error` (as h5py or a full disk might)."""

    def adapt(model: Any) -> Any:
        def save(filepath: str, overwrite: bool = True, **kwargs: Any) -> None:
            raise error

        model.save = save
        return model

    return adapt


def _logs(*epochs: dict[str, Any], batches: int = 1) -> FitPlan:
    """A fit whose epochs log exactly these metrics."""
    return FitPlan([EpochPlan(dict(metrics), batches=batches) for metrics in epochs])


BEST_ONLY = {"filepath": "best.keras", "monitor": "val_loss", "save_best_only": True}
SAVES = ("state:best",)
ON_SAVES = ("on_epoch_end", "on_train_batch_end")

MODEL_CHECKPOINT: dict[str, Example] = {
    "model_checkpoint.init.save-freq": Example(
        tuple(
            mc({"filepath": path, "save_freq": value})
            for path, value in (
                ("m.keras", "epoch"),
                ("m.keras", 3),
                ("m.keras", 0),
                ("m.keras", True),
                ("m.keras", "batch"),
                ("m.keras", 2.5),
                ("m.keras", None),
                ("m.txt", "batch"),
            )
        ),
        style="cases",
        columns=("state:save_freq",),
        expect=(
            "filepath='m.keras', save_freq=True | `True` | constructed",
            "ValueError: Unrecognized save_freq: batch. Expected save_freq are 'epoch' or"
            " integer values",
            "filepath='m.txt', save_freq='batch' | `'batch'` | constructor:"
            " **raises** `ValueError: Unrecognized save_freq",
        ),
        note="The last row has a bad extension too: the `save_freq` check comes first.",
    ),
    "model_checkpoint.init.extension": Example(
        tuple(
            mc({"filepath": path, "save_weights_only": weights})
            for path, weights in (
                ("m.keras", False),
                ("m.h5", False),
                ("m.weights.h5", False),
                ("m.weights.h5", True),
                ("m.h5", True),
                ("m.keras", True),
                ("m-{epoch}", False),
            )
        ),
        style="cases",
        note="`m.weights.h5` without `save_weights_only` is accepted: `model.save` then writes"
        " a legacy full-model HDF5 file there. The template is checked unformatted.",
        expect=(
            "filepath='m.weights.h5', save_weights_only=False | constructed",
            "filepath provided must end in &#96;.weights.h5&#96;",
        ),
    ),
    "model_checkpoint.init.extension-message-omits-h5": Example(
        (mc({"filepath": "m.h5"}), mc({"filepath": "m.ckpt"})),
        style="cases",
        expect=(
            "The filepath provided must end in &#96;.keras&#96; (Keras model format). Received:"
            " filepath=<run>/m.ckpt",
        ),
    ),
    "model_checkpoint.init.filepath-pathlike": Example(
        tuple(mc({"filepath": p}) for p in (PurePosixPath("m.keras"), None, 7, b"m.keras")),
        style="cases",
        columns=("state:filepath",),
        note="Constructor calls only (a `Path` is not taken relative to the run directory).",
        expect=(
            "PurePosixPath('m.keras') | `'m.keras'` | constructed",
            "AttributeError: 'NoneType' object has no attribute 'endswith'",
            "TypeError: endswith first arg must be bytes or a tuple of bytes, not str",
        ),
    ),
    "model_checkpoint.epoch.current": Example(
        (mc({"filepath": "m-{epoch}.keras", "save_freq": 1}),),
        style="hooks",
        hooks=("on_epoch_begin", "on_train_batch_end"),
        direct=(
            ("on_train_batch_end", 0, {"loss": 1.0}),
            ("on_epoch_begin", 3, {}),
            ("on_train_batch_end", 0, {"loss": 1.0}),
        ),
        setup="`ModelCheckpoint(filepath='m-{epoch}.keras', save_freq=1)` driven directly:"
        " a batch end before any epoch begin, then an epoch begin and a batch end.",
        expect=("AttributeError: 'ModelCheckpoint' object has no attribute '_current_epoch'",),
        note="Through `fit` an epoch always begins before its batches; the second save is"
        " named after epoch 3, as `on_epoch_begin(3)` recorded it.",
    ),
    "model_checkpoint.monitor.resolved-at-epoch-end": Example(
        (mc({"filepath": "m.keras", "monitor": "auc"}, fit("loss", [1.0, 1.0])),),
        style="hooks",
        hooks=ON_SAVES,
        note="`save_best_only` is off, so `auc` is never compared; the direction is resolved"
        " anyway, and `auc` is not among the model's compiled metrics.",
        expect=("`on_epoch_end(0)`", "isn't able to automatically determine"),
    ),
    "model_checkpoint.save-freq.counts-batches": Example(
        (
            mc(
                {"filepath": "m-{epoch}-{batch}.keras", "save_freq": 3},
                fit("loss", [1.0, 1.0], batches=4),
            ),
        ),
        style="hooks",
        hooks=("on_train_batch_end",),
        columns=("state:_batches_seen_since_last_saving",),
        expect=(
            "`on_train_batch_end(2)` | `0` | `model.save('<run>/m-1-3.keras', overwrite=True)`",
            "`on_train_batch_end(0)` | `2` |",
        ),
        note="The second epoch's batch 0 (index not above the last, 3) counts as 1 and"
        " continues the count: the save comes at its batch 1 (`m-2-2.keras`).",
    ),
    "model_checkpoint.save-freq.carries-over": Example(
        (
            mc(
                {"filepath": "m-{epoch}-{batch}.keras", "save_freq": 3},
                fit("loss", [1.0, 1.0], batches=2),
                fit("loss", [1.0, 1.0], batches=2),
            ),
        ),
        style="hooks",
        hooks=("on_train_batch_end",),
        columns=("state:_batches_seen_since_last_saving",),
        expect=("| 2 | `on_train_batch_end(1)` | `0` | `model.save('<run>/m-1-2.keras'",),
        note="Two batches an epoch, a save every 3 batches: the count runs on across epochs"
        " and into the second `fit`.",
    ),
    "model_checkpoint.save-freq.unclipped-end-step": Example(
        (
            mc(
                {"filepath": "m-{batch}.keras", "save_freq": 2},
                fit("loss", [1.0], batches=3, steps_per_execution=2),
            ),
        ),
        style="hooks",
        hooks=("on_train_batch_end",),
        columns=("state:_batches_seen_since_last_saving",),
        expect=("`on_train_batch_end(3)` | `0` | `model.save('<run>/m-4.keras'",),
        note="The epoch has batches 0–2; the second execution runs batch 2 alone but ends at"
        " index 3, counts 2 batches, and names `{batch}` 4.",
    ),
    "model_checkpoint.save-freq.best-only-crash": Example(
        (
            mc(
                {"filepath": "m.keras", "monitor": "loss", "save_best_only": True, "save_freq": 1},
                fit("loss", [1.0], batches=3),
            ),
        ),
        style="hooks",
        hooks=("on_train_batch_end",),
        columns=("logs", "state:best"),
        expect=("`on_train_batch_end(1)`", "TypeError: 'NoneType' object is not callable"),
        note="The first batch-level save compares with `best = None`, which needs no"
        " comparison; the second needs `monitor_op`, which only the first epoch end sets.",
    ),
    "model_checkpoint.best-only.improvement": Example(
        (mc(BEST_ONLY, fit("val_loss", [1.0, 0.5, 0.5, 0.7, 0.25])),),
        columns=("logs:val_loss", *SAVES),
        expect=(
            "| 2 | `0.5` | `0.5` |  |",
            "| 4 | `0.25` | `0.25` | `model.save('<run>/best.keras', overwrite=True)` |",
        ),
    ),
    "model_checkpoint.best-only.first-value-wins": Example(
        (mc(BEST_ONLY, fit("val_loss", [math.nan, 0.5, 0.25])),),
        columns=("logs:val_loss", *SAVES),
        expect=("| 0 | `nan` | `nan` | `model.save(", "| 2 | `0.25` | `nan` |  |"),
    ),
    "model_checkpoint.best-only.missing-saves": Example(
        (mc(BEST_ONLY, fit("val_loss", [0.5, MISSING, 0.75])),),
        columns=("logs:val_loss", *SAVES),
        expect=("Can save best model only with val_loss available.",),
        note="Epoch 1 has no validation: it is saved, over the best epoch's checkpoint.",
    ),
    "model_checkpoint.best-only.non-scalar-saves": Example(
        (mc(BEST_ONLY, fit("val_loss", [0.5, np.array([0.25, 0.75]), 0.75])),),
        columns=("logs:val_loss", *SAVES),
        expect=(
            "Falling back to &#96;save_best_only=False&#96;.",
            "| 1 | `array(shape=(2,))` | `0.5`",
        ),
        note="Through `fit`, only an array of two or more elements reaches the callback as an"
        " array (`float()` turns the rest into floats).",
    ),
    "model_checkpoint.best-only.best-str-eager": Example(
        (
            mc(
                {**BEST_ONLY, "initial_value_threshold": "high"},
                fit("val_loss", [0.5]),
            ),
        ),
        style="hooks",
        hooks=ON_SAVES,
        expect=("ValueError: Unknown format code 'f' for object of type 'str'",),
    ),
    "model_checkpoint.path.format": Example(
        (
            mc(
                {"filepath": "m-{epoch:02d}-{loss:.2f}.keras"},
                fit("loss", [0.5, 0.25], initial_epoch=2),
            ),
        ),
        columns=("logs:loss",),
        expect=(
            "model.save('<run>/m-03-0.50.keras', overwrite=True)",
            "model.save('<run>/m-04-0.25.keras', overwrite=True)",
        ),
    ),
    "model_checkpoint.path.logs-batch-wins": Example(
        (
            mc(
                {"filepath": "m-{batch}.keras", "save_freq": 1},
                fit("loss", [1.0], extra={"batch": 7.0}),
            ),
            mc({"filepath": "m-{epoch}.keras"}, fit("loss", [1.0], extra={"epoch": 7.0})),
        ),
        style="cases",
        labels=(
            "`filepath='m-{batch}.keras', save_freq=1`; the logs hold `batch: 7.0`",
            "`filepath='m-{epoch}.keras'`; the logs hold `epoch: 7.0`",
        ),
        expect=(
            "model.save('<run>/m-7.0.keras', overwrite=True)",
            "TypeError: str.format() got multiple values for keyword argument 'epoch'",
        ),
    ),
    "model_checkpoint.path.key-error-reworded": Example(
        tuple(
            mc({"filepath": path}, fit("loss", [1.0]))
            for path in ("m-{batch}.keras", "m-{val_loss}.keras", "m-{0}.keras", "m-{loss:d}.keras")
        ),
        style="cases",
        expect=(
            'KeyError: \'Failed to format this callback filepath: "<run>/m-{batch}.keras".'
            " Reason: \\'batch\\''",
            "IndexError: Replacement index 0 out of range for positional args tuple",
            "ValueError: Unknown format code 'd' for object of type 'float'",
        ),
    ),
    "model_checkpoint.path.none-logs": Example(
        (mc({"filepath": "m.keras", "save_freq": 1}), mc({"filepath": "m.keras"})),
        style="cases",
        direct=(
            ("on_epoch_begin", 0, None),
            ("on_train_batch_end", 0, None),
            ("on_epoch_end", 0, None),
        ),
        note="Each instance driven directly, with `logs=None` (`fit` always passes a dict):"
        " `on_epoch_begin(0)`, `on_train_batch_end(0)`, `on_epoch_end(0)`.",
        expect=(
            "`on_train_batch_end(0)`: **raises** `TypeError: argument of type 'NoneType' is"
            " not iterable`",
            "`on_epoch_end(0)`: **raises** `TypeError: ",
        ),
    ),
    "model_checkpoint.save.write": Example(
        (
            mc({"filepath": "m.keras"}, fit("loss", [1.0])),
            mc({"filepath": "m.weights.h5", "save_weights_only": True}, fit("loss", [1.0])),
            mc({"filepath": "m.weights.h5"}, fit("loss", [1.0])),
        ),
        style="cases",
        expect=(
            "`on_epoch_end(0)`: `model.save('<run>/m.keras', overwrite=True)`",
            "`on_epoch_end(0)`: `model.save_weights('<run>/m.weights.h5', overwrite=True)`",
            "`on_epoch_end(0)`: `model.save('<run>/m.weights.h5', overwrite=True)`",
        ),
    ),
    "model_checkpoint.save.makedirs": Example(
        (
            mc(
                {
                    "filepath": "ckpt/{epoch}/m.keras",
                    "monitor": "loss",
                    "save_best_only": True,
                },
                fit("loss", [1.0, 2.0]),
            ),
        ),
        columns=("logs:loss",),
        show_files=True,
        expect=("`ckpt/1/`", "`ckpt/1/m.keras`"),
        note="Epoch 1 does not improve: no save, so no `ckpt/2/` directory.",
    ),
    "model_checkpoint.save.directory-error": Example(
        (
            mc(
                {"filepath": "{where}.keras"},
                _logs({"loss": 1.0, "where": "x.keras/m"}, {"loss": 1.0, "where": "x"}),
            ),
        ),
        columns=("logs:where",),
        expect=(
            "OSError: Please specify a non-directory filepath for ModelCheckpoint. Filepath"
            " used is an existing directory: <run>/x.keras",
        ),
        note="Epoch 0 saves into `x.keras/m.keras`, creating the directory `x.keras`; epoch 1's"
        " path is that directory.",
    ),
    "model_checkpoint.save.io-error-stray-f": Example(
        (mc({"filepath": "m.keras"}, fit("loss", [1.0])),),
        adapt=_save_raises(OSError("Unable to create file (Is a directory)")),
        setup="`ModelCheckpoint(filepath='m.keras')`, a model whose `save` raises"
        " `OSError('Unable to create file (Is a directory)')` (as h5py 2.x did), one `fit`.",
        expect=("existing directory: f<run>/m.keras",),
    ),
    "model_checkpoint.save.io-error-no-args": Example(
        (mc({"filepath": "m.keras"}, fit("loss", [1.0])),),
        adapt=_save_raises(OSError()),
        setup="`ModelCheckpoint(filepath='m.keras')`, a model whose `save` raises `OSError()`,"
        " one `fit`.",
        expect=("IndexError: tuple index out of range",),
    ),
    "model_checkpoint.verbose.lines": Example(
        (
            mc(
                {"filepath": "m.keras", "monitor": "loss", "save_best_only": True, "verbose": 1},
                fit("loss", [1.0, 2.0]),
            ),
            mc({"filepath": "m.keras", "verbose": 1}, fit("loss", [1.0])),
        ),
        style="cases",
        expect=(
            "prints `Epoch 1: loss improved from None to 1.00000, saving model to <run>/m.keras`",
            "prints `Epoch 2: loss did not improve from 1.00000`",
            "prints `Epoch 1: saving model to <run>/m.keras`",
            "prints `Epoch 1: finished saving model to <run>/m.keras`",
        ),
    ),
}

# --- TensorBoard -----------------------------------------------------------------------------


def tb(config: dict[str, Any], *fits: FitPlan, model: ModelSpec | None = None) -> Scenario:
    return scenario("TensorBoard", {"log_dir": "logs", **config}, *fits, model=model)


def _on_backend(backend: str) -> type:
    """The reference TensorBoard modelling another Keras backend (`profile_batch`)."""
    return type("TensorBoard", (reference.TensorBoard,), {"backend": backend})


def _two_embeddings(model: Any) -> Any:
    """A model adapter: a second top-level `Embedding` layer."""
    table = np.zeros((4, 2), dtype=np.float32)
    model.layers.insert(1, Embedding("embedding_2", [Weight("embedding_2/embeddings", table)]))
    return model


def _epochs(*metrics: dict[str, Any], batches: int = 1, validation: bool = False) -> FitPlan:
    return FitPlan(
        [
            EpochPlan(dict(m), batches=batches, validation={"loss": 0.25} if validation else None)
            for m in metrics
        ]
    )


NO_GRAPH = {"write_graph": False}
JAX_PROFILE_BATCHES: tuple[Any, ...] = ("5", -1, (5, 2), "a", None, "", [])
PROFILE_BATCHES = ("state:_start_batch", "state:_stop_batch")

TENSORBOARD: dict[str, Example] = {
    "tensorboard.constructor.signature": Example(
        (
            tb({"log_dir": PurePosixPath("logs")}),
            tb({"write_grads": True}),
            tb({"histogram_freq": 1, "update_freq": 100, "embeddings_freq": 2}),
        ),
        style="cases",
        columns=("state:log_dir",),
        note="Constructor calls only. `write_grads` and the other tf-keras arguments are gone.",
        expect=(
            "PurePosixPath('logs') | `'logs'` | constructed",
            "got an unexpected keyword argument 'write_grads'",
        ),
    ),
    "tensorboard.update-freq.batch-is-one": Example(
        (tb({**NO_GRAPH, "update_freq": "batch"}, _epochs({"loss": 1.0}, batches=2)),),
        style="records",
        tags="loss",
        expect=("| `train` | `batch_loss` | 1 |", "| `train` | `batch_loss` | 2 |"),
        note="`update_freq='batch'` is stored as 1: every batch end is written, at the count"
        " of executions.",
    ),
    "tensorboard.update-freq.unvalidated": Example(
        (
            tb({**NO_GRAPH, "update_freq": 0}, _epochs({"loss": 1.0})),
            tb({**NO_GRAPH, "update_freq": "often"}, _epochs({"loss": 1.0})),
        ),
        style="cases",
        expect=(
            "`on_train_batch_end(0)`: **raises** `ZeroDivisionError: integer modulo by zero`",
            "`on_train_batch_end(0)`: **raises** `TypeError: unsupported operand type(s) for %:"
            " 'int' and 'str'`",
        ),
    ),
    "tensorboard.update-freq.gates-epoch-writes": Example(
        (tb({**NO_GRAPH, "update_freq": 2}, _epochs({"loss": 1.0}, {"loss": 0.5}, batches=3)),),
        style="records",
        tags="loss|learning_rate",
        expect=("| `train` | `epoch_loss` | 1 |",),
        note="Three batches an epoch: after epoch 0 the train count is 3, odd, so nothing of"
        " epoch 0 is written (no `epoch_loss` at step 0); after epoch 1 it is 6.",
    ),
    "tensorboard.profile-batch.parsing": Example(
        tuple(
            tb({"profile_batch": value})
            for value in ("2,4", 3, True, (1, 5), [2, 2], (0, 9), [2], (5, 2), -1, None, 0.0)
        ),
        style="cases",
        callback_class=_on_backend("tensorflow"),
        columns=PROFILE_BATCHES,
        note="Constructor calls, modelling the TensorFlow backend (`TensorBoard.backend ="
        " 'tensorflow'`); on jax the next clauses apply first.",
        expect=(
            "log_dir='logs', profile_batch='2,4' | `2` | `4` | constructed",
            "log_dir='logs', profile_batch=(5, 2) | `None` | `None` | constructor:"
            " **raises** `ValueError: profile_batch must be a non-negative integer or 2-tuple",
        ),
    ),
    "tensorboard.profile-batch.single-string-rejected": Example(
        (tb({"profile_batch": "5"}), tb({"profile_batch": "5,5"})),
        style="cases",
        callback_class=_on_backend("tensorflow"),
        columns=PROFILE_BATCHES,
        note="Constructor calls, modelling the TensorFlow backend.",
        expect=("Found: 5",),
    ),
    "tensorboard.profile-batch.jax-discards-before-validating": Example(
        tuple(tb({"profile_batch": value}) for value in JAX_PROFILE_BATCHES),
        style="cases",
        columns=PROFILE_BATCHES,
        note="Constructor calls on the jax backend, Python < 3.12 (the reference's default).",
        expect=(
            "log_dir='logs', profile_batch=-1 | `0` | `0` | constructor: warns"
            " `UserWarning: Profiling with the jax backend requires python >= 3.12.`",
            "log_dir='logs', profile_batch=None | `None` | `None` | constructor:"
            " **raises** `ValueError",
        ),
    ),
    "tensorboard.writers.created-at-begin": Example(
        (tb(NO_GRAPH, FitPlan([EpochPlan({}, validation={})])),),
        style="records",
        expect=("Event files: `train`, `validation`.",),
        note="The epoch logs nothing, validation reports nothing: no summary is written, yet"
        " `on_train_begin` and `on_test_begin` have created an events file each.",
    ),
    "tensorboard.writers.dropped-unclosed": Example(
        (tb({}, _epochs({"loss": 1.0}), _epochs({"loss": 0.5})),),
        style="records",
        expect=("Event files: `train`, `train`.",),
        note="Two `fit` calls, so two `set_model` calls: two events files in `train/`. The"
        " first writer is dropped, not closed, by the second `set_model` (it was closed at the"
        " first train end already; a writer of a `fit` that raised stays open).",
    ),
    "tensorboard.writers.closed-at-train-end": Example(
        (tb(NO_GRAPH),),
        style="hooks",
        columns=("logs",),
        direct=(
            ("on_train_begin", None, {}),
            ("on_epoch_end", 0, {"loss": 1.0}),
            ("on_train_end", None, {"loss": 1.0}),
            ("on_epoch_end", 1, {"loss": 0.5}),
        ),
        setup="`TensorBoard(log_dir='logs', write_graph=False)` driven directly: a hook after"
        " `on_train_end` without a new `set_model` (as a reused `CallbackList` would).",
        expect=("`on_epoch_end(1)`", "RuntimeError"),
    ),
    "tensorboard.model-summary.functional-or-sequential": Example(
        (
            tb({}, model=ModelSpec(class_name="Sequential")),
            tb({}, model=ModelSpec(class_name="Functional")),
            tb({}, model=ModelSpec(class_name="MyModel")),
            tb({}, model=ModelSpec(class_name="Sequential", to_json_fails=True)),
            tb(NO_GRAPH, model=ModelSpec(class_name="Sequential")),
        ),
        style="cases",
        labels=(
            "`TensorBoard()`, a `Sequential` model",
            "`TensorBoard()`, a `Functional` model",
            "`TensorBoard()`, a subclassed model `MyModel`",
            "`TensorBoard()`, a `Sequential` model whose `to_json` raises",
            "`TensorBoard(write_graph=False)`, a `Sequential` model",
        ),
        direct=(("set_model", None, None),),
        note="Each row: the constructor, then `set_model` (what every `fit` starts with).",
        expect=(
            "writes `train/keras@0`",
            "Model failed to serialize as JSON. Ignoring...",
        ),
    ),
    "tensorboard.embeddings.projector-config": Example(
        (
            tb(
                {"embeddings_freq": 2, "embeddings_metadata": "meta.tsv"},
                _epochs({"loss": 1.0}, {"loss": 0.5}, {"loss": 0.25}),
                model=ModelSpec(embedding=True),
            ),
        ),
        show_files=True,
        expect=(
            "`model.save_weights('<run>/logs/train/keras_embedding.ckpt-0.weights.h5',"
            " overwrite=True)`",
            'metadata_path: "meta.tsv"',
        ),
    ),
    "tensorboard.embeddings.same-tensor-name": Example(
        (
            tb(
                {"embeddings_freq": 1},
                _epochs({"loss": 1.0}),
                model=ModelSpec(embedding=True),
            ),
        ),
        adapt=_two_embeddings,
        setup="`TensorBoard(log_dir='logs', embeddings_freq=1)`, a model with two top-level"
        " `Embedding` layers, one `fit` of one epoch.",
        show_files=True,
        expect=(
            'tensor_name: "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"⏎}⏎'
            'embeddings {⏎  tensor_name: "layer_with_weights-0/embeddings/',
        ),
    ),
    "tensorboard.embeddings.metadata-dict-consumed": Example(
        (
            tb(
                {"embeddings_freq": 5, "embeddings_metadata": {"embedding": "meta.tsv"}},
                _epochs({"loss": 1.0}),
                _epochs({"loss": 0.5}),
                model=ModelSpec(embedding=True),
            ),
        ),
        style="hooks",
        hooks=("__init__", "set_model"),
        columns=("state:embeddings_metadata",),
        show_files=True,
        expect=("| 1 | `set_model` | `{}` |",),
        note="The first `set_model` pops the layer's entry: the second finds the dict empty,"
        " and the projector config it writes (the one left on disk) has no `metadata_path`.",
    ),
    "tensorboard.embeddings.needs-existing-log-dir": Example(
        (
            tb(
                {"log_dir": "new/logs", "write_graph": False, "embeddings_freq": 1},
                model=ModelSpec(embedding=True),
            ),
            tb(
                {"log_dir": "new/logs", "write_graph": True, "embeddings_freq": 1},
                model=ModelSpec(embedding=True),
            ),
        ),
        style="cases",
        direct=(("set_model", None, None),),
        note="Each row: the constructor, then `set_model` with a model that has an `Embedding`"
        " layer. With `write_graph` the train writer has created `new/logs/train/` first.",
        expect=("FileNotFoundError: [Errno 2] No such file or directory",),
    ),
    "tensorboard.steps.test-batch-never-reset": Example(
        (
            tb(
                NO_GRAPH,
                FitPlan([EpochPlan({"loss": 1.0}, 2, {"loss": 0.5}, 2)] * 2),
                FitPlan([EpochPlan({"loss": 1.0}, 2, {"loss": 0.5}, 2)]),
            ),
        ),
        columns=("state:_global_train_batch", "state:_global_test_batch"),
        note="Two batches and two validation batches an epoch. The train count starts again"
        " with each `fit`; the test count does not.",
        expect=("| 2 | 0 | `2` | `6` |",),
    ),
    "tensorboard.batch.scalars": Example(
        (
            tb(
                {**NO_GRAPH, "update_freq": 1, "write_steps_per_second": True},
                FitPlan([EpochPlan({"loss": 1.0, "accuracy": 0.5}, batches=2)]),
            ),
        ),
        style="records",
        tags="^batch_",
        expect=(
            "| `train` | `batch_accuracy` | 1 | `0.75` |",
            "| `train` | `batch_steps_per_second` | 2 | (a timing: positive) |",
        ),
        note="The batch ends report running values (0.75, then the epoch's 0.5). With"
        " `update_freq='epoch'` there is no default writer, and nothing of this is written.",
    ),
    "tensorboard.batch.steps-count-executions": Example(
        (
            tb(
                {**NO_GRAPH, "update_freq": 1},
                fit("loss", [1.0, 1.0], batches=4, steps_per_execution=2),
            ),
        ),
        style="records",
        tags="^batch_",
        expect=("| `train` | `batch_loss` | 4 |",),
        note="Four batches an epoch, two per execution: two batch ends per epoch, steps 1–4"
        " over two epochs (not 1–8).",
    ),
    "tensorboard.evaluation.vs-iterations": Example(
        (tb(NO_GRAPH, _epochs({"loss": 1.0}, {"loss": 0.5}, batches=3, validation=True)),),
        style="records",
        tags="^evaluation_",
        expect=(
            "| `validation` | `evaluation_loss_vs_iterations` | 3 |",
            "| `validation` | `evaluation_loss_vs_iterations` | 6 |",
        ),
        note="Three batches an epoch: `optimizer.iterations` is 3, then 6, when validation ends.",
    ),
    "tensorboard.epoch.scalars": Example(
        (
            tb(
                NO_GRAPH,
                _epochs(
                    {"loss": 1.0, "accuracy": 0.5, "val_x": 7.0},
                    {"loss": 0.5, "accuracy": 0.75, "val_x": 7.0},
                    validation=True,
                ),
            ),
        ),
        style="records",
        tags="^epoch_",
        expect=(
            "| `validation` | `epoch_loss` | 1 | `0.25` |",
            "| `validation` | `epoch_x` | 0 | `7.0` |",
        ),
        note="`val_x` is a training metric that happens to start with `val_`: it lands in"
        " `validation/` as `epoch_x` (a quirk).",
    ),
    "tensorboard.steps-per-second.epoch-rate": Example(
        (
            tb(
                {**NO_GRAPH, "write_steps_per_second": True},
                _epochs({"loss": 1.0}, {"loss": 0.5}, batches=3),
            ),
        ),
        style="records",
        tags="steps_per_second$",
        expect=(
            "| `train` | `epoch_steps_per_second` | 0 | (a timing: positive) |",
            "| `train` | `epoch_steps_per_second` | 1 | (a timing: positive) |",
        ),
        note="Three batches an epoch: each epoch advanced the optimizer's iterations by 3.",
    ),
    "tensorboard.epoch.learning-rate": Example(
        (
            tb(NO_GRAPH, _epochs({"loss": 1.0})),
            tb(NO_GRAPH, _epochs({"loss": 1.0}), model=ModelSpec(optimizer="multi")),
            tb(NO_GRAPH, _epochs({"loss": 1.0, "learning_rate": 9.0})),
            tb(NO_GRAPH, _epochs({"loss": 1.0}), model=ModelSpec(optimizer="none")),
        ),
        style="cases",
        labels=(
            "an SGD optimizer (rate 0.5)",
            "a two-optimizer model (`first`, `second`)",
            "an SGD optimizer; the logs hold `learning_rate: 9.0`",
            "no optimizer",
        ),
        expect=(
            "`train/epoch_learning_rate@0 = 0.5`",
            "`train/epoch_learning_rate_second@0 = 0.25`",
        ),
        note="Each row: `TensorBoard(write_graph=False)`, one `fit` of one epoch.",
    ),
    "tensorboard.epoch.empty-logs-write-nothing": Example(
        (tb(NO_GRAPH, _epochs({}, {"loss": 0.5})),),
        style="records",
        expect=("| `train` | `epoch_learning_rate` | 1 |",),
        note="Epoch 0 logs nothing: no learning rate is written for it either.",
    ),
    "tensorboard.weights.histograms-and-images": Example(
        (
            tb(
                {**NO_GRAPH, "histogram_freq": 2, "write_images": True},
                _epochs({"loss": 1.0}, {"loss": 0.5}, {"loss": 0.25}),
            ),
        ),
        style="records",
        tags="histogram|image",
        expect=("| `train` | `dense/w0/image` | 2 |", "| `train` | `dense/w1/histogram` | 0 |"),
        note="The simulated model has one layer with a `(3, 2)` kernel and a `(2,)` bias:"
        " histograms and images at epochs 0 and 2 (`histogram_freq=2`).",
    ),
    "tensorboard.weights.images-need-histograms": Example(
        (tb({**NO_GRAPH, "write_images": True}, _epochs({"loss": 1.0}, {"loss": 0.5})),),
        style="records",
        tags="histogram|image",
        expect=("*(nothing)*",),
        note="`histogram_freq=0`: neither histograms nor images, although `write_images=True`.",
    ),
}

# --- fit -------------------------------------------------------------------------------------


def probe(config: dict[str, Any], *fits: FitPlan) -> Scenario:
    return scenario("Probe", config, *fits)


FIT: dict[str, Example] = {
    "fit.callbacks.history-after-user": Example(
        (probe({"add_key": "probe"}, _epochs({"loss": 1.0}, {"loss": 0.5})),),
        style="hooks",
        hooks=("on_epoch_end",),
        columns=("logs", "out:probe"),
        show_history=True,
        callback_class=Probe,
        setup="A callback that adds `probe: 1.0` to every logs dict it gets, one `fit` of two"
        " epochs.",
        expect=("'probe': [1.0, 1.0]",),
    ),
    "fit.logs.shared-per-dispatch": Example(
        (probe({"add_key": "probe"}, _epochs({"loss": 1.0}, batches=2)),),
        style="hooks",
        hooks=("on_train_batch_end", "on_epoch_end", "on_train_end"),
        columns=("logs", "out:probe"),
        show_history=True,
        callback_class=Probe,
        setup="A callback that adds `probe: 1.0` to every logs dict it gets, one `fit` of one"
        " epoch of two batches.",
        expect=("`on_train_batch_end(1)` | `{'loss': 1.0}` |", "'probe': [1.0]"),
        note="Each dispatch starts from a new dict: the key added at batch 0 is not in batch"
        " 1's logs. History, after the callback in the same dispatch, sees it.",
    ),
    "fit.logs.sorted-keys": Example(
        (probe({}, _epochs({"zeta": 1.0, "loss": 0.5, "alpha": 2.0})),),
        style="hooks",
        hooks=("on_epoch_end",),
        columns=("logs",),
        callback_class=Probe,
        setup="The loop's epoch logs are `{'zeta': 1.0, 'loss': 0.5, 'alpha': 2.0}`.",
        expect=("`{'alpha': 2.0, 'loss': 0.5, 'zeta': 1.0}`",),
    ),
    "fit.logs.nested-dicts-flattened": Example(
        (probe({}, _epochs({"loss": 1.0, "extra": {"a": 2.0, "loss": 9.0}})),),
        style="hooks",
        hooks=("on_epoch_end",),
        columns=("logs",),
        callback_class=Probe,
        setup="The loop's epoch logs are `{'loss': 1.0, 'extra': {'a': 2.0, 'loss': 9.0}}`.",
        expect=("`{'a': 2.0, 'loss': 1.0}`",),
        note="Keys are taken in sorted order: `extra`'s entries first, then the top-level"
        " `loss`, which overwrites `extra`'s.",
    ),
    "fit.logs.scalars-are-floats": Example(
        (
            probe(
                {},
                _epochs(
                    {
                        "int": 3,
                        "bool": True,
                        "f32": np.float32(0.5),
                        "one": np.array([2.0]),
                        "text": "nan",
                        "word": "high",
                        "pair": np.array([1.0, 2.0]),
                    }
                ),
            ),
        ),
        style="hooks",
        hooks=("on_epoch_end",),
        columns=("logs",),
        callback_class=Probe,
        setup="The loop's epoch logs hold `3`, `True`, `np.float32(0.5)`, `np.array([2.0])`,"
        " `'nan'`, `'high'` and `np.array([1.0, 2.0])`.",
        expect=("'bool': 1.0", "'int': 3.0", "'text': nan", "'word': 'high'"),
        note="`'nan'` is a numeric string: it becomes the float NaN. `float()` refuses a"
        " one-element array under NumPy 2.4 (installed here; older NumPy accepted it), so"
        " it arrives as an array, as Keras's own `pythonify_logs` passes it.",
    ),
    "fit.callbacks.set-model-then-params": Example(
        (
            probe(
                {},
                _epochs({"loss": 1.0}, validation=True),
                _epochs({"loss": 1.0}, validation=True),
            ),
        ),
        style="hooks",
        hooks=("set_model", "set_params", "on_train_begin", "on_test_begin", "on_train_end"),
        columns=("logs",),
        callback_class=Probe,
        setup="A callback that only records, two `fit` calls of one validated epoch each.",
        expect=("| 2 | `set_params` | `{'verbose': 0, 'epochs': 1, 'steps': 1}` |",),
        note="The `logs` column of `set_params` shows the params it receives.",
    ),
    "fit.hooks.order": Example(
        (probe({}, FitPlan([EpochPlan({"loss": 1.0}, 2, {"loss": 0.5}, 1)])),),
        style="hooks",
        columns=("logs",),
        callback_class=Probe,
        setup="A callback that only records, one `fit` of one epoch: two batches, validation"
        " of one batch.",
        expect=(
            "`on_test_end` | `{'loss': 0.5}`",
            "`on_epoch_end(0)` | `{'loss': 1.0, 'val_loss': 0.5}`",
        ),
    ),
    "fit.hooks.absolute-epoch": Example(
        (probe({}, fit("loss", [1.0, 0.5], initial_epoch=3)),),
        style="hooks",
        hooks=("on_epoch_begin", "on_epoch_end"),
        callback_class=Probe,
        setup="A callback that only records, `fit(epochs=5, initial_epoch=3)`.",
        expect=("`on_epoch_begin(3)`", "`on_epoch_end(4)`"),
    ),
    "fit.stop-training.read-after-batch-and-epoch-end": Example(
        (probe({"stop_at": "on_epoch_begin(0)"}, fit("loss", [1.0, 0.5], batches=3)),),
        style="hooks",
        columns=("stop",),
        callback_class=Probe,
        setup="A callback that sets `model.stop_training` in `on_epoch_begin(0)`, one `fit`"
        " of two epochs of three batches.",
        expect=("`on_train_batch_end(0)` | `True`", "`on_epoch_end(0)` | `True`"),
        note="The flag is set before the first batch, but the loop reads it only after that"
        " batch's end: one batch runs, then the epoch ends.",
    ),
    "fit.stop-training.epoch-completes": Example(
        (
            probe(
                {"stop_at": "on_train_batch_end(0)"},
                FitPlan([EpochPlan({"loss": 1.0}, 3, {"loss": 0.5}, 1)] * 2),
            ),
        ),
        style="hooks",
        columns=("logs", "stop"),
        callback_class=Probe,
        setup="A callback that sets `model.stop_training` at the first batch end, one `fit` of"
        " two epochs of three batches, validated.",
        expect=("`on_test_begin`", "`on_epoch_end(0)`"),
        note="Batches 1 and 2 and the second epoch never run; validation and the epoch end"
        " do, with the running values of batch 0 as the epoch's.",
    ),
    "fit.steps-per-execution.batch-indices": Example(
        (probe({}, fit("loss", [1.0], batches=5, steps_per_execution=2)),),
        style="hooks",
        hooks=("on_train_batch_begin", "on_train_batch_end"),
        callback_class=Probe,
        setup="A callback that only records, `steps_per_execution=2`, one epoch of five batches.",
        expect=("`on_train_batch_begin(4)`", "`on_train_batch_end(5)`"),
    ),
    "fit.validation.cadence": Example(
        (
            probe(
                {},
                FitPlan(
                    [
                        EpochPlan({"loss": 1.0}, validation={"loss": 0.5} if e % 2 else None)
                        for e in range(4)
                    ]
                ),
            ),
        ),
        style="hooks",
        hooks=("on_test_begin", "on_epoch_end"),
        columns=("logs",),
        callback_class=Probe,
        setup="A callback that only records, four epochs validated as `validation_freq=2`"
        " would (after epochs 1 and 3).",
        expect=("`on_epoch_end(0)` | `{'loss': 1.0}`", "`on_epoch_end(1)` | `{'loss': 1.0,"),
    ),
    "fit.validation.evaluate-hooks": Example(
        (probe({}, FitPlan([EpochPlan({"loss": 1.0}, 1, {"loss": 0.5}, 3)], 0, 2)),),
        style="hooks",
        hooks=(
            "on_test_begin",
            "on_test_batch_begin",
            "on_test_batch_end",
            "on_test_end",
            "on_epoch_end",
        ),
        columns=("logs",),
        callback_class=Probe,
        setup="A callback that only records, one validated epoch: three validation batches,"
        " `steps_per_execution=2`.",
        expect=(
            "`on_test_batch_end(3)` | `{'loss': 0.5}`",
            "`on_test_end` | `{'loss': 0.5}`",
        ),
    ),
    "fit.logs.running-metrics": Example(
        (probe({"stop_at": "on_train_batch_end(1)"}, fit("loss", [1.0], batches=4)),),
        style="hooks",
        hooks=("on_train_batch_end", "on_epoch_end"),
        columns=("logs",),
        callback_class=Probe,
        setup="A callback that stops the run at batch end 1, one epoch of four batches whose"
        " loss would reach 1.0 at its end.",
        expect=("`on_epoch_end(0)` | `{'loss': 1.5}`",),
        note="The epoch ends with the running loss of batch 1, not the 1.0 a full epoch would"
        " have reached. (The simulation's running values step by 0.25; a real `fit` reports"
        " the mean of the batch losses so far.)",
    ),
    "fit.train-end.last-epoch-logs": Example(
        (lrs({"schedule": HALVE}, _epochs({"loss": 1.0}, {"loss": 0.5})),),
        style="hooks",
        hooks=("on_epoch_end", "on_train_end"),
        columns=("logs", "out:learning_rate"),
        expect=("`on_train_end` | `{'loss': 0.5}` | — |",),
        note="LearningRateScheduler adds `learning_rate` to each epoch's logs; `on_train_end`"
        " gets the loop's own last epoch logs, without it.",
    ),
    "fit.exceptions.skip-train-end": Example(
        (probe({"raise_at": "on_epoch_end(0)"}, _epochs({"loss": 1.0}, {"loss": 0.5})),),
        style="hooks",
        callback_class=Probe,
        setup="A callback that raises in `on_epoch_end(0)`, one `fit` of two epochs.",
        expect=("`on_epoch_end(0)` | **raises** `RuntimeError: raised in on_epoch_end(0)`",),
        note="The last hook is the one that raised: no `on_train_end`.",
    ),
}

EXAMPLES: dict[str, Example] = {
    **MONITOR,
    **EARLY_STOPPING,
    **LEARNING_RATE_SCHEDULER,
    **MODEL_CHECKPOINT,
    **TENSORBOARD,
    **FIT,
}

PROSE_ONLY: dict[str, str] = {
    "fit.dispatch.async-batch-end": "out of scope: thread timing, invisible to the callbacks"
    " that would see it",
    "fit.data.unsized-final-batch-begin": "out of scope: the suite's runs have a known length",
    "fit.params.when-no-epoch-runs": "out of scope: the simulated fit differs from Keras here,"
    " on purpose; no callback reads `params`",
    "tensorboard.writers.default-step": "out of scope: TensorFlow's default summary step, seen"
    " only by summaries the callback does not write",
}
"""Clauses whose docs entry explains them in prose, with why there is no example run."""

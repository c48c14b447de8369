"""ModelCheckpoint scenarios: a configuration and a template drawn towards the edges, and
one or more fits with the same instance.

Templates mix every placeholder kind the callback formats (`{epoch}`, `{epoch:02d}`,
`{batch}`, the logs with and without format specs, unknown keys, positional fields) with
nested directories and the three extensions, right and wrong for `save_weights_only`.
`save_freq` is `"epoch"` or an int (0, negatives and the bools included) run with
`steps_per_execution` 1 to 3 over epochs whose last execution may be partial. The
monitored streams are `monitored.py`'s walks (ties, NaN, ±inf, missing keys, validation
on some epochs only); extra log keys reach the quirks: a `batch` or `epoch` key, string
values that make `best` unformattable, and a `where` key whose values make one save's
path another save's directory (the `IsADirectoryError` and "is a directory" branches).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import strategies as st

from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import Scenario
from conformance.harness.sim_model import ModelSpec
from conformance.strategies.early_stopping import near_values
from conformance.strategies.monitored import (
    COMPILED_METRICS,
    edge_values,
    fit_plans,
    grid_values,
    likely_monitors,
)
from conformance.unsupported import steered

CALLBACK = "ModelCheckpoint"
MODEL = ModelSpec(metrics=COMPILED_METRICS)

EXTENSIONS = (".keras", ".h5", ".weights.h5")
# Name pieces and their weights: the epoch, fillable at every save; the loss, missing
# or None now and then (a KeyError or a TypeError); and, rarely, what raises on some runs
# or all: keys logged on some epochs only or never at batch level, an unknown key, a
# positional field, a format spec floats reject.
PLACEHOLDERS = {"m": 12, "{epoch}": 9, "{epoch:02d}": 6, "{loss:.3f}": 4}
RARE_PLACEHOLDERS = ("{val_loss:.2f}", "{accuracy}", "{unknown}", "{0}", "{loss:d}")
DIRECTORIES = ("ckpt", "run_{epoch}", "deep/er")
# Monitored values a `.5f` format rejects once they are `best`.
NON_NUMBERS = ("n/a",)
MODES = ("auto", "auto", "min", "max", "sideways")

# Built once: Hypothesis validates each new strategy object, which costs more than the draw.
# `{where}` values: a directory `d`, a file inside `d<extension>`, or another name.
where_values = {
    extension: st.sampled_from(["d", f"d{extension}/m", f"d{extension}/m", "e"])
    for extension in (".weights.h5", ".keras", ".h5", "")
}
# The likely monitors, and more often a metric without a direction: with `mode="auto"`,
# Keras raises at the first epoch end, `save_best_only` or not
# (model_checkpoint.monitor.resolved-at-epoch-end).
checkpoint_monitors = st.sampled_from([*likely_monitors, "custom", "val_custom"])
directory_focus = st.sampled_from([False] * 5 + [True])
rare_extras = st.sampled_from([None] * 20 + ["batch", "epoch", "non-number"])
# In a scenario that goes for a non-number monitored value: two epochs in three.
non_number_extras = st.sampled_from([None, "non-number", "non-number"])
rare_batch_keys = st.sampled_from([None] * 20 + ["batch"])
extra_log_values = st.sampled_from([7.0, 2.0])
batch_counts = st.integers(1, 6)
# One template in four is `{where}` (the three OSError clauses have no other regime).
where_templates = st.sampled_from([True, False, False, False])
steps_per_execution = st.sampled_from([1, 1, 2, 3])


# The int forms of `save_freq`: 0 and -1 save at every batch end; a bool is an int too.
BATCH_SAVE_FREQS: list[int] = [-1, 0, 1, 2, 3, 4, 5, True, False]
batch_save_freqs = st.sampled_from(BATCH_SAVE_FREQS)
# Monitors found in the batch logs (no `val_` prefix).
train_monitors = st.sampled_from(["loss", "accuracy", "mean_squared_error", "custom"])
# With `edges`, half the scenarios go for a keras-quirk the drawn configurations reach
# too rarely for a 50-example run to judge it on 10: best-only saves at batch ends of a
# train metric (`model_checkpoint.save-freq.best-only-crash`, which `configs` draws
# seldom so that batch counting runs on), and best-only saves that meet a non-number
# monitored value at epoch ends (`model_checkpoint.best-only.non-scalar-saves`, two
# epochs in three instead of one in 23), one in four each.
quirk_focuses = st.sampled_from([None] * 2 + ["best-only batch crash", "non-number"])


def save_freqs() -> st.SearchStrategy[str | int]:
    """Half the time `"epoch"`; else an int from -1 to 5 (0 and -1 save at every
    batch end) or a bool (an int too)."""
    return st.sampled_from(["epoch"] * 9 + BATCH_SAVE_FREQS)


@st.composite
def templates(
    draw: st.DrawFn, save_weights_only: bool, batch_level: bool, edges: bool = True
) -> str:
    """A relative filepath: optional directories, then one to three name pieces, then
    the extension (right for `save_weights_only` but now and then). `{batch}` is common
    when saves happen at batch ends (`batch_level`), less so otherwise (a KeyError there).
    One in four is `{where}` alone, filled from the `where` log key. Without `edges`,
    no wrong extension, no rare placeholder and no `{where}`."""
    right = ".weights.h5" if save_weights_only else draw(st.sampled_from(EXTENSIONS), label="ext")
    wrong = [".txt", ".keras"] if edges else []
    extension = draw(st.sampled_from([right] * 24 + wrong), label="extension")
    if edges and draw(where_templates, label="where template?"):
        return "{where}" + extension
    directories = draw(
        st.lists(
            st.sampled_from([*DIRECTORIES, "b{batch}" if batch_level else "ckpt"]), max_size=2
        ),
        label="dirs",
    )
    # At epoch ends (with `edges`) a `{batch}` is one of the KeyErrors Keras rewords
    # (`model_checkpoint.path.key-error-reworded`): weight 3, so that a quick run meets it.
    weights = PLACEHOLDERS | {"{batch}": 9 if batch_level else 3 * int(edges)}
    pieces = [piece for piece, weight in weights.items() for _ in range(weight)]
    piece = st.sampled_from(pieces + list(RARE_PLACEHOLDERS if edges else ()))
    name = "_".join(draw(st.lists(piece, min_size=1, max_size=3), label="name pieces"))
    return "/".join([*directories, name + extension])


@st.composite
def configs(draw: st.DrawFn, edges: bool = True) -> dict[str, Any]:
    """Constructor arguments other than `filepath` (a non-number threshold only with
    `edges`)."""
    threshold_kind = draw(
        st.sampled_from(["none"] * 4 + ["grid"] * 5 + ["text"] * edges), label="threshold"
    )
    threshold = {"none": st.none(), "grid": grid_values, "text": st.sampled_from(NON_NUMBERS)}
    save_freq = draw(steered(CALLBACK, "save_freq", save_freqs()), label="save_freq")
    # Best-only batch-level saves of a train metric crash at the first save
    # (model_checkpoint.save-freq.best-only-crash): drawn less often, so that batch
    # counting runs on.
    # (and shrunk away from: the simplest scenario has no quirk in play)
    best_only = [True, True, False] if save_freq == "epoch" else [False, True, False]
    config = {
        "monitor": draw(checkpoint_monitors, label="monitor"),
        "verbose": draw(st.sampled_from([0, 0, 1]), label="verbose"),
        "save_best_only": draw(
            steered(CALLBACK, "save_best_only", st.sampled_from(best_only)), label="save_best_only"
        ),
        "save_weights_only": draw(
            steered(CALLBACK, "save_weights_only", st.booleans()), label="save_weights_only"
        ),
    }
    return config | {
        "mode": draw(steered(CALLBACK, "mode", st.sampled_from(MODES), config), label="mode"),
        "save_freq": save_freq,
        "initial_value_threshold": draw(
            steered(CALLBACK, "initial_value_threshold", threshold[threshold_kind]),
            label="initial_value_threshold",
        ),
    }


@st.composite
def epoch_extras(
    draw: st.DrawFn,
    epoch: EpochPlan,
    monitor: str,
    template: str,
    edges: bool = True,
    non_numbers: bool = False,
) -> EpochPlan:
    """`epoch` with a `where` key (for a `{where}` template: `d<ext>/m` makes the
    directory a later `d` saves to, `d` the file a later `d<ext>/m` needs as its
    directory), and now and then a `batch` key, or (with `edges`) an `epoch` key or a
    non-number monitored (with `non_numbers`, that alone, two epochs in three)."""
    metrics = dict(epoch.metrics)
    validation = None if epoch.validation is None else dict(epoch.validation)
    extension = next(e for e in (".weights.h5", ".keras", ".h5", "") if template.endswith(e))
    metrics["where"] = draw(where_values[extension], label="where")
    extras = non_number_extras if non_numbers else rare_extras if edges else rare_batch_keys
    extra = draw(extras, label="extra")
    if extra == "non-number":
        logs = validation if monitor.startswith("val_") else metrics
        if logs is not None:
            logs[monitor.removeprefix("val_")] = NON_NUMBERS[0]
    elif extra is not None:
        metrics[extra] = draw(extra_log_values, label=f"{extra} log value")
    return dataclasses.replace(epoch, metrics=metrics, validation=validation)


@st.composite
def checkpoint_fits(
    draw: st.DrawFn, monitor: str, template: str, edges: bool = True, non_numbers: bool = False
) -> FitPlan:
    """A `monitored.fit_plans` run, with 1 to 6 batches an epoch and 1 to 3 batches an
    execution (so a final execution is often partial), plus the extra log keys."""
    plan = draw(fit_plans(max_epochs=5), label="monitored run")
    epochs = [
        dataclasses.replace(
            draw(epoch_extras(epoch, monitor, template, edges, non_numbers), label="extras"),
            batches=draw(batch_counts, label="batches"),
        )
        for epoch in plan.epochs
    ]
    per_execution = draw(steps_per_execution, label="steps_per_execution")
    return dataclasses.replace(plan, epochs=epochs, steps_per_execution=per_execution)


@st.composite
def scenarios(draw: st.DrawFn, edges: bool = True) -> Scenario:
    """A constructible configuration (mostly) and one to three fits with one instance.

    With `edges` the scenarios reach every error branch, and about half of them end in
    an exception (half go for a quirk: `quirk_focuses`); without, only the
    monitor's own (an undecidable auto mode, a batch-level best-only save before the
    first epoch end) and a missing or None loss in a template, so that runs go on to the
    save decisions that come after several epochs and fits."""
    config = draw(configs(edges), label="config")
    quirk = draw(quirk_focuses, label="quirk focus") if edges else None
    if quirk == "best-only batch crash":
        config |= {
            "save_best_only": True,
            "save_freq": draw(batch_save_freqs, label="save_freq"),
            "monitor": draw(train_monitors, label="monitor"),
        }
    elif quirk == "non-number":  # decided at epoch ends, where validation logs count too
        config |= {"save_best_only": True, "save_freq": "epoch"}
    batch_level = config["save_freq"] != "epoch"
    template = draw(templates(config["save_weights_only"], batch_level, edges), label="filepath")
    if draw(directory_focus, label="best-only saves into a directory"):
        # One scenario in six: the directory is made only when a save happens
        # (`model_checkpoint.save.makedirs`), which the drawn templates reach rarely.
        config["save_best_only"] = True
        template = "ckpt/" + template
    config["filepath"] = template
    count = draw(st.sampled_from([1, 2, 2, 3]), label="fits")
    plans = [
        draw(
            checkpoint_fits(config["monitor"], template, edges, quirk == "non-number"),
            label="fit",
        )
        for _ in range(count)
    ]
    return Scenario(CALLBACK, config, MODEL, plans)


# Built once (see above): the forms `constructor_scenarios` draws. Filepaths: str
# nine times in thirteen, six of them with an extension Keras rejects; else not a str.
constructor_weights_only = st.sampled_from([False, True, False])
constructor_filepaths = st.sampled_from(
    ["m.keras", "m.h5", "m.weights.h5", "m.txt", "m", "m.keras.bak", "", "m.txt", "m"]
    + [None, 5, ["m.keras"], None]
)


@st.composite
def constructor_scenarios(draw: st.DrawFn) -> Scenario:
    """Construction only: bad `save_freq` values, wrong extensions, non-str filepaths
    and unknown modes, with no fit (a PathLike filepath is not plain data: not drawn).
    Full models two times in three, and filepaths with an extension Keras rejects about
    half the time: the message on a full model's wrong extension
    (`model_checkpoint.init.extension-message-omits-h5`) is judged on 10 or more of a
    quick run's 50."""
    save_weights_only = draw(
        steered(CALLBACK, "save_weights_only", constructor_weights_only), label="save_weights_only"
    )
    filepath = draw(constructor_filepaths, label="filepath")
    save_freq = draw(
        save_freqs() | st.sampled_from(["batch", "Epoch", 1.0, 2.5, None, [1]]), label="save_freq"
    )
    config = {
        "filepath": filepath,
        "save_weights_only": save_weights_only,
        "save_freq": save_freq,
        "mode": draw(steered(CALLBACK, "mode", st.sampled_from(MODES)), label="mode"),
    }
    return Scenario(CALLBACK, config, MODEL, [])


@st.composite
def every_epoch_scenarios(draw: st.DrawFn) -> Scenario:
    """`save_freq="epoch"` without `save_best_only`, an `{epoch}` in the name: one save
    an epoch, at the 1-based epoch."""
    config = draw(configs(), label="config") | {"save_freq": "epoch", "save_best_only": False}
    extension = ".weights.h5" if config["save_weights_only"] else ".keras"
    config["filepath"] = (
        draw(st.sampled_from(["m{epoch}", "m{epoch:02d}", "run_{epoch}/m"]), label="name")
        + extension
    )
    count = draw(st.integers(1, 2), label="fits")
    plans = [draw(fit_plans(max_epochs=5), label="fit") for _ in range(count)]
    return Scenario(CALLBACK, {**config, "mode": "min"}, MODEL, plans)


@st.composite
def best_only_scenarios(draw: st.DrawFn) -> Scenario:
    """`save_best_only` at every epoch end, minimising a `loss` logged at every epoch
    end, over one to three fits: an epoch is saved exactly when its loss is below every
    earlier saved loss and the threshold. One loss in five is NaN or an infinity, so a
    first value that Keras saves only because `best` starts as None (NaN, +inf) is
    frequent, and so is a NaN best nothing improves on. Full models or weights alike (the
    save decision does not depend on which): a port that saves weights only is judged on
    these too."""
    threshold = draw(
        steered(CALLBACK, "initial_value_threshold", st.none() | grid_values),
        label="initial_value_threshold",
    )
    weights_only = draw(steered(CALLBACK, "save_weights_only", st.booleans()), label="weights")
    config = {
        "filepath": "m{epoch}.weights.h5" if weights_only else "m{epoch}.keras",
        "monitor": "loss",
        "mode": draw(
            steered(CALLBACK, "mode", st.sampled_from(["min", "auto"]), {"save_best_only": True}),
            label="mode",
        ),
        "save_best_only": True,
        "save_weights_only": weights_only,
        "initial_value_threshold": threshold,
    }
    plans = []
    for _ in range(draw(st.integers(1, 3), label="fits")):
        loss = st.one_of(grid_values, grid_values, grid_values, grid_values, edge_values)
        losses = draw(st.lists(loss, min_size=1, max_size=5), label="losses")
        initial = draw(st.sampled_from([0, 0, 2]), label="initial_epoch")
        plans.append(FitPlan([EpochPlan({"loss": loss}) for loss in losses], initial))
    return Scenario(CALLBACK, config, MODEL, plans)


@st.composite
def batch_frequency_scenarios(draw: st.DrawFn) -> Scenario:
    """A positive int `save_freq` with one batch an execution, over epochs and fits:
    saves fall every `save_freq` batches counted across them all."""
    config = {
        "filepath": "m{epoch}-{batch}.keras",
        "monitor": "loss",
        "save_freq": draw(st.integers(1, 4), label="save_freq"),
    }
    plans = []
    for _ in range(draw(st.integers(1, 2), label="fits")):
        batches = draw(st.lists(st.integers(1, 5), min_size=1, max_size=4), label="batches")
        plans.append(FitPlan([EpochPlan({"loss": 1.0}, batches=b) for b in batches]))
    return Scenario(CALLBACK, config, MODEL, plans)


@st.composite
def precision_scenarios(draw: st.DrawFn) -> Scenario:
    """Off the grid, for `monitor.precision` only: `save_best_only` on losses closer
    together than float32 tells apart, and subnormals jax and TensorFlow flush to zero."""
    values = draw(st.lists(near_values, min_size=2, max_size=6), label="loss per epoch")
    config = {
        "filepath": "m{epoch}.keras",
        "monitor": "loss",
        "save_best_only": True,
        "mode": draw(st.sampled_from(["min", "max"]), label="mode"),
    }
    return Scenario(CALLBACK, config, MODEL, [FitPlan([EpochPlan({"loss": v}) for v in values])])

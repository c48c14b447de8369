"""TensorBoard scenarios: constructor arguments drawn across every documented form, a
simulated model, and one or more fits with the same instance.

`scenarios()` draws fits: every `update_freq` that writes (`"epoch"`, `"batch"`, 1, 2, 3,
2.0), histograms at 0/1/2 with and without images, steps per second, the model summary
(for `Sequential`, `Functional` and a subclassed model, with a `to_json` that may fail),
embeddings with str or dict metadata, validation on some epochs, `steps_per_execution`
1-3 with partial last executions, epochs whose logs are empty, and up to three fits.
`constructor_scenarios()` draws `profile_batch` and `update_freq` forms with no fit.

`update_freq` forms that make Keras raise at the first write are drawn by
`constructor_scenarios()` only (see the note by `SAFE_UPDATE_FREQS`). A dict
`embeddings_metadata`, which Keras consumes by `pop`, needs no care: the harness hands
every run its own copy of the arguments.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from hypothesis import strategies as st

from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import Scenario
from conformance.harness.sim_model import ModelSpec

CALLBACK = "TensorBoard"

# Weighted towards the forms that keep a writer stack and gate writes (`N > 1`); "batch"
# twice in both lists (`tensorboard.update-freq.batch-is-one` is judged on it alone). 0 and
# non-numeric strings are drawn by `constructor_scenarios` only: Keras raises at the
# first write *under its stack* and leaves TensorFlow's thread-global default writer and
# `record_if(step % 0 == 0)` entered. The keras target's cleanup hook now unwinds them;
# drawing these forms in fits is left for a later change.
SAFE_UPDATE_FREQS: list[Any] = ["epoch", "epoch", "batch", 1, 2, 2, 2, 3, 3, 2.0, "batch"]
UPDATE_FREQ_FORMS: list[Any] = [
    "epoch", "batch", 0, 1, 2, 3, 2.0, -1, "sometimes", "Epoch", "batch",
]  # fmt: skip
PROFILE_BATCH_FORMS: list[Any] = [
    0, 0, 5, 1, True, False, "5", "3", "12", "2,4", "0,0", "4,2", [2, 4], [0, 3], [5, 2], [1, 2, 3],
    -1, "a", None, "", [], 0.0, 2.5,
]  # fmt: skip
# A third of the draws go for a single str of digits, which Keras rejects
# (`tensorboard.profile-batch.single-string-rejected`, judged on the constructor
# scenarios alone); the rest draw every form alike.
all_profile_batches = st.sampled_from(PROFILE_BATCH_FORMS)
single_string_profile_batches = st.sampled_from(
    [form for form in PROFILE_BATCH_FORMS if isinstance(form, str) and form.isdigit()]
)
profile_batches = st.one_of(all_profile_batches, all_profile_batches, single_string_profile_batches)
update_freq_given = st.sampled_from([True, True, True, False])
# Training metric names: the loss, a compiled metric, a training metric named like a
# validation one, and the names TensorBoard adds itself.
TRAIN_METRICS = ["loss", "accuracy", "val_odd", "learning_rate", "steps_per_second"]
VALIDATION_METRICS = ["loss", "accuracy"]
LOG_DIRS = ["logs", "logs", "logs", "logs/run"]

grid_values = st.integers(-16, 16).map(lambda k: k / 4)
values = grid_values | st.sampled_from([math.nan, math.inf, -math.inf, 0.0])
# Built once: Hypothesis validates each new strategy object, which costs more than the draw.
train_metric_keys = st.lists(st.sampled_from(TRAIN_METRICS), max_size=3, unique=True)
validation_metric_keys = st.lists(st.sampled_from(VALIDATION_METRICS), max_size=3, unique=True)
train_log_kinds = st.sampled_from(["loss"] * 4 + ["drawn", "drawn", "empty"])
validation_log_kinds = st.sampled_from(["loss"] * 3 + ["drawn", "empty"])
validated_epochs = st.sampled_from([True, True, False])
batch_counts = st.integers(1, 5) | st.just(0)
validation_batch_counts = st.integers(0, 3)


@st.composite
def model_specs(draw: st.DrawFn) -> ModelSpec:
    return ModelSpec(
        class_name=draw(
            st.sampled_from(["Sequential", "Sequential", "Functional", "MySubclassedModel"]),
            label="model class",
        ),
        learning_rate=draw(st.sampled_from([0.5, 0.25, 1.5]), label="learning rate"),
        optimizer=draw(st.sampled_from(["sgd", "sgd", "sgd", "multi", "none"]), label="optimizer"),
        embedding=draw(st.sampled_from([False, False, True]), label="has an Embedding layer"),
        to_json_fails=draw(st.sampled_from([False] * 5 + [True]), label="to_json fails"),
    )


@st.composite
def metadata(draw: st.DrawFn) -> Any:
    """`embeddings_metadata`: None, a str for every layer, or a dict (known layer,
    unknown layer, or both)."""
    kind = draw(
        st.sampled_from(["none", "str", "str", "dict", "dict", "dict", "unknown", "both"]),
        label="kind",
    )
    if kind == "none":
        return None
    if kind == "str":
        return "metadata.tsv"
    entries = {
        "dict": {"embedding": "meta.tsv"},
        "unknown": {"no_such_layer": "other.tsv"},
        "both": {"embedding": "meta.tsv", "no_such_layer": "other.tsv"},
    }[kind]
    return entries


@st.composite
def configs(draw: st.DrawFn, model: ModelSpec) -> dict[str, Any]:
    update_freq = draw(st.sampled_from(SAFE_UPDATE_FREQS), label="update_freq")
    steps_per_second = draw(st.sampled_from([False, False, True]), label="write_steps_per_second")
    if model.optimizer == "none" and update_freq != "epoch":
        # Without an optimizer Keras raises AttributeError under its writer stack
        # (see SAFE_UPDATE_FREQS); with "epoch" there is no stack to leave behind.
        steps_per_second = False
    config: dict[str, Any] = {
        "log_dir": draw(st.sampled_from(LOG_DIRS), label="log_dir"),
        # Images without histograms (`tensorboard.weights.images-need-histograms`) one
        # run in three: no histograms half the time, images two times in three.
        "histogram_freq": draw(st.sampled_from([0, 0, 1, 1, 2, 0]), label="histogram_freq"),
        "write_graph": draw(st.sampled_from([True, True, False]), label="write_graph"),
        "write_images": draw(st.sampled_from([False, True, True]), label="write_images"),
        "write_steps_per_second": steps_per_second,
        "update_freq": update_freq,
        "embeddings_freq": draw(st.sampled_from([0] * 5 + [1, 2]), label="embeddings_freq"),
    }
    if config["embeddings_freq"] or draw(st.booleans(), label="metadata without embeddings"):
        config["embeddings_metadata"] = draw(metadata(), label="embeddings_metadata")
    return config


@st.composite
def metric_logs(
    draw: st.DrawFn, keys: st.SearchStrategy[list[str]], label: str
) -> dict[str, float]:
    """Some metric names (`keys`) with grid values (NaN and ±inf now and then); may be
    empty."""
    chosen = draw(keys, label=f"{label} keys")
    return {name: draw(values, label=f"{label} {name}") for name in sorted(chosen)}


@st.composite
def epoch_plans(draw: st.DrawFn) -> EpochPlan:
    kind = draw(train_log_kinds, label="train logs")
    if kind == "loss":
        metrics: dict[str, float] = {"loss": draw(grid_values, label="loss")}
    elif kind == "drawn":
        metrics = draw(metric_logs(train_metric_keys, "train"), label="train metrics")
    else:
        metrics = {}
    validation = None
    if draw(validated_epochs, label="validation this epoch"):
        kind = draw(validation_log_kinds, label="validation logs")
        if kind == "loss":
            validation = {"loss": draw(grid_values, label="val loss")}
        elif kind == "drawn":
            validation = draw(metric_logs(validation_metric_keys, "val"), label="val metrics")
        else:
            validation = {}
    return EpochPlan(
        metrics=metrics,
        batches=draw(batch_counts, label="batches"),
        validation=validation,
        validation_batches=draw(validation_batch_counts, label="validation batches"),
    )


@st.composite
def fit_plans(draw: st.DrawFn) -> FitPlan:
    return FitPlan(
        epochs=draw(st.lists(epoch_plans(), min_size=1, max_size=4), label="epochs"),
        initial_epoch=draw(st.sampled_from([0, 0, 0, 1, 2]), label="initial_epoch"),
        steps_per_execution=draw(st.sampled_from([1, 1, 2, 3]), label="steps_per_execution"),
        stop_requested_at_epoch=draw(
            st.sampled_from([None] * 6 + [0, 1]), label="another callback stops at"
        ),
    )


# Half the scenarios go for the embeddings (an Embedding layer, `embeddings_freq` set,
# the graph written or not), which the drawn models reach least: a quick run judges
# `tensorboard.embeddings.needs-existing-log-dir` (no graph written) on a quarter of its
# 50, which end at `set_model`.
embedding_focus = st.sampled_from([False, True])
embeddings_freqs = st.sampled_from([1, 2])


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """A configuration and model, and one to three fits with the same instance."""
    model = draw(model_specs(), label="model")
    config = draw(configs(model), label="config")
    if draw(embedding_focus, label="embeddings focus"):
        model = dataclasses.replace(model, embedding=True)
        config["embeddings_freq"] = draw(embeddings_freqs, label="embeddings_freq")
        config["write_graph"] = draw(st.booleans(), label="write_graph")
    return Scenario(
        CALLBACK, config, model, draw(st.lists(fit_plans(), min_size=1, max_size=3), label="fits")
    )


@st.composite
def constructor_scenarios(draw: st.DrawFn) -> Scenario:
    """Construction only: `profile_batch` and `update_freq` in every form (the
    documented, the odd and the invalid), and now and then an argument Keras lacks."""
    config: dict[str, Any] = {"log_dir": "logs"}
    if draw(st.sampled_from([True, True, True, False]), label="profile_batch given"):
        config["profile_batch"] = draw(profile_batches, label="profile_batch")
    # Three times in four, like `profile_batch`: "batch" and the forms Keras leaves
    # unvalidated are regimes of their own.
    if draw(update_freq_given, label="update_freq given"):
        config["update_freq"] = draw(st.sampled_from(UPDATE_FREQ_FORMS), label="update_freq")
    if draw(st.sampled_from([False] * 5 + [True]), label="unknown argument"):
        config["write_grads"] = True  # a tf.keras 1 argument: no **kwargs to take it
    return Scenario(CALLBACK, config, ModelSpec(), [])

"""Hypothesis strategies for ModelCheckpoint scenarios: a configuration and some fits.

Metric values live on a small grid of quarters (exact in float32 and float64, and
close together so ties are common) plus NaN and the infinities. Templates are built
from every placeholder kind the callback formats. Validation keys appear on some
epochs only, monitored keys go missing now and then, and one scenario may run several
fits with one callback instance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import strategies as st

from tests.support.checkpoint_drive import Epoch, Fit, Logs, executions_per_epoch
from tests.support.checkpoint_model import SAVE_ERRORS

GRID = [0.25, 0.5, 0.75, 1.0, 1.5]
SPECIAL = [math.nan, math.inf, -math.inf]
TRAIN_KEYS = ["acc", "loss"]
# "mse" has a direction but is never logged; auto mode cannot place "auc".
MONITORS = ["loss", "val_loss", "acc", "val_acc"] * 3 + ["mse", "auc"]
MODES = ["auto", "min", "max", "bogus"]

PLACEHOLDERS = ["{epoch}", "{epoch:02d}", "{batch}", "{loss:.3f}", "{acc}"]
# These raise on some or all epochs: missing validation keys, unknown keys, positional
# fields, format specs the value's type rejects.
RARE_PLACEHOLDERS = ["{val_loss:.2f}", "{unknown}", "{0}", "{loss:d}"]
DIRECTORIES = ["ckpt", "run_{epoch}", "b{batch}"]
EXTENSIONS = [".keras", ".h5", ".weights.h5"]


@dataclass(frozen=True)
class Scenario:
    template: str  # relative to the run's root directory
    options: dict[str, Any]  # ModelCheckpoint keyword arguments other than filepath
    fits: list[Fit] = field(default_factory=list)
    save_error: str | None = None  # a key of SAVE_ERRORS: every save raises it
    directory_in_the_way: bool = False  # a directory already sits at `template`


def metric_values() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(GRID),
        st.sampled_from(SPECIAL),
        st.just(None),  # key present, value None: the "missing" branch
        st.just(np.array([0.5, 0.25])),  # non-scalar: the save-anyway branch
    )


def scalar_values() -> st.SearchStrategy[float]:
    return st.one_of(st.sampled_from(GRID), st.sampled_from(SPECIAL))


@st.composite
def logs(draw: st.DrawFn, keys: list[str], extra_key: str | None) -> Logs:
    """Logs with each key usually present, usually a plain value."""
    result: dict[str, Any] = {}
    for key in keys:
        if draw(st.integers(0, 9), label=f"{key} present?") > 0:
            rare = draw(st.integers(0, 9), label=f"{key} unusual?") == 0
            result[key] = draw(metric_values() if rare else scalar_values(), label=key)
    if extra_key is not None:
        result[extra_key] = 7.0
    return result


@st.composite
def templates(draw: st.DrawFn, save_weights_only: bool) -> str:
    directories = draw(st.lists(st.sampled_from(DIRECTORIES), max_size=2), label="dirs")
    common = ["model", *PLACEHOLDERS] * 3  # the error-raising ones a quarter as often
    piece = st.sampled_from(common + RARE_PLACEHOLDERS)
    pieces = draw(st.lists(piece, min_size=1, max_size=3), label="name pieces")
    right_extension = ".weights.h5" if save_weights_only else draw(st.sampled_from(EXTENSIONS))
    extension = draw(st.sampled_from([right_extension] * 9 + [".txt"]), label="extension")
    return "/".join([*directories, "_".join(pieces) + extension])


def save_freqs() -> st.SearchStrategy[str | int]:
    return st.one_of(st.just("epoch"), st.integers(-2, 12), st.booleans())


@st.composite
def options(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "monitor": draw(st.sampled_from(MONITORS), label="monitor"),
        "verbose": draw(st.sampled_from([0, 1]), label="verbose"),
        "save_best_only": draw(st.booleans(), label="save_best_only"),
        "save_weights_only": draw(st.booleans(), label="save_weights_only"),
        "mode": draw(st.sampled_from(MODES), label="mode"),
        "save_freq": draw(save_freqs(), label="save_freq"),
        "initial_value_threshold": draw(
            st.one_of(st.none(), scalar_values()), label="initial_value_threshold"
        ),
    }


@st.composite
def fits(draw: st.DrawFn, initial_epoch: int) -> Fit:
    steps_per_epoch = draw(st.integers(1, 6), label="steps_per_epoch")
    steps_per_execution = draw(st.integers(1, 3), label="steps_per_execution")
    extra_key = draw(st.sampled_from([None] * 18 + ["batch", "epoch"]), label="extra log key")
    epochs = []
    for _ in range(draw(st.integers(0, 4), label="epochs")):
        executions = executions_per_epoch(steps_per_epoch, steps_per_execution)
        execution_logs = [draw(logs(TRAIN_KEYS, extra_key)) for _ in range(executions)]
        validated = draw(st.booleans(), label="validation this epoch")
        keys = TRAIN_KEYS + (["val_acc", "val_loss"] if validated else [])
        epochs.append(Epoch(execution_logs, draw(logs(keys, extra_key))))
    return Fit(epochs, steps_per_epoch, steps_per_execution, initial_epoch)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    chosen = draw(options())
    template = draw(templates(chosen["save_weights_only"]), label="template")
    runs = [
        draw(fits(initial_epoch=draw(st.integers(0, 2), label="initial_epoch")))
        for _ in range(draw(st.integers(1, 3), label="fits"))
    ]
    save_error = draw(st.sampled_from([None] * 12 + list(SAVE_ERRORS)), label="save error")
    in_the_way = "{" not in template and draw(st.integers(0, 4), label="dir in the way?") == 0
    return Scenario(template, chosen, runs, save_error, in_the_way)

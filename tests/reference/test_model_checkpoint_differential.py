"""ModelCheckpoint: the reference and Keras 3.15.1 observed through the same runs agree.

The suite's own scenarios (`conformance.strategies.model_checkpoint`: a configuration,
a template drawn towards the edges, one or more fits on one instance) run through the
suite's harness on both, now and then on a model whose saves raise, and everything a
user can see is compared whole: saves (method, path, arguments) and the hook each was
made in, the files left with the training state they hold, warnings, stdout and errors.
Wrong implementations of the catalogue must be caught.
"""

from __future__ import annotations

import importlib
import math
import pathlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import reference
from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import ModelAdapter, Scenario
from conformance.harness.sim_model import ModelSpec, save_raises
from conformance.strategies.model_checkpoint import MODEL, save_freqs, scenarios
from tests.support.differential import (
    assert_agrees_with_keras,
    assert_property_catches,
    reference_class,
)
from tests.support.implementations import callbacks_of, run_on

# What a failing save raises (fresh for every run): h5py 2.x refusing a directory, an
# OSError without arguments, a refusal whose message names the file.
SAVE_ERRORS: dict[str, Callable[[], OSError]] = {
    "is-a-directory": lambda: OSError("Unable to create file m.keras: Is a directory"),
    "no-args": lambda: OSError(),
    "permission": lambda: PermissionError(13, "Permission denied", "m.keras"),
}
save_errors = st.sampled_from([None] * 12 + list(SAVE_ERRORS))


def failing_saves(save_error: str | None) -> ModelAdapter | None:
    return None if save_error is None else save_raises(SAVE_ERRORS[save_error]())


# Batch-level best-only saves after the first epoch end: the second save falls on a
# batch whose running loss improves on the first's.
BATCH_BEST_ONLY = Scenario(
    "ModelCheckpoint",
    {"filepath": "{epoch}.keras", "monitor": "loss", "save_best_only": True, "save_freq": 2},
    MODEL,
    [
        FitPlan(
            [
                EpochPlan({"loss": 0.5}),
                EpochPlan(
                    {"loss": 0.25},
                    batches=4,
                    batch_metrics=[{"loss": 1.0}, {"loss": 0.5}, {"loss": 0.75}, {"loss": 0.25}],
                ),
            ]
        )
    ],
)


@example(BATCH_BEST_ONLY, None)
@given(scenarios(), save_errors)
def test_reference_agrees_with_keras(scenario: Scenario, save_error: str | None) -> None:
    assert_agrees_with_keras(
        reference_class("ModelCheckpoint"), scenario, failing_saves(save_error)
    )


# Wrong implementations the property must catch (`conformance/catalogue/`).
MUTANTS = [
    "mc_zero_based_epoch_in_path",
    "mc_batch_counter_reset_per_epoch",
    "mc_missing_monitor_skips_save",
]


@pytest.mark.parametrize("mutant", MUTANTS)
def test_property_catches_wrong_implementation(mutant: str) -> None:
    wrong = importlib.import_module(f"conformance.catalogue.{mutant}").ModelCheckpoint
    assert_property_catches(lambda scenario: assert_agrees_with_keras(wrong, scenario), scenarios())


def paths() -> st.SearchStrategy[Any]:
    """Filepath arguments: templates, PathLike ones, and things that are no path."""
    text = st.sampled_from(
        [
            "m.keras",
            "m.h5",
            "m.weights.h5",
            "m_{epoch}.keras",
            "m.txt",
            "m",
            "m.hdf5",
            "d/{epoch:02d}.weights.h5",
            ".keras",
            "m.keras.txt",
            "m.weights.h5.keras",
        ]
    )
    return st.one_of(text, text.map(pathlib.PurePosixPath), st.sampled_from([None, 3, b"m.keras"]))


# The state construction leaves; `filepath` is compared relative to the run directory.
PUBLIC_STATE = (
    "monitor",
    "mode",
    "verbose",
    "save_best_only",
    "save_weights_only",
    "save_freq",
    "min_delta",
    "monitor_op",
    "best",
)


def constructed_state(callback: Any, filepath: Any) -> dict[str, str] | None:
    if callback is None:
        return None
    state = {name: repr(getattr(callback, name)) for name in PUBLIC_STATE}
    # A str filepath is joined to the run directory: what follows it is compared.
    kept = callback.filepath
    written = filepath if isinstance(filepath, str) else ""
    state["filepath"] = repr(kept[len(kept) - len(written) :] if written else kept)
    state["filepath type"] = type(kept).__name__
    return state


@given(
    filepath=paths(),
    save_weights_only=st.booleans(),
    save_freq=st.one_of(
        save_freqs(),
        st.sampled_from(["batch", "Epoch", 1.0, 2.5, None, np.int64(2), np.array([1, 2])]),
    ),
    mode=st.sampled_from(["auto", "min", "max", "MAX", ""]),
    initial_value_threshold=st.one_of(st.none(), st.sampled_from([0.5, "abc", math.nan])),
)
def test_constructor_matches_keras(**config: Any) -> None:
    """Construction alone (no fit): what it showed, and the state it left."""
    scenario = Scenario("ModelCheckpoint", config, ModelSpec())
    outcomes = {}
    for name in ("keras", "reference"):
        callback, observation = run_on(callbacks_of(name), scenario)
        outcomes[name] = (repr(observation), constructed_state(callback, config["filepath"]))
    assert outcomes["reference"] == outcomes["keras"]


# Off the grid on purpose: pairs that differ only beyond float32 precision, float32
# subnormals (flushed to zero on jax), and values that overflow float32. (The suite's
# `precision_scenarios` draws neither overflows nor a threshold.)
PRECISION_VALUES = [0.0, 1e-40, -1e-40, 1.0, 1 + 2**-30, 1 - 2**-30, 1 + 2**-22, 3.4e38, 3.5e38]


@st.composite
def precision_scenarios(draw: st.DrawFn) -> Scenario:
    """Best-only saves, printed, on `val_loss` values and a threshold off the grid."""
    values = draw(st.lists(st.sampled_from(PRECISION_VALUES), min_size=1, max_size=6))
    config = {
        "filepath": "{epoch}.keras",
        "save_best_only": True,
        "mode": draw(st.sampled_from(["min", "max"])),
        "verbose": 1,
        "initial_value_threshold": draw(st.none() | st.sampled_from(PRECISION_VALUES)),
    }
    epochs = [EpochPlan({"val_loss": value}, batches=0) for value in values]
    return Scenario("ModelCheckpoint", config, ModelSpec(), [FitPlan(epochs)])


@given(precision_scenarios())
def test_reference_agrees_with_keras_on_comparison_precision(scenario: Scenario) -> None:
    assert_agrees_with_keras(reference_class("ModelCheckpoint"), scenario)


class ComparesWithoutFlushingSubnormals(reference.ModelCheckpoint):
    """Mutant: float32 comparisons as torch makes them, keeping subnormals."""

    comparison_precision = "float32"


class ComparesInFloat64(reference.ModelCheckpoint):
    """Mutant: float64 comparisons, as Keras's numpy backend and tf-keras make them."""

    comparison_precision = "float64"


# Not catalogue entries: a comparison precision is what a target declares, and the
# diagnosis replays every entry at the target's own precision, so no report could ever
# say a port "behaves like" them.
@pytest.mark.parametrize("wrong", [ComparesWithoutFlushingSubnormals, ComparesInFloat64])
def test_precision_property_catches_wrong_implementation(wrong: type) -> None:
    assert_property_catches(
        lambda scenario: assert_agrees_with_keras(wrong, scenario), precision_scenarios()
    )

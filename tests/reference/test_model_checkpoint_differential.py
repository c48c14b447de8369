"""The reference ModelCheckpoint against Keras 3.15.1's, on drawn scenarios.

Both are driven through the same hooks with the same logs, each with its own duck-typed
model writing real files into its own directory, and must leave identical observations:
saves (method, path, keyword arguments), warnings, stdout and exceptions hook by hook,
the files on disk with the training state they hold, and the final `best`.
Deliberately wrong variants of the reference ("mutants") must be caught.
"""

from __future__ import annotations

import math
import os
import pathlib
import tempfile
import warnings
from typing import Any

import keras
import numpy as np
import pytest
from hypothesis import Phase, event, example, given, note, settings
from hypothesis import strategies as st
from keras.src.trainers.compile_utils import MetricsList

from reference.model_checkpoint import ModelCheckpoint
from tests.support.checkpoint_drive import Epoch, Fit, Observation, drive
from tests.support.checkpoint_model import SAVE_ERRORS, CheckpointModel
from tests.support.checkpoint_strategies import Scenario, save_freqs, scenarios


def compiled_metrics() -> list[Any]:
    """What `model.metrics` holds for auto mode: "acc" goes up, "mse" goes down."""
    return [
        MetricsList(
            [keras.metrics.BinaryAccuracy(name="acc"), keras.metrics.MeanSquaredError(name="mse")]
        )
    ]


def construct(implementation: type, *args: Any, **kwargs: Any) -> tuple[Any, list[Any]]:
    """The callback (None if the constructor raised) and what construction showed."""
    callback = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            callback = implementation(*args, **kwargs)
        except Exception as error:
            raised = [("raised", type(error).__name__, str(error))]
    shown = [("warning", w.category.__name__, str(w.message)) for w in caught]
    return callback, shown + ([] if callback else raised)


def observe(implementation: type, scenario: Scenario) -> tuple[Any, Observation | None]:
    with tempfile.TemporaryDirectory() as root:
        filepath = os.path.join(root, scenario.template)
        callback, construction = construct(implementation, filepath, **scenario.options)
        construction = [
            tuple(str(part).replace(root, "<root>") for part in event) for event in construction
        ]
        if callback is None:
            return construction, None
        if scenario.directory_in_the_way:
            os.makedirs(filepath)
        model = CheckpointModel(compiled_metrics(), SAVE_ERRORS.get(scenario.save_error or ""))
        return construction, drive(callback, model, scenario.fits, root)


def assert_same_observations(candidate: type, scenario: Scenario) -> None:
    expected = observe(keras.callbacks.ModelCheckpoint, scenario)
    note(f"keras: {expected}")
    actual = observe(candidate, scenario)
    assert actual == expected
    describe_outcome(expected)


def describe_outcome(observed: tuple[Any, Observation | None]) -> None:
    """Label what the scenario exercised, for `--hypothesis-show-statistics`."""
    construction, run = observed
    if run is None:
        event(f"constructor raised {construction[-1][1]}")
        return
    happened = [item for *_, items in run.events for item in items]
    kinds = sorted({item[0] if item[0] != "raised" else f"raised {item[1]}" for item in happened})
    event("run showed: " + (", ".join(kinds) or "nothing"))


def differential_property(candidate: type) -> Any:
    @given(scenario=scenarios())
    def property_(scenario: Scenario) -> None:
        assert_same_observations(candidate, scenario)

    return property_


@example(
    scenario=Scenario(
        "{epoch}.keras",
        {"monitor": "loss", "save_best_only": True, "save_freq": 2},
        [
            Fit(
                [
                    Epoch(
                        [{"loss": 1.0}, {"loss": 0.5}, {"loss": 0.75}, {"loss": 0.25}],
                        {"loss": 0.25},
                    )
                ],
                4,
            )
        ],
    )
)
@given(scenario=scenarios())
def test_reference_matches_keras_on_drawn_runs(scenario: Scenario) -> None:
    assert_same_observations(ModelCheckpoint, scenario)


class ZeroBasedEpochInPaths(ModelCheckpoint):
    """Mutant: formats `{epoch}` with the 0-based index."""

    def _get_file_path(self, epoch: int, batch: int | None, logs: Any) -> str:
        return super()._get_file_path(epoch - 1, batch, logs)


class BatchCounterResetPerEpoch(ModelCheckpoint):
    """Mutant: forgets the batches seen since the last save at every epoch start."""

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        super().on_epoch_begin(epoch, logs)
        self._batches_seen_since_last_saving = 0


class MissingMonitorSkipsSave(ModelCheckpoint):
    """Mutant: Keras before 3.10, which skipped the save when the monitor was missing."""

    def _should_save_model(self, epoch: int, logs: Any, filepath: str) -> bool:
        if self.save_best_only and (logs or {}).get(self.monitor) is None:
            return False
        return super()._should_save_model(epoch, logs, filepath)


@pytest.mark.parametrize(
    "mutant", [ZeroBasedEpochInPaths, BatchCounterResetPerEpoch, MissingMonitorSkipsSave]
)
def test_differential_property_catches_mutant(mutant: type) -> None:
    hunt = settings(phases=[Phase.generate], database=None)(differential_property(mutant))
    with pytest.raises(AssertionError):
        hunt()


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
def test_constructor_matches_keras(**arguments: Any) -> None:
    expected_callback, expected_shown = construct(keras.callbacks.ModelCheckpoint, **arguments)
    callback, shown = construct(ModelCheckpoint, **arguments)
    assert shown == expected_shown
    assert (callback is None) == (expected_callback is None)
    if callback is not None:
        public = [
            "filepath",
            "monitor",
            "mode",
            "verbose",
            "save_best_only",
            "save_weights_only",
            "save_freq",
            "min_delta",
            "monitor_op",
        ]
        assert {name: repr(getattr(callback, name)) for name in public} == {
            name: repr(getattr(expected_callback, name)) for name in public
        }
        assert repr(callback.best) == repr(expected_callback.best)


# Off the grid on purpose: pairs that differ only beyond float32 precision, float32
# subnormals (flushed to zero on jax), and values that overflow float32.
PRECISION_VALUES = [0.0, 1e-40, -1e-40, 1.0, 1 + 2**-30, 1 - 2**-30, 1 + 2**-22, 3.4e38, 3.5e38]


def precision_property(candidate: type) -> Any:
    @given(
        mode=st.sampled_from(["min", "max"]),
        values=st.lists(st.sampled_from(PRECISION_VALUES), min_size=1, max_size=6),
        initial_value_threshold=st.one_of(st.none(), st.sampled_from(PRECISION_VALUES)),
    )
    def property_(mode: str, values: list[float], initial_value_threshold: float | None) -> None:
        epochs = [Epoch([], {"val_loss": value}) for value in values]
        options = {
            "save_best_only": True,
            "mode": mode,
            "verbose": 1,
            "initial_value_threshold": initial_value_threshold,
        }
        scenario = Scenario("{epoch}.keras", options, [Fit(epochs, steps_per_epoch=0)])
        assert_same_observations(candidate, scenario)

    return property_


test_reference_matches_keras_comparison_precision = precision_property(ModelCheckpoint)


class ComparesWithoutFlushingSubnormals(ModelCheckpoint):
    """Mutant: float32 comparisons as torch makes them, keeping subnormals."""

    comparison_precision = "float32"


class ComparesInFloat64(ModelCheckpoint):
    """Mutant: float64 comparisons, as Keras's numpy backend and tf-keras make them."""

    comparison_precision = "float64"


@pytest.mark.parametrize("mutant", [ComparesWithoutFlushingSubnormals, ComparesInFloat64])
def test_precision_property_catches_mutant(mutant: type) -> None:
    hunt = settings(phases=[Phase.generate], database=None)(precision_property(mutant))
    with pytest.raises(AssertionError):
        hunt()

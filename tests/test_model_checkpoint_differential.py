"""The reference ModelCheckpoint against Keras 3.15.1's, on drawn scenarios.

Both are driven through the same hooks with the same logs, each with its own duck-typed
model writing real files into its own directory, and must leave identical observations:
saves (method, path, keyword arguments), warnings, stdout and exceptions hook by hook,
the files on disk with the training state they hold, and the final `best`.
Deliberately wrong variants of the reference ("mutants") must be caught.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from typing import Any

import keras
from hypothesis import event, example, given, note
from keras.src.trainers.compile_utils import MetricsList

from reference.model_checkpoint import ModelCheckpoint
from tests.support.checkpoint_drive import Epoch, Fit, Observation, drive
from tests.support.checkpoint_model import SAVE_ERRORS, CheckpointModel
from tests.support.checkpoint_strategies import Scenario, scenarios


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

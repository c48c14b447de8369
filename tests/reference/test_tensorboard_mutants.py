"""Deliberately wrong TensorBoards: the differential check must catch each one, on a
small hand-made scenario, so a passing property is evidence and not a tautology."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import keras
import pytest

from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import Scenario
from conformance.harness.sim_model import ModelSpec, sim_model_class
from reference.tensorboard import TensorBoard
from tests.support.differential import assert_agrees_with_keras, keras_target, reference_class


def catalogued(name: str) -> type:
    """The TensorBoard of the wrong implementation `name` of `conformance/catalogue/`."""
    return importlib.import_module(f"conformance.catalogue.{name}").TensorBoard


def two_fits(update_freq: Any, model: ModelSpec | None = None) -> Scenario:
    fit = FitPlan(
        [
            EpochPlan({"loss": 0.5}, batches=3, validation={"loss": 0.25}),
            EpochPlan({"loss": 0.75}, batches=3),
        ]
    )
    config = {"log_dir": "logs", "update_freq": update_freq}
    return Scenario("TensorBoard", config, model or ModelSpec(), [fit, fit])


MUTANTS = {
    "tb_batch_step_zero_based": two_fits("batch"),
    "tb_epoch_writes_not_gated": two_fits(2),
    "tb_test_batch_reset_per_fit": two_fits(2),
    "tb_learning_rate_for_any_optimizer": two_fits("epoch", ModelSpec(optimizer="plain")),
}


@pytest.mark.parametrize("mutant", MUTANTS)
def test_property_catches_mutant(mutant: str) -> None:
    scenario = MUTANTS[mutant]
    assert_agrees_with_keras(reference_class("TensorBoard"), scenario)  # the scenario is fine
    with pytest.raises(AssertionError):
        assert_agrees_with_keras(catalogued(mutant), scenario)


# Outside the harness, which hands each run a copy of the constructor arguments: whether
# the user's own `embeddings_metadata` dict is consumed (Keras pops the layers it finds).
class MetadataDictCopied(TensorBoard):
    def set_model(self, model: Any) -> None:
        if isinstance(self.embeddings_metadata, dict):
            self.embeddings_metadata = dict(self.embeddings_metadata)
        super().set_model(model)


def users_metadata_after_set_model(tensorboard_class: type, log_dir: str) -> dict[str, str]:
    metadata = {"embedding": "words.tsv"}
    model = sim_model_class("Sequential")(ModelSpec(embedding=True))
    target = keras_target()
    if tensorboard_class is keras.callbacks.TensorBoard and target.adapt is not None:
        model = target.adapt(model)
    callback = tensorboard_class(log_dir=log_dir, embeddings_freq=1, embeddings_metadata=metadata)
    callback.set_model(model)
    return metadata


def test_users_metadata_is_consumed_as_keras_consumes_it(tmp_path: Path) -> None:
    expected = users_metadata_after_set_model(keras.callbacks.TensorBoard, str(tmp_path / "k"))
    assert users_metadata_after_set_model(TensorBoard, str(tmp_path / "r")) == expected
    assert users_metadata_after_set_model(MetadataDictCopied, str(tmp_path / "m")) != expected

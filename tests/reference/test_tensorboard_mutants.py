"""Deliberately wrong TensorBoards: the differential property must catch each one, on
a small hand-made scenario, so a passing property is evidence and not a tautology."""

from __future__ import annotations

import importlib
from dataclasses import replace
from typing import Any

import pytest

from reference.tensorboard import TensorBoard
from tests.support.tensorboard_model import LayerSpec, ModelSpec
from tests.support.tensorboard_runs import Epoch, Scenario, Session, assert_conforms


# Not a catalogue entry: the suite's harness hands each run a copy of the constructor
# arguments, so no clause can see whether the user's own dict was changed.
class MetadataDictCopied(TensorBoard):
    def set_model(self, model: Any) -> None:
        if isinstance(self.embeddings_metadata, dict):
            self.embeddings_metadata = dict(self.embeddings_metadata)
        super().set_model(model)


def catalogued(name: str) -> type:
    """The TensorBoard of the wrong implementation `name` of `conformance/catalogue/`."""
    return importlib.import_module(f"conformance.catalogue.{name}").TensorBoard


def _two_fits(update_freq: Any, **config: Any) -> Scenario:
    fit = Session("fit", epochs=(Epoch(3, validation_executions=1), Epoch(3)))
    return Scenario(
        config={"update_freq": update_freq, **config},
        model=ModelSpec(),
        metrics=("loss",),
        sessions=(fit, fit),
    )


EMBEDDING_MODEL = ModelSpec(layers=(LayerSpec("words", ((4, 2),), embedding=True),))
MUTANTS = [
    (catalogued("tb_batch_step_zero_based"), _two_fits("batch")),
    (catalogued("tb_epoch_writes_not_gated"), _two_fits(2)),
    (catalogued("tb_test_batch_reset_per_fit"), _two_fits(2)),
    (
        catalogued("tb_learning_rate_for_any_optimizer"),
        replace(_two_fits("epoch"), model=ModelSpec(optimizer="plain")),
    ),
    (
        MetadataDictCopied,
        replace(
            _two_fits("epoch", embeddings_freq=1, embeddings_metadata={"words": "words.tsv"}),
            model=EMBEDDING_MODEL,
        ),
    ),
]


def _name(mutant: type) -> str:
    """A catalogue entry's module name, or the class's own."""
    module = mutant.__module__
    return module.rsplit(".")[-1] if module.startswith("conformance.") else mutant.__name__


@pytest.mark.parametrize(("mutant", "scenario"), MUTANTS, ids=[_name(m) for m, _ in MUTANTS])
def test_property_catches_mutant(mutant: type, scenario: Scenario) -> None:
    assert_conforms(TensorBoard, scenario)  # the scenario itself is fine
    with pytest.raises(AssertionError):
        assert_conforms(mutant, scenario)

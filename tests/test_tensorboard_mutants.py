"""Deliberately wrong TensorBoards: the differential property must catch each one, on
a small hand-made scenario, so a passing property is evidence and not a tautology."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from reference.tensorboard import TensorBoard
from tests.support.tensorboard_model import LayerSpec, ModelSpec
from tests.support.tensorboard_runs import Epoch, Scenario, Session, assert_conforms


class BatchStepsOffByOne(TensorBoard):
    """batch_* one step early: 0-based execution counts."""

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        self._global_train_batch -= 1
        super().on_train_batch_end(batch, logs)
        self._global_train_batch += 1


class UngatedEpochWrites(TensorBoard):
    """tf-keras's behaviour: epoch summaries always recorded (refutes TB-21 if it passes)."""

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        contexts, self._contexts = self._contexts, []
        super().on_epoch_end(epoch, logs)
        self._contexts = contexts


class ResetsTestBatchCount(TensorBoard):
    def on_train_begin(self, logs: Any = None) -> None:
        self._global_test_batch = 0
        super().on_train_begin(logs)


class LearningRateForAnyOptimizer(TensorBoard):
    def _learning_rates(self) -> dict[str, float]:
        return {"learning_rate": float(self.model.optimizer.learning_rate)}


class MetadataDictCopied(TensorBoard):
    def set_model(self, model: Any) -> None:
        if isinstance(self.embeddings_metadata, dict):
            self.embeddings_metadata = dict(self.embeddings_metadata)
        super().set_model(model)


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
    (BatchStepsOffByOne, _two_fits("batch")),
    (UngatedEpochWrites, _two_fits(2)),
    (ResetsTestBatchCount, _two_fits(2)),
    (LearningRateForAnyOptimizer, replace(_two_fits("epoch"), model=ModelSpec(optimizer="plain"))),
    (
        MetadataDictCopied,
        replace(
            _two_fits("epoch", embeddings_freq=1, embeddings_metadata={"words": "words.tsv"}),
            model=EMBEDDING_MODEL,
        ),
    ),
]


@pytest.mark.parametrize(("mutant", "scenario"), MUTANTS, ids=lambda m: getattr(m, "__name__", ""))
def test_property_catches_mutant(mutant: type, scenario: Scenario) -> None:
    assert_conforms(TensorBoard, scenario)  # the scenario itself is fine
    with pytest.raises(AssertionError):
        assert_conforms(mutant, scenario)

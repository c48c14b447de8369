"""TensorBoard resets its test batch count at every evaluation begin, where Keras never resets
it."""

from __future__ import annotations

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference.callback import Logs

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = (
    "TensorBoard",
    ("tensorboard.steps.test-batch-never-reset", "tensorboard.evaluation.vs-iterations"),
)


class TensorBoard(TensorBoard):
    def on_test_begin(self, logs: Logs = None) -> None:
        self._global_test_batch = 0  # Bug: Keras keeps counting across evaluations.
        super().on_test_begin(logs)

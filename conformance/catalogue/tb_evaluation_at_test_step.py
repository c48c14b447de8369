"""TensorBoard writes `evaluation_<m>_vs_iterations` at its own count of test batches instead
of at `model.optimizer.iterations`, the optimizer's step count Keras uses."""

from __future__ import annotations

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference import summary_writer as summaries
from reference.callback import Logs

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = ("TensorBoard", ("tensorboard.evaluation.vs-iterations",))


class TensorBoard(TensorBoard):
    def on_test_end(self, logs: Logs = None) -> None:
        optimizer = self.model.optimizer
        if optimizer and hasattr(optimizer, "iterations"):
            writer = self._writer("validation").as_default()
            for name, value in logs.items():  # type: ignore[union-attr]
                summary = summaries.scalar_summary(f"evaluation_{name}_vs_iterations", value)
                self._write(writer, summary, self._global_test_batch)  # Bug: not iterations.
        self._pop()

"""ModelCheckpoint with an integer `save_freq` counts one batch per `on_train_batch_end`
call, i.e. executions, so with `steps_per_execution` above 1 it saves too rarely; Keras
counts the batches an execution covers from the end index it is given."""

from __future__ import annotations

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = (
    "ModelCheckpoint",
    ("model_checkpoint.save-freq.counts-batches", "model_checkpoint.save-freq.unclipped-end-step"),
)


class ModelCheckpoint(ModelCheckpoint):
    def _should_save_on_batch(self, batch: int) -> bool:
        if self.save_freq == "epoch":
            return False
        self._batches_seen_since_last_saving += 1  # Bug: one per call, not per batch.
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:  # type: ignore[operator]
            self._batches_seen_since_last_saving = 0
            return True
        return False

"""TensorBoard writes the validation run's `epoch_*` scalars at step `epoch + 1` (the train
run's are right, at the 0-based epoch index), so validation curves are shifted one epoch
right of the training curves."""

from __future__ import annotations

from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference.summary_writer import SummaryWriter

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = ("TensorBoard", ("tensorboard.epoch.scalars",))


class TensorBoard(TensorBoard):
    def _write(self, writer: SummaryWriter | None, summary: Any, step: Any) -> None:
        validation = writer is not None and writer is self._writers.get("validation")
        if validation and summary.value[0].tag.startswith("epoch_"):
            step = step + 1  # Bug: Keras writes validation epoch scalars at step = epoch.
        super()._write(writer, summary, step)

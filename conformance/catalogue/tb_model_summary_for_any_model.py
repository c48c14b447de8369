"""TensorBoard with `write_graph` writes the `keras` model-JSON summary for any model,
subclassed ones included; Keras writes it only for a `Functional` or `Sequential` model."""

from __future__ import annotations

import warnings

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference import summary_writer as summaries

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = ("TensorBoard", ("tensorboard.model-summary.functional-or-sequential",))


class TensorBoard(TensorBoard):
    def _write_model_summary(self) -> None:
        writer = self._writer("train").as_default()
        # Bug: no `type(self.model).__name__ in ("Functional", "Sequential")` check.
        try:
            model_json = self.model.to_json()
        except Exception as exc:
            warnings.warn(f"Model failed to serialize as JSON. Ignoring... {exc}", stacklevel=1)
            return
        self._write(writer, summaries.keras_model_summary("keras", model_json), 0)

"""ModelCheckpoint ignores `initial_value_threshold`: `best` starts as None, so the first
monitored value is saved even when it does not beat the threshold."""

from __future__ import annotations

import os

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
    ("model_checkpoint.best-only.improvement", "model_checkpoint.save-freq.best-only-crash"),
)


class ModelCheckpoint(ModelCheckpoint):
    def __init__(
        self,
        filepath: str | os.PathLike[str],
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: str | int = "epoch",
        initial_value_threshold: float | None = None,
    ) -> None:
        super().__init__(
            filepath,
            monitor,
            verbose,
            save_best_only,
            save_weights_only,
            mode,
            save_freq,
            initial_value_threshold,
        )
        self.best = None  # Bug: Keras starts from initial_value_threshold.

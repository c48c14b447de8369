"""EarlyStopping keeps the sign of `min_delta` (no `abs()`), so a negative min_delta makes a
worse value an improvement."""

from __future__ import annotations

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = ("EarlyStopping", ("early_stopping.min-delta.absolute",))


class EarlyStopping(EarlyStopping):
    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__(
            monitor,
            min_delta,
            patience,
            verbose,
            mode,
            baseline,
            restore_best_weights,
            start_from_epoch,
        )
        self.min_delta = min_delta  # Bug: Keras stores abs(min_delta).

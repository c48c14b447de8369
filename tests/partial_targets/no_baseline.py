"""The reference's EarlyStopping without a `baseline` parameter, declaring it: the
baseline clauses are `unsupported`, the others are judged on the scenarios without a
baseline (a scenario passing `baseline=None`, Keras's default, is run without it)."""

from __future__ import annotations

import reference
from conformance.unsupported import Unsupported

__all__ = ["EarlyStopping", "conformance_unsupported"]


class EarlyStopping(reference.EarlyStopping):
    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__(
            monitor,
            min_delta,
            patience,
            verbose,
            mode,
            restore_best_weights=restore_best_weights,
            start_from_epoch=start_from_epoch,
        )


conformance_unsupported = [
    Unsupported("EarlyStopping", "baseline", reason="no baseline parameter"),
]

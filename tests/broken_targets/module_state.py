"""State kept at module level, where no class attribute shows it: EarlyStopping counts
its instances in a module-level list and gives every other one an epoch more patience. The same
scenario fails on one run and passes on the next: the suite says the failure does not
reproduce and why that is likely, or, where the property passed on the runs it judged, that
a second run on a fresh instance ran otherwise (not deterministic)."""

from __future__ import annotations

from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = ["EXPECTED", "EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"]

EXPECTED = {
    "EarlyStopping": (
        "fail",
        "on a fresh instance",
        # Which clause a target that changes from run to run is blamed on depends on the
        # runs it happened to differ on: every failure says it does not reproduce, or
        # that it ran otherwise run again.
        (),
    ),
}

_INSTANCES = [0]  # module-level: shared by every instance, never reset


class EarlyStopping(EarlyStopping):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _INSTANCES[0] += 1
        self.extra_patience = _INSTANCES[0] % 2

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        patience = self.patience
        self.patience += self.extra_patience
        try:
            super().on_epoch_end(epoch, logs)
        finally:
            self.patience = patience

"""State kept on the class: EarlyStopping keeps the best value, and a count of fits, in
a dict that is a class attribute, shared by every instance (the classic Python slip),
and starts each fit from the best any earlier instance saw."""

from __future__ import annotations

from typing import Any, ClassVar

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = [
    "EXPECTED",
    "UNTOUCHED",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

UNTOUCHED = ("LearningRateScheduler",)
EXPECTED = {
    "EarlyStopping": (
        "fail",
        "the target keeps state on its classes between scenarios: EarlyStopping.shared was",
        ("early_stopping.patience.counts-before-test", "early_stopping.verbose.messages"),
    ),
}


class EarlyStopping(EarlyStopping):
    shared: ClassVar[dict[str, Any]] = {"best": None, "fits": 0}

    def on_train_begin(self, logs: Any = None) -> None:
        super().on_train_begin(logs)
        self.shared["fits"] += 1
        self.best = self.shared["best"]

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        super().on_epoch_end(epoch, logs)
        self.shared["best"] = self.best

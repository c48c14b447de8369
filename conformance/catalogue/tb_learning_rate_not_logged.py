"""TensorBoard does not write `epoch_learning_rate`: the optimizer's learning rate is never
added to the epoch scalars."""

from __future__ import annotations

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = ("TensorBoard", ("tensorboard.epoch.learning-rate",))


class TensorBoard(TensorBoard):
    def _learning_rates(self) -> dict[str, float]:
        return {}  # Bug: Keras logs the rate of a Keras Optimizer (or each sub-optimizer).

"""TensorBoard logs `epoch_learning_rate` from whatever optimizer the model has, where Keras
logs a Keras `Optimizer`'s rate (or each sub-optimizer's) and nothing for another: a model
without one, or with a multi-optimizer, makes it raise at epoch end."""

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
        # Bug: no check of the optimizer's kind.
        return {"learning_rate": float(self.model.optimizer.learning_rate)}

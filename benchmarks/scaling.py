"""Fixed scenarios of growing size, to time `examine` per epoch and per batch.

Epoch scaling (one batch an epoch, one fit): each callback's main property on a run of
N epochs whose loss walks up and down a quarter at a time.

* EarlyStopping (`stops-where-keras-stops`): patience N (never stops),
  `restore_best_weights` (weights read at every improvement).
* LearningRateScheduler (`sets-the-rates-keras-sets`): a two-argument schedule keeping
  the rate (factor 1), set and read back every epoch.
* ModelCheckpoint (`saves-where-keras-saves`): a save every epoch, to one file
  overwritten (`m.keras`).
* TensorBoard (`epoch-scalars-as-keras`): `epoch_loss` and `epoch_learning_rate` at
  every epoch, no graph, no histograms.

Batch scaling (one epoch of N batches, the batch-level clauses):

* ModelCheckpoint (`saves-where-keras-saves`): `save_freq=10`, to one file.
* TensorBoard (`batch-scalars-as-keras`): `update_freq="batch"`, `batch_loss` at every
  batch.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import Scenario
from conformance.harness.sim_model import ModelSpec
from conformance.strategies.schedules import ScheduleSpec

EPOCH_SIZES = (10, 100, 1000)
BATCH_SIZES = (1, 100, 10_000)
QUICK_EPOCH_SIZES = (2, 8)
QUICK_BATCH_SIZES = (1, 16)


@dataclass(frozen=True)
class ScalingCase:
    """One fixed scenario family: the property timed and how a size becomes a scenario."""

    name: str
    callback: str
    property: str
    unit: str  # "epoch" or "batch"

    def scenario(self, size: int) -> Scenario:
        return _BUILDERS[self.name](size)


def _walk(length: int) -> list[float]:
    """A loss going down three quarters, up two, and so on (within [-4, 4])."""
    values, value = [], 2.0
    for index in range(length):
        value += -0.25 if index % 5 < 3 else 0.25
        values.append(max(-4.0, min(4.0, value)))
    return values


def _epochs(length: int, batches: int = 1) -> list[EpochPlan]:
    return [EpochPlan({"loss": loss}, batches=batches) for loss in _walk(length)]


def _early_stopping(epochs: int) -> Scenario:
    config = {"monitor": "loss", "patience": epochs, "restore_best_weights": True}
    return Scenario("EarlyStopping", config, ModelSpec(), [FitPlan(_epochs(epochs))])


def _learning_rate_scheduler(epochs: int) -> Scenario:
    config = {"schedule": ScheduleSpec("two", 1.0)}
    return Scenario("LearningRateScheduler", config, ModelSpec(), [FitPlan(_epochs(epochs))])


def _model_checkpoint_epochs(epochs: int) -> Scenario:
    config = {"filepath": "m.keras", "monitor": "loss"}
    return Scenario("ModelCheckpoint", config, ModelSpec(), [FitPlan(_epochs(epochs))])


def _tensorboard_epochs(epochs: int) -> Scenario:
    config = {"log_dir": "logs", "write_graph": False, "histogram_freq": 0}
    return Scenario("TensorBoard", config, ModelSpec(), [FitPlan(_epochs(epochs))])


def _model_checkpoint_batches(batches: int) -> Scenario:
    config = {"filepath": "m.keras", "monitor": "loss", "save_freq": 10}
    return Scenario("ModelCheckpoint", config, ModelSpec(), [FitPlan(_epochs(1, batches))])


def _tensorboard_batches(batches: int) -> Scenario:
    config = {"log_dir": "logs", "write_graph": False, "update_freq": "batch"}
    return Scenario("TensorBoard", config, ModelSpec(), [FitPlan(_epochs(1, batches))])


_BUILDERS = {
    "EarlyStopping per epoch": _early_stopping,
    "LearningRateScheduler per epoch": _learning_rate_scheduler,
    "ModelCheckpoint per epoch": _model_checkpoint_epochs,
    "TensorBoard per epoch": _tensorboard_epochs,
    "ModelCheckpoint save_freq=10 per batch": _model_checkpoint_batches,
    "TensorBoard update_freq=batch per batch": _tensorboard_batches,
}

CASES = (
    ScalingCase(
        "EarlyStopping per epoch",
        "EarlyStopping",
        "early_stopping.stops-where-keras-stops",
        "epoch",
    ),
    ScalingCase(
        "LearningRateScheduler per epoch",
        "LearningRateScheduler",
        "learning_rate_scheduler.sets-the-rates-keras-sets",
        "epoch",
    ),
    ScalingCase(
        "ModelCheckpoint per epoch",
        "ModelCheckpoint",
        "model_checkpoint.saves-where-keras-saves",
        "epoch",
    ),
    ScalingCase(
        "TensorBoard per epoch", "TensorBoard", "tensorboard.epoch-scalars-as-keras", "epoch"
    ),
    ScalingCase(
        "ModelCheckpoint save_freq=10 per batch",
        "ModelCheckpoint",
        "model_checkpoint.saves-where-keras-saves",
        "batch",
    ),
    ScalingCase(
        "TensorBoard update_freq=batch per batch",
        "TensorBoard",
        "tensorboard.batch-scalars-as-keras",
        "batch",
    ),
)

"""TensorBoard writes validation metrics to the `train/` run as `epoch_val_<m>` instead of to
`validation/` as `epoch_<m>`."""

from __future__ import annotations

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard
from reference import summary_writer as summaries
from reference.callback import Logs

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = ("TensorBoard", ("tensorboard.epoch.scalars",))


class TensorBoard(TensorBoard):
    def _log_epoch_metrics(self, epoch: int, logs: Logs) -> None:
        logs = logs or {}
        val_logs = {k: v for k, v in logs.items() if k.startswith("val_")}
        super()._log_epoch_metrics(epoch, {k: v for k, v in logs.items() if k not in val_logs})
        # Bug: the val_ keys go to train/ under their own name.
        writer = self._writer("train").as_default()
        for name, value in val_logs.items():
            self._write(writer, summaries.scalar_summary(f"epoch_{name}", value), epoch)

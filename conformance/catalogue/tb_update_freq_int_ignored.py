"""TensorBoard ignores an integer `update_freq`: any value other than `"epoch"` writes the
batch scalars at every batch, as `"batch"` does, and never gates a write; Keras records a
write only when its step is a multiple of `update_freq`."""

from __future__ import annotations

from typing import Any

from reference import EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = [
    "CAUGHT_BY",
    "EarlyStopping",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "TensorBoard",
]

CAUGHT_BY = (
    "TensorBoard",
    (
        "tensorboard.update-freq.batch-is-one",
        "tensorboard.batch.scalars",
        "tensorboard.update-freq.gates-epoch-writes",
    ),
)


class TensorBoard(TensorBoard):
    def __init__(
        self,
        log_dir: Any = "logs",
        histogram_freq: int = 0,
        write_graph: bool = True,
        write_images: bool = False,
        write_steps_per_second: bool = False,
        update_freq: int | str = "epoch",
        profile_batch: Any = 0,
        embeddings_freq: int = 0,
        embeddings_metadata: str | dict[str, str] | None = None,
    ) -> None:
        super().__init__(
            log_dir,
            histogram_freq,
            write_graph,
            write_images,
            write_steps_per_second,
            update_freq,
            profile_batch,
            embeddings_freq,
            embeddings_metadata,
        )
        if self.update_freq != "epoch":
            self.update_freq = 1  # Bug: Keras keeps the int and gates writes with it.

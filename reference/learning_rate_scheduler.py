"""LearningRateScheduler: set the optimizer's learning rate from a schedule each epoch.

Keras 3.15.1's `keras.callbacks.LearningRateScheduler`. At every epoch begin the
schedule is called with the absolute 0-based epoch index and the current rate (or the
index alone, when the two-argument call raises TypeError); its result must be a float,
and is assigned to the optimizer (to each sub-optimizer of a multi-optimizer). At every
epoch end the rate is read back from the optimizer into the logs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from reference.callback import Callback, Logs
from reference.messages import print_msg


def current_rate(optimizer: Any) -> float:
    """`optimizer`'s learning rate as a float, read as Keras reads it: through
    `backend.convert_to_numpy`, i.e. `np.array` (the catalogue's schedulers read it so too)."""
    return float(np.array(optimizer.learning_rate))


class LearningRateScheduler(Callback):
    def __init__(self, schedule: Callable[..., Any], verbose: int = 0) -> None:
        # Clause `learning_rate_scheduler.init.no-validation`: nothing is checked here.
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def _update_optimizer_lr(self, optimizer: Any, epoch: int) -> Any:
        if not hasattr(optimizer, "learning_rate"):
            # Clause `learning_rate_scheduler.optimizer.needs-learning-rate`.
            raise ValueError('Optimizer must have a "learning_rate" attribute.')

        try:
            # Clause `learning_rate_scheduler.schedule.absolute-epoch`.
            learning_rate = self.schedule(epoch, current_rate(optimizer))
        except TypeError:
            # Clause `learning_rate_scheduler.schedule.one-argument`.
            # Quirk `learning_rate_scheduler.schedule.type-error-falls-back`: any
            # TypeError, not only a one-argument schedule's, retries with the epoch
            # alone, masking an error raised inside a two-argument schedule.
            learning_rate = self.schedule(epoch)

        # Clause `learning_rate_scheduler.schedule.float-only`: ints, numpy float16,
        # 0-d arrays and backend tensors are rejected.
        # Quirk `learning_rate_scheduler.schedule.docstring-example-rejected`.
        if not isinstance(learning_rate, (float, np.float32, np.float64)):
            raise ValueError(
                f"The output of the `schedule` function should be a float. Got: {learning_rate}"
            )

        optimizer.learning_rate = learning_rate
        return learning_rate

    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        # Clause `learning_rate_scheduler.optimizer.multi`: each sub-optimizer.
        # Clause `learning_rate_scheduler.verbose.messages`.
        optimizer = self.model.optimizer
        if hasattr(optimizer, "optimizers"):
            for sub_optimizer in optimizer.optimizers:
                learning_rate = self._update_optimizer_lr(sub_optimizer, epoch)
                if self.verbose > 0:
                    print_msg(
                        f"\nEpoch {epoch + 1}: LearningRateScheduler setting "
                        f"{sub_optimizer.name} learning rate to {learning_rate}."
                    )
        else:
            learning_rate = self._update_optimizer_lr(optimizer, epoch)
            if self.verbose > 0:
                print_msg(
                    f"\nEpoch {epoch + 1}: LearningRateScheduler setting "
                    f"learning rate to {learning_rate}."
                )

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        # Quirk `learning_rate_scheduler.logs.empty-logs-dropped`: `logs or {}` writes
        # into a fresh dict when the logs are empty, so nobody sees the rate.
        logs = logs or {}
        # Clause `learning_rate_scheduler.logs.rate-read-back`: what the optimizer holds.
        optimizer = self.model.optimizer
        if hasattr(optimizer, "optimizers"):
            for sub_optimizer in optimizer.optimizers:
                logs[f"learning_rate_{sub_optimizer.name}"] = current_rate(sub_optimizer)
        else:
            logs["learning_rate"] = current_rate(optimizer)

"""EarlyStopping: stop training when a monitored value has stopped improving.

Keras 3.15.1's `keras.callbacks.EarlyStopping`. In one paragraph: at each epoch end
from `start_from_epoch` on, with the monitored value present, `wait` grows by one; an
improvement over `best` (by strictly more than `min_delta`, see `reference.monitor`)
makes it the new best, and resets `wait` only if it also beats `baseline`; on an epoch
that does not improve, training stops once `wait >= patience`, never at epoch 0. At
train end the best epoch's weights are restored if asked, whether or not this callback
stopped the run.
"""

from __future__ import annotations

import warnings
from typing import Any

from reference.callback import Logs
from reference.messages import print_msg
from reference.monitor import MonitorCallback


class EarlyStopping(MonitorCallback):
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
        # Clause `early_stopping.baseline.not-initial-best`: the baseline is not handed
        # to the monitor as the starting best; it only gates the reset of `wait`.
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights: Any = None
        self.start_from_epoch = start_from_epoch

    def on_train_begin(self, logs: Logs = None) -> None:
        # Clause `early_stopping.reuse.resets-per-fit`. The monitor op and the sign of
        # min_delta are not reset: they persist from the first fit.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        if self.monitor_op is None:
            # Clause `early_stopping.mode.resolved-at-first-epoch-end`: an auto mode
            # Keras cannot resolve raises here, even on a warm-up epoch.
            self._set_monitor_op()

        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return  # Clause `early_stopping.monitor.skipped-epochs`: not counted.
        if self.restore_best_weights and self.best_weights is None:
            # Quirk `early_stopping.restore.weights-read-twice`: on the first monitored
            # epoch the weights are read here and again on its improvement below.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch

        # Clause `early_stopping.patience.counts-before-test`: wait grows first.
        self.wait += 1
        # Quirk `early_stopping.nan.first-value-becomes-best`: with no best yet, any
        # value improves, NaN and infinities included; a NaN best blocks all later ones.
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # Quirk `early_stopping.baseline.gates-wait-reset`: an improvement that
            # does not beat the baseline keeps counting, yet an improving epoch never
            # stops the run (the return below skips the stop test).
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return

        # Quirk `early_stopping.patience.zero-is-one`: wait is at least 1 here, so
        # patience 0 stops exactly where patience 1 does.
        # Quirk `early_stopping.stop.never-at-epoch-zero`: the guard is on the absolute index.
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: Logs = None) -> None:
        # Clause `early_stopping.verbose.messages`.
        if self.stopped_epoch > 0 and self.verbose > 0:
            print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        # Clause `early_stopping.restore.always-at-train-end`: also when the run
        # completed, or another callback stopped it.
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print_msg(
                    "Restoring model weights from the end of the best epoch: "
                    f"{self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs: Logs) -> Any:
        logs = logs or {}
        monitor_value = logs.get(self.monitor)
        if monitor_value is None:
            # Clause `early_stopping.monitor.missing-warns`.
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not "
                f"available. Available metrics are: {','.join(list(logs.keys()))}",
                stacklevel=2,
            )
        return monitor_value

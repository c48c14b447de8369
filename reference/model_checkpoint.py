"""ModelCheckpoint: save the model or its weights during training, as Keras 3.15.1 does.

A checkpoint is written at every epoch end (`save_freq="epoch"`) or once every
`save_freq` training batches, to `filepath` formatted with the 1-based epoch, the
1-based batch and the logs. With `save_best_only` only a `monitor` value improving on
`best` is saved, but a missing or non-scalar one is saved anyway. Clause ids
(`model_checkpoint.*`) are the headings of `docs/model_checkpoint.md`.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

from reference.callback import Logs
from reference.messages import print_msg
from reference.monitor import MonitorCallback

_DIRECTORY_MESSAGE = (
    "Please specify a non-directory filepath for ModelCheckpoint. "
    "Filepath used is an existing directory: "
)


def _is_non_scalar_array(value: Any) -> bool:
    # Keras asks for a numpy array or backend tensor with a non-empty shape; any
    # array type (something with a shape and a dtype) stands in for "tensor" here.
    return hasattr(value, "shape") and hasattr(value, "dtype") and len(value.shape) > 0


class ModelCheckpoint(MonitorCallback):
    """Keras 3.15.1's `keras.callbacks.ModelCheckpoint`, without Keras.

    Quirk `model_checkpoint.save-freq.carries-over`: there is no `on_train_begin`, so
    `best`, the monitor direction and the batch count persist across `fit` calls.
    """

    # Clause `model_checkpoint.epoch.current`: set by `on_epoch_begin` only.
    _current_epoch: int

    def __init__(
        self,
        filepath: str | os.PathLike[str],
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: str | int = "epoch",
        initial_value_threshold: float | None = None,
    ) -> None:
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        # Clause `model_checkpoint.init.filepath-pathlike`: anything else passes through.
        self.filepath: Any = os.fspath(filepath) if isinstance(filepath, os.PathLike) else filepath
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen: int | None = None

        # Clause `model_checkpoint.init.save-freq`: "epoch" or any int (bool included).
        if self.save_freq != "epoch" and not isinstance(self.save_freq, int):
            raise ValueError(
                f"Unrecognized save_freq: {self.save_freq}. "
                "Expected save_freq are 'epoch' or integer values"
            )
        # Clause `model_checkpoint.init.extension`: checked on the unformatted template.
        if save_weights_only:
            if not self.filepath.endswith(".weights.h5"):
                raise ValueError(
                    "When using `save_weights_only=True` in `ModelCheckpoint`, the "
                    "filepath provided must end in `.weights.h5` (Keras weights "
                    f"format). Received: filepath={self.filepath}"
                )
        # Quirk `model_checkpoint.init.extension-message-omits-h5`: `.h5` is accepted.
        elif not any(self.filepath.endswith(ext) for ext in (".keras", ".h5")):
            raise ValueError(
                "The filepath provided must end in `.keras` (Keras model format). "
                f"Received: filepath={self.filepath}"
            )

    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        self._current_epoch = epoch

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        # Quirk `model_checkpoint.monitor.resolved-at-epoch-end`: even without
        # save_best_only, so an undecidable auto-mode monitor raises here.
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch, batch=None, logs=logs)

    def on_train_batch_end(self, batch: int, logs: Logs = None) -> None:
        # Quirk `model_checkpoint.save-freq.best-only-crash`: with save_best_only this
        # can compare before the first epoch end has set the monitor op: TypeError.
        if self._should_save_on_batch(batch):
            self._save_model(self._current_epoch, batch=batch, logs=logs)

    def _should_save_on_batch(self, batch: int) -> bool:
        """Clause `model_checkpoint.save-freq.counts-batches`: `batch` is an execution's
        end index; one not above the last seen starts a new epoch and counts `batch + 1`.
        Quirk `model_checkpoint.save-freq.unclipped-end-step`: a partial final execution
        counts in full. Quirk `model_checkpoint.save-freq.carries-over`: only a save resets.
        """
        if self.save_freq == "epoch":
            return False
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            seen = batch + 1
        else:
            seen = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += seen
        self._last_batch_seen = batch
        # An int here: the constructor let only "epoch" and ints through.
        if self._batches_seen_since_last_saving >= self.save_freq:  # type: ignore[operator]
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _should_save_model(self, epoch: int, logs: Logs, filepath: str) -> bool:
        """Clause `model_checkpoint.best-only.improvement`.
        Clause `model_checkpoint.verbose.lines`: the lines printed."""
        logs = logs or {}
        if not self.save_best_only:
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            # Quirk `model_checkpoint.best-only.missing-saves`: saves anyway.
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=2)
            return True
        if _is_non_scalar_array(current):
            # Quirk `model_checkpoint.best-only.non-scalar-saves`
            warnings.warn(
                "Can save best model only when `monitor` is a scalar value. "
                f"Received: {current}. Falling back to `save_best_only=False`.",
                stacklevel=1,
            )
            return True
        # Quirk `model_checkpoint.best-only.best-str-eager`: formatted even when
        # verbose=0, so a `best` that `.5f` rejects raises.
        best_str = "None" if self.best is None else f"{self.best:.5f}"
        # Quirk `model_checkpoint.best-only.first-value-wins`: anything beats None,
        # NaN included, and nothing beats a NaN best.
        if self._is_improvement(current, self.best):
            if self.verbose > 0:  # `current` is formatted only when printing
                print_msg(
                    f"\nEpoch {epoch + 1}: {self.monitor} improved from {best_str} "
                    f"to {current:.5f}, saving model to {filepath}"
                )
            self.best = current
            return True
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best_str}")
        return False

    def _save_model(self, epoch: int, batch: int | None, logs: Logs) -> None:
        """Clause `model_checkpoint.save.write`: format, then decide, then write."""
        filepath = self._get_file_path(epoch, batch, logs)
        try:
            if self._should_save_model(epoch, logs, filepath):
                # Clause `model_checkpoint.save.makedirs`: only when actually saving.
                dirname = os.path.dirname(filepath)
                if dirname and not os.path.exists(dirname):
                    os.makedirs(dirname)
                if self.save_weights_only:
                    self.model.save_weights(filepath, overwrite=True)
                else:
                    self.model.save(filepath, overwrite=True)
                if self.verbose > 0:
                    print_msg(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")
        # Clause `model_checkpoint.save.directory-error`. Keras raises its replacements
        # without `from`, chaining them implicitly.
        except IsADirectoryError:
            raise OSError(_DIRECTORY_MESSAGE + filepath)  # noqa: B904
        except OSError as error:
            # Quirk `model_checkpoint.save.io-error-stray-f`: an OSError saying "is a
            # directory" gets the message with an `f` before the path.
            # Quirk `model_checkpoint.save.io-error-no-args`: one without args raises
            # IndexError here.
            if "is a directory" in str(error.args[0]).lower():
                raise OSError(f"{_DIRECTORY_MESSAGE}f{filepath}")  # noqa: B904
            raise

    def _get_file_path(self, epoch: int, batch: int | None, logs: Any) -> str:
        """Clause `model_checkpoint.path.format`: `{epoch}` and `{batch}` are 1-based.
        Quirk `model_checkpoint.path.logs-batch-wins`: a `batch` log key replaces the
        number. Quirk `model_checkpoint.path.none-logs`: `None` logs raise TypeError.
        """
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as error:
            # Clause `model_checkpoint.path.key-error-reworded`; other errors pass.
            raise KeyError(  # noqa: B904 (Keras chains implicitly)
                f'Failed to format this callback filepath: "{self.filepath}". Reason: {error}'
            )

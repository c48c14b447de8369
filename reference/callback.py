"""The hook protocol every callback speaks, as Keras 3.15.1's `keras.callbacks.Callback`.

A callback receives `set_params`, `set_model` and then the hooks below from the
training loop. Every hook does nothing unless a subclass overrides it; the defaults
carry the `_is_default` mark Keras's `CallbackList` reads to decide whether batch-end
hooks may run on a worker thread, so these classes are dispatched exactly like
Keras's own inside a real `keras.Model.fit`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

Logs = dict[str, Any] | None
_Hook = TypeVar("_Hook", bound=Callable[..., None])


def default(hook: _Hook) -> _Hook:
    """Marks a hook as not overridden (Keras's `utils.default`)."""
    hook._is_default = True  # type: ignore[attr-defined]
    return hook


class Callback:
    """Base class of the reference callbacks (clause `protocol.base`)."""

    def __init__(self) -> None:
        self.params: dict[str, Any] | None = None
        self._model: Any = None

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params

    def set_model(self, model: Any) -> None:
        self._model = model

    @property
    def model(self) -> Any:
        # Keras syncs a JAX model's state into its variables on every access, so a
        # callback reading weights mid-epoch (a batch-level checkpoint) sees them
        # current. Only JAX models have `jax_state_sync`.
        if hasattr(self._model, "jax_state_sync"):
            self._model.jax_state_sync()
        return self._model

    @default
    def on_batch_begin(self, batch: int, logs: Logs = None) -> None:
        """Alias of `on_train_batch_begin`, kept for old callbacks."""

    @default
    def on_batch_end(self, batch: int, logs: Logs = None) -> None:
        """Alias of `on_train_batch_end`, kept for old callbacks."""

    @default
    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        """At the start of epoch `epoch` (absolute, 0-based)."""

    @default
    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        """At the end of epoch `epoch`, after validation, with train and `val_` logs."""

    @default
    def on_train_batch_begin(self, batch: int, logs: Logs = None) -> None:
        self.on_batch_begin(batch, logs=logs)

    @default
    def on_train_batch_end(self, batch: int, logs: Logs = None) -> None:
        self.on_batch_end(batch, logs=logs)

    @default
    def on_test_batch_begin(self, batch: int, logs: Logs = None) -> None:
        """Before a validation or evaluation batch."""

    @default
    def on_test_batch_end(self, batch: int, logs: Logs = None) -> None:
        """After a validation or evaluation batch."""

    @default
    def on_predict_batch_begin(self, batch: int, logs: Logs = None) -> None:
        """Before a prediction batch."""

    @default
    def on_predict_batch_end(self, batch: int, logs: Logs = None) -> None:
        """After a prediction batch."""

    @default
    def on_train_begin(self, logs: Logs = None) -> None:
        """At the start of `fit`."""

    @default
    def on_train_end(self, logs: Logs = None) -> None:
        """At the end of `fit`, unless a callback raised."""

    @default
    def on_test_begin(self, logs: Logs = None) -> None:
        """At the start of validation or `evaluate`."""

    @default
    def on_test_end(self, logs: Logs = None) -> None:
        """At the end of validation or `evaluate`, with unprefixed logs."""

    @default
    def on_predict_begin(self, logs: Logs = None) -> None:
        """At the start of `predict`."""

    @default
    def on_predict_end(self, logs: Logs = None) -> None:
        """At the end of `predict`."""

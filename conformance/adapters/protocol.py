"""A framework's hook protocol, as data: how Keras's hooks become another framework's.

Keras calls `on_epoch_end(epoch, logs)` with 0-based epochs; poutyne calls
`on_epoch_end(epoch_number, logs)` with 1-based ones and adds `epoch` and `time` to the
logs; torchbearer calls `on_end_epoch(state)` with one mapping holding everything. A
`HookProtocol` says which, and `conformance.adapters.translate` drives a framework's
callback by it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal


class _Number:
    """The `NUMBER` marker's type."""

    def __repr__(self) -> str:
        return "NUMBER"


NUMBER: Final = _Number()
"""A value of `LogKeys.added`: the hook's epoch or batch number, in the framework's
numbering (poutyne's `logs["epoch"]`)."""


@dataclass(frozen=True)
class LogKeys:
    """How the logs Keras gives a hook become the logs the framework's hook is given.

    Applied in order: each key gets `prefix`, then `renamed` renames (a key as Keras
    names it -> as the framework does), then the keys of `added` are put first (the
    framework's loop adds them; a key the logs have keeps the logs' value), then
    `rewrite(logs, number)`, for what data cannot say. Keys the framework's callback
    adds to or changes in its logs are copied back to Keras's, named as Keras names
    them (a key of `added` is not)."""

    prefix: str = ""
    renamed: Mapping[str, str] = field(default_factory=dict)
    added: Mapping[str, Any] = field(default_factory=dict)
    rewrite: Callable[[dict[str, Any], int | None], dict[str, Any]] | None = None

    def framework_logs(self, logs: Mapping[str, Any], number: int | None) -> dict[str, Any]:
        """The framework's logs for Keras's `logs` at the hook's `number`."""
        own = {self._framework_key(key): value for key, value in logs.items()}
        added = {key: number if value is NUMBER else value for key, value in self.added.items()}
        result = {**added, **own}
        return result if self.rewrite is None else self.rewrite(result, number)

    def copy_back(
        self, framework_logs: Mapping[str, Any], sent: Mapping[str, Any], logs: dict[str, Any]
    ) -> None:
        """Put in Keras's `logs` what the framework's callback added to or changed in
        the logs it was `sent` (now `framework_logs`)."""
        keras_names = {self._framework_key(key): key for key in logs}
        for key, value in framework_logs.items():
            if key in sent and sent[key] is value:
                continue
            if key in self.added and key not in keras_names:
                continue
            logs[keras_names.get(key, self._keras_key(key))] = value

    def _framework_key(self, key: str) -> str:
        prefixed = self.prefix + key
        return self.renamed.get(prefixed, prefixed)

    def _keras_key(self, key: str) -> str:
        back = {framework: keras for keras, framework in self.renamed.items()}
        key = back.get(key, key)
        return key.removeprefix(self.prefix) if self.prefix else key


Role = Literal["model", "params", "epoch", "batch", "logs", "stop"]
"""What a state key holds: the model, the fit's parameters, the epoch or batch number
(the framework's numbering), the hook's logs, the stop flag."""


@dataclass(frozen=True)
class StateStyle:
    """A framework whose hooks take one state mapping (torchbearer's `on_end_epoch(state)`)
    instead of `(number, logs)`. One state lives for the whole fit, made by `new_state()`
    at `set_model`; before each hook the kit writes into it, under the key `keys` gives
    each role, the model and the parameters (once), the hook's number and logs and the
    model's stop flag; after the hook it reads back the logs and the stop flag. A hook is
    called with the state alone, or with the positional arguments `arguments(hook, state)`
    makes of it (`hook` is the framework's name): Lightning's `(trainer, pl_module)`, a
    trainer that is a view of the state."""

    keys: Mapping[Role, Hashable]
    new_state: Callable[[], MutableMapping[Any, Any]] = dict
    arguments: Callable[[str, MutableMapping[Any, Any]], tuple[Any, ...]] | None = None


@dataclass(frozen=True)
class HookProtocol:
    """How a framework calls its callbacks, against Keras's protocol.

    `hooks` maps each Keras hook (`on_epoch_end`, `on_test_begin`, ...) to the
    framework's name for it; a Keras hook it does not map, or that the framework's
    callback does not have, is not dispatched. Epochs and batches are numbered from
    `epoch_base` and `batch_base` (Keras: 0). `logs` says, per Keras hook, how its logs
    become the framework's (default: unchanged). The framework's callbacks stop the fit
    by setting `stop_attribute` on the model they are given (Keras: `stop_training`;
    a facade of `conformance.adapters.views` forwards it), or, with `state`, the state's
    `stop` key. `params(params)` makes the framework's `set_params` argument of Keras's."""

    hooks: Mapping[str, str]
    epoch_base: int = 0
    batch_base: int = 0
    logs: Mapping[str, LogKeys] = field(default_factory=dict)
    stop_attribute: str = "stop_training"
    state: StateStyle | None = None
    params: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    def number(self, hook: str, index: int) -> int:
        """Keras's `index` for `hook` in the framework's numbering."""
        return index + (self.batch_base if "_batch_" in hook else self.epoch_base)


KERAS_HOOKS: tuple[str, ...] = (
    "on_train_begin",
    "on_train_end",
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_begin",
    "on_test_end",
    "on_test_batch_begin",
    "on_test_batch_end",
)
"""The hooks Keras's `fit` dispatches (its validation is an `evaluate`: `on_test_*`)."""

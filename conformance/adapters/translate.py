"""A framework's callback, made a Keras callback: `as_keras_callback`.

The suite constructs a target's classes with Keras's keyword arguments and drives them
with Keras's hooks. `as_keras_callback` returns such a class for a framework's callback
class, or factory function: it maps the arguments (`ArgumentMap`), constructs the
framework's callback, and translates each Keras hook to the framework's
(`HookProtocol`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from conformance.adapters.protocol import HookProtocol, LogKeys, Role
from conformance.unsupported import CALLBACKS, keras_defaults


@dataclass(frozen=True)
class ArgumentMap:
    """How Keras's constructor arguments become the framework's.

    `renamed` renames (Keras's name -> the framework's); a parameter of `dropped` the
    framework lacks is left out when it has Keras's default value (the two mean the
    same), and another value is a TypeError naming it (declare it `Unsupported` so the
    suite does not draw it); `fixed` are framework arguments always passed (a setting
    that makes the framework behave as Keras does); `convert(arguments)` does the rest,
    last, on the framework's keyword arguments."""

    renamed: Mapping[str, str] = field(default_factory=dict)
    dropped: tuple[str, ...] = ()
    fixed: Mapping[str, Any] = field(default_factory=dict)
    convert: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    def framework_arguments(self, callback: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """The framework's keyword arguments for Keras's `arguments` to `callback`."""
        defaults = keras_defaults(callback)
        result = dict(self.fixed)
        for name, value in arguments.items():
            if name in self.dropped:
                if name in defaults and _same(value, defaults[name]):
                    continue
                raise TypeError(
                    f"{callback}: the framework has no parameter {name!r} (given {value!r})"
                )
            result[self.renamed.get(name, name)] = value
        return result if self.convert is None else self.convert(result)


def _same(value: Any, default: Any) -> bool:
    try:
        return type(value) is type(default) and bool(value == default)
    except Exception:  # an array: never a default
        return False


class KerasFacingCallback:
    """A Keras callback driving a framework's callback (`framework_callback`): made by
    `as_keras_callback`, which sets the class attributes below."""

    keras_name: str
    framework: Callable[..., Any]
    protocol: HookProtocol
    arguments: ArgumentMap

    def __init__(self, **arguments: Any) -> None:
        self.framework_callback = type(self).framework(
            **self.arguments.framework_arguments(self.keras_name, arguments)
        )
        self.model: Any = None
        self.params: dict[str, Any] = {}
        self._state: Any = None

    def set_model(self, model: Any) -> None:
        """Keras's `set_model`: the framework's callback is given the same model (a
        facade of the simulated model, if the target's `conformance_adapt_model` made
        one), or it goes into a new state."""
        self.model = model
        style = self.protocol.state
        if style is None:
            _call(self.framework_callback, "set_model", model)
            return
        self._state = style.new_state()
        if "model" in style.keys:
            self._state[style.keys["model"]] = model

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params
        framework_params = params if self.protocol.params is None else self.protocol.params(params)
        style = self.protocol.state
        if style is None:
            _call(self.framework_callback, "set_params", framework_params)
        elif "params" in style.keys:
            self._state[style.keys["params"]] = framework_params

    def _dispatch(self, hook: str, index: int | None, logs: dict[str, Any] | None) -> None:
        """Keras's `hook` at `index` with `logs`, as the framework's hook."""
        name = self.protocol.hooks.get(hook)
        method = None if name is None else getattr(self.framework_callback, name, None)
        if name is None or method is None:
            return
        number = None if index is None else self.protocol.number(hook, index)
        keys = self.protocol.logs.get(hook, LogKeys())
        sent = keys.framework_logs(logs or {}, number)
        framework_logs = dict(sent)
        if self.protocol.state is None:
            method(framework_logs) if number is None else method(number, framework_logs)
            stopped = getattr(self.model, self.protocol.stop_attribute, False)
        else:
            framework_logs, stopped = self._in_state(method, hook, name, number, framework_logs)
        if logs is not None:
            keys.copy_back(framework_logs, sent, logs)
        if stopped and not self.model.stop_training:  # the framework's flag is elsewhere
            self.model.stop_training = True

    def _in_state(
        self,
        method: Callable[..., Any],
        hook: str,
        name: str,
        number: int | None,
        logs: dict[str, Any],
    ) -> tuple[Any, bool]:
        """Call `method(state)`, or `method(*arguments(name, state))`, with the hook's
        number, logs and stop flag in the state; the logs and the stop flag it holds
        afterwards."""
        style = self.protocol.state
        assert style is not None
        keys, state = style.keys, self._state
        role: Role = "batch" if "_batch_" in hook else "epoch"
        if number is not None and role in keys:
            state[keys[role]] = number
        if "stop" in keys:
            state[keys["stop"]] = bool(self.model.stop_training)
        if "logs" in keys:
            state[keys["logs"]] = logs
        method(*(style.arguments(name, state) if style.arguments else (state,)))
        stopped = bool(state[keys["stop"]]) if "stop" in keys else False
        return (state[keys["logs"]] if "logs" in keys else logs), stopped

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._dispatch("on_train_begin", None, logs)

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        self._dispatch("on_train_end", None, logs)

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._dispatch("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._dispatch("on_epoch_end", epoch, logs)

    def on_train_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._dispatch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._dispatch("on_train_batch_end", batch, logs)

    def on_test_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._dispatch("on_test_begin", None, logs)

    def on_test_end(self, logs: dict[str, Any] | None = None) -> None:
        self._dispatch("on_test_end", None, logs)

    def on_test_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._dispatch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._dispatch("on_test_batch_end", batch, logs)


def _call(callback: Any, name: str, argument: Any) -> None:
    method = getattr(callback, name, None)
    if method is not None:
        method(argument)


def as_keras_callback(
    keras_name: str,
    framework: Callable[..., Any],
    protocol: HookProtocol,
    arguments: ArgumentMap | None = None,
) -> type[KerasFacingCallback]:
    """A class named `keras_name` ("EarlyStopping", ...) taking Keras's keyword arguments,
    that constructs `framework` (a callback class, or a function returning a callback)
    with them mapped by `arguments`, and drives it by `protocol`. A target module exposes
    it as Keras's class of that name."""
    if keras_name not in CALLBACKS:
        raise ValueError(f"keras_name must be one of {', '.join(CALLBACKS)}, got {keras_name!r}")
    namespace = {
        "keras_name": keras_name,
        "framework": staticmethod(framework),
        "protocol": protocol,
        "arguments": arguments or ArgumentMap(),
        "__doc__": f"Keras's {keras_name}, as {getattr(framework, '__qualname__', framework)}.",
    }
    return type(keras_name, (KerasFacingCallback,), namespace)

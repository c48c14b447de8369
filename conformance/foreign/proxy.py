"""Proxy classes: a Keras-protocol callback whose constructor and hooks are requests to a
foreign process (`conformance.foreign`), their effects applied here."""

from __future__ import annotations

import warnings
from typing import Any

from conformance.foreign.process import ForeignProcess

# Keras's hooks as a fit, evaluate or predict calls them: (name, takes an index).
HOOKS = (
    ("on_train_begin", False),
    ("on_train_end", False),
    ("on_epoch_begin", True),
    ("on_epoch_end", True),
    ("on_train_batch_begin", True),
    ("on_train_batch_end", True),
    ("on_test_begin", False),
    ("on_test_end", False),
    ("on_test_batch_begin", True),
    ("on_test_batch_end", True),
    ("on_predict_begin", False),
    ("on_predict_end", False),
    ("on_predict_batch_begin", True),
    ("on_predict_batch_end", True),
)


class ForeignCallback:
    """A callback of a foreign process: subclassed per callback by `foreign_callback`."""

    process: ForeignProcess
    callback: str

    def __init__(self, **arguments: Any) -> None:
        self.model: Any = None
        reply = self.process.request(
            {"op": "construct", "callback": self.callback, "arguments": arguments}, "__init__"
        )
        _show(reply)

    def set_model(self, model: Any) -> None:
        self.model = model
        self._hook("set_model", [])

    def set_params(self, params: dict[str, Any]) -> None:
        self._hook("set_params", [params])

    def _hook(self, name: str, args: list[Any], logs: dict[str, Any] | None = None) -> None:
        during = name if not args or not isinstance(args[0], int) else f"{name}({args[0]})"
        reply = self.process.request(
            {"op": "hook", "name": name, "args": args, "model": self._model_state()}, during
        )
        self._apply(reply.get("model", {}))
        if logs is not None and "logs" in reply:
            logs.clear()
            logs.update(reply["logs"])
        _show(reply)

    def _model_state(self) -> dict[str, Any]:
        if self.model is None:
            return {"stop_training": False}
        state: dict[str, Any] = {"stop_training": bool(self.model.stop_training)}
        rate = getattr(getattr(self.model, "optimizer", None), "learning_rate", None)
        if rate is not None:
            state["learning_rate"] = float(rate)
        return state

    def _apply(self, state: dict[str, Any]) -> None:
        if self.model is None:
            return
        if "stop_training" in state:
            self.model.stop_training = bool(state["stop_training"])
        rate = state.get("learning_rate")
        if rate is not None and rate != self._model_state().get("learning_rate"):
            self.model.optimizer.learning_rate = rate


def _show(reply: dict[str, Any]) -> None:
    """Print what the foreign callback printed, warn what it warned."""
    for line in reply.get("printed", []):
        print(line)
    for message in reply.get("warnings", []):
        warnings.warn(str(message), UserWarning, stacklevel=3)


def _hook_method(name: str, indexed: bool) -> Any:
    if indexed:

        def with_index(self: ForeignCallback, index: int, logs: Any = None) -> None:
            self._hook(name, [index, logs], logs)

        return with_index

    def without_index(self: ForeignCallback, logs: Any = None) -> None:
        self._hook(name, [logs], logs)

    return without_index


for _name, _indexed in HOOKS:
    setattr(ForeignCallback, _name, _hook_method(_name, _indexed))


def foreign_callback(process: ForeignProcess, callback: str) -> type[ForeignCallback]:
    """A proxy class for the foreign process's `callback` (Keras's name: "EarlyStopping")."""
    return type(callback, (ForeignCallback,), {"process": process, "callback": callback})

"""The adapter kit: check a callback written for another framework's hook protocol.

A target exposes Keras's four classes, driven with Keras's hooks on a simulated model.
A framework with hooks of its own (1-based epochs, validation hooks named otherwise, a
state mapping instead of `(epoch, logs)`) is checked through three pieces:

* `HookProtocol` (with `LogKeys` and `StateStyle`): the framework's protocol, as data;
* `as_keras_callback(keras_name, framework_callback, protocol, ArgumentMap(...))`: a
  class taking Keras's arguments that constructs the framework's callback and translates
  Keras's hooks to it;
* `TorchModelView`: the model the framework's callbacks are given (the target's
  `conformance_adapt_model`), a facade reading and writing through to the simulated model.

`conformance.adapters.poutyne` is a complete target built from them
(`docs/guide-check-your-implementation.md`, "A framework with another hook API").
"""

from conformance.adapters.protocol import NUMBER, HookProtocol, LogKeys, StateStyle
from conformance.adapters.translate import ArgumentMap, KerasFacingCallback, as_keras_callback
from conformance.adapters.views import (
    NetworkView,
    ParamGroupView,
    TorchModelView,
    TorchOptimizerView,
)

__all__ = [
    "NUMBER",
    "ArgumentMap",
    "HookProtocol",
    "KerasFacingCallback",
    "LogKeys",
    "NetworkView",
    "ParamGroupView",
    "StateStyle",
    "TorchModelView",
    "TorchOptimizerView",
    "as_keras_callback",
]

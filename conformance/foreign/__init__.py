"""Callbacks that live in another process, in any language: a kit for target modules.

A foreign implementation (TensorFlow.js's callbacks, say) does not re-implement the fit
loop: the worker runs the simulated fit as for any target, and a *proxy* class stands in
for the foreign callback, one request per constructor and hook call. A target module
declares its callbacks in a few lines (`conformance.foreign.tfjs` is one)::

    from conformance.foreign import ForeignProcess, foreign_callback

    DRIVER = ForeignProcess(["node", "driver.js"], label="the TF.js driver")
    EarlyStopping = foreign_callback(DRIVER, "EarlyStopping")
    conformance_warm_up = DRIVER.warm_up   # starts the process, outside any run

The callback protocol, version 1, is the worker protocol's (`conformance.worker`): JSON
lines, one request on the foreign process's standard input and one reply on its standard
output for each, values written as `conformance.worker.codec` says (NaN and infinities
as `{"float": "nan"}`, numpy scalars as `{"numpy": [dtype, null, [value]]}`), every
message carrying `"protocol": 1`. A reply is `{"ok": value}` or `{"error": {"type":
name, "message": text}}`: an error is raised in the hook as an exception of that name.
The messages' JSON Schema is `conformance/foreign/protocol.schema.json`.

* `{"op": "start"}`: ok `{"implementation": name, "version": v, "callbacks": [...]}`.
* `{"op": "construct", "callback": name, "arguments": {...}}`: make the callback from
  Keras's keyword arguments (paths already inside the run directory), replacing the one
  before; ok `{"printed": [...], "warnings": [...]}`.
* `{"op": "hook", "name": hook, "args": [...], "model": {"stop_training": bool,
  "learning_rate": number}}`: call Keras's `hook` (`set_model`, `set_params`,
  `on_epoch_end`, ...) with `args` as Keras passes them (`[epoch, logs]`, `[logs]`,
  `[params]`, `[]` for `set_model`), the model in the state given (`learning_rate` only
  where the model's optimizer has one); ok `{"model": {...its state after...},
  "printed": [...], "warnings": [...]}`, and `"logs"` if the hook changed them.
* `{"op": "close"}`: ok null, then exit.

The proxy applies the effects: the model's stop flag and optimizer's rate are set, the
printed lines printed, the warnings raised as `UserWarning`s; files the process writes
in the run directory are read as any target's. Its time limit, confinement and verdicts
are the worker's.

A process that ends or answers garbage is a verdict: the hook raises
`ForeignProcessEnded` ("the TF.js driver ended with status 1 in on_epoch_end"); one that
hangs is stopped by the scenario's time limit, and killed. Either way it is replaced at
the next request, during a run: the only process a run may start, through the
confinement's narrow exemption (`conformance.harness.confinement.allow_restarts`), which
`warm_up` registers outside any run for exactly this command. (The alternative, a relay
process started in the warm-up that restarts the driver itself, adds a hop to every hook
and a process whose own death could not be replaced.)
"""

from conformance.foreign.process import ForeignError, ForeignProcess, ForeignProcessEnded
from conformance.foreign.proxy import ForeignCallback, foreign_callback

__all__ = [
    "ForeignCallback",
    "ForeignError",
    "ForeignProcess",
    "ForeignProcessEnded",
    "foreign_callback",
]

"""A target's code in a process of its own, and the protocol the suite speaks to it.

The suite and the reference stay in the process that judges; the target is imported and
run in a worker (`python -m conformance.worker`), started and replaced by
`conformance.worker.client`. Whatever the target does there (exit, crash, hang, eat
memory, print to the protocol's pipe), the suite reads it as a verdict on the scenario it
was running, never as a green run.

The protocol, version 1: JSON lines, one request on the worker's standard input and one
reply on its standard output for each (values written as `conformance.worker.codec`
says; every message carries `"protocol": 1`). A reply is `{"ok": value}` or
`{"error": "one line"}` (to `start`, with `"traceback"`, Python's, when the import failed).

* `{"op": "start", "target": spec, "path": [...], "cwd": dir, "home": dir, "progress":
  file}`: import the target named `spec` with `path` as `sys.path` (`cwd`, the user's
  working directory, is where a file path or a misspelt name is looked for, and what the
  files an import error names are relative to), its code confined to the workspace
  `home` (a directory holding `run/`, `cwd/` and `tmp/`), saying the hook in progress in
  the first 256 bytes of `progress` (NUL-padded UTF-8). Ok: the target's description
  (`spec`, `module`, `version`, `backend`, `precision`, `present` callbacks, `not_run`
  reasons, `unsupported` declarations with a `when` predicate's name).
* `{"op": "warm_up", "callback": name}`: its warm-up; ok: null, or what went wrong.
* `{"op": "covers", "index": i, "scenario": s}`: whether unsupported declaration `i`'s
  predicate covers the scenario.
* `{"op": "observe", "callback": name, "scenario": s, "workspace": dir, "seconds": limit,
  "seed": n}`: run the scenario in the workspace, the target's code limited to `limit`
  seconds, `random` and `numpy.random` seeded with `n`; ok: `{"observation": fields,
  "ended": null or how the run ended early, "class_changes": text}`. The files the run
  left in `workspace/run` are the suite's to read.
* `{"op": "stop"}`: exit.

A worker in another language implements the same requests for its callbacks
(`start` naming what it runs; `observe` over the same scenarios and observations).
Simpler, and what `conformance.foreign` does: keep this worker, and let it drive
callbacks that live in a process of their own through the *callback protocol*, the same
framing, envelope, version and codec one level down (`construct`, then one `hook`
request per hook call, their effects in the reply; JSON Schema in
`conformance/foreign/protocol.schema.json`).
"""

from conformance.worker.client import Deadline, WorkerHost, connect

__all__ = ["Deadline", "WorkerHost", "connect"]

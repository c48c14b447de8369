"""The worker's side of one target: its import, then the requests about it."""

from __future__ import annotations

import random
import resource
import sys
from typing import Any

import numpy as np

from conformance.harness.confinement import confine_for_good
from conformance.harness.fit import FitRecord
from conformance.host import InProcess
from conformance.targets import Target, TargetError, resolve
from conformance.worker import codec
from conformance.worker.progress import Progress, Refused


class _FollowedRecord(FitRecord):
    """A fit record that says each hook it enters where the parent can read it."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        super().__init__()

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "current_hook":
            self.progress.say(value)
        super().__setattr__(name, value)


class Session:
    def __init__(
        self,
        target: Target,
        refused_at_import: tuple[str, ...],
        outside: list[str],
        progress: Progress,
    ) -> None:
        self.target = target
        self.host = InProcess(target)
        self.refused_at_import = refused_at_import
        self.outside = outside  # refused writes between runs, since last reported
        self.progress = progress

    @classmethod
    def start(cls, request: dict[str, Any]) -> Session:
        """Import the target named `request["target"]` (a file path or a misspelt name
        looked for, and the files an import error names relative to, in the user's
        working directory, `request["cwd"]`), confined to the
        workspace `request["home"]`, with `request["path"]` as `sys.path`, under the
        resource `request["limits"]` if given (in the sandbox)."""
        sys.path[:] = request["path"]
        for name, value in request.get("limits", {}).items():
            limit = {"memory": resource.RLIMIT_AS, "processes": resource.RLIMIT_NPROC}[name]
            resource.setrlimit(limit, (value, value))
        progress = Progress.at(request.get("progress"))  # opened before the confinement
        outside = confine_for_good(request["home"])
        progress.say("import")
        try:
            target = resolve(request["target"], request["cwd"])
        except TargetError as error:
            raise Refused(str(error), error.traceback) from None
        # Refused, the writes harmed nothing (Keras makes its ~/.keras there): they are
        # reported with the target, not held against its callbacks.
        refused_at_import = tuple(outside)
        outside.clear()
        return cls(target, refused_at_import, outside, progress)

    def description(self) -> dict[str, Any]:
        """What the parent needs to know of the target (`conformance.worker.client`)."""
        target = self.target
        return {
            "spec": target.spec,
            "module": target.module,
            "version": target.version,
            "backend": target.backend,
            "precision": target.precision,
            "present": sorted(target.present or ()),
            "refused_at_import": list(self.refused_at_import),
            "not_run": target.not_run,
            "unsupported": [
                {
                    "callback": d.callback,
                    "parameter": d.parameter,
                    "values": d.values,
                    "supported": d.supported,
                    "when": None if d.when is None else getattr(d.when, "__name__", "a predicate"),
                    "reason": d.reason,
                }
                for d in target.unsupported.declared
            ],
        }

    def answer(self, op: str, request: dict[str, Any]) -> Any:
        if op == "warm_up":
            self.progress.say(f"conformance_warm_up({request['callback']!r})")
            went_wrong = self.host.warm_up(request["callback"])
            return went_wrong or self._outside("in its warm-up")
        if op == "covers":
            declaration = self.target.unsupported.declared[request["index"]]
            assert declaration.when is not None
            return bool(declaration.when(request["scenario"]))
        if op == "observe":
            return self._observe(request)
        raise ValueError(f"unknown op {op!r}")

    def _outside(self, when: str) -> str | None:
        if not self.outside:
            return None
        writes = "; ".join(self.outside[:5])
        self.outside.clear()
        return f"wrote outside its run directory {when}: {writes}"

    def _observe(self, request: dict[str, Any]) -> dict[str, Any]:
        between = [f"{write} (between runs)" for write in self.outside]
        self.outside.clear()
        seed = request["seed"]
        random.seed(seed)
        np.random.seed(seed % 2**32)
        record = _FollowedRecord(self.progress)
        ran = self.host.observe(
            request["callback"],
            request["scenario"],
            request["seconds"],
            record=record,
            workspace=request["workspace"],
        )
        # What the run logged is shown (`repr`) here, where a repr that never returns
        # only ends this process.
        self.progress.say("the repr of what it logged")
        ran.observation.outside_writes[:0] = between
        return {
            "observation": codec.observation_data(ran.observation),
            "ended": ran.ended,
            "class_changes": ran.class_changes,
        }

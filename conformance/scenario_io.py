"""Scenarios as JSON: what a counterexample file holds and `replay` reads back.

Dataclasses are written with their class name under `"__type__"`; NaN and infinities
use Python's JSON extensions (`NaN`, `Infinity`), which `json` reads back.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import Scenario
from conformance.harness.sim_model import ModelSpec
from conformance.strategies.schedules import ScheduleSpec

_TYPES: dict[str, type] = {
    cls.__name__: cls for cls in (Scenario, FitPlan, EpochPlan, ModelSpec, ScheduleSpec)
}


def to_data(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"__type__": type(value).__name__, **fields}
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_data(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return value.decode(errors="replace")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def from_data(data: Any) -> Any:
    if isinstance(data, dict):
        values = {k: from_data(v) for k, v in data.items() if k != "__type__"}
        if "__type__" in data:
            cls = _TYPES[data["__type__"]]
            tuple_fields = {f.name for f in dataclasses.fields(cls) if "tuple" in str(f.type)}
            return cls(
                **{
                    k: tuple(v) if k in tuple_fields and isinstance(v, list) else v
                    for k, v in values.items()
                }
            )
        return values
    if isinstance(data, list):
        return [from_data(v) for v in data]
    return data


def dumps(value: Any) -> str:
    return json.dumps(to_data(value), indent=2, sort_keys=False)


def loads(text: str) -> Any:
    return from_data(json.loads(text))

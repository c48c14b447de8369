"""Values as the worker protocol carries them: JSON that any language reads, and that
Python reads back as the very values that were written.

Plain JSON stands for itself (null, booleans, integers, strings, arrays as lists,
objects with string keys as dicts). The rest is an object with one key, its tag:

* `{"tuple": [...]}`, `{"float": "nan" | "inf" | "-inf"}` (JSON has no such numbers;
  other floats are plain numbers, which always carry a `.` or an exponent in Python's
  writing, so that they read back as floats),
* `{"dict": [[key, value], ...]}` for a dict with keys other than strings, or one whose
  only key is a tag,
* `{"numpy": [dtype, shape, [values]]}` for a numpy scalar (shape null) or array,
* `{"dataclass": [name, {field: value}]}` for the scenario's records (`DATACLASSES`),
* `{"repr": text}` for anything else: shown as the worker's `repr` of it (`Shown`),
  which is what the properties compare (`conformance.properties.base.comparable`).
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

import numpy as np

from conformance.harness.events import Record
from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import Observation, Scenario
from conformance.harness.sim_model import ModelSpec
from conformance.strategies.schedules import ScheduleSpec

DATACLASSES: dict[str, type] = {
    cls.__name__: cls for cls in (Scenario, FitPlan, EpochPlan, ModelSpec, ScheduleSpec)
}
TAGS = ("tuple", "float", "dict", "numpy", "dataclass", "repr")


class Shown:
    """A value the worker could only show: its `repr`, as the worker gave it."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Shown) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


def encode(value: Any) -> Any:
    """`value` as JSON data (module docstring)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if type(value) is int:
        return value
    if type(value) is float:
        return value if math.isfinite(value) else {"float": repr(value)}
    if type(value) is tuple:
        return {"tuple": [encode(item) for item in value]}
    if type(value) is list:
        return [encode(item) for item in value]
    if type(value) is dict:
        if all(type(key) is str for key in value) and not (
            len(value) == 1 and next(iter(value)) in TAGS
        ):
            return {key: encode(item) for key, item in value.items()}
        return {"dict": [[encode(key), encode(item)] for key, item in value.items()]}
    if isinstance(value, (np.generic, np.ndarray)) and value.dtype.kind in "biuf":
        array = np.asarray(value)
        shape = None if isinstance(value, np.generic) else list(array.shape)
        return {"numpy": [array.dtype.str, shape, [encode(x) for x in array.ravel().tolist()]]}
    if dataclasses.is_dataclass(value) and type(value).__name__ in DATACLASSES:
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"dataclass": [type(value).__name__, fields]}
    if isinstance(value, Shown):
        return {"repr": value.text}
    return {"repr": repr(value)}


def decode(data: Any) -> Any:
    """The value `encode` was given."""
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict):
        return data
    if len(data) == 1:
        ((tag, body),) = data.items()
        if tag == "tuple":
            return tuple(decode(item) for item in body)
        if tag == "float":
            return float(body)
        if tag == "dict":
            return {decode(key): decode(item) for key, item in body}
        if tag == "numpy":
            dtype, shape, values = body
            values = [decode(x) for x in values]
            if shape is None:
                return np.dtype(dtype).type(values[0])
            return np.array(values, dtype=np.dtype(dtype)).reshape(shape)
        if tag == "dataclass":
            name, fields = body
            return DATACLASSES[name](**{key: decode(item) for key, item in fields.items()})
        if tag == "repr":
            return Shown(body)
    return {key: decode(item) for key, item in data.items()}


def dumps(value: Any) -> str:
    return json.dumps(encode(value), allow_nan=False, separators=(",", ":"))


def loads(text: str) -> Any:
    return decode(json.loads(text))


# Observations: every field, by name (a missing field keeps its default).


def observation_data(observation: Observation) -> dict[str, Any]:
    fields = {f.name: getattr(observation, f.name) for f in dataclasses.fields(observation)}
    fields["summaries"] = [tuple(record) for record in observation.summaries]
    return {name: encode(value) for name, value in fields.items()}


def observation_from(data: dict[str, Any]) -> Observation:
    fields = {name: decode(value) for name, value in data.items()}
    fields["summaries"] = [Record(*record) for record in fields.get("summaries", [])]
    return Observation(**fields)

"""The two implementations every test compares: Keras 3.15.1's callbacks and ours, and a
scenario run on either through the conformance harness."""

from __future__ import annotations

import functools
import importlib
from types import ModuleType
from typing import Any

import pytest

from conformance.harness.observe import Observation, Scenario, observe
from conformance.targets import resolve

IMPLEMENTATIONS = ("keras", "reference")


def callbacks_of(name: str) -> ModuleType:
    """The module holding `name`'s callback classes."""
    if name == "keras":
        return importlib.import_module("keras.callbacks")
    return importlib.import_module("reference")


each_implementation = pytest.mark.parametrize("impl", IMPLEMENTATIONS, indirect=True)


_target = functools.cache(resolve)


def run_on(impl: ModuleType, scenario: Scenario) -> tuple[Any, Observation]:
    """`scenario` run through the harness on `impl`'s callback, as the suite runs its
    target (Keras's on an adapted model); the callback instance, for the state it kept
    (None if its constructor raised), and the observation."""
    target = _target("keras" if impl.__name__.startswith("keras") else "reference")
    made: list[Any] = []

    def construct(**arguments: Any) -> Any:
        made.append(getattr(impl, scenario.callback)(**arguments))
        return made[-1]

    observation = observe(
        construct, scenario, adapt=target.adapt, cleanup=target.cleanup, backend=target.backend
    )
    return (made[0] if made else None), observation

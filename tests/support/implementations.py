"""The two implementations every test compares: Keras 3.15.1's callbacks and ours, and a
scenario run on either through the conformance harness."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from conformance.harness.observe import ModelAdapter, Observation, Scenario, observe
from conformance.harness.sim_model import SimModel
from conformance.targets import Target, resolve

IMPLEMENTATIONS = ("keras", "reference")


def callbacks_of(name: str) -> ModuleType:
    """The module holding `name`'s callback classes."""
    if name == "keras":
        return importlib.import_module("keras.callbacks")
    return importlib.import_module("reference")


each_implementation = pytest.mark.parametrize("impl", IMPLEMENTATIONS, indirect=True)


_target = functools.cache(resolve)


def observe_as(
    target: Target,
    callback_class: Callable[..., Any],
    scenario: Scenario,
    adapt: ModelAdapter | None = None,
) -> Observation:
    """`scenario` run through the harness on `callback_class` as the suite runs `target`'s:
    its model adapter (then `adapt`, a test's own: `save_raises`), cleanup and backend."""

    def adapted(model: SimModel) -> SimModel:
        if target.adapt is not None:
            model = target.adapt(model)
        return model if adapt is None else adapt(model)

    return observe(
        callback_class, scenario, adapt=adapted, cleanup=target.cleanup, backend=target.backend
    )


def run_on(
    impl: ModuleType, scenario: Scenario, adapt: ModelAdapter | None = None
) -> tuple[Any, Observation]:
    """`scenario` run through the harness on `impl`'s callback, as the suite runs its
    target (Keras's on an adapted model, then `adapt`); the callback instance, for the
    state it kept (None if its constructor raised), and the observation."""
    target = _target("keras" if impl.__name__.startswith("keras") else "reference")
    made: list[Any] = []

    def construct(**arguments: Any) -> Any:
        made.append(getattr(impl, scenario.callback)(**arguments))
        return made[-1]

    observation = observe_as(target, construct, scenario, adapt)
    return (made[0] if made else None), observation

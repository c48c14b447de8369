"""The two implementations every test compares: Keras 3.15.1's callbacks and ours."""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest

IMPLEMENTATIONS = ("keras", "reference")


def callbacks_of(name: str) -> ModuleType:
    """The module holding `name`'s callback classes."""
    if name == "keras":
        return importlib.import_module("keras.callbacks")
    return importlib.import_module("reference")


each_implementation = pytest.mark.parametrize("impl", IMPLEMENTATIONS, indirect=True)

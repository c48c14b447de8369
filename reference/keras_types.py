"""Recognising Keras's own classes without importing Keras.

Keras decides some behaviour with `isinstance` checks against its classes (compiled
metric containers, `Optimizer`, `Embedding`). The reference matches the class names
along the MRO instead, which finds Keras's own classes and any stand-in so named.
"""

from typing import Any


def is_a(obj: Any, *class_names: str) -> bool:
    """Whether `obj`'s class, or a base of it, has one of `class_names`."""
    return any(cls.__name__ in class_names for cls in type(obj).__mro__)

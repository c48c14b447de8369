"""A duck-typed stand-in for `keras.Model`, recording every call a callback makes.

Its weights are labelled with the epoch that produced them, so a test can tell which
epoch's weights were restored. Both the reference and Keras's callbacks accept it.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class StubOptimizer:
    def __init__(self, learning_rate: float = 0.01) -> None:
        self.learning_rate: Any = learning_rate
        self.iterations = 0


class StubModel:
    def __init__(self, metrics: list[Any] | None = None, learning_rate: float = 0.01) -> None:
        self.stop_training = False
        self.optimizer = StubOptimizer(learning_rate)
        self.metrics = metrics or []
        self.weights_label = -1.0  # which epoch's training produced the current weights
        self.calls: list[tuple[Any, ...]] = []

    def get_weights(self) -> list[np.ndarray]:
        self.calls.append(("get_weights", self.weights_label))
        return [np.full((2,), self.weights_label)]

    def set_weights(self, weights: list[np.ndarray]) -> None:
        self.weights_label = float(weights[0][0])
        self.calls.append(("set_weights", self.weights_label))

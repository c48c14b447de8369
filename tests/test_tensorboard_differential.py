"""Differential properties: the reference TensorBoard and Keras 3.15.1's, driven
through the same drawn sessions with same-shaped duck models, leave the same event
files (run dir, tag, step, value, plugin; timings by presence and step), the same
other files, exceptions and warning categories."""

from __future__ import annotations

from hypothesis import given

from reference.tensorboard import TensorBoard
from tests.support.tensorboard_runs import Scenario, assert_conforms, scenarios


@given(scenarios())
def test_reference_matches_keras_on_drawn_sessions(scenario: Scenario) -> None:
    assert_conforms(TensorBoard, scenario)

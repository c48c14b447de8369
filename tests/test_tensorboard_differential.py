"""Differential properties: the reference TensorBoard and Keras 3.15.1's, driven
through the same drawn sessions with same-shaped duck models, leave the same event
files (run dir, tag, step, value, plugin; timings by presence and step), the same
other files, exceptions and warning categories."""

from __future__ import annotations

from hypothesis import event, given

from reference.tensorboard import TensorBoard
from tests.support.tensorboard_runs import Scenario, assert_conforms, scenarios


@given(scenarios())
def test_reference_matches_keras_on_drawn_sessions(scenario: Scenario) -> None:
    observed = assert_conforms(TensorBoard, scenario)
    event(f"Keras raised {observed.error}")
    event(f"Keras wrote {min(len(observed.records), 20) // 5 * 5}+ summaries")

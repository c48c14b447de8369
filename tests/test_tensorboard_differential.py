"""Differential properties: the reference TensorBoard and Keras 3.15.1's, driven
through the same drawn sessions with same-shaped duck models, leave the same event
files (run dir, tag, step, value, plugin; timings by presence and step), the same
other files, exceptions and warning categories."""

from __future__ import annotations

from hypothesis import event, example, given

from reference.tensorboard import TensorBoard
from tests.support.tensorboard_model import ModelSpec
from tests.support.tensorboard_runs import Epoch, Scenario, Session, assert_conforms, scenarios

# Found by a thorough run (seed 424242): a reused CallbackList whose first fit ran no
# batch looks for the train graph inside the closed train writer, which raises.
REUSED_LIST_AFTER_EMPTY_EPOCH = Scenario(
    config={"write_graph": True, "update_freq": "epoch"},
    model=ModelSpec(class_name="Sequential", optimizer="keras", layers=()),
    metrics=("loss",),
    sessions=(
        Session(kind="fit", epochs=(Epoch(executions=0),)),
        Session(kind="fit", epochs=(Epoch(executions=1),), new_callback_list=False),
    ),
)


@given(scenarios())
@example(REUSED_LIST_AFTER_EMPTY_EPOCH)
def test_reference_matches_keras_on_drawn_sessions(scenario: Scenario) -> None:
    observed = assert_conforms(TensorBoard, scenario)
    event(f"Keras raised {observed.error}")
    event(f"Keras wrote {min(len(observed.records), 20) // 5 * 5}+ summaries")

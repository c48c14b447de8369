"""Differential properties: the reference TensorBoard and Keras 3.15.1's, driven
through the same drawn sessions with same-shaped duck models, leave the same event
files (run dir, tag, step, value, plugin; timings by presence and step), the same
other files, exceptions and warning categories."""

from __future__ import annotations

from hypothesis import event, example, given

from reference.tensorboard import TensorBoard
from tests.support.tensorboard_model import LayerSpec, ModelSpec
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

# Found by mutation testing of reference/ (docs/mutation_testing.md): 50 drawn examples
# rarely combine write_images with the shapes that take each branch of the weight image,
# nor an optimizer to unwrap with logged epochs.
_IMAGE_SHAPES = (
    (3, 3),  # square: not transposed
    (2, 3, 4),  # 3-D: one image per last-axis channel, axes (2, 0, 1)
    (2, 2, 2, 3),  # 4-D with 3 channels: written as is
    (2, 2, 2, 4),  # 4 channels: written
    (2, 2, 2, 2),  # 2 channels: skipped
)
WEIGHT_IMAGES_OF_EVERY_BRANCH = Scenario(
    config={"histogram_freq": 1, "write_images": True},
    model=ModelSpec(layers=(LayerSpec("conv:0", _IMAGE_SHAPES),)),  # ":" becomes "_" in tags
    metrics=("loss",),
    sessions=(Session(kind="fit", epochs=(Epoch(executions=1),)),),
)
LEARNING_RATES_OF_WRAPPED_OPTIMIZERS = [
    Scenario(
        config={"update_freq": "epoch"},
        model=ModelSpec(optimizer=optimizer),
        metrics=("loss",),
        sessions=(Session(kind="fit", epochs=(Epoch(executions=1),)),),
    )
    for optimizer in ("loss_scale", "multi")
]


@given(scenarios())
@example(REUSED_LIST_AFTER_EMPTY_EPOCH)
@example(WEIGHT_IMAGES_OF_EVERY_BRANCH)
@example(LEARNING_RATES_OF_WRAPPED_OPTIMIZERS[0])
@example(LEARNING_RATES_OF_WRAPPED_OPTIMIZERS[1])
def test_reference_matches_keras_on_drawn_sessions(scenario: Scenario) -> None:
    observed = assert_conforms(TensorBoard, scenario)
    event(f"Keras raised {observed.error}")
    event(f"Keras wrote {min(len(observed.records), 20) // 5 * 5}+ summaries")

"""LearningRateScheduler, rule by rule, against Keras 3.15.1 and the reference.

Expected values are worked out by hand from the rule each test names. Runs go through
the conformance harness, whose optimizers keep their rates in float32, as Keras's do.
"""

from __future__ import annotations

import numpy as np
import pytest

from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import Scenario
from conformance.harness.sim_model import ModelSpec
from tests.support.implementations import each_implementation, run_on

pytestmark = each_implementation


def run(impl, schedule, epochs=3, initial_epoch=0, logs=None, optimizer="sgd", **config):
    """A fit of `epochs` epochs logging `logs` (default: a loss) on an optimizer at 0.5."""
    epoch_logs = {"loss": 1.0} if logs is None else logs
    fit = FitPlan([EpochPlan(dict(epoch_logs)) for _ in range(epochs)], initial_epoch)
    model = ModelSpec(learning_rate=0.5, optimizer=optimizer)
    scenario = Scenario("LearningRateScheduler", {"schedule": schedule, **config}, model, [fit])
    return run_on(impl, scenario)[1]


def rates(*values: float) -> list[tuple[float]]:
    """The rates of a single optimizer, epoch by epoch, as its float32 variable holds them."""
    return [(float(np.float32(value)),) for value in values]


# learning_rate_scheduler.schedule.absolute-epoch
def test_schedule_gets_the_absolute_epoch_index_and_current_rate(impl):
    seen = []

    def schedule(epoch, lr):
        seen.append((epoch, lr))
        return lr / 2

    obs = run(impl, schedule, epochs=3, initial_epoch=2)
    assert seen == [(2, 0.5), (3, 0.25), (4, 0.125)]
    assert obs.learning_rates == rates(0.25, 0.125, 0.0625)


# learning_rate_scheduler.schedule.one-argument
def test_one_argument_schedule(impl):
    obs = run(impl, lambda epoch: 0.1 * (epoch + 1))
    assert obs.learning_rates == rates(0.1, 0.2, 0.1 * 3)


# learning_rate_scheduler.schedule.type-error-falls-back
def test_type_error_inside_two_argument_schedule_is_masked_by_the_fallback(impl):
    def schedule(epoch, lr=None):
        if lr is not None:
            raise TypeError("inside the schedule")
        return 0.125

    assert run(impl, schedule).learning_rates == rates(0.125, 0.125, 0.125)

    def strict(epoch, lr):
        raise TypeError("inside the schedule")

    obs = run(impl, strict)
    assert obs.error[0] == "TypeError" and "missing 1 required positional argument" in obs.error[1]


# learning_rate_scheduler.schedule.float-only
@pytest.mark.parametrize("value", [0.5, np.float32(0.5), np.float64(0.5)])
def test_float_results_are_accepted(impl, value):
    assert run(impl, lambda epoch, lr: value, epochs=1).learning_rates == rates(0.5)


@pytest.mark.parametrize("value", [1, 0, True, np.float16(0.5), np.array(0.5), np.int64(1)])
def test_other_results_are_rejected(impl, value):
    obs = run(impl, lambda epoch, lr: value, epochs=1)
    assert obs.error == (
        "ValueError",
        f"The output of the `schedule` function should be a float. Got: {value}",
        "on_epoch_begin(0)",
    )
    assert obs.hooks == [("on_train_begin", None, False)]


# learning_rate_scheduler.schedule.docstring-example-rejected
def test_documented_ops_exp_example_returns_a_tensor_that_is_rejected(impl):
    from keras import ops

    def scheduler(epoch, lr):
        return lr if epoch < 10 else lr * ops.exp(-0.1)

    obs = run(impl, scheduler, epochs=12)
    assert obs.error[0] == "ValueError" and obs.learning_rates == rates(*[0.5] * 10)


# learning_rate_scheduler.optimizer.needs-learning-rate
def test_optimizer_without_learning_rate(impl):
    obs = run(impl, lambda e, lr: 0.1, optimizer="none")
    assert obs.error[:2] == ("ValueError", 'Optimizer must have a "learning_rate" attribute.')


# learning_rate_scheduler.optimizer.multi
def test_each_sub_optimizer_is_scheduled_and_logged(impl):
    # The harness's multi-optimizer: "first" at 0.5, "second" at 0.25.
    obs = run(impl, lambda e, lr: lr * 2, epochs=2, optimizer="multi", verbose=1)
    assert obs.learning_rates == [(1.0, 0.5), (2.0, 1.0)]
    assert obs.history == {
        "learning_rate_first": [1.0, 2.0],
        "learning_rate_second": [0.5, 1.0],
        "loss": [1.0, 1.0],
    }
    assert obs.stdout.splitlines() == [
        "",
        "Epoch 1: LearningRateScheduler setting first learning rate to 1.0.",
        "",
        "Epoch 1: LearningRateScheduler setting second learning rate to 0.5.",
        "",
        "Epoch 2: LearningRateScheduler setting first learning rate to 2.0.",
        "",
        "Epoch 2: LearningRateScheduler setting second learning rate to 1.0.",
    ]


# learning_rate_scheduler.logs.rate-read-back
def test_epoch_end_logs_gain_the_rate_read_back_from_the_optimizer(impl):
    obs = run(impl, lambda e, lr: 0.25, epochs=1, logs={"loss": 1.0, "learning_rate": 9.0})
    assert obs.history == {"learning_rate": [0.25], "loss": [1.0]}


# learning_rate_scheduler.logs.empty-logs-dropped
def test_empty_logs_do_not_receive_the_rate(impl):
    obs = run(impl, lambda e, lr: 0.25, epochs=1, logs={})
    assert obs.history == {}


def test_verbose_line(impl):
    obs = run(impl, lambda e, lr: 0.25, epochs=1, verbose=1)
    assert obs.stdout == "\nEpoch 1: LearningRateScheduler setting learning rate to 0.25.\n"


# learning_rate_scheduler.init.no-validation
def test_constructor_accepts_anything(impl):
    callback = impl.LearningRateScheduler("not callable", verbose="loud")
    assert callback.schedule == "not callable"

"""LearningRateScheduler, rule by rule, against Keras 3.15.1 and the reference.

Expected values are worked out by hand from the rule each test names.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.support.drive import Run, simulate_fit
from tests.support.implementations import each_implementation
from tests.support.stub_model import StubModel, StubOptimizer

pytestmark = each_implementation


def run(impl, schedule, epochs=3, initial_epoch=0, logs=None, model=None, **config):
    callback = impl.LearningRateScheduler(schedule, **config)
    model = model or StubModel(learning_rate=0.5)
    epoch_logs = [dict(logs) if logs is not None else {"loss": 1.0} for _ in range(epochs)]
    return simulate_fit(callback, model, Run(epoch_logs, initial_epoch=initial_epoch))


# learning_rate_scheduler.schedule.absolute-epoch
def test_schedule_gets_the_absolute_epoch_index_and_current_rate(impl):
    seen = []

    def schedule(epoch, lr):
        seen.append((epoch, lr))
        return lr / 2

    obs = run(impl, schedule, epochs=3, initial_epoch=2)
    assert seen == [(2, 0.5), (3, 0.25), (4, 0.125)]
    assert obs.learning_rates == [0.25, 0.125, 0.0625]


# learning_rate_scheduler.schedule.one-argument
def test_one_argument_schedule(impl):
    obs = run(impl, lambda epoch: 0.1 * (epoch + 1))
    assert obs.learning_rates == [0.1, 0.2, 0.1 * 3]


# learning_rate_scheduler.schedule.type-error-falls-back
def test_type_error_inside_two_argument_schedule_is_masked_by_the_fallback(impl):
    def schedule(epoch, lr=None):
        if lr is not None:
            raise TypeError("inside the schedule")
        return 0.125

    assert run(impl, schedule).learning_rates == [0.125] * 3

    def strict(epoch, lr):
        raise TypeError("inside the schedule")

    obs = run(impl, strict)
    assert obs.error[0] == "TypeError" and "missing 1 required positional argument" in obs.error[1]


# learning_rate_scheduler.schedule.float-only
@pytest.mark.parametrize("value", [0.5, np.float32(0.5), np.float64(0.5)])
def test_float_results_are_accepted(impl, value):
    assert run(impl, lambda epoch, lr: value, epochs=1).learning_rates == [0.5]


@pytest.mark.parametrize("value", [1, 0, True, np.float16(0.5), np.array(0.5), np.int64(1)])
def test_other_results_are_rejected(impl, value):
    obs = run(impl, lambda epoch, lr: value, epochs=1)
    assert obs.error == (
        "ValueError",
        f"The output of the `schedule` function should be a float. Got: {value}",
    )
    assert obs.hooks == [("on_train_begin", None, False)]


# learning_rate_scheduler.schedule.docstring-example-rejected
def test_documented_ops_exp_example_returns_a_tensor_that_is_rejected(impl):
    from keras import ops

    def scheduler(epoch, lr):
        return lr if epoch < 10 else lr * ops.exp(-0.1)

    obs = run(impl, scheduler, epochs=12)
    assert obs.error[0] == "ValueError" and obs.learning_rates == [0.5] * 10


# learning_rate_scheduler.optimizer.needs-learning-rate
def test_optimizer_without_learning_rate(impl):
    model = StubModel()
    model.optimizer = object()
    obs = run(impl, lambda e, lr: 0.1, model=model)
    assert obs.error == ("ValueError", 'Optimizer must have a "learning_rate" attribute.')


# learning_rate_scheduler.optimizer.multi
def test_each_sub_optimizer_is_scheduled_and_logged(impl):
    class Multi:
        def __init__(self):
            self.optimizers = [StubOptimizer(0.5), StubOptimizer(0.25)]
            self.optimizers[0].name, self.optimizers[1].name = "a", "b"
            self.learning_rate = 0.0  # read by the driver only

    model = StubModel()
    model.optimizer = Multi()
    obs = run(impl, lambda e, lr: lr * 2, epochs=2, model=model, verbose=1)
    assert [o.learning_rate for o in model.optimizer.optimizers] == [2.0, 1.0]
    assert obs.logs_after[-2] == {"loss": 1.0, "learning_rate_a": 2.0, "learning_rate_b": 1.0}
    assert obs.stdout.splitlines() == [
        "",
        "Epoch 1: LearningRateScheduler setting a learning rate to 1.0.",
        "",
        "Epoch 1: LearningRateScheduler setting b learning rate to 0.5.",
        "",
        "Epoch 2: LearningRateScheduler setting a learning rate to 2.0.",
        "",
        "Epoch 2: LearningRateScheduler setting b learning rate to 1.0.",
    ]


# learning_rate_scheduler.logs.rate-read-back
def test_epoch_end_logs_gain_the_rate_read_back_from_the_optimizer(impl):
    obs = run(impl, lambda e, lr: 0.25, epochs=1, logs={"loss": 1.0, "learning_rate": 9.0})
    assert obs.logs_after[-2] == {"loss": 1.0, "learning_rate": 0.25}


# learning_rate_scheduler.logs.empty-logs-dropped
def test_empty_logs_do_not_receive_the_rate(impl):
    obs = run(impl, lambda e, lr: 0.25, epochs=1, logs={})
    assert obs.logs_after[-2] == {}


def test_verbose_line(impl):
    obs = run(impl, lambda e, lr: 0.25, epochs=1, verbose=1)
    assert obs.stdout == "\nEpoch 1: LearningRateScheduler setting learning rate to 0.25.\n"


# learning_rate_scheduler.init.no-validation
def test_constructor_accepts_anything(impl):
    callback = impl.LearningRateScheduler("not callable", verbose="loud")
    assert callback.schedule == "not callable"

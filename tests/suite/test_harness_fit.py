"""The simulated fit's own rules, checked against Keras 3.15.1 where Keras has the code.

The full hook-by-hook comparison with a real `keras.Model.fit` is the fidelity tier's job;
these are the pieces that can be compared directly.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from keras.src.utils.python_utils import pythonify_logs

from conformance.harness.fit import EpochPlan, FitPlan, FitRecord, pythonify, simulate_fit
from conformance.harness.sim_model import ModelSpec, SimModel

scalars = st.one_of(
    st.floats(allow_nan=True),
    st.integers(-(2**40), 2**40),
    st.booleans(),
    st.none(),
    st.sampled_from(["1.5", "nan", "inf", "x", ""]),
    st.floats(width=32).map(np.float32),
    st.lists(st.floats(-1, 1), min_size=1, max_size=3).map(np.array),
)
keys = st.sampled_from(["loss", "acc", "val_loss", "a", "b", "z"])
logs = st.recursive(
    st.dictionaries(keys, scalars, max_size=5),
    lambda inner: st.dictionaries(keys, inner | scalars, max_size=4),
    max_leaves=8,
)


@given(logs)
def test_dispatch_logs_are_pythonified_as_keras_does(raw):
    """fit.logs.sorted-keys, fit.logs.nested-dicts-flattened, fit.logs.scalars-are-floats."""
    ours, theirs = pythonify(raw), pythonify_logs(raw)
    assert list(ours) == list(theirs)
    for key in theirs:
        a, b = ours[key], theirs[key]
        assert type(a) is type(b), key
        if isinstance(b, np.ndarray):
            np.testing.assert_array_equal(a, b)
        elif not (isinstance(b, float) and math.isnan(b)):
            assert a == b, key


class Recorder:
    """Records hooks and the logs object each received."""

    def __init__(self):
        self.calls = []

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def __getattr__(self, hook):
        if not hook.startswith("on_"):
            raise AttributeError(hook)

        def record(*args, logs=None):
            self.calls.append((hook, *args, logs))

        return record


def test_steps_per_execution_indices_are_unclipped_and_stop_is_read_after_batch_end():
    """fit.steps-per-execution.batch-indices, fit.stop-training.epoch-completes."""
    recorder = Recorder()
    plan = FitPlan(
        [EpochPlan({"loss": 1.0}, batches=5, validation={"loss": 2.0})], steps_per_execution=2
    )
    simulate_fit(recorder, SimModel(ModelSpec()), plan, FitRecord())
    batch_hooks = [(c[0], c[1]) for c in recorder.calls if "train_batch" in c[0]]
    assert batch_hooks == [
        ("on_train_batch_begin", 0),
        ("on_train_batch_end", 1),
        ("on_train_batch_begin", 2),
        ("on_train_batch_end", 3),
        ("on_train_batch_begin", 4),
        ("on_train_batch_end", 5),
    ]

    stopper = Recorder()
    model = SimModel(ModelSpec())
    stopper.on_train_batch_end = lambda batch, logs=None: setattr(model, "stop_training", True)
    record = FitRecord()
    simulate_fit(
        stopper,
        model,
        FitPlan([EpochPlan({"loss": 1.0}, batches=3, validation={"loss": 2.0})] * 2),
        record,
    )
    assert [h.hook for h in record.hooks] == [
        "on_train_begin",
        "on_epoch_begin",
        "on_train_batch_begin",
        "on_train_batch_end",
        "on_test_begin",
        "on_test_batch_begin",
        "on_test_batch_end",
        "on_test_end",
        "on_epoch_end",
        "on_train_end",
    ]


def test_one_dict_per_dispatch_and_train_end_gets_the_loops_own_logs():
    """fit.logs.shared-per-dispatch, fit.train-end.last-epoch-logs,
    fit.callbacks.history-after-user."""

    class AddsKey(Recorder):
        def on_epoch_end(self, epoch, logs=None):
            logs["added"] = 1.0
            self.calls.append(("on_epoch_end", epoch, logs))

    adder = AddsKey()
    record = FitRecord()
    simulate_fit(adder, SimModel(ModelSpec()), FitPlan([EpochPlan({"loss": 1.0})]), record)
    assert record.history == {"added": [1.0], "loss": [1.0]}
    (train_end,) = [c for c in adder.calls if c[0] == "on_train_end"]
    assert train_end[1] == {"loss": 1.0}

"""EarlyStopping, rule by rule: each example runs against Keras 3.15.1 and the reference.

Expected values are worked out by hand from the rule the test names, never taken from
either implementation. Runs go through the conformance harness: one batch per epoch, so
the weights after epoch `e` (of a fit from epoch 0) carry the label `e + 1`.
"""

from __future__ import annotations

import math

import pytest

from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import Scenario
from conformance.harness.sim_model import ModelSpec, SimModel
from tests.support.implementations import each_implementation, run_on

pytestmark = each_implementation


def losses(*values: float | None, **options) -> FitPlan:
    """A fit whose epochs log `loss` (nothing for None); `options` are FitPlan's."""
    return FitPlan([EpochPlan({} if v is None else {"loss": v}) for v in values], **options)


def fit(impl, values, **config) -> tuple[object, object]:
    options = {
        k: config.pop(k) for k in ("initial_epoch", "stop_requested_at_epoch") if k in config
    }
    scenario = Scenario("EarlyStopping", {"monitor": "loss", **config}, ModelSpec())
    scenario.fits.append(losses(*values, **options))
    return run_on(impl, scenario)


def epochs_run(obs) -> int:
    return len(obs.epochs_run())


# early_stopping.patience.zero-is-one
@pytest.mark.parametrize("patience", [-2, 0, 1])
def test_patience_below_two_stops_at_first_non_improving_epoch(impl, patience):
    _, obs = fit(impl, [3.0, 2.0, 2.5, 1.0, 0.5], patience=patience)
    assert epochs_run(obs) == 3


# early_stopping.patience.counts-before-test
def test_patience_counts_consecutive_non_improving_epochs(impl):
    callback, obs = fit(impl, [3.0, 2.0, 2.5, 2.5, 2.0, 1.0], patience=3)
    assert epochs_run(obs) == 5
    assert callback.stopped_epoch == 4


def test_improvement_resets_the_count(impl):
    _, obs = fit(impl, [3.0, 3.5, 2.0, 3.5, 3.5, 1.0, 4.0], patience=2)
    assert epochs_run(obs) == 5


# early_stopping.stop.never-at-epoch-zero
def test_no_stop_at_epoch_index_zero_even_without_improvement(impl):
    # Only direct driving can show epoch 0 after a monitored epoch.
    model = SimModel(ModelSpec())
    callback = impl.EarlyStopping(monitor="loss", patience=0)
    callback.set_model(model)
    callback.on_train_begin()
    callback.on_epoch_end(3, {"loss": 1.0})
    callback.on_epoch_end(0, {"loss": 2.0})
    assert callback.wait == 1 and not model.stop_training
    callback.on_epoch_end(1, {"loss": 2.0})
    assert model.stop_training and callback.stopped_epoch == 1


# monitor.improvement.strict
def test_a_tie_is_not_an_improvement(impl):
    callback, obs = fit(impl, [1.0, 1.0], patience=0)
    assert epochs_run(obs) == 2 and callback.stopped_epoch == 1


@pytest.mark.parametrize("min_delta", [0.5, -0.5])
def test_min_delta_is_strict_and_sign_free(impl, min_delta):
    # 2.0 -> 1.5 improves by exactly |min_delta|: not enough.
    callback, _ = fit(impl, [2.0, 1.5], min_delta=min_delta, patience=0)
    assert callback.stopped_epoch == 1
    callback, _ = fit(impl, [2.0, 1.25], min_delta=min_delta, patience=0)
    assert callback.stopped_epoch == 0


# monitor.precision (float32, subnormals flushed: the jax backend)
def test_values_equal_in_float32_are_a_tie(impl):
    callback, _ = fit(impl, [1.0, 1.0 - 1e-9], patience=0)
    assert callback.stopped_epoch == 1


def test_subnormal_differences_vanish(impl):
    callback, _ = fit(impl, [2e-40, 1e-40], patience=0)
    assert callback.stopped_epoch == 1


# early_stopping.nan.first-value-becomes-best
def test_first_nan_becomes_best_and_blocks_every_later_improvement(impl):
    callback, obs = fit(impl, [math.nan, 1.0, 0.5, 0.25], patience=2, restore_best_weights=True)
    assert epochs_run(obs) == 3
    assert math.isnan(callback.best) and callback.best_epoch == 0
    assert obs.model_calls[-1] == ("set_weights", 1.0)  # epoch 0's


def test_later_nan_is_no_improvement(impl):
    callback, obs = fit(impl, [1.0, math.nan, 0.5], patience=2)
    assert epochs_run(obs) == 3 and callback.best == 0.5


@pytest.mark.parametrize("mode, blocker", [("min", -math.inf), ("max", math.inf)])
def test_best_infinity_blocks_improvement(impl, mode, blocker):
    callback, obs = fit(impl, [blocker, 0.0, 1.0], patience=0, mode=mode)
    assert epochs_run(obs) == 2 and callback.best == blocker


# early_stopping.baseline.gates-wait-reset
def test_improving_but_never_beating_baseline_never_stops(impl):
    callback, obs = fit(impl, [10.0, 9.0, 8.0, 7.0, 6.0, 5.0], patience=2, baseline=1.0)
    assert epochs_run(obs) == 6 and callback.wait == 6 and callback.stopped_epoch == 0


def test_plateau_above_baseline_stops_when_cumulative_wait_reaches_patience(impl):
    # wait: 1 (improves, not below baseline), 2 (tie) -> stop at epoch 1.
    callback, obs = fit(impl, [10.0, 10.0, 10.0], patience=2, baseline=1.0)
    assert epochs_run(obs) == 2 and callback.stopped_epoch == 1


# early_stopping.baseline.not-initial-best
def test_baseline_is_not_the_initial_best(impl):
    callback, _ = fit(impl, [10.0], patience=0, baseline=1.0)
    assert callback.best == 10.0


# early_stopping.monitor.skipped-epochs
def test_epochs_before_start_from_epoch_are_not_counted(impl):
    callback, obs = fit(impl, [1.0, 2.0, 3.0, 4.0, 5.0], patience=0, start_from_epoch=2)
    assert epochs_run(obs) == 4 and callback.best == 3.0 and callback.best_epoch == 2


def test_start_from_epoch_compares_absolute_epoch_indices(impl):
    callback, obs = fit(impl, [1.0, 2.0, 3.0], patience=0, start_from_epoch=2, initial_epoch=2)
    assert epochs_run(obs) == 2 and callback.stopped_epoch == 3


# early_stopping.monitor.missing-warns
def test_missing_monitor_warns_with_the_available_keys_and_is_skipped(impl):
    fit = FitPlan([EpochPlan({"loss": 1.0, "acc": 0.5}), EpochPlan({"val_loss": 1.0})])
    scenario = Scenario("EarlyStopping", {"monitor": "val_loss", "patience": 0}, fits=[fit])
    callback, obs = run_on(impl, scenario)
    assert obs.warnings[0] == (  # the keys in the order fit hands them over: sorted
        "UserWarning",
        "Early stopping conditioned on metric `val_loss` which is not available. "
        "Available metrics are: acc,loss",
    )
    assert callback.best == 1.0 and callback.best_epoch == 1


# early_stopping.restore.always-at-train-end
def test_best_weights_restored_when_the_run_completes(impl):
    _, obs = fit(impl, [3.0, 1.0, 2.0], patience=5, restore_best_weights=True)
    assert obs.model_calls[-1] == ("set_weights", 2.0)  # epoch 1's


def test_best_weights_restored_when_another_callback_stops(impl):
    _, obs = fit(
        impl,
        [3.0, 1.0, 2.0, 0.0],
        patience=5,
        restore_best_weights=True,
        stop_requested_at_epoch=2,
    )
    assert obs.model_calls[-1] == ("set_weights", 2.0)  # epoch 1's


# early_stopping.restore.weights-read-twice
def test_weights_read_twice_on_first_monitored_epoch(impl):
    _, obs = fit(impl, [3.0, 4.0], patience=5, restore_best_weights=True)
    assert obs.model_calls[:2] == [("get_weights", 1.0), ("get_weights", 1.0)]


# early_stopping.reuse.resets-per-fit
def test_a_second_fit_starts_from_a_fresh_best(impl):
    fits = [losses(1.0, 2.0), losses(5.0, 4.0, 4.5)]
    scenario = Scenario("EarlyStopping", {"monitor": "loss", "patience": 0}, fits=fits)
    callback, obs = run_on(impl, scenario)
    assert callback.best == 4.0 and callback.stopped_epoch == 2
    assert obs.epochs_run() == [0, 1, 0, 1, 2]


# early_stopping.mode.resolved-at-first-epoch-end
def test_unresolvable_auto_mode_raises_at_first_epoch_end_even_in_warm_up(impl):
    config = {"monitor": "custom", "start_from_epoch": 5}
    scenario = Scenario("EarlyStopping", config, fits=[FitPlan([EpochPlan({"custom": 1.0})])])
    _, obs = run_on(impl, scenario)
    assert obs.error is not None and obs.error[0] == "ValueError"
    assert "monitor=custom" in obs.error[1]
    assert obs.error[2] == "on_epoch_end(0)"
    assert "on_train_end" not in [hook for hook, *_ in obs.hooks]


# monitor.mode.unknown-warns
def test_unknown_mode_warns_and_falls_back_to_auto(impl, recwarn):
    callback = impl.EarlyStopping(mode="sideways")
    assert callback.mode == "auto"
    assert [(w.category, str(w.message)) for w in recwarn] == [
        (UserWarning, "EarlyStopping mode 'sideways' is unknown, fallback to auto mode.")
    ]


def test_min_delta_must_be_a_number(impl):
    with pytest.raises(TypeError):
        impl.EarlyStopping(min_delta="0.1")


# early_stopping.verbose.messages
def test_verbose_lines(impl):
    _, obs = fit(impl, [1.0, 0.5, 2.0], patience=0, verbose=1, restore_best_weights=True)
    assert obs.stdout == (
        "Epoch 3: early stopping\nRestoring model weights from the end of the best epoch: 2.\n"
    )


# monitor.min-delta.sign-flip-once
def test_resolving_the_direction_twice_flips_min_delta_back(impl):
    callback = impl.EarlyStopping(monitor="loss", min_delta=0.5)
    callback.set_model(SimModel(ModelSpec()))
    callback._set_monitor_op()
    assert callback.min_delta == -0.5
    callback._set_monitor_op()
    assert callback.min_delta == 0.5

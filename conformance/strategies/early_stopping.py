"""EarlyStopping scenarios: a configuration drawn towards the edges, and one or more fits.

Patience and `start_from_epoch` straddle 0 and the run lengths; the baseline is often
set; monitors cover `loss`, compiled metrics with and without a direction, and their
`val_` forms.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from hypothesis import strategies as st

from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import Scenario
from conformance.harness.sim_model import ModelSpec
from conformance.strategies.monitored import (
    COMPILED_METRICS,
    fits,
    grid_values,
    likely_monitors,
    min_deltas,
)
from conformance.unsupported import steered

ES = "EarlyStopping"
MODEL = ModelSpec(metrics=COMPILED_METRICS)


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "monitor": draw(st.sampled_from(likely_monitors), label="monitor"),
        "min_delta": draw(min_deltas, label="min_delta"),
        # Shrinks to 1: the simplest scenario has no quirk in play (`conformance.blame`).
        "patience": draw(st.sampled_from([1, 0, 1, 2, 2, 3, -1, 4]), label="patience"),
        "verbose": draw(steered(ES, "verbose", st.sampled_from([0, 1])), label="verbose"),
        "mode": draw(
            steered(ES, "mode", st.sampled_from(["auto", "auto", "min", "max", "sideways"])),
            label="mode",
        ),
        "baseline": draw(
            steered(ES, "baseline", st.none() | st.none() | grid_values), label="baseline"
        ),
        "restore_best_weights": draw(
            steered(ES, "restore_best_weights", st.booleans()), label="restore_best_weights"
        ),
        "start_from_epoch": draw(
            steered(ES, "start_from_epoch", st.sampled_from([0, 0, 0, 1, 2, 4])),
            label="start_from_epoch",
        ),
    }


# Eleven scenarios in sixteen go for the quirks the drawn runs reach least: an epoch 0
# that improves without beating the baseline, with a patience that would stop there
# (`early_stopping.stop.never-at-epoch-zero`, six in sixteen: the drawn runs almost
# never reach it, and a quick run judges it on its 50 scenarios alone); a first
# monitored value that is NaN or an infinity (`early_stopping.nan.first-value-becomes-best`,
# three in sixteen, with a patience and a run long enough for a NaN best to stop it:
# a bug that skips the NaN, or starts from an infinite best, shows at quick); an auto
# mode on a metric with no direction, which Keras cannot resolve (`monitor.mode.auto`),
# or an unknown mode that falls back to it (`monitor.mode.unknown-warns`). Built once
# (see below).
focuses = st.sampled_from(
    [None] * 5 + ["gate at epoch 0"] * 6 + ["not finite first"] * 3 + ["auto undecidable"] * 2
)
first_not_finite = st.sampled_from([math.nan, math.nan, math.nan, math.inf, -math.inf])
undecidable_monitors = st.sampled_from(["custom", "val_custom"])
undecided_modes = st.sampled_from(["auto", "sideways"])
first_losses = st.integers(0, 8).map(lambda k: k / 4)
# Shrinks to 1: a patience that stops at once without the patience quirk in play.
gated_patiences = st.sampled_from([1, 0, -1])


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    # The focus first: Hypothesis varies the first choices of a run most.
    focus = draw(focuses, label="focus")
    config = draw(configs(), label="config")
    plans = draw(fits(), label="fits")
    if focus is None:
        return Scenario("EarlyStopping", config, MODEL, plans)
    if focus == "auto undecidable":
        config["monitor"] = draw(undecidable_monitors, label="monitor")
        config["mode"] = draw(undecided_modes, label="mode")
        return Scenario("EarlyStopping", config, MODEL, plans)
    # The loss, minimised from epoch 0 of the first fit.
    config |= {"monitor": "loss", "mode": "min", "start_from_epoch": 0}
    if focus == "gate at epoch 0":  # a baseline below every value: never beaten
        config |= {"baseline": -8.0, "patience": draw(gated_patiences, label="patience")}
        first_loss = draw(first_losses, label="epoch 0 loss")
    else:
        config["patience"] = draw(gated_patiences, label="patience")
        first_loss = draw(first_not_finite, label="epoch 0 loss")
    first = plans[0]
    epochs = first.epochs or [EpochPlan({})]
    if focus == "not finite first":
        # What a first value decides shows at the next monitored epoch: two epochs at
        # least, each with a loss (the fits were drawn for another monitor).
        epochs = (epochs + [EpochPlan({})])[: max(2, len(epochs))]
        epochs = [
            epoch
            if "loss" in epoch.metrics
            else dataclasses.replace(
                epoch, metrics=epoch.metrics | {"loss": draw(grid_values, label="loss")}
            )
            for epoch in epochs
        ]
    epoch_zero = dataclasses.replace(epochs[0], metrics=epochs[0].metrics | {"loss": first_loss})
    plans[0] = dataclasses.replace(first, epochs=[epoch_zero, *epochs[1:]], initial_epoch=0)
    return Scenario("EarlyStopping", config, MODEL, plans)


# Off the grid, for `monitor.precision` only: neighbours closer than float32 can tell
# apart, and subnormals that flush to zero on jax and TensorFlow.
near_values = st.sampled_from(
    [1.0, 1.0 + 1e-9, 1.0 - 1e-9, 1.0 + 2**-23, 1e-40, 2e-40, 0.0, -1e-40, 1e-39]
)


@st.composite
def precision_scenarios(draw: st.DrawFn) -> Scenario:
    values = draw(st.lists(near_values, min_size=2, max_size=6), label="loss per epoch")
    config = {
        "monitor": "loss",
        # 1 as well as 0, for a port whose patience 0 differs (declared): judged apart
        # from it on the runs with patience 1.
        "patience": draw(st.sampled_from([0, 1]), label="patience"),
        "mode": draw(st.sampled_from(["min", "max"]), label="mode"),
    }
    plan = FitPlan([EpochPlan({"loss": value}) for value in values])
    return Scenario("EarlyStopping", config, MODEL, [plan])


@st.composite
def improving_scenarios(draw: st.DrawFn) -> Scenario:
    """Runs whose monitored loss beats the best by more than `min_delta` every epoch."""
    config = draw(configs(), label="config") | {
        "monitor": "loss",
        "mode": "min",
        "start_from_epoch": 0,
    }
    step = abs(config["min_delta"]) + draw(
        st.sampled_from([0.25, 0.5]), label="improvement beyond min_delta"
    )
    start = draw(st.integers(0, 8), label="first loss") / 4
    epochs = draw(st.integers(1, 8), label="epochs")
    plan = FitPlan([EpochPlan({"loss": start - step * e}) for e in range(epochs)])
    return Scenario("EarlyStopping", config, MODEL, [plan])


@st.composite
def first_value_scenarios(draw: st.DrawFn) -> Scenario:
    """One fit whose first monitored value is NaN or an infinity, then values that
    improve by more than `min_delta` every epoch (no tie: the strictness rule is not in
    play), with no baseline and a patience of 1 or 2 (the patience quirk not in play):
    what Keras makes of a first value that no later one can beat (it becomes
    best) shows in the stop. Every scenario is in that rule's regime, at every profile:
    the general strategy's focus on it is as often missed as drawn."""
    mode = draw(st.sampled_from(["min", "max"]), label="mode")
    config = {
        "monitor": "loss",
        # Positive: the patience quirk (patience <= 0) is not in play here.
        "patience": draw(st.sampled_from([1, 2]), label="patience"),
        "mode": mode,
        "min_delta": draw(st.sampled_from([0, 0.25]), label="min_delta"),
    }
    first = draw(first_not_finite, label="first value")
    start = draw(grid_values, label="second value")
    step = -0.5 if mode == "min" else 0.5
    later = [start + step * k for k in range(draw(st.integers(1, 5), label="later epochs"))]
    plan = FitPlan([EpochPlan({"loss": value}) for value in [first, *later]])
    return Scenario("EarlyStopping", config, MODEL, [plan])


# Built once: Hypothesis validates each new strategy object, which costs more than the draw.
min_delta_steps = st.sampled_from([-0.5, -0.25, 0.0, 0.25, 0.5, -1.0, 1.0])


@st.composite
def min_delta_scenarios(draw: st.DrawFn) -> Scenario:
    """One or two fits on one instance, a non-zero `min_delta` and a direction (explicit,
    or `auto` on the loss or accuracy), the monitored value present every epoch and
    moving in grid steps of a quarter: values within `min_delta` of the best, exactly
    `min_delta` from it and beyond it, in both directions, with a patience short enough
    that one miscounted epoch moves the stop."""
    monitor = draw(st.sampled_from(["loss", "accuracy"]), label="monitor")
    config = {
        "monitor": monitor,
        "min_delta": draw(st.sampled_from([0.25, 0.5, -0.25, -0.5, 1.0]), label="min_delta"),
        "patience": draw(st.sampled_from([1, 0, 2, 3]), label="patience"),
        "mode": draw(steered(ES, "mode", st.sampled_from(["min", "max", "auto"])), label="mode"),
    }
    plans = []
    for _ in range(draw(st.integers(1, 2), label="fits")):
        value = draw(grid_values, label="first value")
        values = []
        for _ in range(draw(st.integers(2, 8), label="epochs")):
            values.append(value)
            step = draw(min_delta_steps, label="step")
            value = min(4.0, max(-4.0, value + step))
        plans.append(FitPlan([EpochPlan({monitor: v}) for v in values]))
    return Scenario("EarlyStopping", config, MODEL, plans)

"""LearningRateScheduler scenarios: described schedules of every arity and return type,
single, multi and missing optimizers, epoch logs that are full, empty or absent, and
several fits with one instance."""

from __future__ import annotations

from hypothesis import strategies as st

from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import Scenario
from conformance.harness.sim_model import ModelSpec
from conformance.strategies.schedules import RETURN_TYPES, TENSOR, ScheduleSpec

factors = st.sampled_from([0.25, 0.5, 1.0, 2.0, 0.1])
# Built once (Hypothesis validates each new strategy object). Each arity but the plain
# two-argument call, each return type but the accepted ones, and each optimizer but SGD
# is the regime of a clause of its own, judged on the 50 scenarios of a quick run only.
# A scenario's *focus* (drawn first: Hypothesis varies the first choices of a run most)
# decides which of them it goes for:
#   - "works" (3 in 12): a callable schedule returning an accepted type, on an optimizer
#     with a rate: the runs that go on to set, log and print rates;
#   - "rejects" (2 in 12) and "tensor" (3 in 12): the same, returning a rejected type,
#     or the backend's own tensor (Keras's documented schedule, which it rejects too);
#   - "not callable" and "no optimizer" (2 in 12 each): what raises at once.
# Which regimes 50 derandomized examples reach depends on Hypothesis's draws more than
# on these weights (its early examples cluster): they were chosen so that each regime
# gets 10 or more at `--profile quick` (docs/verdicts.md, "Examples per clause").
# The callable arities (the plain call, first: what Hypothesis shrinks to; one argument;
# a TypeError that falls back to one) and SGD or a multi-optimizer are drawn in every
# focus but the two that fix them.
focuses = st.sampled_from(
    ["works", "rejects", "tensor", "not callable", "no optimizer"] * 2 + ["works", "tensor"]
)
callable_arities = st.sampled_from(
    ["two", "one", "two-raising-type-error"] + ["two-raising-type-error", "one"]
)
# Listed twice: with one of each, no plain-SGD run that logs its rate was drawn at quick.
rated_optimizers = st.sampled_from(["sgd", "multi", "sgd", "multi"])
accepted_returns = ["float", "np.float32", "np.float64"]
# Each rejected type as often as the others: float16 is as much a bug as int.
rejected_returns = st.sampled_from(
    [kind for kind in RETURN_TYPES if kind not in accepted_returns and kind != TENSOR]
)


@st.composite
def schedules(
    draw: st.DrawFn, focus: str = "works", returns: list[str] | None = None
) -> ScheduleSpec:
    if returns:
        kinds = st.sampled_from(returns)
    elif focus == "rejects":
        kinds = rejected_returns
    elif focus == "tensor":
        kinds = st.just(TENSOR)
    elif focus == "no optimizer":
        kinds = st.sampled_from([*accepted_returns, TENSOR])
    else:
        kinds = st.sampled_from(accepted_returns)
    arity = "not-callable" if focus == "not callable" else draw(callable_arities, label="arity")
    return ScheduleSpec(
        arity=arity,
        factor=draw(factors, label="factor"),
        returns=draw(kinds, label="returns"),
        fails_at_epoch=draw(
            st.none() | st.none() | st.none() | st.integers(0, 5), label="fails at epoch"
        ),
    )


epoch_metrics = st.sampled_from([{"loss": 1.0}, {"loss": 0.5, "accuracy": 0.75}, {}])


@st.composite
def fit_plans(draw: st.DrawFn) -> FitPlan:
    return FitPlan(
        epochs=[
            EpochPlan(draw(epoch_metrics, label="metrics"))
            for _ in range(draw(st.integers(0, 5), label="epochs"))
        ],
        initial_epoch=draw(st.sampled_from([0, 0, 2]), label="initial_epoch"),
    )


@st.composite
def scenarios(draw: st.DrawFn, returns: list[str] | None = None) -> Scenario:
    focus = "works" if returns else draw(focuses, label="focus")
    config = {
        "schedule": draw(schedules(focus, returns), label="schedule"),
        # Verbose two runs in three: with the arities, returns and optimizers that raise
        # at once, a run that prints its rates is rarer than a third of them.
        "verbose": draw(st.sampled_from([0, 1, 1]), label="verbose"),
    }
    model = ModelSpec(
        learning_rate=draw(st.sampled_from([0.5, 0.1, 0.01]), label="initial rate"),
        optimizer="none" if focus == "no optimizer" else draw(rated_optimizers, label="optimizer"),
    )
    fits = draw(st.lists(fit_plans(), min_size=1, max_size=2), label="fits")
    return Scenario("LearningRateScheduler", config, model, fits)


@st.composite
def one_argument_float_scenarios(draw: st.DrawFn) -> Scenario:
    """A one-argument schedule returning floats, on a single optimizer."""
    scenario = draw(scenarios(returns=["float"]))
    factor = scenario.config["schedule"].factor
    scenario.config["schedule"] = ScheduleSpec("one", factor)
    scenario.model = ModelSpec(learning_rate=scenario.model.learning_rate)
    return scenario

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
# two-argument call, and each optimizer but SGD, is the regime of a clause of its own,
# judged on the 50 scenarios of a quick run only: 3 in 10 for each of the three arities
# and 1 in 3 for each optimizer, so that each regime gets 10 or more. The plain call,
# first, is what Hypothesis shrinks to (and `one_argument_float_scenarios` draws plain
# runs besides). The ones that raise at once (not callable, no optimizer) leave about
# half of the runs to go on to the messages.
QUIRKY_ARITIES = ["one", "two-raising-type-error", "not-callable"]
arities = st.sampled_from(["two", *QUIRKY_ARITIES * 3])
optimizers = st.sampled_from(["sgd", "multi", "none", "sgd", "multi", "none"])
accepted_returns = ["float", "np.float32", "np.float64"]


# What a schedule returns: an accepted type, a rejected one (each as often: float16 is
# as much a bug as int), or the backend's own tensor (Keras's documented schedule, a
# regime of its own: 2 in 5, like the rejected types).
return_classes = st.sampled_from(["accepted", "rejected", TENSOR, "rejected", TENSOR])
rejected_returns = st.sampled_from([kind for kind in RETURN_TYPES if kind not in accepted_returns])


@st.composite
def return_kinds(draw: st.DrawFn) -> str:
    kind = draw(return_classes, label="returns")
    if kind == "accepted":
        return str(draw(st.sampled_from(accepted_returns), label="accepted type"))
    if kind == "rejected":
        return str(draw(rejected_returns, label="rejected type"))
    return TENSOR


@st.composite
def schedules(draw: st.DrawFn, returns: list[str] | None = None) -> ScheduleSpec:
    kinds = st.sampled_from(returns) if returns else return_kinds()
    return ScheduleSpec(
        arity=draw(
            # Shrinks to the plain two-argument call, where no retry is in play.
            arities,
            label="arity",
        ),
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
    config = {
        "schedule": draw(schedules(returns), label="schedule"),
        "verbose": draw(st.sampled_from([0, 1]), label="verbose"),
    }
    model = ModelSpec(
        learning_rate=draw(st.sampled_from([0.5, 0.1, 0.01]), label="initial rate"),
        optimizer=draw(optimizers, label="optimizer"),
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

"""LearningRateScheduler properties, each tagged with the clauses it checks."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from conformance.harness.observe import Observation, Scenario
from conformance.properties.base import (
    Property,
    Regime,
    error_in_words,
    printed_in_words,
    regimes_among,
)
from conformance.strategies import learning_rate_scheduler as strategies
from conformance.strategies.schedules import TENSOR

CALLBACK = "LearningRateScheduler"
ACCEPTED = ("float", "np.float32", "np.float64")


def _arity(scenario: Scenario) -> str:
    return str(scenario.config["schedule"].arity)


def _rejected_type(scenario: Scenario) -> bool:
    schedule = scenario.config["schedule"]
    return schedule.arity != "not-callable" and schedule.returns not in ACCEPTED


def _empty_epoch_logs(scenario: Scenario) -> bool:
    return any(not epoch.metrics for fit in scenario.fits for epoch in fit.epochs)


# Where each rule is in play; `schedule.absolute-epoch` is the general rule of the rates
# set, raised and printed, `logs.rate-read-back` of the rates logged.
REGIMES: dict[str, Regime] = {
    "learning_rate_scheduler.schedule.one-argument": lambda s: _arity(s) == "one",
    "learning_rate_scheduler.schedule.type-error-falls-back": (
        lambda s: _arity(s) == "two-raising-type-error"
    ),
    "learning_rate_scheduler.schedule.float-only": _rejected_type,
    "learning_rate_scheduler.schedule.docstring-example-rejected": (
        lambda s: _arity(s) != "not-callable" and s.config["schedule"].returns == TENSOR
    ),
    "learning_rate_scheduler.optimizer.needs-learning-rate": lambda s: s.model.optimizer == "none",
    "learning_rate_scheduler.optimizer.multi": lambda s: s.model.optimizer == "multi",
    "learning_rate_scheduler.init.no-validation": lambda s: _arity(s) == "not-callable",
    "learning_rate_scheduler.logs.empty-logs-dropped": _empty_epoch_logs,
}


_regimes = functools.partial(regimes_among, REGIMES)


def rates_in_words(projected: Any) -> str:
    rates, raised = projected
    text = f"sets the rates {rates}"
    return text if raised is None else f"{text}, then raises {raised[0]} in {raised[1]}"


def logged_in_words(projected: Any) -> str:
    return f"logs {projected}" if projected else "logs no rate"


def rates_and_errors(obs: Observation) -> object:
    return obs.learning_rates, obs.raised()


def logged_rates(obs: Observation) -> object:
    return {key: values for key, values in obs.history.items() if key.startswith("learning_rate")}


def rate_is_the_schedule_value(scenario: Scenario, obs: Observation) -> None:
    """A one-argument float schedule sets `factor * (epoch + 1)` for every epoch run,
    stored by the optimizer in float32 (Keras's variable)."""
    if obs.error is not None:  # what raises is the differential properties' to judge
        return
    plan = scenario.fits[0]
    factor = scenario.config["schedule"].factor
    for offset, rates in enumerate(obs.learning_rates[: len(plan.epochs)]):
        epoch = plan.initial_epoch + offset
        expected = float(np.float32(factor * (epoch + 1)))
        assert rates == (expected,), f"epoch {epoch}: rate {rates}, schedule gives {expected}"


SETS = (
    "learning_rate_scheduler.schedule.absolute-epoch",
    "learning_rate_scheduler.schedule.one-argument",
    "learning_rate_scheduler.schedule.type-error-falls-back",
    "learning_rate_scheduler.schedule.float-only",
    "learning_rate_scheduler.schedule.docstring-example-rejected",
    "learning_rate_scheduler.optimizer.needs-learning-rate",
    "learning_rate_scheduler.optimizer.multi",
    "learning_rate_scheduler.init.no-validation",
)

# Upstream first (`conformance.blame`): the rates set, then what is raised, logged and
# printed because of them.
PROPERTIES = (
    Property(
        "learning_rate_scheduler.sets-the-rates-keras-sets",
        CALLBACK,
        SETS,
        strategies.scenarios(),
        project=rates_and_errors,
        regimes=_regimes(*SETS),
        describe=rates_in_words,
    ),
    Property(
        "learning_rate_scheduler.raises-as-keras",
        CALLBACK,
        SETS,
        strategies.scenarios(),
        # The error with its message (tf-keras's divergences declare the wording).
        project=lambda obs: obs.error,
        regimes=_regimes(*SETS),
        describe=error_in_words,
    ),
    Property(
        "learning_rate_scheduler.logs-the-rates-keras-logs",
        CALLBACK,
        (
            "learning_rate_scheduler.logs.rate-read-back",
            "learning_rate_scheduler.logs.empty-logs-dropped",
            "learning_rate_scheduler.optimizer.multi",
        ),
        strategies.scenarios(),
        project=logged_rates,
        follows=SETS,
        regimes=_regimes(
            "learning_rate_scheduler.logs.empty-logs-dropped",
            "learning_rate_scheduler.optimizer.multi",
        ),
        describe=logged_in_words,
    ),
    Property(
        "learning_rate_scheduler.prints-as-keras",
        CALLBACK,
        ("learning_rate_scheduler.verbose.messages",),
        strategies.scenarios(),
        project=lambda obs: obs.stdout,
        follows=SETS,
        describe=printed_in_words,
    ),
    Property(
        "learning_rate_scheduler.rate-is-the-schedule-value",
        CALLBACK,
        ("learning_rate_scheduler.schedule.absolute-epoch",),
        strategies.one_argument_float_scenarios(),
        kind="invariant",
        holds=rate_is_the_schedule_value,
    ),
)

"""LearningRateScheduler properties, each tagged with the clauses it checks."""

from __future__ import annotations

import numpy as np

from conformance.harness.observe import Observation, Scenario
from conformance.properties.base import Property
from conformance.strategies import learning_rate_scheduler as strategies

CALLBACK = "LearningRateScheduler"


def rates_and_errors(obs: Observation) -> object:
    return obs.learning_rates, obs.raised()


def logged_rates(obs: Observation) -> object:
    return {key: values for key, values in obs.history.items() if key.startswith("learning_rate")}


def rate_is_the_schedule_value(scenario: Scenario, obs: Observation) -> None:
    """A one-argument float schedule sets `factor * (epoch + 1)` for every epoch run,
    stored by the optimizer in float32 (Keras's variable)."""
    plan = scenario.fits[0]
    factor = scenario.config["schedule"].factor
    for offset, rates in enumerate(obs.learning_rates[: len(plan.epochs)]):
        epoch = plan.initial_epoch + offset
        expected = float(np.float32(factor * (epoch + 1)))
        assert rates == (expected,), f"epoch {epoch}: rate {rates}, schedule gives {expected}"


PROPERTIES = (
    Property(
        "learning_rate_scheduler.sets-the-rates-keras-sets",
        CALLBACK,
        (
            "learning_rate_scheduler.schedule.absolute-epoch",
            "learning_rate_scheduler.schedule.one-argument",
            "learning_rate_scheduler.schedule.type-error-falls-back",
            "learning_rate_scheduler.schedule.float-only",
            "learning_rate_scheduler.schedule.docstring-example-rejected",
            "learning_rate_scheduler.optimizer.needs-learning-rate",
            "learning_rate_scheduler.optimizer.multi",
            "learning_rate_scheduler.init.no-validation",
        ),
        strategies.scenarios(),
        project=rates_and_errors,
    ),
    Property(
        "learning_rate_scheduler.raises-as-keras",
        CALLBACK,
        (
            "learning_rate_scheduler.schedule.float-only",
            "learning_rate_scheduler.optimizer.needs-learning-rate",
            "learning_rate_scheduler.schedule.type-error-falls-back",
        ),
        strategies.scenarios(),
        project=lambda obs: obs.error,
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
    ),
    Property(
        "learning_rate_scheduler.prints-as-keras",
        CALLBACK,
        ("learning_rate_scheduler.verbose.messages",),
        strategies.scenarios(),
        project=lambda obs: obs.stdout,
    ),
    Property(
        "learning_rate_scheduler.rate-is-the-schedule-value",
        CALLBACK,
        (
            "learning_rate_scheduler.schedule.absolute-epoch",
            "learning_rate_scheduler.schedule.one-argument",
        ),
        strategies.one_argument_float_scenarios(),
        kind="invariant",
        holds=rate_is_the_schedule_value,
    ),
)

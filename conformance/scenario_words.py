"""A scenario on one line, for the reason a clause fails: its configuration (the
arguments that differ from the constructor's defaults) and, for the callbacks that
monitor a value, the value per epoch of each fit."""

from __future__ import annotations

from typing import Any

from conformance.harness.fit import EpochPlan
from conformance.harness.observe import Scenario
from conformance.unsupported import keras_defaults

MISSING = "missing"


def monitored_value(epoch: EpochPlan, monitor: str) -> Any:
    """The monitored value an epoch end reports: `MISSING` when the key is absent (a
    `val_` monitor reads the validation metrics, absent when validation did not run)."""
    if monitor.startswith("val_"):
        if epoch.validation is None:
            return MISSING
        return epoch.validation.get(monitor.removeprefix("val_"), MISSING)
    return epoch.metrics.get(monitor, MISSING)


def _value(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def scenario_in_words(scenario: Scenario) -> str:
    defaults = keras_defaults(scenario.callback)
    settings = ", ".join(
        f"{name} {_short(value)}"
        for name, value in scenario.config.items()
        if name not in defaults or repr(defaults[name]) != repr(value)
    )
    monitor = scenario.config.get("monitor")
    fits = []
    for number, fit in enumerate(scenario.fits, 1):
        start = f" from epoch {fit.initial_epoch}" if fit.initial_epoch else ""
        if isinstance(monitor, str):
            values = ", ".join(_value(monitored_value(epoch, monitor)) for epoch in fit.epochs)
            fits.append(f"fit {number}{start}: {monitor} {values or '(no epochs)'}")
        else:
            fits.append(f"fit {number}{start}: {len(fit.epochs)} epochs")
    return "; ".join([settings, *fits]) if settings else "; ".join(fits)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."

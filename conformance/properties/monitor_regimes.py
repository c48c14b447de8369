"""Where the monitor's rules are in play: regimes over EarlyStopping scenarios.

A regime says, from the scenario alone, whether a clause's rule can decide the run:
values tie the best, the first value is NaN, the baseline is not beaten, and so on. The
walk below follows the monitored values as the monitor rule reads them (the direction,
`|min_delta|`, the best so far per fit), only to classify the scenario: it decides
nothing about the verdict, which comes from comparing the target's run with the
reference's. Where the walk cannot tell, a regime holds (a clause judged on a scenario
where its rule did not matter passes there: it costs an example, never a wrong blame).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from conformance.harness.fit import FitPlan, batch_logs
from conformance.harness.observe import Scenario
from conformance.scenario_words import MISSING, monitored_value
from reference.monitor import as_compared

T = TypeVar("T")

# The directions the simulated model's compiled metrics declare (`strategies.monitored`);
# `custom` declares none, and the loss is always minimised.
DIRECTIONS = {"loss": "min", "accuracy": "max", "mean_squared_error": "min"}


def unknown_mode(scenario: Scenario) -> bool:
    return scenario.config.get("mode", "auto") not in ("auto", "min", "max")


def auto_decides(scenario: Scenario) -> bool:
    """`mode` is (or falls back to) auto, on a monitor other than the loss: the compiled
    metric's direction decides, or nothing does and the callback raises."""
    mode = scenario.config.get("mode", "auto")
    monitor = scenario.config.get("monitor", "val_loss")
    return mode not in ("min", "max") and monitor.removeprefix("val_") != "loss"


def direction(scenario: Scenario) -> str | None:
    mode = scenario.config.get("mode", "auto")
    if mode in ("min", "max"):
        return str(mode)
    return DIRECTIONS.get(scenario.config.get("monitor", "val_loss").removeprefix("val_"))


@dataclass(frozen=True)
class Walk:
    """What the monitored values of a scenario's fits put in play."""

    skipped: bool = False  # an epoch without the value, or before start_from_epoch
    missing: bool = False  # an epoch end without the value (or with None)
    not_finite: bool = False  # a monitored value is NaN or ±inf
    first_gated: bool = False  # a fit's first monitored value does not beat the baseline
    near_best: bool = False  # a value within |min_delta| of the best: strictness decides
    blurred: bool = False  # two values float64 tells apart and float32 does not
    gated: bool = False  # an improvement that does not beat the baseline
    gated_at_zero: bool = False  # ... at absolute epoch 0


def _last_scenario(compute: Callable[[Scenario], T]) -> Callable[[Scenario], T]:
    """`compute`, keeping its result for the last scenario: every regime of a scenario
    asks for the same walk (by identity: scenarios are not hashable)."""
    last: list[Any] = [None, None]

    def cached(scenario: Scenario) -> T:
        if last[0] is not scenario:
            last[:] = [scenario, compute(scenario)]
        return cast(T, last[1])

    return cached


def _better(value: float, than: float, sign: float, by: float) -> bool:
    return sign * (than - value) > by


@_last_scenario
def walk(scenario: Scenario) -> Walk:
    """What the monitored values of `scenario` put in play for EarlyStopping."""
    config = scenario.config
    monitor = config.get("monitor", "val_loss")
    start = config.get("start_from_epoch", 0)
    baseline = config.get("baseline")
    by = abs(config.get("min_delta", 0))
    resolved = direction(scenario)
    sign = 1.0 if resolved in (None, "min") else -1.0
    found: dict[str, bool] = {}
    for fit in scenario.fits:
        best: Any = None
        for index, epoch in enumerate(fit.epochs):
            number = fit.initial_epoch + index
            value = monitored_value(epoch, monitor)
            if not isinstance(value, float | int):  # missing, None (or not a number)
                found["missing"] = found["skipped"] = True
                continue
            if number < start:
                found["skipped"] = True
                continue
            improves = best is None or (not math.isnan(value) and _better(value, best, sign, by))
            if best is not None and (
                best == value or (math.isfinite(best - value) and abs(best - value) <= by)
            ):
                found["near_best"] = True  # infinities tie too
            if not math.isfinite(value):
                found["not_finite"] = True
            if not improves:
                continue
            if baseline is not None and not _better(value, baseline, sign, by):
                found["first_gated"] = found.get("first_gated", False) or best is None
                found["gated"] = True
                found["gated_at_zero"] = found.get("gated_at_zero", False) or number == 0
            best = value
    found["blurred"] = any(_blurred(fit) for fit in scenario.fits)
    return Walk(**found)


def _blurred(fit: FitPlan) -> bool:
    values = {
        value
        for epoch in fit.epochs
        for value in epoch.metrics.values()
        if isinstance(value, float) and math.isfinite(value)
    }
    return len(values) > len({as_compared(value, "float32-ftz") for value in values})


@dataclass(frozen=True)
class CheckpointWalk:
    """What the monitored values of a ModelCheckpoint scenario put in play. `best`
    carries over across fits and starts at `initial_value_threshold`."""

    missing: bool = False  # an epoch end without the value (or with None)
    not_a_number: bool = False  # a value that is not a number (a string)
    not_finite: bool = False  # NaN or ±inf
    near_best: bool = False  # within |min_delta| (0) of the best: strictness decides
    beaten_within_fit: bool = False  # a value that does not improve on its own fit's best
    threshold_decides: bool = False  # the first value does not beat the threshold


def _checkpoint_values(scenario: Scenario, fit: FitPlan, monitor: str) -> list[Any]:
    """The monitored values ModelCheckpoint decides on: at every epoch end, or with an int
    `save_freq` at every batch end, the running metrics (`harness.fit.batch_logs`)."""
    if scenario.config.get("save_freq", "epoch") == "epoch":
        return [monitored_value(epoch, monitor) for epoch in fit.epochs]
    values = []
    for epoch in fit.epochs:
        executions = -(-epoch.batches // fit.steps_per_execution)
        for execution in range(executions):
            logs = batch_logs(epoch.metrics, execution, executions)
            values.append(logs.get(monitor, MISSING))
    return values


@_last_scenario
def checkpoint_walk(scenario: Scenario) -> CheckpointWalk:
    """What the monitored values of `scenario` put in play for ModelCheckpoint."""
    config = scenario.config
    monitor = config.get("monitor", "val_loss")
    sign = 1.0 if direction(scenario) in (None, "min") else -1.0
    threshold = config.get("initial_value_threshold")
    best: Any = threshold if isinstance(threshold, float | int) else None
    found: dict[str, bool] = {}
    for fit in scenario.fits:
        fit_best: Any = None
        for value in _checkpoint_values(scenario, fit, monitor):
            if value is MISSING or value is None:
                found["missing"] = True
                continue
            if not isinstance(value, float | int):
                found["not_a_number"] = True
                continue
            if not math.isfinite(value):
                found["not_finite"] = True
            if best is not None and best == value:
                found["near_best"] = True  # infinities tie too
            if fit_best is not None and not _better(value, fit_best, sign, 0):
                found["beaten_within_fit"] = True
            if best is None and threshold is None:
                best = fit_best = value
                continue
            if best is not None and best == threshold and fit_best is None:
                found["threshold_decides"] = found.get("threshold_decides", False) or not (
                    _better(value, best, sign, 0)
                )
            if best is None or (not math.isnan(value) and _better(value, best, sign, 0)):
                best = value
            if fit_best is None or (not math.isnan(value) and _better(value, fit_best, sign, 0)):
                fit_best = value
    return CheckpointWalk(**found)

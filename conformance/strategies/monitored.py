"""Monitored-value streams for EarlyStopping and ModelCheckpoint scenarios.

Values are multiples of 1/4 in [-4, 4], exact in float32 and float64, moving in small
steps so that ties, plateaus and exact `min_delta` boundaries are frequent and no
rounding happens: only the precision properties go off this grid. NaN and ±inf appear
anywhere, the first epoch included; a metric may be missing or present as None;
validation runs on some epochs only.
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

from conformance.harness.fit import EpochPlan, FitPlan

grid_values = st.integers(-16, 16).map(lambda k: k / 4)
edge_values = st.sampled_from([math.nan, math.inf, -math.inf])
min_deltas = st.sampled_from([0, 0.25, 0.5, 1.0, -0.25, -0.5, 0.1])

# Metrics the simulated model is compiled with: directions up, down, and none.
COMPILED_METRICS = ("accuracy", "mean_squared_error", "custom")
METRIC_NAMES = ("loss", *COMPILED_METRICS)
MONITORS = (*METRIC_NAMES, *(f"val_{name}" for name in METRIC_NAMES))
# Drawn towards the monitors that run long: the loss is always minimised.
likely_monitors = ["loss", "loss", "val_loss", "val_loss", "accuracy", "val_accuracy", *MONITORS]


# Built once: Hypothesis validates each new strategy object, which costs more than the draw.
steps = st.sampled_from([-0.5, -0.25, 0.0, 0.0, 0.25, 0.5])  # plateaus, exact 1/4 boundaries
moves = st.sampled_from(["step"] * 7 + ["edge", "edge", "jump"])
presences = st.sampled_from(["value"] * 12 + ["missing", "none"])
validated_epochs = st.sampled_from([True, True, False])
batch_counts = st.integers(1, 3)
initial_epochs = st.sampled_from([0, 0, 0, 1, 3])
steps_per_execution = st.sampled_from([1, 1, 2])
stop_requests = st.none() | st.none() | st.integers(0, 8)


@st.composite
def walks(draw: st.DrawFn, length: int, label: str) -> list[float]:
    """A metric over `length` epochs: small grid steps (ties and plateaus often), the
    odd jump, and NaN or ±inf anywhere (the first epoch included)."""
    value, values = draw(grid_values, label=f"{label} start"), []
    for _ in range(length):
        kind = draw(moves, label=f"{label} move")
        if kind == "edge":
            values.append(draw(edge_values, label=f"{label} edge"))
            continue
        if kind == "jump":
            value = draw(grid_values, label=f"{label} jump")
        else:
            value = min(4.0, max(-4.0, value + draw(steps, label=f"{label} step")))
        values.append(value)
    return values


def _present(
    draw: st.DrawFn, names: tuple[str, ...], series: dict[str, list[float]], epoch: int, label: str
) -> dict[str, Any]:
    """One epoch's metrics: each present with its value (mostly), as None, or missing."""
    logs: dict[str, Any] = {}
    for name in names:
        kind = draw(presences, label=f"{label} {name} present")
        if kind != "missing":
            logs[name] = series[name][epoch] if kind == "value" else None
    return logs


@st.composite
def fit_plans(
    draw: st.DrawFn, max_epochs: int = 8, names: tuple[str, ...] = METRIC_NAMES
) -> FitPlan:
    length = draw(st.integers(3, max_epochs) | st.integers(0, 2), label="epochs")
    train = {name: draw(walks(length, f"train {name}")) for name in names}
    validation = {name: draw(walks(length, f"val {name}")) for name in names}
    epochs = []
    for epoch in range(length):
        validated = draw(validated_epochs, label="validation this epoch")
        epochs.append(
            EpochPlan(
                metrics=_present(draw, names, train, epoch, "train"),
                batches=draw(batch_counts, label="batches"),
                validation=_present(draw, names, validation, epoch, "val") if validated else None,
            )
        )
    return FitPlan(
        epochs=epochs,
        initial_epoch=draw(initial_epochs, label="initial_epoch"),
        steps_per_execution=draw(steps_per_execution, label="steps_per_execution"),
        stop_requested_at_epoch=draw(stop_requests, label="another callback stops at"),
    )


def fits(max_fits: int = 2) -> st.SearchStrategy[list[FitPlan]]:
    """One or more fits with the same callback instance."""
    return st.lists(fit_plans(), min_size=1, max_size=max_fits)

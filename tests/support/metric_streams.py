"""Strategies for monitored values: grids exact in float32 and float64, with the edges.

Values are multiples of 1/4 in [-4, 4], so ties, plateaus and exact `min_delta`
boundaries are frequent and no rounding happens except where a test asks for it.
"""

from __future__ import annotations

import math

from hypothesis import strategies as st

grid_values = st.integers(-16, 16).map(lambda k: k / 4)
edge_values = st.sampled_from([math.nan, math.inf, -math.inf])
monitored_values = st.one_of(grid_values, grid_values, grid_values, edge_values)
min_deltas = st.one_of(st.sampled_from([0, 0.25, 0.5, 1.0, -0.25, -0.5]), st.just(0.1))


@st.composite
def epoch_logs(draw: st.DrawFn, monitor: str, length: st.SearchStrategy[int]) -> list[dict | None]:
    """Per epoch, the epoch-end logs: the monitored value, sometimes missing or None."""
    logs: list[dict | None] = []
    for _ in range(draw(length, label="epochs")):
        kind = draw(
            st.sampled_from(["value"] * 6 + ["missing", "none-value", "no-logs"]), label="entry"
        )
        if kind == "value":
            logs.append({"other": 0.5, monitor: draw(monitored_values, label=monitor)})
        elif kind == "missing":
            logs.append({"other": 0.5})
        elif kind == "none-value":
            logs.append({monitor: None})
        else:
            logs.append(None)
    return logs

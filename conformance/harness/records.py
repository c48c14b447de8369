"""The two records of the harness: a `Scenario` (what to run) and an `Observation` (what
the callback did). Apart from `observe`, which makes one from the other, so that the time
limit (`time_limit.ScenarioTimeout` carries what a stopped run did) needs no more than
the record; `conformance.harness.observe` re-exports both, where users import them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conformance.harness.events import Record
from conformance.harness.fit import FitPlan
from conformance.harness.sim_model import ModelSpec


@dataclass
class Scenario:
    callback: str  # "EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"
    config: dict[str, Any]
    model: ModelSpec = field(default_factory=ModelSpec)
    fits: list[FitPlan] = field(default_factory=list)


@dataclass
class Observation:
    constructed: bool = False
    hooks: list[tuple[str, int | None, bool]] = field(default_factory=list)
    learning_rates: list[tuple[float, ...]] = field(default_factory=list)
    history: dict[str, list[Any]] = field(default_factory=dict)
    model_calls: list[tuple[Any, ...]] = field(default_factory=list)
    saved_at: list[str] = field(default_factory=list)  # the hook each save was made in
    final_weights: float = 0.0
    files: dict[str, str] = field(default_factory=dict)  # non-event files and what they hold
    event_files: list[str] = field(default_factory=list)  # run dir of each events file
    summaries: list[Record] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    stdout: str = ""
    error: tuple[str, str, str] | None = None  # type, message, the hook that raised
    # writes outside the run directory, refused or found: "open /abs/path", "left <cwd>/x"
    outside_writes: list[str] = field(default_factory=list)

    def raised(self) -> tuple[str, str] | None:
        """What raised and in which hook, without the message (messages are cosmetic)."""
        return None if self.error is None else (self.error[0], self.error[2])

    def epochs_run(self) -> list[int]:
        return [
            index for hook, index, _ in self.hooks if hook == "on_epoch_end" and index is not None
        ]

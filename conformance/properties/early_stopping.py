"""EarlyStopping properties, each tagged with the clauses it checks."""

from __future__ import annotations

from conformance.harness.observe import Observation, Scenario
from conformance.properties.base import Property
from conformance.strategies import early_stopping as strategies

CALLBACK = "EarlyStopping"


def stopping(obs: Observation) -> object:
    """Which epochs ran, where `stop_training` was set, and what raised where."""
    epoch_ends = [(index, stop) for hook, index, stop in obs.hooks if hook == "on_epoch_end"]
    return epoch_ends, obs.raised()


def restored(obs: Observation) -> object:
    return [call for call in obs.model_calls if call[0] == "set_weights"], obs.final_weights


def weight_reads(obs: Observation) -> object:
    return [call for call in obs.model_calls if call[0] == "get_weights"]


def never_stops_while_improving(scenario: Scenario, obs: Observation) -> None:
    planned = [scenario.fits[0].initial_epoch + e for e in range(len(scenario.fits[0].epochs))]
    stopped_by_other = scenario.fits[0].stop_requested_at_epoch
    if stopped_by_other is not None:
        planned = [e for e in planned if e <= stopped_by_other]
    assert obs.error is None, f"raised {obs.error}"
    assert obs.epochs_run() == planned, (
        f"stopped after epochs {obs.epochs_run()} of {planned} while improving"
    )


PROPERTIES = (
    Property(
        "early_stopping.stops-where-keras-stops",
        CALLBACK,
        (
            "early_stopping.patience.counts-before-test",
            "early_stopping.patience.zero-is-one",
            "early_stopping.stop.never-at-epoch-zero",
            "early_stopping.monitor.skipped-epochs",
            "early_stopping.baseline.not-initial-best",
            "early_stopping.baseline.gates-wait-reset",
            "early_stopping.nan.first-value-becomes-best",
            "early_stopping.reuse.resets-per-fit",
            "monitor.improvement.strict",
            "monitor.mode.auto",
            "monitor.min-delta.sign-flip-once",
        ),
        strategies.scenarios(),
        project=stopping,
    ),
    Property(
        "early_stopping.restores-what-keras-restores",
        CALLBACK,
        (
            "early_stopping.restore.always-at-train-end",
            "early_stopping.nan.first-value-becomes-best",
            "early_stopping.reuse.resets-per-fit",
        ),
        strategies.scenarios(),
        project=restored,
    ),
    Property(
        "early_stopping.reads-weights-as-keras",
        CALLBACK,
        ("early_stopping.restore.weights-read-twice",),
        strategies.scenarios(),
        project=weight_reads,
    ),
    Property(
        "early_stopping.warns-as-keras",
        CALLBACK,
        ("early_stopping.monitor.missing-warns", "monitor.mode.unknown-warns"),
        strategies.scenarios(),
        project=lambda obs: obs.warnings,
    ),
    Property(
        "early_stopping.raises-as-keras",
        CALLBACK,
        ("early_stopping.mode.resolved-at-first-epoch-end", "monitor.mode.auto"),
        strategies.scenarios(),
        project=Observation.raised,
    ),
    Property(
        "early_stopping.prints-as-keras",
        CALLBACK,
        ("early_stopping.verbose.messages",),
        strategies.scenarios(),
        project=lambda obs: obs.stdout,
    ),
    Property(
        "early_stopping.compares-at-declared-precision",
        CALLBACK,
        ("monitor.precision",),
        strategies.precision_scenarios(),
        project=stopping,
    ),
    Property(
        "early_stopping.applies-min-delta-as-keras",
        CALLBACK,
        (
            "monitor.improvement.strict",
            "monitor.min-delta.sign-flip-once",
            "early_stopping.patience.counts-before-test",
        ),
        strategies.min_delta_scenarios(),
        project=stopping,
    ),
    Property(
        "early_stopping.never-stops-while-improving",
        CALLBACK,
        ("early_stopping.baseline.gates-wait-reset", "monitor.improvement.strict"),
        strategies.improving_scenarios(),
        kind="invariant",
        holds=never_stops_while_improving,
    ),
)

"""EarlyStopping properties, each tagged with the clauses it checks."""

from __future__ import annotations

from typing import Any

from conformance.harness.observe import Observation, Scenario
from conformance.properties.base import (
    Property,
    Regime,
    printed_in_words,
    raised_in_words,
    warnings_in_words,
)
from conformance.properties.monitor_regimes import auto_decides, direction, unknown_mode, walk
from conformance.strategies import early_stopping as strategies

CALLBACK = "EarlyStopping"


def _several_fits(scenario: Scenario) -> bool:
    return len(scenario.fits) > 1


def _flip_matters(scenario: Scenario) -> bool:
    """A second fit in min mode with a min_delta: a sign flipped again would show."""
    return (
        _several_fits(scenario)
        and scenario.config.get("min_delta", 0) != 0
        and direction(scenario) == "min"
    )


def _sign_of_min_delta_decides(scenario: Scenario) -> bool:
    """A negative min_delta, and a value within its magnitude of the best: kept signed,
    it would count as an improvement."""
    return bool(scenario.config.get("min_delta", 0) < 0 and walk(scenario).near_best)


def _patience_at_most_zero(scenario: Scenario) -> bool:
    return bool(scenario.config.get("patience", 0) <= 0)


def _gated_at_epoch_zero(scenario: Scenario) -> bool:
    """Epoch 0 improves without beating the baseline, and patience would stop there."""
    return walk(scenario).gated_at_zero and scenario.config.get("patience", 0) <= 1


# Where each rule that decides which epoch is best is in play.
BEST_EPOCH: dict[str, Regime] = {
    "monitor.improvement.strict": lambda scenario: walk(scenario).near_best,
    "monitor.mode.auto": auto_decides,
    "monitor.min-delta.sign-flip-once": _flip_matters,
    "early_stopping.monitor.skipped-epochs": lambda scenario: walk(scenario).skipped,
    "early_stopping.nan.first-value-becomes-best": lambda s: walk(s).not_finite,
    "early_stopping.reuse.resets-per-fit": _several_fits,
    "early_stopping.min-delta.absolute": _sign_of_min_delta_decides,
}
STOP: dict[str, Regime] = {
    **BEST_EPOCH,
    "early_stopping.mode.resolved-at-first-epoch-end": lambda s: direction(s) is None,
    "early_stopping.patience.zero-is-one": _patience_at_most_zero,
    "early_stopping.stop.never-at-epoch-zero": _gated_at_epoch_zero,
    "early_stopping.baseline.not-initial-best": lambda scenario: walk(scenario).first_gated,
    "early_stopping.baseline.gates-wait-reset": lambda scenario: walk(scenario).gated,
}


# The rules of the stop and the best epoch: the properties downstream of the stop (the
# weights restored and read, the warnings, the messages) follow from them.
STOPPING = ("early_stopping.patience.counts-before-test", *STOP)


def stopping_in_words(projected: Any) -> str:
    epoch_ends, raised = projected
    if raised is not None:
        return f"{raised_in_words(raised)} after epochs {[e for e, _ in epoch_ends]}"
    stops = [epoch for epoch, stop in epoch_ends if stop]
    if stops:
        return f"stops after epoch {stops[0]}"
    ran = [epoch for epoch, _ in epoch_ends]
    return f"does not stop (epochs {ran})"


def restored_in_words(projected: Any) -> str:
    calls, final = projected
    if not calls:
        return f"restores nothing (final weights {final:g})"
    return f"sets the weights {', '.join(f'{c[1]:g}' for c in calls)} (final {final:g})"


def reads_in_words(projected: Any) -> str:
    return f"reads the weights {len(projected)} times: {', '.join(f'{c[1]:g}' for c in projected)}"


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
        STOPPING,
        strategies.scenarios(),
        project=stopping,
        regimes=STOP,
        describe=stopping_in_words,
    ),
    Property(
        "early_stopping.restores-what-keras-restores",
        CALLBACK,
        ("early_stopping.restore.always-at-train-end",),
        strategies.scenarios(),
        project=restored,
        follows=STOPPING,
        describe=restored_in_words,
    ),
    Property(
        "early_stopping.reads-weights-as-keras",
        CALLBACK,
        ("early_stopping.restore.weights-read-twice",),
        strategies.scenarios(),
        project=weight_reads,
        follows=STOPPING,
        describe=reads_in_words,
    ),
    Property(
        "early_stopping.warns-as-keras",
        CALLBACK,
        ("early_stopping.monitor.missing-warns", "monitor.mode.unknown-warns"),
        strategies.scenarios(),
        project=lambda obs: obs.warnings,
        regimes={"monitor.mode.unknown-warns": unknown_mode},
        follows=STOPPING,
        describe=warnings_in_words,
    ),
    Property(
        "early_stopping.raises-as-keras",
        CALLBACK,
        ("early_stopping.mode.resolved-at-first-epoch-end", "monitor.mode.auto"),
        strategies.scenarios(),
        project=Observation.raised,
        regimes={"monitor.mode.auto": auto_decides},
        follows=STOPPING,
        describe=raised_in_words,
    ),
    Property(
        "early_stopping.prints-as-keras",
        CALLBACK,
        ("early_stopping.verbose.messages",),
        strategies.scenarios(),
        project=lambda obs: obs.stdout,
        follows=(*STOPPING, "early_stopping.restore.always-at-train-end"),
        describe=printed_in_words,
    ),
    Property(
        "early_stopping.compares-at-declared-precision",
        CALLBACK,
        # Where float32 blurs values float64 tells apart, the precision rule decides what
        # ties; the strictness rule, what a tie does.
        (
            "early_stopping.patience.counts-before-test",
            "monitor.improvement.strict",
            "monitor.precision",
        ),
        strategies.precision_scenarios(),
        project=stopping,
        regimes={
            "monitor.improvement.strict": lambda s: walk(s).near_best or walk(s).blurred,
            "monitor.precision": lambda scenario: walk(scenario).blurred,
        },
        describe=stopping_in_words,
    ),
    Property(
        "early_stopping.applies-min-delta-as-keras",
        CALLBACK,
        (
            "early_stopping.patience.counts-before-test",
            "monitor.improvement.strict",
            "monitor.min-delta.sign-flip-once",
            "monitor.mode.auto",
            "early_stopping.patience.zero-is-one",
            "early_stopping.reuse.resets-per-fit",
            "early_stopping.min-delta.absolute",
        ),
        strategies.min_delta_scenarios(),
        project=stopping,
        regimes={
            clause: STOP[clause]
            for clause in (
                "monitor.improvement.strict",
                "monitor.min-delta.sign-flip-once",
                "monitor.mode.auto",
                "early_stopping.patience.zero-is-one",
                "early_stopping.reuse.resets-per-fit",
                "early_stopping.min-delta.absolute",
            )
        },
        describe=stopping_in_words,
    ),
    Property(
        "early_stopping.first-value-as-keras",
        CALLBACK,
        (
            "early_stopping.patience.counts-before-test",
            "early_stopping.nan.first-value-becomes-best",
        ),
        strategies.first_value_scenarios(),
        project=stopping,
        regimes={
            clause: STOP[clause] for clause in ("early_stopping.nan.first-value-becomes-best",)
        },
        describe=stopping_in_words,
    ),
    Property(
        "early_stopping.never-stops-while-improving",
        CALLBACK,
        # Every value improves by more than min_delta: strictness decides nothing here.
        (
            "early_stopping.patience.counts-before-test",
            "early_stopping.baseline.gates-wait-reset",
            "early_stopping.patience.zero-is-one",
        ),
        strategies.improving_scenarios(),
        kind="invariant",
        holds=never_stops_while_improving,
        regimes={
            "early_stopping.baseline.gates-wait-reset": STOP[
                "early_stopping.baseline.gates-wait-reset"
            ],
            "early_stopping.patience.zero-is-one": _patience_at_most_zero,
        },
    ),
)

"""ModelCheckpoint properties, each tagged with the clauses it checks.

The differential ones each compare one aspect of a run: the save calls (method, path,
keyword arguments), the files left on disk with the training state they hold, the
exception (type and hook; its message separately), construction, warnings, stdout, and
what the loop recorded (History and the hooks). The invariants state the rule directly:
one save per epoch at the 1-based epoch; with `save_best_only`, a save exactly when the
value beats every earlier one; with an int `save_freq`, a save every `save_freq` batches
counted across epochs and fits.
"""

from __future__ import annotations

from typing import Any

from conformance.harness.observe import Observation, Scenario
from conformance.properties.base import Property
from conformance.strategies import model_checkpoint as strategies

CALLBACK = "ModelCheckpoint"
SAVE_METHODS = ("save", "save_weights")


def saves(obs: Observation) -> list[tuple[Any, ...]]:
    """Every save call: method, path (under `<run>`), keyword arguments."""
    return [call for call in obs.model_calls if call[0] in SAVE_METHODS]


def raised(obs: Observation) -> object:
    """The exception's type and the hook it came from (its text is cosmetic)."""
    return obs.raised()


def construction(obs: Observation) -> object:
    """Whether the constructor returned, what it raised, and what it warned."""
    return obs.constructed, obs.error, obs.warnings


def loop_record(obs: Observation) -> object:
    """What the loop saw: History and each hook with `stop_training` after it."""
    return obs.history, obs.hooks


def _saved_paths(obs: Observation) -> list[str]:
    return [call[1] for call in saves(obs)]


def _method(scenario: Scenario) -> str:
    return "save_weights" if scenario.config.get("save_weights_only") else "save"


def saves_each_epoch_at_its_number(scenario: Scenario, obs: Observation) -> None:
    """`save_freq="epoch"` without `save_best_only`: one save per epoch run, to the
    template formatted with the 1-based epoch, by the method `save_weights_only` names."""
    assert obs.error is None, f"raised {obs.error}"
    template = scenario.config["filepath"]
    expected = [f"<run>/{template.format(epoch=epoch + 1)}" for epoch in obs.epochs_run()]
    assert _saved_paths(obs) == expected, f"saved {_saved_paths(obs)}, expected {expected}"
    methods = {call[0] for call in saves(obs)}
    assert methods <= {_method(scenario)}, f"saved with {methods}"
    assert all(call[2] == {"overwrite": True} for call in saves(obs)), saves(obs)


def saves_only_improvements(scenario: Scenario, obs: Observation) -> None:
    """`save_best_only` minimising a loss logged every epoch: an epoch is saved exactly
    when its loss is strictly below the threshold and every loss saved before it, across
    fits (nothing resets `best`). With no threshold the first loss is saved whatever it
    is, NaN and infinities included, and no loss is below a NaN best."""
    assert obs.error is None, f"raised {obs.error}"
    best = scenario.config.get("initial_value_threshold")
    expected = []
    for plan in scenario.fits:
        for offset, epoch in enumerate(plan.epochs):
            loss = epoch.metrics["loss"]
            if best is None or loss < best:
                best = loss
                expected.append(f"<run>/m{plan.initial_epoch + offset + 1}.keras")
    assert _saved_paths(obs) == expected, f"saved {_saved_paths(obs)}, expected {expected}"


def saves_every_save_freq_batches(scenario: Scenario, obs: Observation) -> None:
    """A positive int `save_freq`, one batch an execution: a save at every
    `save_freq`-th batch, counted on across epoch ends and fits."""
    assert obs.error is None, f"raised {obs.error}"
    every, seen, expected = scenario.config["save_freq"], 0, []
    for plan in scenario.fits:
        for offset, epoch in enumerate(plan.epochs):
            for batch in range(epoch.batches):
                seen += 1
                if seen % every == 0:
                    expected.append(f"<run>/m{plan.initial_epoch + offset + 1}-{batch + 1}.keras")
    assert _saved_paths(obs) == expected, f"saved {_saved_paths(obs)}, expected {expected}"


SAVE_CLAUSES = (
    "model_checkpoint.save.write",
    "model_checkpoint.path.format",
    "model_checkpoint.path.logs-batch-wins",
    "model_checkpoint.epoch.current",
    "model_checkpoint.save-freq.counts-batches",
    "model_checkpoint.save-freq.carries-over",
    "model_checkpoint.save-freq.unclipped-end-step",
    "model_checkpoint.best-only.improvement",
    "model_checkpoint.best-only.first-value-wins",
    "model_checkpoint.best-only.missing-saves",
    "monitor.improvement.strict",
    "monitor.mode.auto",
)
ERROR_CLAUSES = (
    "model_checkpoint.monitor.resolved-at-epoch-end",
    "model_checkpoint.save-freq.best-only-crash",
    "model_checkpoint.best-only.best-str-eager",
    "model_checkpoint.path.key-error-reworded",
    "model_checkpoint.path.logs-batch-wins",
    "model_checkpoint.path.none-logs",
    "model_checkpoint.save.directory-error",
    "model_checkpoint.save.io-error-stray-f",
    "model_checkpoint.save.io-error-no-args",
    "monitor.mode.auto",
)

PROPERTIES: tuple[Property, ...] = (
    Property(
        "model_checkpoint.saves-where-keras-saves",
        CALLBACK,
        SAVE_CLAUSES,
        strategies.scenarios(edges=False),
        project=saves,
    ),
    Property(
        "model_checkpoint.writes-files-as-keras",
        CALLBACK,
        (
            "model_checkpoint.save.write",
            "model_checkpoint.save.makedirs",
            "model_checkpoint.path.format",
        ),
        strategies.scenarios(),
        project=lambda obs: obs.files,
    ),
    Property(
        "model_checkpoint.raises-as-keras",
        CALLBACK,
        ERROR_CLAUSES,
        strategies.scenarios(),
        project=raised,
    ),
    Property(
        "model_checkpoint.error-messages-as-keras",
        CALLBACK,
        ERROR_CLAUSES,
        strategies.scenarios(),
        project=lambda obs: obs.error,
    ),
    Property(
        "model_checkpoint.constructs-as-keras",
        CALLBACK,
        (
            "model_checkpoint.init.save-freq",
            "model_checkpoint.init.extension",
            "model_checkpoint.init.extension-message-omits-h5",
            "model_checkpoint.init.filepath-pathlike",
            "monitor.mode.unknown-warns",
        ),
        strategies.constructor_scenarios(),
        project=construction,
    ),
    Property(
        "model_checkpoint.warns-as-keras",
        CALLBACK,
        (
            "model_checkpoint.best-only.missing-saves",
            "model_checkpoint.best-only.non-scalar-saves",
            "monitor.mode.unknown-warns",
        ),
        strategies.scenarios(),
        project=lambda obs: obs.warnings,
    ),
    Property(
        "model_checkpoint.prints-as-keras",
        CALLBACK,
        ("model_checkpoint.verbose.lines",),
        strategies.scenarios(),
        project=lambda obs: obs.stdout,
    ),
    Property(
        "model_checkpoint.leaves-the-loop-as-keras",
        CALLBACK,
        # Where the run ends (an error ends it at once) and what History recorded.
        (
            "model_checkpoint.monitor.resolved-at-epoch-end",
            "model_checkpoint.save-freq.best-only-crash",
        ),
        strategies.scenarios(),
        project=loop_record,
    ),
    Property(
        "model_checkpoint.compares-at-declared-precision",
        CALLBACK,
        ("monitor.precision", "model_checkpoint.best-only.improvement"),
        strategies.precision_scenarios(),
        project=saves,
    ),
    Property(
        "model_checkpoint.saves-each-epoch-at-its-number",
        CALLBACK,
        (
            "model_checkpoint.path.format",
            "model_checkpoint.save.write",
            "model_checkpoint.epoch.current",
        ),
        strategies.every_epoch_scenarios(),
        kind="invariant",
        holds=saves_each_epoch_at_its_number,
    ),
    Property(
        "model_checkpoint.saves-only-improvements",
        CALLBACK,
        (
            "model_checkpoint.best-only.improvement",
            "model_checkpoint.best-only.first-value-wins",
            "model_checkpoint.save-freq.carries-over",
            "monitor.improvement.strict",
        ),
        strategies.best_only_scenarios(),
        kind="invariant",
        holds=saves_only_improvements,
    ),
    Property(
        "model_checkpoint.saves-every-save-freq-batches",
        CALLBACK,
        (
            "model_checkpoint.save-freq.counts-batches",
            "model_checkpoint.save-freq.carries-over",
        ),
        strategies.batch_frequency_scenarios(),
        kind="invariant",
        holds=saves_every_save_freq_batches,
    ),
)

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

import functools
import string
from typing import Any

from conformance.harness.observe import Observation, Scenario
from conformance.properties.base import (
    Property,
    Regime,
    error_in_words,
    printed_in_words,
    raised_in_words,
    regimes_among,
    warnings_in_words,
)
from conformance.properties.monitor_regimes import (
    auto_decides,
    checkpoint_walk,
    direction,
    unknown_mode,
    walk,
)
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
    """`save_best_only` minimising a loss logged every epoch: an epoch end saves exactly
    when its loss is strictly below the threshold and every loss saved before it, across
    fits (nothing resets `best`). With no threshold the first loss is saved whatever it
    is, NaN and infinities included, and no loss is below a NaN best. Judged on the hooks
    the saves were made in, not the files' names (the path rules'), as the other save
    decisions are."""
    assert obs.error is None, f"raised {obs.error}"
    best = scenario.config.get("initial_value_threshold")
    expected = []
    for plan in scenario.fits:
        for offset, epoch in enumerate(plan.epochs):
            loss = epoch.metrics["loss"]
            if best is None or loss < best:
                best = loss
                expected.append(f"on_epoch_end({plan.initial_epoch + offset})")
    assert obs.saved_at == expected, f"saved at {obs.saved_at}, expected {expected}"


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


def _placeholders(scenario: Scenario) -> set[str]:
    """The field names of the `filepath` template (none if it does not parse)."""
    template = scenario.config.get("filepath")
    if not isinstance(template, str):
        return set()
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(template)]
    except ValueError:
        return {"?"}
    return {name.split(":")[0] for name in fields if name is not None}


def _batch_level(scenario: Scenario) -> bool:
    return scenario.config.get("save_freq", "epoch") != "epoch"


def _best_only(scenario: Scenario) -> bool:
    return bool(scenario.config.get("save_best_only"))


def _logs_key(scenario: Scenario, *keys: str) -> bool:
    return any(
        key in epoch.metrics for fit in scenario.fits for epoch in fit.epochs for key in keys
    )


def _carried(scenario: Scenario) -> bool:
    """A second fit, or batch-level saves over several epochs: counts carry over."""
    return len(scenario.fits) > 1 or (
        _batch_level(scenario) and any(len(fit.epochs) > 1 for fit in scenario.fits)
    )


def _partial_executions(scenario: Scenario) -> bool:
    return _batch_level(scenario) and any(fit.steps_per_execution > 1 for fit in scenario.fits)


def _monitor_in_batch_logs(scenario: Scenario) -> bool:
    monitor = scenario.config.get("monitor", "val_loss")
    return _best_only(scenario) and _batch_level(scenario) and not monitor.startswith("val_")


def _unknown_placeholder(scenario: Scenario) -> bool:
    """A field the logs may lack: anything but the epoch, the batch and `where`."""
    return bool(_placeholders(scenario) - {"epoch", "batch", "where"})


def _improvement_decides(scenario: Scenario) -> bool:
    """Best-only saves where a value fails to improve: within a fit, or on the threshold."""
    walked = checkpoint_walk(scenario)
    return _best_only(scenario) and (walked.beaten_within_fit or walked.threshold_decides)


# Where each rule is in play; `save.write` is the general rule of the saves and files,
# `path.key-error-reworded` (with what passes through unchanged) that of the errors.
REGIMES: dict[str, Regime] = {
    "model_checkpoint.path.format": lambda s: bool(_placeholders(s)),
    "model_checkpoint.path.logs-batch-wins": lambda s: _logs_key(s, "batch", "epoch"),
    "model_checkpoint.epoch.current": lambda s: _batch_level(s) and "epoch" in _placeholders(s),
    "model_checkpoint.save-freq.counts-batches": _batch_level,
    "model_checkpoint.save-freq.carries-over": _carried,
    "model_checkpoint.save-freq.unclipped-end-step": _partial_executions,
    "model_checkpoint.save-freq.best-only-crash": _monitor_in_batch_logs,
    "model_checkpoint.best-only.improvement": _improvement_decides,
    "model_checkpoint.best-only.first-value-wins": lambda s: (
        _best_only(s)
        and s.config.get("initial_value_threshold") is None
        and checkpoint_walk(s).not_finite
    ),
    "model_checkpoint.best-only.missing-saves": lambda s: (
        _best_only(s) and checkpoint_walk(s).missing
    ),
    "model_checkpoint.best-only.non-scalar-saves": lambda s: (
        _best_only(s) and checkpoint_walk(s).not_a_number
    ),
    "model_checkpoint.best-only.best-str-eager": lambda s: (
        isinstance(s.config.get("initial_value_threshold"), str) or checkpoint_walk(s).not_a_number
    ),
    "monitor.improvement.strict": lambda s: _best_only(s) and checkpoint_walk(s).near_best,
    "monitor.mode.auto": auto_decides,
    "monitor.mode.unknown-warns": unknown_mode,
    "model_checkpoint.monitor.resolved-at-epoch-end": lambda s: direction(s) is None,
    # The simulated fit, like Keras's, never passes None logs: only a direct call does.
    "model_checkpoint.path.none-logs": lambda s: False,
    # A directory in the template, or one a `{where}` value brings.
    "model_checkpoint.save.makedirs": lambda s: (
        "/" in str(s.config.get("filepath", "")) or "where" in _placeholders(s)
    ),
    # `{where}` makes one save's path another save's directory: the OSError branches.
    "model_checkpoint.save.directory-error": lambda s: "where" in _placeholders(s),
    "model_checkpoint.save.io-error-stray-f": lambda s: "where" in _placeholders(s),
    "model_checkpoint.save.io-error-no-args": lambda s: "where" in _placeholders(s),
}


_regimes = functools.partial(regimes_among, REGIMES)


def _methods(obs: Observation) -> list[tuple[Any, ...]]:
    return [(call[0], call[2]) for call in saves(obs)]


def _when(obs: Observation) -> list[str]:
    """The hook (and its index) each save was made in."""
    return obs.saved_at


# The rules of what a save is called; those of whether and when it happens (judged on the
# hooks the saves were made in, whatever their names); the write rule, on the method and
# its arguments.
PATHS = (
    "model_checkpoint.path.format",
    "model_checkpoint.path.logs-batch-wins",
    "model_checkpoint.epoch.current",
)
# (`save-freq.unclipped-end-step` is judged on the whole save: it is about both when and
# which `{batch}` a final partial execution names.)
WHEN = (
    "model_checkpoint.save-freq.counts-batches",
    "model_checkpoint.save-freq.carries-over",
    "model_checkpoint.best-only.improvement",
    "model_checkpoint.best-only.first-value-wins",
    "model_checkpoint.best-only.missing-saves",
    "monitor.improvement.strict",
    "monitor.mode.auto",
    "model_checkpoint.monitor.resolved-at-epoch-end",
)
SAVE_CLAUSES = (
    "model_checkpoint.save.write",
    *PATHS,
    *WHEN,
    "model_checkpoint.save-freq.unclipped-end-step",
)
ERROR_CLAUSES = (
    "model_checkpoint.path.key-error-reworded",
    "model_checkpoint.monitor.resolved-at-epoch-end",
    "model_checkpoint.save-freq.best-only-crash",
    "model_checkpoint.best-only.best-str-eager",
    "model_checkpoint.path.logs-batch-wins",
    "model_checkpoint.path.none-logs",
    "model_checkpoint.save.directory-error",
    "model_checkpoint.save.io-error-stray-f",
    "model_checkpoint.save.io-error-no-args",
    "monitor.mode.auto",
)
# What is saved and raised decides the rest: the files, the warnings, the messages.
UPSTREAM = (*SAVE_CLAUSES, *ERROR_CLAUSES)


def saves_in_words(projected: Any) -> str:
    if not projected:
        return "saves nothing"
    return "saves " + ", ".join(f"{call[0]}({call[1]!r})" for call in projected)


def files_in_words(projected: Any) -> str:
    return f"leaves the files {sorted(projected)}" if projected else "leaves no file"


CONSTRUCTION = (
    "model_checkpoint.init.extension",
    "model_checkpoint.init.save-freq",
    "model_checkpoint.init.extension-message-omits-h5",
    "model_checkpoint.init.filepath-pathlike",
    "monitor.mode.unknown-warns",
)
ACCEPTED_EXTENSIONS = (".keras", ".h5")


def _invalid_save_freq(scenario: Scenario) -> bool:
    save_freq = scenario.config.get("save_freq", "epoch")
    return save_freq != "epoch" and not isinstance(save_freq, int)


def _full_model_bad_extension(scenario: Scenario) -> bool:
    filepath = scenario.config.get("filepath")
    return (
        isinstance(filepath, str)
        and not scenario.config.get("save_weights_only")
        and not filepath.endswith(ACCEPTED_EXTENSIONS)
    )


CONSTRUCTION_REGIMES: dict[str, Regime] = {
    "model_checkpoint.init.save-freq": _invalid_save_freq,
    "model_checkpoint.init.extension-message-omits-h5": _full_model_bad_extension,
    "model_checkpoint.init.filepath-pathlike": lambda s: (
        not isinstance(s.config.get("filepath"), str)
    ),
    "monitor.mode.unknown-warns": unknown_mode,
}

# Upstream first (`conformance.blame`): what is saved (the differential and the
# invariants), then what raised and where the run ended, then the files, warnings,
# messages and lines that follow.
PROPERTIES: tuple[Property, ...] = (
    Property(
        "model_checkpoint.saves-where-keras-saves",
        CALLBACK,
        SAVE_CLAUSES,
        strategies.scenarios(edges=False),
        project=saves,
        regimes=_regimes(*SAVE_CLAUSES),
        projections={
            "model_checkpoint.save.write": _methods,
            **dict.fromkeys(PATHS, _saved_paths),
            **dict.fromkeys(WHEN, _when),
        },
        describe=saves_in_words,
    ),
    Property(
        "model_checkpoint.saves-each-epoch-at-its-number",
        CALLBACK,
        ("model_checkpoint.save.write", "model_checkpoint.epoch.current"),
        strategies.every_epoch_scenarios(),
        kind="invariant",
        holds=saves_each_epoch_at_its_number,
        # The invariants name the files they expect: a wrong name is the name rule's,
        # which `saves-where-keras-saves` judges on its own projection.
        follows=("model_checkpoint.path.format",),
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
        follows=("model_checkpoint.path.format",),
        regimes=_regimes(
            "model_checkpoint.best-only.first-value-wins",
            "model_checkpoint.save-freq.carries-over",
            "monitor.improvement.strict",
        ),
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
        follows=("model_checkpoint.path.format",),
        regimes=_regimes("model_checkpoint.save-freq.carries-over"),
    ),
    Property(
        "model_checkpoint.compares-at-declared-precision",
        CALLBACK,
        # Where float32 blurs values float64 tells apart, the precision rule decides what
        # ties; the strictness rule, what a tie does; the write rule, how it is saved.
        (
            "model_checkpoint.best-only.improvement",
            "model_checkpoint.save.write",
            "monitor.improvement.strict",
            "monitor.precision",
        ),
        strategies.precision_scenarios(),
        project=saves,
        projections={
            "model_checkpoint.save.write": _methods,
            "model_checkpoint.best-only.improvement": _saved_paths,
            "monitor.improvement.strict": _saved_paths,
            "monitor.precision": _saved_paths,
        },
        regimes={
            "monitor.improvement.strict": lambda s: walk(s).near_best or walk(s).blurred,
            "monitor.precision": lambda scenario: walk(scenario).blurred,
        },
        # It compares the names saved: a wrong name is the name rule's.
        follows=("model_checkpoint.path.format",),
        describe=saves_in_words,
    ),
    Property(
        "model_checkpoint.raises-as-keras",
        CALLBACK,
        ERROR_CLAUSES,
        strategies.scenarios(),
        project=raised,
        regimes=_regimes(*ERROR_CLAUSES),
        follows=SAVE_CLAUSES,
        describe=raised_in_words,
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
        regimes=_regimes("model_checkpoint.save-freq.best-only-crash"),
        follows=UPSTREAM,
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
        regimes=_regimes("model_checkpoint.save.makedirs", "model_checkpoint.path.format"),
        # The names of the files, the directories made: each rule its own part.
        projections={
            "model_checkpoint.path.format": lambda obs: sorted(
                name for name in obs.files if not name.endswith("/")
            ),
            "model_checkpoint.save.makedirs": lambda obs: sorted(
                name for name in obs.files if name.endswith("/")
            ),
        },
        follows=UPSTREAM,
        describe=files_in_words,
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
        regimes=_regimes(
            "model_checkpoint.best-only.non-scalar-saves", "monitor.mode.unknown-warns"
        ),
        follows=UPSTREAM,
        describe=warnings_in_words,
    ),
    Property(
        "model_checkpoint.error-messages-as-keras",
        CALLBACK,
        ERROR_CLAUSES,
        strategies.scenarios(),
        project=lambda obs: obs.error,
        regimes=_regimes(*ERROR_CLAUSES),
        follows=SAVE_CLAUSES,
        describe=error_in_words,
    ),
    Property(
        "model_checkpoint.prints-as-keras",
        CALLBACK,
        ("model_checkpoint.verbose.lines",),
        strategies.scenarios(),
        project=lambda obs: obs.stdout,
        follows=UPSTREAM,
        describe=printed_in_words,
    ),
    Property(
        "model_checkpoint.constructs-as-keras",
        CALLBACK,
        CONSTRUCTION,
        strategies.constructor_scenarios(),
        project=construction,
        regimes=CONSTRUCTION_REGIMES,
    ),
)

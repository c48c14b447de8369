"""TensorBoard properties, each tagged with the clauses it checks.

The differential properties each project one aspect of what a run left behind: the
`epoch_*`, `batch_*` and `evaluation_*` scalars, the weight histograms and images, the
`keras` model summary, the steps-per-second timings (presence, step and sign: the
reader keeps no more of a clock-dependent value), the events files per run directory,
the projector config and embedding checkpoints, the warnings, and what raised where.
The invariants hold of any conforming run, whatever the reference says.
"""

from __future__ import annotations

import functools
from typing import Any

from conformance.harness.events import TIMING_TAGS, Record
from conformance.harness.observe import Observation, Scenario
from conformance.properties.base import Property, Regime, regimes_among
from conformance.strategies import tensorboard as strategies

CALLBACK = "TensorBoard"


def _records(obs: Observation, keep: Any) -> list[Record]:
    return [record for record in obs.summaries if keep(record)]


def epoch_scalars(obs: Observation) -> object:
    """`epoch_*` records in every run: (run, tag, step, value, plugin); the timings are
    `timings`'."""
    return _records(obs, lambda r: r.tag.startswith("epoch_") and r.tag not in TIMING_TAGS)


def batch_scalars(obs: Observation) -> object:
    return _records(obs, lambda r: r.tag.startswith("batch_") and r.tag not in TIMING_TAGS)


def evaluation_scalars(obs: Observation) -> object:
    return _records(obs, lambda r: r.tag.startswith("evaluation_"))


def weights(obs: Observation) -> object:
    return _records(obs, lambda r: r.plugin in ("histograms", "images"))


def model_summary(obs: Observation) -> object:
    """The `keras` record(s), and the warning a failing `to_json` gives."""
    summaries = _records(obs, lambda r: r.plugin == "graph_keras_model" or r.tag == "keras")
    json_warnings = [w for w in obs.warnings if "JSON" in w[1]]
    return summaries, json_warnings


def timings(obs: Observation) -> object:
    """Steps-per-second records: where, when, and whether positive; not how fast."""
    return [(r.run, r.tag, r.step, r.value) for r in obs.summaries if r.tag in TIMING_TAGS]


def event_files(obs: Observation) -> object:
    """The run directory of every events file: how many writers each run created."""
    return obs.event_files


def projector(obs: Observation) -> object:
    """Files other than events (the projector config, embedding checkpoints and the
    directories holding them) and the model's `save_weights` calls."""
    saves = [call[:2] for call in obs.model_calls if call[0] == "save_weights"]
    return obs.files, saves


def raised(obs: Observation) -> object:
    """Constructed or not; the exception's type and the hook it came from."""
    return obs.constructed, obs.raised()


def constructed(obs: Observation) -> object:
    """Construction: whether it succeeded, what it raised, and warning categories."""
    return obs.constructed, obs.error and obs.error[0], [w[0] for w in obs.warnings]


def warned(obs: Observation) -> object:
    return obs.warnings


# Invariants -------------------------------------------------------------------------


def epoch_scalars_at_epochs_run(scenario: Scenario, obs: Observation) -> None:
    """Every `epoch_*` scalar in a `train/` run is at the index of an epoch that ran."""
    ran = set(obs.epochs_run())
    for record in obs.summaries:
        if record.tag.startswith("epoch_") and record.run.endswith("/train"):
            assert record.step in ran, (
                f"{record.tag} written at step {record.step}; epochs run: {sorted(ran)}"
            )


def no_batch_scalars_per_epoch(scenario: Scenario, obs: Observation) -> None:
    """With `update_freq="epoch"` (the default) no `batch_*` tag is ever written."""
    if scenario.config.get("update_freq", "epoch") != "epoch":
        return
    written = sorted({r.tag for r in obs.summaries if r.tag.startswith("batch_")})
    assert not written, f"update_freq='epoch' but wrote {written}"


def histograms_only_when_asked(scenario: Scenario, obs: Observation) -> None:
    """Without `histogram_freq` no histogram or image is written, images or not; with
    it, only at epochs `e % histogram_freq == 0` that ran."""
    freq = scenario.config.get("histogram_freq", 0)
    ran = set(obs.epochs_run())
    for record in obs.summaries:
        if record.plugin not in ("histograms", "images"):
            continue
        assert freq, f"histogram_freq=0 but wrote {record.tag} at step {record.step}"
        assert record.step in ran and record.step % freq == 0, (
            f"{record.tag} at step {record.step}: histogram_freq={freq}, epochs run {sorted(ran)}"
        )


def batch_steps_count_executions(scenario: Scenario, obs: Observation) -> None:
    """Each fit's `batch_*` steps stay within the number of train executions that fit
    could have run (its batch step is reset at train begin, never per epoch)."""
    most = max(
        (
            sum(-(-epoch.batches // plan.steps_per_execution) for epoch in plan.epochs)
            for plan in scenario.fits
        ),
        default=0,
    )
    for record in obs.summaries:
        if record.tag.startswith("batch_"):
            assert 1 <= record.step <= most, (
                f"{record.tag} at step {record.step}; at most {most} executions in a fit"
            )


# Regimes ----------------------------------------------------------------------------


def _update_freq(scenario: Scenario) -> Any:
    return scenario.config.get("update_freq", "epoch")


def _gating(scenario: Scenario) -> bool:
    """An int (or float) `update_freq` above 1: the record_if gate drops some writes."""
    freq = _update_freq(scenario)
    return not isinstance(freq, str) and freq > 1


def _epochs(scenario: Scenario) -> list[Any]:
    return [epoch for fit in scenario.fits for epoch in fit.epochs]


def _validations(scenario: Scenario) -> int:
    return sum(epoch.validation is not None for epoch in _epochs(scenario))


def _embeddings(scenario: Scenario) -> bool:
    return bool(scenario.config.get("embeddings_freq")) and scenario.model.embedding


REGIMES: dict[str, Regime] = {
    "tensorboard.epoch.learning-rate": lambda s: s.model.optimizer != "none",
    "tensorboard.epoch.empty-logs-write-nothing": lambda s: any(
        not epoch.metrics for epoch in _epochs(s)
    ),
    "tensorboard.update-freq.batch-is-one": lambda s: _update_freq(s) == "batch",
    "tensorboard.update-freq.gates-epoch-writes": _gating,
    "tensorboard.writers.closed-at-train-end": lambda s: len(s.fits) > 1,
    "tensorboard.writers.dropped-unclosed": lambda s: len(s.fits) > 1,
    "tensorboard.steps.test-batch-never-reset": lambda s: _gating(s) and _validations(s) > 1,
    "tensorboard.weights.images-need-histograms": lambda s: bool(
        s.config.get("write_images") and not s.config.get("histogram_freq")
    ),
    "tensorboard.embeddings.same-tensor-name": _embeddings,
    "tensorboard.embeddings.metadata-dict-consumed": lambda s: (
        isinstance(s.config.get("embeddings_metadata"), dict) and len(s.fits) > 1
    ),
    "tensorboard.embeddings.needs-existing-log-dir": lambda s: (
        _embeddings(s) and not s.config.get("write_graph", True)
    ),
    "tensorboard.model-summary.functional-or-sequential": lambda s: (
        bool(s.config.get("write_graph", True))
        and (s.model.to_json_fails or s.model.class_name not in ("Sequential", "Functional"))
    ),
    "tensorboard.profile-batch.parsing": lambda s: "profile_batch" in s.config,
    "tensorboard.profile-batch.single-string-rejected": lambda s: (
        isinstance(s.config.get("profile_batch"), str)
        and s.config["profile_batch"].strip().isdigit()
    ),
    "tensorboard.profile-batch.jax-discards-before-validating": lambda s: bool(
        s.config.get("profile_batch")
    ),
    "tensorboard.update-freq.unvalidated": lambda s: (
        _update_freq(s) not in ("epoch", "batch")
        and not (isinstance(_update_freq(s), int) and _update_freq(s) > 0)
    ),
}


_regimes = functools.partial(regimes_among, REGIMES)


def _learning_rates(obs: Observation) -> object:
    """The learning rates written, where and what, not at which step."""
    return sorted((r.run, r.tag, repr(r.value)) for r in obs.summaries if "learning_rate" in r.tag)


def _steps(obs: Observation, prefix: str) -> object:
    return [(r.run, r.tag, r.step) for r in obs.summaries if r.tag.startswith(prefix)]


def _batch_writes(obs: Observation) -> object:
    """How many records of each `batch_*` tag each run holds."""
    counts: dict[tuple[str, str], int] = {}
    for record in obs.summaries:
        if record.tag.startswith("batch_") and record.tag not in TIMING_TAGS:
            counts[(record.run, record.tag)] = counts.get((record.run, record.tag), 0) + 1
    return sorted(counts.items())


def records_in_words(projected: Any) -> str:
    if not projected:
        return "writes nothing"
    shown = ", ".join(f"{r.run}:{r.tag}@{r.step}" for r in projected[:6])
    more = f" and {len(projected) - 6} more" if len(projected) > 6 else ""
    return f"writes {shown}{more}"


EPOCH_CLAUSES = (
    "tensorboard.epoch.scalars",
    "tensorboard.epoch.learning-rate",
    "tensorboard.epoch.empty-logs-write-nothing",
    "tensorboard.update-freq.batch-is-one",
    "tensorboard.update-freq.gates-epoch-writes",
    "tensorboard.writers.closed-at-train-end",
)
BATCH_CLAUSES = (
    "tensorboard.batch.scalars",
    "tensorboard.batch.steps-count-executions",
    "tensorboard.update-freq.batch-is-one",
    "tensorboard.update-freq.gates-epoch-writes",
)
RAISE_CLAUSES = (
    "tensorboard.embeddings.projector-config",
    "tensorboard.embeddings.needs-existing-log-dir",
    "tensorboard.model-summary.functional-or-sequential",
)
WRITER_CLAUSES = (
    "tensorboard.writers.created-at-begin",
    "tensorboard.writers.dropped-unclosed",
    "tensorboard.writers.closed-at-train-end",
)
# What raised and which writers exist come first: every record follows from them.
UPSTREAM = (*RAISE_CLAUSES, *WRITER_CLAUSES)
SCALARS = (*EPOCH_CLAUSES, *BATCH_CLAUSES)

# Upstream first (`conformance.blame`): what raised, the writers, then what they wrote.
PROPERTIES: tuple[Property, ...] = (
    Property(
        "tensorboard.raises-as-keras",
        CALLBACK,
        (*RAISE_CLAUSES, "tensorboard.epoch.learning-rate"),
        strategies.scenarios(),
        project=raised,
        regimes={
            **_regimes(*RAISE_CLAUSES),
            # Reading a rate from no optimizer, or from a multi-optimizer's own attribute,
            # raises at epoch end: which optimizers get a rate decides whether it does.
            "tensorboard.epoch.learning-rate": lambda s: s.model.optimizer != "sgd",
        },
    ),
    Property(
        "tensorboard.event-files-as-keras",
        CALLBACK,
        WRITER_CLAUSES,
        strategies.scenarios(),
        project=event_files,
        regimes=_regimes(*WRITER_CLAUSES),
        follows=RAISE_CLAUSES,
    ),
    Property(
        "tensorboard.epoch-scalars-as-keras",
        CALLBACK,
        EPOCH_CLAUSES,
        strategies.scenarios(),
        project=epoch_scalars,
        regimes=_regimes(*EPOCH_CLAUSES),
        projections={"tensorboard.epoch.learning-rate": _learning_rates},
        follows=UPSTREAM,
        describe=records_in_words,
    ),
    Property(
        "tensorboard.batch-scalars-as-keras",
        CALLBACK,
        BATCH_CLAUSES,
        strategies.scenarios(),
        project=batch_scalars,
        regimes=_regimes(*BATCH_CLAUSES),
        # The step rule is general, beside the rule of what is written: each is judged
        # on its own part of the records.
        projections={
            "tensorboard.batch.steps-count-executions": lambda obs: _steps(obs, "batch_"),
            # how often batch scalars are written, not at which step
            "tensorboard.update-freq.batch-is-one": _batch_writes,
            "tensorboard.update-freq.gates-epoch-writes": _batch_writes,
        },
        follows=UPSTREAM,
        describe=records_in_words,
    ),
    Property(
        "tensorboard.evaluation-scalars-as-keras",
        CALLBACK,
        (
            "tensorboard.evaluation.vs-iterations",
            "tensorboard.steps.test-batch-never-reset",
            "tensorboard.update-freq.gates-epoch-writes",
        ),
        strategies.scenarios(),
        project=evaluation_scalars,
        regimes=_regimes(
            "tensorboard.steps.test-batch-never-reset",
            "tensorboard.update-freq.gates-epoch-writes",
        ),
        follows=UPSTREAM,
        describe=records_in_words,
    ),
    Property(
        "tensorboard.weights-as-keras",
        CALLBACK,
        (
            "tensorboard.weights.histograms-and-images",
            "tensorboard.weights.images-need-histograms",
            "tensorboard.update-freq.gates-epoch-writes",
        ),
        strategies.scenarios(),
        project=weights,
        regimes=_regimes(
            "tensorboard.weights.images-need-histograms",
            "tensorboard.update-freq.gates-epoch-writes",
        ),
        follows=UPSTREAM,
        describe=records_in_words,
    ),
    Property(
        "tensorboard.model-summary-as-keras",
        CALLBACK,
        ("tensorboard.model-summary.functional-or-sequential",),
        strategies.scenarios(),
        project=model_summary,
        follows=UPSTREAM,
    ),
    Property(
        "tensorboard.steps-per-second-as-keras",
        CALLBACK,
        ("tensorboard.steps-per-second.epoch-rate",),
        strategies.scenarios(),
        project=timings,
        follows=(*UPSTREAM, *SCALARS),
    ),
    Property(
        "tensorboard.projector-as-keras",
        CALLBACK,
        (
            "tensorboard.embeddings.projector-config",
            "tensorboard.embeddings.same-tensor-name",
            "tensorboard.embeddings.metadata-dict-consumed",
            "tensorboard.embeddings.needs-existing-log-dir",
        ),
        strategies.scenarios(),
        project=projector,
        regimes=_regimes(
            "tensorboard.embeddings.same-tensor-name",
            "tensorboard.embeddings.metadata-dict-consumed",
            "tensorboard.embeddings.needs-existing-log-dir",
        ),
        follows=UPSTREAM,
    ),
    Property(
        "tensorboard.warns-as-keras",
        CALLBACK,
        ("tensorboard.model-summary.functional-or-sequential",),
        strategies.scenarios(),
        project=warned,
        follows=UPSTREAM,
    ),
    Property(
        "tensorboard.constructs-as-keras",
        CALLBACK,
        (
            "tensorboard.constructor.signature",
            "tensorboard.profile-batch.parsing",
            "tensorboard.profile-batch.single-string-rejected",
            "tensorboard.profile-batch.jax-discards-before-validating",
            "tensorboard.update-freq.unvalidated",
            "tensorboard.update-freq.batch-is-one",
        ),
        strategies.constructor_scenarios(),
        project=constructed,
        regimes=_regimes(
            "tensorboard.profile-batch.parsing",
            "tensorboard.profile-batch.single-string-rejected",
            "tensorboard.profile-batch.jax-discards-before-validating",
            "tensorboard.update-freq.unvalidated",
            "tensorboard.update-freq.batch-is-one",
        ),
    ),
    Property(
        "tensorboard.epoch-scalars-at-epochs-run",
        CALLBACK,
        ("tensorboard.epoch.scalars",),
        strategies.scenarios(),
        kind="invariant",
        holds=epoch_scalars_at_epochs_run,
        follows=UPSTREAM,
    ),
    Property(
        "tensorboard.no-batch-scalars-per-epoch",
        CALLBACK,
        ("tensorboard.batch.scalars",),
        strategies.scenarios(),
        kind="invariant",
        holds=no_batch_scalars_per_epoch,
        follows=UPSTREAM,
    ),
    Property(
        "tensorboard.histograms-only-when-asked",
        CALLBACK,
        (
            "tensorboard.weights.histograms-and-images",
            "tensorboard.weights.images-need-histograms",
        ),
        strategies.scenarios(),
        kind="invariant",
        holds=histograms_only_when_asked,
        regimes=_regimes("tensorboard.weights.images-need-histograms"),
        follows=UPSTREAM,
    ),
    Property(
        "tensorboard.batch-steps-within-fit",
        CALLBACK,
        ("tensorboard.batch.steps-count-executions",),
        strategies.scenarios(),
        kind="invariant",
        holds=batch_steps_count_executions,
        follows=UPSTREAM,
    ),
)

"""The report of a run, built from its results (`build`), and the counterexample table
people read.

The report's types are `conformance.reports.model` (its JSON Schema ships beside it as
`report.schema.json`); every rendering (terminal table, HTML, Markdown, JUnit:
`conformance.reports`), `diff`, replay and the version matrix read it back through them.
Schema `callback-conformance/report/1`:

    {"schema", "suite": {"version"}, "target": {"spec", "module", "version", "backend"},
     "profile", "seed", "clauses": [{"id", "callback", "level", "statement", "verdict",
     "examples", "reason", "counterexample": {"property", "scenario", "target",
     "reference", "reference_state", "reason", "table"} | null}],
     "summary": {verdict: count}}

`statement` (the clause's rule on one line) and `reference_state` (for an EarlyStopping
counterexample, `{"best_epoch": [per fit: the reference's best epoch, or null when no
epoch was monitored]}`: what the observation cannot show when no weights are kept) were
added within version 1; readers treat both as optional. So were the top-level
`"divergences"` (the declared-divergences file the run used, or null) and, on a clause a
declaration applied to, `"divergence": {"target", "versions", "kind", "reason", "link",
"witness"}` (`conformance.divergences`); a `divergent` clause's counterexample is its
witness. So were the verdict `unsupported`, `"unsupported"` in `target` (the target's
declarations in words: `conformance.unsupported`) and, on a clause, `"left_out"` (the
drawn scenarios of its regime left out as unsupported, when any), and `"when"` in a
clause's `"divergence"` (the declaration's scope in words, or null), and on a failing
clause `"behaves_like"` (the catalogue entries that behave as the target on its
counterexample, when any: `conformance.diagnosis`). So was `"refused_at_import"` in
`target`: the writes outside its run directory the target's import tried, refused
(`conformance.worker`), and `"precision"` in `target`: how it compared monitored values
(its `conformance_precision`, or `run --precision`), which the reference compared at too.
So was `"hypothesis"` in `suite`: the Hypothesis version that drew the scenarios (`diff`
says when two reports' differ).
"""

from __future__ import annotations

from typing import Any

import hypothesis

from conformance import __version__
from conformance.harness.observe import Observation, Scenario
from conformance.reports.model import SCHEMA, VERDICTS, Clause, Counterexample, Report
from conformance.results import ClauseResult
from conformance.results import Counterexample as Found
from conformance.running import RunningTarget
from conformance.scenario_io import to_data


def build(
    running: RunningTarget,
    profile: str,
    seed: int | None,
    results: list[ClauseResult],
    divergences: str | None = None,
) -> Report:
    shared: dict[int, Counterexample] = {}  # clauses blamed together share a counterexample
    clauses = [_clause(result, shared) for result in results]
    summary = {verdict: sum(1 for c in clauses if c.verdict == verdict) for verdict in VERDICTS}
    return Report.model_validate(
        {
            "schema": SCHEMA,
            "suite": {"version": __version__, "hypothesis": hypothesis.__version__},
            "target": running.describe(),
            "profile": profile,
            "seed": seed,
            "divergences": divergences,
            "clauses": clauses,
            "summary": summary,
        }
    )


def _clause(
    result: ClauseResult,
    shared: dict[int, Counterexample] | None = None,
) -> Clause:
    counterexample = result.counterexample
    data = None
    if counterexample is not None:
        shared = {} if shared is None else shared
        if id(counterexample) not in shared:
            shared[id(counterexample)] = counterexample_data(counterexample)
        data = shared[id(counterexample)]
    # The fields added within version 1 are set only when they say something, so that
    # a report names them only then (Report.data dumps the fields that were set).
    optional: dict[str, Any] = {}
    if result.divergence is not None:
        optional["divergence"] = result.divergence.describe()
    if result.left_out:
        optional["left_out"] = result.left_out
    if result.behaves_like:
        optional["behaves_like"] = list(result.behaves_like)
    return Clause.model_validate(
        {
            "id": result.clause.id,
            "callback": result.clause.callback,
            "level": result.clause.level,
            "statement": result.clause.statement,
            "verdict": result.verdict,
            "examples": result.examples,
            "reason": result.reason,
            "counterexample": data,
            **optional,
        }
    )


def counterexample_data(counterexample: Found) -> Counterexample:
    data: dict[str, Any] = {
        "property": counterexample.property,
        "scenario": to_data(counterexample.scenario),
        "target": to_data(counterexample.target),
        "reference": None
        if counterexample.reference is None
        else to_data(counterexample.reference),
        "reason": counterexample.reason,
        "table": table(counterexample.scenario, counterexample.target, counterexample.reference),
    }
    if counterexample.reference_state is not None:
        data["reference_state"] = counterexample.reference_state
    return Counterexample.model_validate(data)


def _cell(values: dict[str, Any] | None) -> str:
    if values is None:
        return "-"
    return " ".join(f"{key}={value}" for key, value in values.items()) or "{}"


def _what_happened(obs: Observation, fit: int, epoch: int) -> str:
    """What an implementation did at one epoch: rates, stop, saves, raising."""
    notes = []
    epoch_hooks = [
        i
        for i, (hook, index, _) in enumerate(obs.hooks)
        if hook == "on_epoch_end" and index == epoch
    ]
    if fit < len(epoch_hooks) and obs.hooks[epoch_hooks[fit]][2]:
        notes.append("stop")
    if (
        obs.error
        and obs.error[2].startswith(("on_epoch", "on_train_batch"))
        and f"({epoch})" in obs.error[2]
    ):
        notes.append(f"raised {obs.error[0]}")
    return ", ".join(notes) or "·"


def table(scenario: Scenario, target: Observation, reference: Observation | None) -> str:
    """The run as a short table: per epoch its metrics, what the reference did and what
    the target did; then the outcomes that differ."""
    lines = [f"{scenario.callback}({_cell(scenario.config)})"]
    lines.append("fit | epoch | train | validation | reference | target")
    for number, plan in enumerate(scenario.fits):
        for offset, epoch_plan in enumerate(plan.epochs):
            epoch = plan.initial_epoch + offset
            expected = _what_happened(reference, number, epoch) if reference else "(invariant)"
            lines.append(
                f"{number} | {epoch} | {_cell(epoch_plan.metrics)} | {_cell(epoch_plan.validation)}"
                f" | {expected} | {_what_happened(target, number, epoch)}"
            )
    if reference is not None:
        for name in (
            "learning_rates",
            "model_calls",
            "saved_at",
            "files",
            "warnings",
            "stdout",
            "error",
            "final_weights",
        ):
            ours, theirs = getattr(reference, name), getattr(target, name)
            if repr(ours) != repr(theirs):
                lines.append(f"{name}: reference {ours!r}")
                lines.append(f"{' ' * len(name)}  target    {theirs!r}")
        if repr(reference.summaries) != repr(target.summaries):
            only_ref = sorted(set(reference.summaries) - set(target.summaries), key=repr)[:5]
            only_target = sorted(set(target.summaries) - set(reference.summaries), key=repr)[:5]
            lines.append(f"summaries only the reference wrote: {only_ref}")
            lines.append(f"summaries only the target wrote:    {only_target}")
    return "\n".join(lines)

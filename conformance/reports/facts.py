"""What a counterexample's run did, read from the JSON report: the facts the renderers show.

A report holds, for a failing clause, the scenario (the plan of each fit: the metrics of
every epoch, its batches, its validation) and each side's observation (the hooks
dispatched with `stop_training` after each, the learning rate during each epoch, every
call a callback made on the model, the files and TensorBoard records left behind). The
per-epoch facts people look for are derived from these:

* the **stop**: the epoch at whose end `stop_training` was first seen set, per fit (a
  stop the scenario's other callback requested is told apart);
* the **weights** at each epoch's end: the simulated model's weights are labelled by the
  number of training steps that made them (`set_label`), so a label read back from a
  `get_weights` call, a `set_weights` call or a checkpoint file names the epoch whose
  weights they are. Labels are counted on from one fit to the next;
* the **best epoch**: where the callback kept weights (`get_weights`, EarlyStopping with
  `restore_best_weights`), the last epoch whose weights it kept in that fit; for the
  reference, what it reported (`reference_state` in the report, when present);
* the **restored** weights: each `set_weights` call, as the epoch whose weights it set;
* the **saves**: each `save`/`save_weights` call in order, and for the last write of each
  path, the epoch (and step) whose weights the file holds.

A counterexample is read typed (`model.Counterexample`); its scenario and observations
are the plain JSON data (dicts and lists) `conformance.scenario_io` writes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from conformance.reports.model import Counterexample

Key = tuple[int, int]  # (fit, epoch)

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "missing"})()
"""A metric the epoch's logs do not hold (as opposed to holding None)."""


@dataclass(frozen=True)
class PlannedEpoch:
    fit: int
    epoch: int
    metrics: dict[str, Any]
    validation: dict[str, Any] | None
    batches: int

    @property
    def key(self) -> Key:
        return (self.fit, self.epoch)

    def logs(self) -> dict[str, Any]:
        """The epoch's logs as the loop builds them: the metrics, then `val_` + validation."""
        logs = dict(self.metrics)
        if self.validation is not None:
            logs.update({f"val_{name}": value for name, value in self.validation.items()})
        return logs


def planned_epochs(scenario: dict[str, Any]) -> list[PlannedEpoch]:
    """Every epoch the scenario plans, fit by fit, with its absolute epoch index."""
    planned = []
    for number, plan in enumerate(scenario.get("fits") or []):
        initial = int(plan.get("initial_epoch") or 0)
        for offset, epoch in enumerate(plan.get("epochs") or []):
            planned.append(
                PlannedEpoch(
                    number,
                    initial + offset,
                    dict(epoch.get("metrics") or {}),
                    epoch.get("validation"),
                    int(epoch.get("batches") or 0),
                )
            )
    return planned


def monitor_of(scenario: dict[str, Any]) -> str | None:
    """The monitored key of an EarlyStopping or ModelCheckpoint scenario (Keras's default
    when the configuration leaves it out)."""
    if scenario.get("callback") not in ("EarlyStopping", "ModelCheckpoint"):
        return None
    monitor = (scenario.get("config") or {}).get("monitor", "val_loss")
    return monitor if isinstance(monitor, str) else None


def monitored(scenario: dict[str, Any]) -> dict[Key, Any]:
    """The monitored value of each planned epoch (MISSING where the logs lack it)."""
    key = monitor_of(scenario)
    if key is None:
        return {}
    return {epoch.key: epoch.logs().get(key, MISSING) for epoch in planned_epochs(scenario)}


def number(value: Any) -> float | None:
    """`value` as a float, or None if it is not a number (None, a string, MISSING)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def describe_value(value: Any) -> str:
    if value is MISSING:
        return "missing"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return f"{value:g}"
    return repr(value) if isinstance(value, str) else str(value)


@dataclass
class Save:
    order: int  # 0-based position among this side's saves
    method: str  # "save" or "save_weights"
    path: str  # relative to the run directory
    overwrite: Any
    last: bool = False  # the last write to this path: the file holds its weights
    label: float | None = None  # the weights' label, for the last write
    at: Key | None = None  # the epoch whose weights, for the last write


@dataclass
class Side:
    """One implementation's run of the scenario, as facts per epoch."""

    name: str  # "reference" or "target"
    ran: list[Key] = field(default_factory=list)  # epochs whose end was dispatched
    begun: list[Key] = field(default_factory=list)  # epochs begun (a rate recorded)
    stops: dict[int, int] = field(default_factory=dict)  # fit -> epoch stop was first seen
    requested_stops: dict[int, int] = field(default_factory=dict)  # by the other callback
    end_labels: dict[Key, float] = field(default_factory=dict)  # weights at the epoch's end
    begin_labels: dict[Key, float] = field(default_factory=dict)  # weights at its begin
    start_labels: dict[int, float] = field(default_factory=dict)  # fit -> weights at its start
    rates: dict[Key, tuple[float, ...]] = field(default_factory=dict)
    kept: list[tuple[float, Key | None]] = field(default_factory=list)  # get_weights
    restored: list[tuple[float, Key | None]] = field(default_factory=list)  # set_weights
    best: dict[int, int] = field(default_factory=dict)  # fit -> best epoch, when known
    best_source: str = ""  # how the best epoch is known
    saves: list[Save] = field(default_factory=list)
    error: tuple[str, str, str] | None = None
    error_at: Key | None = None
    fits: int = 0

    def epoch_of(self, label: float) -> Key | None:
        """The epoch whose end left the weights labelled `label` (the last such, when
        epochs without batches share a label), or None (e.g. the initial weights)."""
        matches = [key for key, end in self.end_labels.items() if end == label]
        return matches[-1] if matches else None

    def during(self, label: float) -> Key | None:
        """The epoch during which the weights were labelled `label` (its first step
        to its end), or None."""
        for key, begin in self.begin_labels.items():
            if begin < label <= self.end_labels.get(key, math.inf):
                return key
        return None

    def describe_weights(self, label: float) -> str:
        key = self.epoch_of(label)
        fit = (lambda k: f" of fit {k[0]}") if self.fits > 1 else (lambda k: "")
        if key is not None:
            return f"epoch {key[1]}{fit(key)}"
        if label == 0:
            return "the initial weights"
        key = self.during(label)
        if key is not None:
            steps = label - self.begin_labels[key]
            return f"epoch {key[1]}{fit(key)} after {steps:g} step{'s' if steps != 1 else ''}"
        return f"the weights after {label:g} steps"


_HOOK_INDEX = re.compile(r"^(on_\w+)\((-?\d+)\)$")


def side(name: str, scenario: dict[str, Any], observation: dict[str, Any]) -> Side:
    """Walk the hooks one side dispatched, with the scenario's plan, into facts."""
    facts = Side(name)
    plans = scenario.get("fits") or []
    hooks = observation.get("hooks") or []
    rates = [tuple(r) for r in observation.get("learning_rates") or []]
    fit, epoch, label = -1, None, 0.0
    begun = 0
    for hook, index, stop in hooks:
        if hook == "on_train_begin":
            fit += 1
            facts.start_labels[fit] = label
            epoch = None
            continue
        plan = plans[fit] if 0 <= fit < len(plans) else {}
        if hook == "on_epoch_begin" and index is not None:
            epoch = index
            facts.begin_labels[(fit, index)] = label
            if begun < len(rates):
                facts.rates[(fit, index)] = rates[begun]
            begun += 1
            facts.begun.append((fit, index))
        elif hook == "on_train_batch_begin" and epoch is not None and index is not None:
            epochs = plan.get("epochs") or []
            offset = epoch - int(plan.get("initial_epoch") or 0)
            batches = int(epochs[offset].get("batches") or 0) if 0 <= offset < len(epochs) else 0
            per_execution = int(plan.get("steps_per_execution") or 1)
            label += max(0, min(per_execution, batches - index))
        elif hook == "on_epoch_end" and index is not None:
            facts.ran.append((fit, index))
            facts.end_labels[(fit, index)] = label
            if stop and fit not in facts.stops:
                if plan.get("stop_requested_at_epoch") == index:
                    facts.requested_stops[fit] = index
                else:
                    facts.stops[fit] = index
    facts.fits = fit + 1
    facts.error = _error(observation.get("error"))
    if facts.error is not None:
        facts.error_at = _where(facts.error[2], fit, epoch)
    for call in observation.get("model_calls") or []:
        if not call:
            continue
        method = call[0]
        if method in ("get_weights", "set_weights") and len(call) > 1:
            weights = number(call[1])
            if weights is None:
                continue
            entry = (weights, facts.epoch_of(weights))
            (facts.kept if method == "get_weights" else facts.restored).append(entry)
        elif method in ("save", "save_weights") and len(call) > 1:
            options = call[2] if len(call) > 2 and isinstance(call[2], dict) else {}
            path = str(call[1]).removeprefix("<run>/")
            facts.saves.append(Save(len(facts.saves), method, path, options.get("overwrite")))
    files = observation.get("files") or {}
    for save in reversed(facts.saves):
        if any(later.path == save.path and later.last for later in facts.saves):
            continue
        save.last = True
        save.label = file_label(files.get(save.path))
        if save.label is not None:
            save.at = facts.epoch_of(save.label) or facts.during(save.label)
    facts.saves.sort(key=lambda s: s.order)
    for fit_number in range(facts.fits):
        kept = [key for _, key in facts.kept if key is not None and key[0] == fit_number]
        if kept:
            facts.best[fit_number] = kept[-1][1]
            facts.best_source = "the weights it kept"
    return facts


def file_label(content: Any) -> float | None:
    """The weights' label in a checkpoint file's observed content
    (`"weights: dense/0=3.0, dense/1=3.0"`), or None."""
    if not isinstance(content, str):
        return None
    found = re.search(r"=(-?[0-9.]+(?:e[-+]?\d+)?)", content)
    return float(found.group(1)) if found else None


def _error(error: Any) -> tuple[str, str, str] | None:
    if not error or len(error) < 3:
        return None
    return (str(error[0]), str(error[1]), str(error[2]))


def _where(hook: str, fit: int, epoch: int | None) -> Key | None:
    """The epoch an exception raised in `hook` belongs to."""
    found = _HOOK_INDEX.match(hook)
    if found and found.group(1).startswith("on_epoch"):
        return (max(fit, 0), int(found.group(2)))
    if hook.startswith(("on_train_batch", "on_test")) and epoch is not None:
        return (max(fit, 0), epoch)
    return None


@dataclass
class Run:
    """A counterexample's scenario and both sides' facts (the reference's is None for an
    invariant property, which has no reference run)."""

    scenario: dict[str, Any]
    planned: list[PlannedEpoch]
    target: Side
    reference: Side | None

    @property
    def sides(self) -> list[Side]:
        return [s for s in (self.reference, self.target) if s is not None]

    @property
    def fits(self) -> int:
        return max([len(self.scenario.get("fits") or [])] + [s.fits for s in self.sides])


def run(counterexample: Counterexample) -> Run:
    scenario = counterexample.scenario
    target = side("target", scenario, counterexample.target)
    reference = None
    if counterexample.reference is not None:
        reference = side("reference", scenario, counterexample.reference)
        state = counterexample.reference_state
        if state is not None:
            reference.best = {f: e for f, e in enumerate(state.best_epoch) if e is not None}
            reference.best_source = "the reference's best_epoch"
    return Run(scenario, planned_epochs(scenario), target, reference)


def differences(counterexample: Counterexample) -> list[tuple[str, Any, Any]]:
    """The observation fields on which target and reference differ, in a reading order:
    (field, reference's value, target's value)."""
    reference, target = counterexample.reference, counterexample.target
    if reference is None:
        return []
    order = [
        "constructed",
        "error",
        "hooks",
        "learning_rates",
        "history",
        "model_calls",
        "saved_at",
        "final_weights",
        "files",
        "event_files",
        "summaries",
        "warnings",
        "stdout",
        "outside_writes",
    ]
    names = order + sorted((set(reference) | set(target)) - set(order) - {"__type__"})
    found: list[tuple[str, Any, Any]] = []
    for name in names:
        ours, theirs = reference.get(name), target.get(name)
        if repr(ours) != repr(theirs):
            if name == "hooks":
                found.append(("hooks (epoch ends)", compact_hooks(ours), compact_hooks(theirs)))
            else:
                found.append((name, ours, theirs))
    return found


class Text(str):
    """Text already fit to show (not a value to print as JSON)."""


def compact_hooks(hooks: Any) -> Text:
    """The hooks that tell runs apart, short: each fit's begin and end, each epoch end, and
    each hook after which `stop_training` was newly set (marked `stop`)."""
    shown, stopped = [], False
    for entry in hooks or []:
        hook, index, stop = (list(entry) + [None, None, None])[:3]
        name = str(hook).removeprefix("on_")
        if hook == "on_train_begin":
            stopped = False
        newly = bool(stop) and not stopped
        stopped = stopped or bool(stop)
        if hook in ("on_train_begin", "on_train_end", "on_epoch_end") or newly:
            text = name if index is None else f"{name}({index})"
            shown.append(text + (" stop" if newly else ""))
    return Text(", ".join(shown))


def summary_records(observation: dict[str, Any] | None) -> list[tuple[str, str, int, Any, str]]:
    """An observation's TensorBoard records as (run, tag, step, value, plugin)."""
    records = []
    for record in (observation or {}).get("summaries") or []:
        if isinstance(record, (list, tuple)) and len(record) >= 5:
            run_dir, tag, step, value, plugin = record[:5]
            records.append((str(run_dir), str(tag), int(step), value, str(plugin)))
    return records


def replay_file(counterexample: Counterexample) -> dict[str, Any]:
    """What `--counterexamples` writes for this counterexample: `replay` reads it."""
    return {"property": counterexample.property, "scenario": counterexample.scenario}


def _cell(values: dict[str, Any] | None) -> str:
    if values is None:
        return "–"
    return " ".join(f"{k}={describe_value(v)}" for k, v in values.items()) or "{}"


def notes(run_: Run, facts: Side, key: Key) -> list[str]:
    """What one side did at one epoch, in words."""
    fit, epoch = key
    if key not in facts.begun:
        found = ["not run"]
        if facts.error_at == key:
            found.append(f"raised {facts.error[0] if facts.error else ''}")
        return found
    found = []
    if run_.scenario.get("callback") == "LearningRateScheduler" and key in facts.rates:
        found.append("lr " + " / ".join(f"{r:g}" for r in facts.rates[key]))
    if facts.best.get(fit) == epoch:
        found.append("best")
    if any(k == key for _, k in facts.restored):
        found.append("restored to here")
    for save in facts.saves:
        if save.last and save.at == key:
            found.append(f"holds {save.path}")
    if facts.stops.get(fit) == epoch:
        found.append("stop")
    if facts.requested_stops.get(fit) == epoch:
        found.append("stop (other callback)")
    if facts.error_at == key and facts.error is not None:
        found.append(f"raised {facts.error[0]}")
    if key not in facts.ran and "raised" not in " ".join(found):
        found.append("epoch not ended")
    return found


@dataclass
class EpochRow:
    fit: int
    epoch: int
    train: str
    validation: str
    monitored: str | None
    reference: list[str] | None
    target: list[str]

    @property
    def differs(self) -> bool:
        return self.reference is not None and self.reference != self.target


def epoch_rows(run_: Run) -> list[EpochRow]:
    """The run as rows: each planned epoch, its metrics, and what each side did."""
    values = monitored(run_.scenario)
    rows = []
    for planned in run_.planned:
        value = values.get(planned.key)
        rows.append(
            EpochRow(
                planned.fit,
                planned.epoch,
                _cell(planned.metrics),
                _cell(planned.validation),
                None if planned.key not in values else describe_value(value),
                None if run_.reference is None else notes(run_, run_.reference, planned.key),
                notes(run_, run_.target, planned.key),
            )
        )
    return rows


def _span(keys: list[Key], fits: int) -> str:
    if not keys:
        return "no epoch"
    parts = []
    for fit in sorted({f for f, _ in keys}):
        epochs = [e for f, e in keys if f == fit]
        if len(epochs) > 2 and epochs == list(range(epochs[0], epochs[-1] + 1)):
            text = f"epochs {epochs[0]}–{epochs[-1]}"
        else:
            text = ("epoch " if len(epochs) == 1 else "epochs ") + ", ".join(map(str, epochs))
        parts.append(text + (f" of fit {fit}" if fits > 1 else ""))
    return "; ".join(parts)


def outcomes(run_: Run, facts: Side) -> list[str]:
    """One side's run in a few phrases: epochs run, stop, best, restored, saves, raised."""
    fits = run_.fits
    of = (lambda fit: f" of fit {fit}") if fits > 1 else (lambda fit: "")
    found = [f"ran {_span(facts.ran, fits)}"]
    unfinished = [key for key in facts.begun if key not in facts.ran]
    if unfinished:
        found.append(f"began {_span(unfinished, fits)} without ending it")
    callback = run_.scenario.get("callback")
    for fit, epoch in sorted(facts.stops.items()):
        found.append(f"stopped at the end of epoch {epoch}{of(fit)}")
    for fit, epoch in sorted(facts.requested_stops.items()):
        found.append(f"stopped by the other callback after epoch {epoch}{of(fit)}")
    if callback == "EarlyStopping":
        if not facts.stops and not facts.error:
            found.append("did not stop")
        for fit, epoch in sorted(facts.best.items()):
            found.append(f"best epoch {epoch}{of(fit)} ({facts.best_source})")
        if not facts.best:
            found.append(
                "best epoch: not observable (no weights kept)"
                if facts.name == "target"
                else "best epoch: none"
            )
        if facts.restored:
            found += [f"restored {facts.describe_weights(label)}" for label, _ in facts.restored]
        else:
            found.append("restored no weights")
    if callback == "ModelCheckpoint":
        found.append(f"{len(facts.saves)} save call{'s' if len(facts.saves) != 1 else ''}")
    if facts.error is not None:
        kind, message, hook = facts.error
        found.append(f"raised {kind} in {hook}: {message[:160]}")
    return found

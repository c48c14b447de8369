"""A clause's example: a small scenario, run on the reference, shown as a table.

`render(example)` runs each scenario of the example through the harness's `observe`
(so through `simulate_fit`, as the suite runs a target) on the reference callback,
wrapped so that every hook it receives is traced: the logs it got, the model calls it
made, `stop_training`, warnings, printed lines, the exception it raised, and the
attributes the example watches. The table is built from that trace, so what the docs
show is what the reference does (`tables` commits it in the pages and checks it).

Table styles:

* `epochs`: one row per epoch (what happened from its begin to its end), plus rows for
  train begin/end when something happened there;
* `hooks`: one row per hook dispatch (`hooks` filters them);
* `cases`: one row per scenario (constructor arguments, or a label), what happened;
* `records`: the TensorBoard summaries the run wrote (run directory, tag, step, value).
"""

from __future__ import annotations

import contextlib
import html
import io
import os
import re
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

import reference
from conformance.harness.events import TIMING_TAGS, Record
from conformance.harness.fit import HOOKS as FIT_HOOKS
from conformance.harness.fit import FitPlan
from conformance.harness.observe import (  # the harness's own argument handling
    Observation,
    Scenario,
    constructor_arguments,
    observe,
    read_outputs,
)
from conformance.harness.sim_model import sim_model_class
from reference.callback import Callback

Style = Literal["epochs", "hooks", "cases", "records"]

HOOKS = ("__init__", "set_model", "set_params", *FIT_HOOKS)
_INDEXED = {"on_epoch_begin", "on_epoch_end"} | {h for h in HOOKS if "batch" in h}
_NO_LOGS = {"__init__", "set_model"}


@dataclass(frozen=True)
class Example:
    """One clause's example run(s) and how to show them."""

    scenarios: tuple[Scenario, ...]
    style: Style = "epochs"
    columns: tuple[str, ...] = ()
    """Extra columns: `logs:<key>` (the value the callback received), `out:<key>` (the
    logs after the callback returned), `state:<attr>` (the callback's attribute after
    the row), `rate` (the optimizer's rate during the epoch), `logs` (all of them)."""
    hooks: tuple[str, ...] = ()
    """`hooks` style: only these hooks get a row (all when empty)."""
    labels: tuple[str, ...] = ()
    """`cases` style: the first cell of each row (default: the constructor call)."""
    tags: str = ""
    """`records` style: a regular expression the shown tags must match (all when empty);
    the table says so, and names the tags it leaves out."""
    note: str = ""
    """Markdown shown under the table."""
    expect: tuple[str, ...] = ()
    """Text the rendered table must contain: the docs' claims, checked by the tests."""
    show_reads: bool = False
    """Show `get_weights()` calls (hidden by default: restores and saves are what matter)."""
    show_history: bool = False
    """Add what `History` recorded (it runs after the callback)."""
    show_files: bool = False
    """Add the files the run left (checkpoints, projector config) and their content."""
    callback_class: type | None = None
    """The class to run (default: the reference class the scenario names)."""
    setup: str = ""
    """Replaces the generated description of the run (the constructor call and fits)."""
    adapt: Callable[[Any], Any] | None = None
    """Passed to `observe`: changes the simulated model (say, a `save` that fails)."""
    direct: tuple[tuple[str, int | None, Any], ...] = ()
    """Hooks called directly, `(hook, index, logs)`, instead of the scenario's fits: for
    the few rules no `fit` can show (Keras's `fit` never passes `logs=None`)."""


@dataclass
class Step:
    """One hook a traced callback received, and what it did."""

    fit: int
    hook: str
    index: int | None
    logs_in: Any
    logs_out: Any
    stop_before: bool
    stop_after: bool
    calls: list[tuple[Any, ...]]
    rates_before: tuple[float, ...]
    rates_after: tuple[float, ...]
    warnings: list[str] = field(default_factory=list)
    stdout: str = ""
    error: str | None = None
    state: dict[str, Any] = field(default_factory=dict)


@dataclass
class Run:
    scenario: Scenario
    observation: Observation
    steps: list[Step]


def _rates(model: Any) -> tuple[float, ...]:
    optimizer = getattr(model, "optimizer", None)
    optimizers = getattr(optimizer, "optimizers", [optimizer])
    return tuple(
        float(np.asarray(o.learning_rate))
        for o in optimizers
        if o is not None and hasattr(o, "learning_rate")
    )


def _snapshot(value: Any) -> Any:
    if isinstance(value, dict):
        return dict(value)
    return value


def traced(cls: type, watch: tuple[str, ...], steps: list[Step]) -> type:
    """A subclass of `cls`, of the same name, appending a `Step` to `steps` per hook."""

    def wrap(hook: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            if hook == "set_model":
                model = args[0]
            elif hook == "__init__":
                model = None
            else:
                model = getattr(self, "_model", None)
            index = args[0] if hook in _INDEXED and args else None
            logs = kwargs.get("logs", args[-1] if args and hook not in _NO_LOGS else None)
            if hook in _INDEXED and len(args) < 2 and "logs" not in kwargs:
                logs = None
            if hook == "set_model":  # every fit starts with it
                self._docs_fit = getattr(self, "_docs_fit", 0) + 1
            step = Step(
                fit=getattr(self, "_docs_fit", 1),
                hook=hook,
                index=index,
                logs_in=_snapshot(logs),
                logs_out=None,
                stop_before=bool(getattr(model, "stop_training", False)),
                stop_after=False,
                calls=[],
                rates_before=_rates(model),
                rates_after=(),
            )
            calls_before = len(getattr(model, "calls", []))
            out = io.StringIO()
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    with contextlib.redirect_stdout(out):
                        try:
                            return original(self, *args, **kwargs)
                        except Exception as error:
                            step.error = f"{type(error).__name__}: {error}"
                            raise
                        finally:
                            step.warnings = [f"{w.category.__name__}: {w.message}" for w in caught]
            finally:
                step.stdout = out.getvalue()
                step.logs_out = _snapshot(logs)
                if hook == "__init__":
                    step.logs_in = step.logs_out = None
                step.stop_after = bool(getattr(model, "stop_training", False))
                if hook == "set_model" or hook == "__init__":
                    model = getattr(self, "_model", model)
                step.calls = list(getattr(model, "calls", [])[calls_before:])
                step.rates_after = _rates(model)
                step.state = {name: _snapshot(getattr(self, name, None)) for name in watch}
                steps.append(step)

        return method

    namespace: dict[str, Any] = {
        hook: wrap(hook, getattr(cls, hook)) for hook in HOOKS if hasattr(cls, hook)
    }
    namespace["__module__"] = cls.__module__
    namespace["__qualname__"] = cls.__qualname__
    return type(cls.__name__, (cls,), namespace)


def _watched(example: Example) -> tuple[str, ...]:
    return tuple(c.split(":", 1)[1] for c in example.columns if c.startswith("state:"))


def run(example: Example) -> list[Run]:
    """Run every scenario of `example` on the reference, traced."""
    runs = []
    for scenario in example.scenarios:
        base = example.callback_class or getattr(reference, scenario.callback)
        steps: list[Step] = []
        callback_class = traced(base, _watched(example), steps)
        if example.direct:
            observation = _drive(callback_class, scenario, example.direct)
        else:
            observation = observe(callback_class, scenario, adapt=example.adapt)
        runs.append(Run(scenario, observation, steps))
    return runs


def _drive(
    callback_class: type, scenario: Scenario, hooks: tuple[tuple[str, int | None, Any], ...]
) -> Observation:
    """Call `hooks` on a new instance directly, with a simulated model (`set_model` first,
    unless `hooks` call it: its `logs` entry is ignored); a hook that raises is recorded
    and the next one called, as a driver catching errors would."""
    observation = Observation()
    with tempfile.TemporaryDirectory(prefix="conformance-") as workspace:
        run_dir = os.path.join(workspace, "run")
        os.mkdir(run_dir)
        model = sim_model_class(scenario.model.class_name)(scenario.model)
        try:
            callback = callback_class(**constructor_arguments(scenario.config, run_dir))
        except Exception as error:
            observation.error = (type(error).__name__, str(error), "__init__")
            return observation
        observation.constructed = True
        if all(hook != "set_model" for hook, _, _ in hooks):
            callback.set_model(model)
        for hook, index, logs in hooks:
            method = getattr(callback, hook)
            try:
                if hook == "set_model":
                    method(model)
                elif index is None:
                    method(logs)
                else:
                    method(index, logs)
            except Exception as error:
                if observation.error is None:
                    observation.error = (type(error).__name__, str(error), hook)
        observation.model_calls = list(model.calls)
        read_outputs(observation, workspace)
    return observation


# --- showing values ------------------------------------------------------------------------

_RUN_DIR = re.compile(r"(?:/[^/\s'\"`]+)*/conformance-[A-Za-z0-9_]+(?:/run)?")


_ADDRESS = re.compile(r"( object at )0x[0-9a-fA-F]+>")


def relative(text: str) -> str:
    """`text` with the scenario's temporary run directory written as `<run>`, and object
    addresses, which change from run to run, as `0x…` (the pages commit the tables)."""
    return _ADDRESS.sub(r"\g<1>0x…>", _RUN_DIR.sub("<run>", text))


def show(value: Any) -> str:
    """A value as the table shows it: Python's repr, numbers short, paths relative."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, np.floating):
        return f"{type(value).__name__}({show(float(value))})"
    if isinstance(value, float):
        return repr(value) if len(repr(value)) <= 12 else f"{value:.6g}"
    if callable(value) and hasattr(value, "__name__"):
        return value.__name__
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple) and len(value) <= 4:
        inner = ", ".join(show(v) for v in value)
        return (
            f"[{inner}]"
            if isinstance(value, list)
            else f"({inner}{',' if len(value) == 1 else ''})"
        )
    if isinstance(value, np.ndarray):
        return f"array(shape={value.shape})"
    return relative(repr(value))


def code(text: str) -> str:
    """Inline code for a table cell: pipes escaped, backticks avoided, newlines shown."""
    text = relative(text).replace("\n", "⏎").replace("|", "\\|")
    if "`" in text:
        return "<code>" + text.replace("`", "&#96;").replace("<", "&lt;") + "</code>"
    return f"`{text}`" if text else ""


def call_text(callback: str, config: dict[str, Any]) -> str:
    """`EarlyStopping(monitor='loss', patience=3)`, the scenario's constructor call."""
    arguments = ", ".join(f"{name}={show(value)}" for name, value in config.items())
    return f"{callback}({arguments})"


def _epochs_text(plan: FitPlan) -> str:
    count = len(plan.epochs)
    if count == 0:
        return f"`initial_epoch={plan.initial_epoch}`, no epoch to run"
    first, last = plan.initial_epoch, plan.initial_epoch + count - 1
    span = f"epoch {first}" if count == 1 else f"epochs {first}–{last}"
    batches = sorted({e.batches for e in plan.epochs})
    extra = []
    if batches != [1]:
        extra.append(
            f"{batches[0]} batches {'each' if count > 1 else ''}".strip()
            if len(batches) == 1
            else "batches " + ", ".join(str(e.batches) for e in plan.epochs)
        )
    if plan.steps_per_execution != 1:
        extra.append(f"`steps_per_execution={plan.steps_per_execution}`")
    validated = [plan.initial_epoch + i for i, e in enumerate(plan.epochs) if e.validation]
    if validated and len(validated) < count:
        extra.append("validation after epoch" + ("s " if len(validated) > 1 else " "))
        extra[-1] += ", ".join(str(e) for e in validated)
    elif validated:
        extra.append("validation every epoch")
    if plan.stop_requested_at_epoch is not None:
        extra.append(f"another callback stops the run at epoch {plan.stop_requested_at_epoch}")
    return span + (f" ({'; '.join(extra)})" if extra else "")


_COUNT = {2: "two", 3: "three"}


def describe(example: Example) -> str:
    """The run in words: the constructor call and each fit."""
    if example.setup:
        return example.setup
    scenario = example.scenarios[0]
    parts = [f"`{call_text(scenario.callback, scenario.config)}`"]
    model = scenario.model
    if model.metrics:
        parts.append(f"a model compiled with metrics {list(model.metrics)}")
    if model.optimizer == "multi":
        parts.append("a two-optimizer model (`first`, `second`)")
    elif model.optimizer == "none":
        parts.append("a model without an optimizer")
    if model.class_name not in ("Sequential",):
        parts.append(f"a `{model.class_name}` model")
    if model.embedding:
        parts.append("an `Embedding` layer")
    fits = scenario.fits
    if len(fits) == 1:
        parts.append("one `fit`: " + _epochs_text(fits[0]))
    elif fits:
        parts.append(
            f"{_COUNT.get(len(fits), len(fits))} `fit` calls with the same instance: "
            + "; ".join(_epochs_text(f) for f in fits)
        )
    return ", ".join(parts) + "."


# --- what a step did -----------------------------------------------------------------------


def _epoch_of_label(scenario: Scenario) -> dict[float, str]:
    """Model weights carry the number of training steps that made them: name the epoch
    whose end they are (the harness advances one step per batch)."""
    names: dict[float, str] = {0.0: "the initial weights"}
    steps = 0
    for fit_number, plan in enumerate(scenario.fits):
        for offset, epoch in enumerate(plan.epochs):
            steps += epoch.batches
            name = f"epoch {plan.initial_epoch + offset}"
            if len(scenario.fits) > 1:
                name += f" of fit {fit_number + 1}"
            names.setdefault(float(steps), f"the weights of {name}")
    return names


def effects(step: Step, scenario: Scenario, show_reads: bool = False) -> list[str]:
    """What one hook did, in words."""
    labels = _epoch_of_label(scenario)
    said: list[str] = []
    if not step.stop_before and step.stop_after:
        said.append("sets `stop_training`")
    if step.rates_after != step.rates_before and step.hook == "on_epoch_begin":
        said.append("sets the rate to " + ", ".join(show(r) for r in step.rates_after))
    reads = 0
    for call in step.calls:
        kind = call[0]
        if kind == "get_weights":
            reads += 1
        elif kind == "set_weights":
            said.append("restores " + labels.get(call[1], f"weights after {call[1]:g} steps"))
        elif kind in ("save", "save_weights"):
            options = ", ".join(f"{k}={show(v)}" for k, v in call[2].items())
            said.append(f"{code(f'model.{kind}({call[1]!r}, {options})')}")
        else:
            said.append(code(repr(call)))
    if reads and show_reads:
        said.insert(0, f"reads the weights{' twice' if reads == 2 else ''}")
    for warning in step.warnings:
        said.append("warns " + code(warning))
    for line in step.stdout.strip("\n").splitlines():
        if line.strip():
            said.append("prints " + code(line))
    if step.error:
        said.append("**raises** " + code(step.error))
    return said


def _notable(step: Step, scenario: Scenario, example: Example) -> bool:
    return bool(effects(step, scenario, example.show_reads))


def _hook_text(step: Step) -> str:
    return step.hook if step.index is None else f"{step.hook}({step.index})"


def _cell(step: Step, column: str) -> str:
    kind, _, name = column.partition(":")
    if kind == "logs" and name:
        logs = step.logs_in or {}
        return code(show(logs[name])) if name in logs else "*missing*"
    if kind == "logs":
        return code(show(step.logs_in))
    if kind == "out":
        logs = step.logs_out or {}
        return code(show(logs[name])) if name in logs else "—"
    if kind == "state":
        return code(show(step.state.get(name)))
    if kind == "rate":
        return code(", ".join(show(r) for r in step.rates_after))
    if kind == "stop":
        return code(show(step.stop_after))
    raise ValueError(f"unknown column {column!r}")


def _header(column: str) -> str:
    kind, _, name = column.partition(":")
    if kind == "logs" and name:
        return f"`{name}`"
    if kind == "logs":
        return "logs received"
    if kind == "out":
        return f"`logs['{name}']` after"
    if kind == "state":
        return f"`{name}` after"
    if kind == "stop":
        return "`stop_training` after"
    return "rate during the epoch"


def _table(header: list[str], rows: list[list[str]]) -> str:
    if rows and header[-1] == "what happens" and not any(row[-1] for row in rows):
        header, rows = header[:-1], [row[:-1] for row in rows]  # nothing happened
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


_OUTSIDE_EPOCHS = {
    "__init__": "constructor",
    "set_model": "set_model",
    "set_params": "set_params",
    "on_train_begin": "train begin",
    "on_train_end": "train end",
}


def _epoch_rows(run_: Run, example: Example) -> list[list[str]]:
    """One row per epoch, from its begin to its end; other hooks only when notable."""
    scenario, rows = run_.scenario, []
    many_fits = len(scenario.fits) > 1
    by_epoch: list[tuple[str, list[Step]]] = []
    for step in run_.steps:
        if step.hook == "on_epoch_begin":
            by_epoch.append((str(step.index), [step]))
        elif step.hook in _OUTSIDE_EPOCHS:
            by_epoch.append((_OUTSIDE_EPOCHS[step.hook], [step]))
        elif by_epoch:
            by_epoch[-1][1].append(step)
    for label, steps in by_epoch:
        last = steps[-1]
        is_epoch = label.isdigit()
        said: list[str] = []
        for step in steps:
            words = effects(step, scenario, example.show_reads)
            if words and step.hook not in ("on_epoch_end", "on_epoch_begin") and is_epoch:
                words = [f"at `{_hook_text(step)}`: " + "; ".join(words)]
            said += words
        if not is_epoch and not said:
            continue
        end = next((s for s in steps if s.hook == "on_epoch_end"), None)
        begin = steps[0]
        cells = [label] if not many_fits else [str(last.fit), label]
        for column in example.columns:
            if column == "rate":
                cells.append(_cell(begin, column) if is_epoch else "")
            elif column.startswith(("logs", "out")):
                cells.append(_cell(end, column) if end is not None else "")
            else:
                cells.append(_cell(last, column))
        cells.append("; ".join(said))
        rows.append(cells)
    return rows


def _hook_rows(run_: Run, example: Example) -> list[list[str]]:
    scenario, rows = run_.scenario, []
    many_fits = len(scenario.fits) > 1
    for step in run_.steps:
        hidden = step.hook == "__init__" or (example.hooks and step.hook not in example.hooks)
        if hidden and not _notable(step, scenario, example):
            continue
        cells = (
            [code(_hook_text(step))] if not many_fits else [str(step.fit), code(_hook_text(step))]
        )
        cells += [_cell(step, column) for column in example.columns]
        cells.append("; ".join(effects(step, scenario, example.show_reads)))
        rows.append(cells)
    return rows


def _outcome(run_: Run, example: Example) -> str:
    said = []
    for step in run_.steps:
        words = effects(step, run_.scenario, example.show_reads)
        if words:
            where = "constructor" if step.hook == "__init__" else f"`{_hook_text(step)}`"
            said.append(f"{where}: " + "; ".join(words))
    if run_.observation.summaries:
        records = [
            r._replace(run=_in_log_dir(r.run, run_.scenario)) for r in run_.observation.summaries
        ]
        said.append("writes " + _records_summary(records))
    if not said:
        epochs = [s.index for s in run_.steps if s.hook == "on_epoch_end"]
        if not epochs:
            said.append("constructed")
        else:
            said.append(f"runs epoch{'s' if len(epochs) > 1 else ''} {_span(epochs)}")
    return "<br>".join(said)


def _span(indices: list[Any]) -> str:
    return str(indices[0]) if len(indices) == 1 else f"{indices[0]}–{indices[-1]}"


def _case_rows(runs: list[Run], example: Example) -> list[list[str]]:
    rows = []
    for number, run_ in enumerate(runs):
        scenario = run_.scenario
        if example.labels:
            label = example.labels[number]
        else:  # the arguments: the header names the class
            label = code(
                call_text(scenario.callback, scenario.config)[len(scenario.callback) + 1 : -1]
            )
        cells = [label]
        last = run_.steps[-1] if run_.steps else None
        for column in example.columns:
            cells.append(_cell(last, column) if last is not None else "")
        cells.append(_outcome(run_, example))
        rows.append(cells)
    return rows


def _record_value(record: Record) -> str:
    if record.plugin == "histograms":
        return f"histogram, {len(record.value) // 3} buckets"
    if record.plugin == "images":
        width, height, pngs = record.value
        shapes = ", ".join("×".join(str(n) for n in png[0]) for png in pngs)
        return f"{len(pngs)} image{'s' if len(pngs) != 1 else ''} ({shapes})"
    if record.tag in TIMING_TAGS:
        return f"(a timing: {record.value})"
    return code(show(record.value))


def _records_summary(records: list[Record], most: int = 6) -> str:
    """`train/epoch_loss@0 = 1.0, ...`: what a run wrote, in a line."""
    texts = []
    for record in records[:most]:
        text = f"{record.run}/{record.tag}@{record.step}"
        if record.plugin == "scalars" and record.value is not None:
            text += f" = {show(record.value)}"
        texts.append(code(text))
    more = len(records) - most
    return ", ".join(texts) + (f" and {more} more" if more > 0 else "")


def _in_log_dir(run: str, scenario: Scenario) -> str:
    """A run directory relative to the scenario's `log_dir` (TensorBoard's `train`)."""
    log_dir = scenario.config.get("log_dir")
    if isinstance(log_dir, str) and run.startswith(log_dir.rstrip("/") + "/"):
        return run[len(log_dir.rstrip("/")) + 1 :]
    return run


def _record_rows(run_: Run, example: Example) -> list[list[str]]:
    pattern = re.compile(example.tags or ".")
    records = [
        r._replace(run=_in_log_dir(r.run, run_.scenario))
        for r in run_.observation.summaries
        if pattern.search(r.tag)
    ]
    order = {"train": 0, "validation": 1}
    records.sort(key=lambda r: (order.get(r.run, 2), r.run, r.step, r.tag))
    return [[code(r.run), code(r.tag), str(r.step), _record_value(r)] for r in records]


def render(example: Example) -> str:
    """The example as Markdown: what was run, the table, and the notes."""
    runs = run(example)
    header: list[str]
    if example.style == "cases":
        callbacks = {r.scenario.callback for r in runs}
        if example.labels:
            header = ["run"]
        elif len(callbacks) == 1:
            header = [f"`{callbacks.pop()}(...)` with"]
        else:
            header = ["constructor arguments"]
        header += [_header(c) for c in example.columns] + ["what happens"]
        rows = _case_rows(runs, example)
    elif example.style == "records":
        header = ["run (under `log_dir`)", "tag", "step", "value"]
        rows = _record_rows(runs[0], example)
    else:
        many_fits = len(runs[0].scenario.fits) > 1
        first = ["epoch"] if example.style == "epochs" else ["hook"]
        header = (["fit"] if many_fits else []) + first
        header += [_header(c) for c in example.columns] + ["what happens"]
        rows = (_epoch_rows if example.style == "epochs" else _hook_rows)(runs[0], example)
    parts = []
    if example.style != "cases" or example.setup:
        parts.append(describe(example))
    parts.append(_table(header, rows) if rows else "*(nothing)*")
    extra = _extras(runs[0], example)
    if extra:
        parts.append(extra)
    if example.note:
        parts.append(example.note)
    return "\n\n".join(parts)


def _extras(run_: Run, example: Example) -> str:
    lines = []
    if example.style == "records":
        error = next((s.error for s in run_.steps if s.error), None)
        if error:
            lines.append(f"The run **raises** {code(error)}.")
        if example.tags:
            lines.append(_hidden_tags(run_, example.tags))
        files = ", ".join(code(_in_log_dir(f, run_.scenario)) for f in run_.observation.event_files)
        lines.append(f"Event files: {files or 'none'}.")
    if example.show_history:
        lines.append(f"`History` recorded: {code(show(run_.observation.history))}.")
    if example.show_files:
        listing = "; ".join(
            code(name) + ("" if content == "dir" else f" ({code(content)})")
            for name, content in run_.observation.files.items()
        )
        lines.append(f"Files written: {listing or 'none'}.")
    return "  \n".join(lines)


def _hidden_tags(run_: Run, tags: str, most: int = 6) -> str:
    """What a `records` table filtered by `tags` leaves out, so no record looks absent."""
    pattern = re.compile(tags)
    hidden: dict[str, int] = {}
    for record in run_.observation.summaries:
        if not pattern.search(record.tag):
            name = f"{_in_log_dir(record.run, run_.scenario)}/{record.tag}"
            hidden[name] = hidden.get(name, 0) + 1
    shown = f"Only the tags matching `{tags}` are shown"  # not a table cell: no escapes
    if not hidden:
        return shown + "; the run wrote no other tag."
    names = [
        f"{code(name)} ({count} record{'s' if count > 1 else ''})"
        for name, count in list(hidden.items())[:most]
    ]
    more = len(hidden) - most
    return (
        f"{shown}; the run also wrote "
        + ", ".join(names)
        + (f" and {more} other tags" if more > 0 else "")
        + "."
    )


def _plain(text: str) -> str:
    return html.unescape(re.sub(r"</?code>|`", "", text))


def contains(rendered: str, expected: str) -> bool:
    """Whether the rendered example shows `expected` (ignoring how code is marked up)."""
    return expected in rendered or _plain(expected) in _plain(rendered)


class Probe(Callback):
    """A callback that only receives hooks (the fit page's examples trace it), and can
    stop the run or raise at a chosen hook, or add a key to the logs it is given."""

    def __init__(
        self,
        stop_at: str | None = None,
        raise_at: str | None = None,
        add_key: str | None = None,
    ) -> None:
        super().__init__()
        self.stop_at = stop_at
        self.raise_at = raise_at
        self.add_key = add_key

    def _act(self, hook: str, logs: Any) -> None:
        if hook == self.stop_at:
            self.model.stop_training = True
        if hook == self.raise_at:
            raise RuntimeError(f"raised in {hook}")
        if self.add_key and isinstance(logs, dict):
            logs[self.add_key] = 1.0

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        self._act(f"on_epoch_end({epoch})", logs)

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        self._act(f"on_train_batch_end({batch})", logs)

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        self._act(f"on_epoch_begin({epoch})", logs)

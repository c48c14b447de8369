"""The benchmark result as Markdown: the machine, one table per section, the targets."""

from __future__ import annotations

import math
from typing import Any

CALLBACK_ORDER = ("EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard")
TARGET_CALLBACKS = ("EarlyStopping", "LearningRateScheduler", "ModelCheckpoint")
LIMIT_SHARE_TARGET = 0.60  # the suite against reference, at least this share of the limit
BASELINE_SPEEDUP_TARGET = 100.0  # the suite at least this many times the fit-driven rate
CLI_TARGETS = {"quick": 30.0, "default": 180.0}  # seconds, all four callbacks, keras
LINEAR_EXPONENT = 1.15  # growth exponent between the two largest sizes counted as linear


def rate(rows: list[dict[str, Any]]) -> float:
    """Scenarios per second over `rows` (each with examples and seconds)."""
    seconds = sum(row["seconds"] for row in rows)
    return sum(row["examples"] for row in rows) / seconds if seconds else math.nan


def cpu_rate(rows: list[dict[str, Any]]) -> float:
    """Scenarios per CPU second of the measuring process over `rows`."""
    seconds = sum(row.get("cpu_seconds", math.nan) for row in rows)
    return sum(row["examples"] for row in rows) / seconds if seconds else math.nan


def callback_rates(run: dict[str, Any], callback: str) -> tuple[float, float, list[str]] | None:
    """(limit rate, suite rate, properties that did not pass) for one callback."""
    entry = run["callbacks"].get(callback)
    if not entry or "not_run" in entry:
        return None
    failed = [row["property"] for row in entry["suite"] if row["verdict"] != "pass"]
    return rate(entry["limit"]), rate(entry["suite"]), failed


def baseline_numbers(entry: dict[str, Any]) -> dict[str, float]:
    """Rates of the limit, the suite (keras and reference) and the fit-driven baselines
    (a compiled model reused; a model built per scenario). A baseline's seconds per
    scenario are its mean checking time plus the limit's generation time per scenario
    (the generation of the scenarios it skipped is not charged to it)."""
    limit = entry["limit"]
    generation = limit["seconds"] / limit["examples"] if limit["examples"] else math.nan

    def baseline_rate(fit: dict[str, Any] | None) -> float:
        if not fit or not fit["checked"]:
            return math.nan
        return 1 / (generation + fit["checking_seconds"] / fit["checked"])

    suite_keras = rate([entry["suite_keras"]])
    reused = baseline_rate(entry["fit_driven"])
    fresh = baseline_rate(entry.get("fit_driven_fresh_model"))
    return {
        "limit": rate([limit]),
        "suite_keras": suite_keras,
        "suite_reference": rate([entry["suite_reference"]]),
        "baseline": reused,
        "speedup": suite_keras / reused,
        "baseline_fresh": fresh,
        "speedup_fresh": suite_keras / fresh,
    }


def _number(value: float, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def _times(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:,.1f}×"


def _percent(value: float) -> str:
    return "–" if math.isnan(value) else f"{100 * value:.0f} %"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def machine_section(result: dict[str, Any]) -> list[str]:
    machine = result["machine"]
    packages = ", ".join(f"{name} {version}" for name, version in machine["packages"].items())
    lines = [
        f"- Machine: {machine['cores']} cores ({machine['usable_cores']} usable), {machine['cpu']}",
        f"- Python {machine['python']} on {machine['platform']}",
        f"- Packages: {packages}",
        f"- Temporary directory: `{machine['temporary_directory']}` on"
        f" {machine['temporary_filesystem']}",
        f"- Commit: {machine['commit']}; started {result['started']};"
        f" total {result['total_seconds']:.0f} s"
        + (" (`--quick`: tiny sizes)" if result["quick"] else ""),
        f"- Load average (1, 5, 15 min): {result['load_average_at_start']} at the start,"
        f" {result['load_average_at_end']} at the end",
        "",
    ]
    return lines


def rates_section(runs: dict[str, Any], examples: int) -> list[str]:
    lines = [
        "## The suite against its limit",
        "",
        f"Scenarios judged per second per callback: every property of the callback, {examples}"
        " examples each, derandomized, run as `callback-conformance run` runs them (a group"
        " of properties per strategy, each scenario drawn and observed once and judged by"
        " every property of the group: counted once per property). *Limit*: the same"
        " `run_group` with a no-op `examine` (Hypothesis drawing the same scenarios),"
        " measured in the same process just before each group. *Share*: suite rate ÷ limit"
        " rate.",
        "",
    ]
    header = ["callback"]
    for label in runs:
        header += [f"limit ({label} process)", f"{label}", "share"]
    rows = []
    notes = []
    for callback in CALLBACK_ORDER:
        row = [callback]
        for label, run in runs.items():
            numbers = callback_rates(run, callback)
            if numbers is None:
                row += ["–", "not run", "–"]
                continue
            limit, suite, failed = numbers
            row += [_number(limit), _number(suite), _percent(suite / limit)]
            if failed:
                notes.append(f"- {label}, {callback}: did not pass: {', '.join(failed)}")
        rows.append(row)
    total = ["all measured"]
    for run in runs.values():
        entries = [entry for entry in run["callbacks"].values() if "not_run" not in entry]
        limit = rate([row for entry in entries for row in entry["limit"]])
        suite = rate([row for entry in entries for row in entry["suite"]])
        total += [_number(limit), _number(suite), _percent(suite / limit)]
    rows.append(total)
    lines += _table(header, rows)
    for label, run in runs.items():
        shares = []
        for callback in CALLBACK_ORDER:
            entry = run["callbacks"].get(callback)
            if entry and "limit" in entry:
                limit, suite = cpu_rate(entry["limit"]), cpu_rate(entry["suite"])
                shares.append(f"{_short(callback)} {_percent(suite / limit)}")
        if shares:
            lines.append(f"- {label}, share on CPU time (waiting left out): {', '.join(shares)}")
    for label, run in runs.items():
        process = run["process"]
        lines.append(
            f"- {label} process: {process['wall_seconds']:.0f} s wall,"
            f" peak RSS {process['max_rss_mb']:.0f} MB, load {process['load_before']} →"
            f" {process['load_after']}"
        )
    return lines + notes + [""]


def baseline_section(baseline: dict[str, Any], examples: int, fresh_examples: int) -> list[str]:
    lines = [
        "## The suite against a fit-driven baseline",
        "",
        f"One property per callback, {examples} examples, the same scenarios three ways in one"
        " process (jax): the limit (no-op body), the suite (`examine`: the simulated fit), and"
        " the baseline (a real `keras.Model.fit` driving Keras's callback, the reference in the"
        " simulated fit, compared through the property's projection; see"
        " `benchmarks/fit_baseline.py`). Baseline seconds per scenario: its mean checking time"
        " plus the limit's generation time per scenario. Scenarios per second.",
        "",
    ]
    rows = []
    for callback, entry in baseline["callbacks"].items():
        numbers = baseline_numbers(entry)
        fit, fresh = entry["fit_driven"], entry.get("fit_driven_fresh_model")
        skipped = sum(fit["skipped"].values())
        rows.append(
            [
                f"{callback} (`{entry['property']}`)",
                _number(numbers["limit"]),
                _number(numbers["suite_reference"]),
                _number(numbers["suite_keras"]),
                f"{_number(numbers['baseline'], 2)} ({_times(numbers['speedup'])})",
                f"{_number(numbers['baseline_fresh'], 2)} ({_times(numbers['speedup_fresh'])})",
                f"{fit['agree']} agree, {fit['disagree']} differ, {skipped} not expressible"
                + (f"; fresh: {fresh['agree']} agree, {fresh['disagree']} differ" if fresh else ""),
            ]
        )
    header = [
        "callback (property)",
        "limit",
        "suite vs reference",
        "suite vs keras",
        "real fit, model reused (suite ÷ it)",
        "real fit, model per scenario (suite ÷ it)",
        "baseline's scenarios",
    ]
    lines += _table(header, rows)
    for callback, entry in baseline["callbacks"].items():
        fit = entry["fit_driven"]
        if fit["skipped"]:
            reasons = "; ".join(f"{reason}: {count}" for reason, count in fit["skipped"].items())
            lines.append(f"- {callback}: not expressible in a real fit: {reasons}")
        if fit["first_disagreement"]:
            lines.append(f"- {callback}: first difference: `{fit['first_disagreement'][:400]}`")
    lines.append(f"- Compiled models (reused across scenarios): {baseline['compiled_models']}")
    return lines + [""]


def cli_section(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "## `callback-conformance run keras` (jax), as a subprocess",
        "",
    ]
    table = []
    for row in rows:
        process, summary = row["process"], row["summary"]
        verdicts = ", ".join(f"{count} {name}" for name, count in summary.items() if count)
        table.append(
            [
                f"`--profile {row['profile']}`"
                + (f" `-k {row['pattern']}`" if row["pattern"] else "")
                + (
                    f", TMPDIR on {row['temporary_directory']}"
                    if row.get("temporary_directory")
                    else ""
                ),
                _number(process["wall_seconds"]),
                _number(process["cpu_seconds"]),
                _number(process["max_rss_mb"], 0),
                verdicts or "–",
                str(process["exit_status"]),
                f"{process['load_before']} → {process['load_after']}",
            ]
        )
    header = ["run", "wall s", "CPU s", "peak RSS MB", "clauses", "exit", "load"]
    return lines + _table(header, table)


def scaling_section(scaling: dict[str, Any]) -> list[str]:
    lines = [
        "## Scaling: `examine` on fixed scenarios",
        "",
        "Median seconds of one `examine` (target and reference observed, projections"
        " compared), and in brackets that time per epoch or per batch in milliseconds."
        " *Exponent*: the growth of the time between the two largest sizes (1 is linear).",
        "",
    ]
    for unit, shape in (("epoch", "one batch an epoch, one fit"), ("batch", "one epoch")):
        rows = [row for row in scaling["rows"] if row["unit"] == unit]
        if not rows:
            continue
        sizes = sorted({row["size"] for row in rows})
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for row in rows:
            groups.setdefault((row["case"], row["target"]), []).append(row)
        table = []
        for (case, target), group in groups.items():
            by_size = {row["size"]: row for row in group}
            cells = [_scaling_cell(by_size.get(size)) for size in sizes]
            table.append([case, target, *cells, _number(growth_exponent(group), 2)])
        plural = {"epoch": "epochs", "batch": "batches"}[unit]
        header = ["scenario", "target", *[f"{size:,} {plural}" for size in sizes], "exponent"]
        lines += [f"Per {unit} ({shape}):", ""] + _table(header, table)
    return lines


def _scaling_cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return "–"
    cell = f"{row['seconds']:.3f} s ({1000 * row['seconds_per_unit']:.3f} ms)"
    return cell + (" FAIL" if row["failure"] else "")


def growth_exponent(rows: list[dict[str, Any]]) -> float:
    """log(t2 / t1) / log(n2 / n1) over the two largest sizes."""
    ordered = sorted(rows, key=lambda row: row["size"])
    if len(ordered) < 2:
        return math.nan
    small, large = ordered[-2], ordered[-1]
    if small["seconds"] <= 0 or small["size"] == large["size"]:
        return math.nan
    return math.log(large["seconds"] / small["seconds"]) / math.log(large["size"] / small["size"])


def profile_section(profile: dict[str, Any]) -> list[str]:
    if "skipped" in profile:
        return ["## Where the time goes", "", f"Skipped: {profile['skipped']}", ""]
    runs = profile["runs"]
    lines = [
        "## Where the time goes",
        "",
        "One property per callback under py-spy (sampling, idle time included, the warm-up"
        " left out), against reference and against keras; each sample goes to the category of"
        " its innermost matching frame (`benchmarks/costs.py`). Milliseconds per scenario"
        " (a sample's share of the run's measured time, divided by its scenarios).",
        "",
    ]
    for run in runs:
        timed = run["run"]
        each = 1000 * timed["seconds"] / max(timed["examples"], 1)
        lines.append(
            f"- {run['callback']} against {run['target']}: `{run['property']}`,"
            f" {timed['examples']} scenarios in {timed['seconds']:.2f} s ({each:.1f} ms each)"
        )
    lines.append("")
    totals: dict[str, float] = {}
    for run in runs:
        for row in run["categories"]:
            totals[row["category"]] = totals.get(row["category"], 0.0) + row["ms_per_scenario"]
    header = ["category"] + [f"{_short(run['callback'])} {run['target']}" for run in runs]
    table = []
    for category in sorted(totals, key=lambda name: -totals[name]):
        cells = []
        for run in runs:
            found = [row for row in run["categories"] if row["category"] == category]
            cells.append(f"{found[0]['ms_per_scenario']:.1f}" if found else "–")
        table.append([category, *cells])
    table.append(
        ["**all**"]
        + [
            f"**{1000 * run['run']['seconds'] / max(run['run']['examples'], 1):.1f}**"
            for run in runs
        ]
    )
    return lines + _table(header, table)


def _short(callback: str) -> str:
    """EarlyStopping -> ES."""
    return "".join(letter for letter in callback if letter.isupper())


def targets_section(result: dict[str, Any]) -> list[str]:
    """The issue's targets, met or not, from what this run measured."""
    lines = ["## Targets", ""]
    reference = result.get("rates", {}).get("reference")
    if reference:
        for callback in TARGET_CALLBACKS:
            numbers = callback_rates(reference, callback)
            if numbers:
                share = numbers[1] / numbers[0]
                verdict = "met" if share >= LIMIT_SHARE_TARGET else "NOT met"
                lines.append(
                    f"- {callback} against reference at ≥ 60 % of the limit: {_percent(share)},"
                    f" {verdict}"
                )
    baseline = result.get("baseline")
    if baseline:
        for callback, entry in baseline["callbacks"].items():
            speedups = baseline_numbers(entry)
            for key, variant in (
                ("speedup", "model reused"),
                ("speedup_fresh", "model per scenario"),
            ):
                speedup = speedups[key]
                verdict = "met" if speedup >= BASELINE_SPEEDUP_TARGET else "NOT met"
                lines.append(
                    f"- {callback}: suite (vs keras) ≥ 100× the fit-driven baseline ({variant}):"
                    f" {_times(speedup)}, {verdict}"
                )
    for row in result.get("cli", []):
        limit = CLI_TARGETS.get(row["profile"])
        if limit is None or row["pattern"] or row.get("temporary_directory"):
            continue
        wall = row["process"]["wall_seconds"]
        verdict = "met" if wall < limit else "NOT met"
        lines.append(
            f"- `--profile {row['profile']}` against keras under {limit:.0f} s: {wall:.0f} s,"
            f" {verdict}"
        )
    scaling = result.get("scaling")
    if scaling:
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for row in scaling["rows"]:
            groups.setdefault((row["case"], row["target"]), []).append(row)
        worst = max(
            ((growth_exponent(rows), key) for key, rows in groups.items()),
            key=lambda pair: -math.inf if math.isnan(pair[0]) else pair[0],
            default=None,
        )
        if worst is not None:
            exponent, (case, target) = worst
            verdict = "linear" if exponent <= LINEAR_EXPONENT else "NOT linear"
            lines.append(
                f"- Scaling: largest growth exponent {exponent:.2f} ({case}, {target}): {verdict}"
            )
    return lines + [""]


def markdown(result: dict[str, Any]) -> str:
    sizes = result["sizes"]
    lines = ["# Benchmark: the conformance suite against its limits", ""]
    lines += machine_section(result)
    lines += targets_section(result)
    if "rates" in result:
        lines += rates_section(result["rates"], sizes["examples"])
    if "baseline" in result:
        lines += baseline_section(result["baseline"], sizes["examples"], sizes["fresh_examples"])
    if "cli" in result:
        lines += cli_section(result["cli"])
    if "scaling" in result:
        lines += scaling_section(result["scaling"])
    if "profile" in result:
        lines += profile_section(result["profile"])
    lines += ["## Reproduce", "", "```sh", *result["commands"], "```", ""]
    return "\n".join(lines)

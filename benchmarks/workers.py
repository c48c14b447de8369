"""The measurements that run inside one Python process, each in its own subprocess
(`python -m benchmarks.measure worker KIND SPEC.json RESULT.json`): `KERAS_BACKEND`
is read when Keras is first imported, so every backend needs a fresh process.

* `rates`: per callback, every group of properties (those drawing from one strategy) run
  by `conformance.runner.run_group` twice, side by side: once with `examine` replaced by
  a no-op (the limit: Hypothesis drawing the same scenarios, same seed, same settings)
  and once as the suite runs it.
* `baseline`: the fit-driven baseline (`benchmarks.fit_baseline`) beside the limit and
  the suite, for one property per callback.
* `scaling`: `examine` on the fixed scenarios of `benchmarks.scaling`, per size.
* `profile`: one property run against a target (what py-spy samples).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import statistics
import sys
import time
from collections.abc import Iterator
from typing import Any
from unittest import mock


def quiet_logs() -> None:
    """TensorFlow and absl warnings (legacy HDF5 saves, ...) off: they say nothing about
    speed and would flood the benchmark's output."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    logging.getLogger("absl").setLevel(logging.ERROR)
    logging.getLogger("tensorflow").setLevel(logging.ERROR)


@contextlib.contextmanager
def no_op_body() -> Iterator[None]:
    """`run_property` with `examine` replaced by a function that checks nothing: what is
    left is Hypothesis generating the scenarios (and the runner's own bookkeeping)."""
    from conformance import runner
    from conformance.harness.observe import Observation
    from conformance.results import Examination

    def unexamined(
        prop: Any, target: Any, scenario: Any, scenario_timeout: Any = None, fresh: bool = False
    ) -> Any:
        return Examination(Observation(), None, None)

    with mock.patch.object(runner, "examine", unexamined):
        yield


def timed_property(prop: Any, target: Any, examples: int) -> dict[str, Any]:
    """One `run_property` (derandomized, as `callback-conformance run` without --seed):
    its verdict, the scenarios it ran, and the wall and CPU seconds it took (CPU time
    leaves out waiting: for the disk, or for a core on a busy machine)."""
    from conformance.runner import DEFAULT_SCENARIO_TIMEOUT, run_property

    started, cpu_started = time.perf_counter(), time.process_time()
    result = run_property(prop, target, examples, None, True, DEFAULT_SCENARIO_TIMEOUT)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    return {
        "property": prop.name,
        "verdict": result.verdict,
        "examples": result.examples,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,  # this process's, all its threads
        "reason": result.reason[:300],
    }


def timed_group(group: list[Any], target: Any, examples: int) -> dict[str, Any]:
    """One `run_group`, as `callback-conformance run` runs the properties of a strategy:
    the properties' verdicts, the scenarios they judged (a scenario judged by k
    properties counts k times), and the wall and CPU seconds it took."""
    from conformance.runner import DEFAULT_SCENARIO_TIMEOUT, run_group

    started, cpu_started = time.perf_counter(), time.process_time()
    results = run_group(group, target, examples, None, True, DEFAULT_SCENARIO_TIMEOUT)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    failed = [result for result in results if result.verdict != "pass"]
    return {
        "property": ", ".join(prop.name for prop in group),
        "verdict": "pass" if not failed else "fail",
        "examples": sum(result.examples for result in results),
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "reason": "; ".join(result.reason[:300] for result in failed),
    }


def _properties_of(callback: str) -> list[Any]:
    from conformance.properties import PROPERTIES

    return [prop for prop in PROPERTIES if prop.callback == callback]


def _warm_up(target: Any, callback: str, examples: int) -> float:
    """Untimed first use: imports, the target's warm-up, first-call caches."""
    started = time.perf_counter()
    timed_property(_properties_of(callback)[0], target, examples)
    return time.perf_counter() - started


def rates(spec: dict[str, Any]) -> dict[str, Any]:
    from conformance.runner import strategy_groups
    from conformance.running import in_process
    from conformance.targets import resolve

    running = in_process(resolve(spec["target"]))
    target = running.target
    callbacks: dict[str, Any] = {}
    for callback in spec["callbacks"]:
        if target.classes.get(callback) is None:
            callbacks[callback] = {"not_run": target.not_run.get(callback, "class absent")}
            continue
        warm_up = _warm_up(running, callback, spec["warmup_examples"])
        limit, suite = [], []
        for group in strategy_groups(_properties_of(callback)):
            with no_op_body():
                limit.append(timed_group(group, running, spec["examples"]))
            suite.append(timed_group(group, running, spec["examples"]))
        callbacks[callback] = {"warm_up_seconds": warm_up, "limit": limit, "suite": suite}
    return {"target": running.describe(), "callbacks": callbacks}


def baseline(spec: dict[str, Any]) -> dict[str, Any]:
    from benchmarks.fit_baseline import (
        BASELINE_PROPERTIES,
        BaselineTally,
        RealFitDriver,
        fit_examiner,
    )
    from conformance import runner
    from conformance.properties import PROPERTIES
    from conformance.running import in_process
    from conformance.targets import resolve

    keras_target, reference_target = in_process(resolve("keras")), in_process(resolve("reference"))
    by_name = {prop.name: prop for prop in PROPERTIES}
    driver = RealFitDriver()
    rows: dict[str, Any] = {}
    for callback in spec["callbacks"]:
        prop = by_name[BASELINE_PROPERTIES[callback]]
        warm_up = _warm_up(keras_target, callback, spec["warmup_examples"])
        warm_up += _warm_up(reference_target, callback, spec["warmup_examples"])
        with no_op_body():
            limit = timed_property(prop, keras_target, spec["examples"])
        suite_keras = timed_property(prop, keras_target, spec["examples"])
        suite_reference = timed_property(prop, reference_target, spec["examples"])
        # The real fit's first compile, and the first real save, are not the rate's.
        driver_warm_up = BaselineTally()
        started = time.perf_counter()
        with mock.patch.object(
            runner, "examine", fit_examiner(driver, driver_warm_up, keras_target.target)
        ):
            timed_property(prop, keras_target, spec["warmup_examples"])
        warm_up += time.perf_counter() - started
        tally = BaselineTally()
        with mock.patch.object(runner, "examine", fit_examiner(driver, tally, keras_target.target)):
            fit_driven = timed_property(prop, keras_target, spec["examples"])
        fresh_driver, fresh_tally = RealFitDriver(fresh_model_per_scenario=True), BaselineTally()
        examiner = fit_examiner(fresh_driver, fresh_tally, keras_target.target)
        with mock.patch.object(runner, "examine", examiner):
            fresh = timed_property(prop, keras_target, spec["fresh_examples"])
        rows[callback] = {
            "property": prop.name,
            "warm_up_seconds": warm_up,
            "limit": limit,
            "suite_keras": suite_keras,
            "suite_reference": suite_reference,
            "fit_driven": fit_driven | _tallied(tally),
            "fit_driven_fresh_model": fresh | _tallied(fresh_tally),
        }
    return {"callbacks": rows, "compiled_models": driver.compiled}


def _tallied(tally: Any) -> dict[str, Any]:
    return {
        "checked": tally.checked,
        "agree": tally.agree,
        "disagree": tally.disagree,
        "skipped": tally.skipped,
        "checking_seconds": tally.seconds,
        "first_disagreement": tally.first_disagreement,
    }


def scaling(spec: dict[str, Any]) -> dict[str, Any]:
    from benchmarks.scaling import CASES
    from conformance.properties import PROPERTIES
    from conformance.runner import examine
    from conformance.running import in_process
    from conformance.targets import resolve

    by_name = {prop.name: prop for prop in PROPERTIES}
    rows = []
    for target_name in spec["targets"]:
        running = in_process(resolve(target_name))
        target = running.target
        for case in CASES:
            if case.callback not in spec["callbacks"] or target.classes.get(case.callback) is None:
                continue
            if target.warm_up is not None:
                target.warm_up(case.callback)
            prop = by_name[case.property]
            sizes = spec["epoch_sizes"] if case.unit == "epoch" else spec["batch_sizes"]
            examine(prop, running, case.scenario(sizes[0]), None)  # first use: untimed
            for size in sizes:
                scenario = case.scenario(size)
                times, failure = [], None
                for _ in range(spec["repeats"]):
                    started = time.perf_counter()
                    failure = examine(prop, running, scenario, None).failure
                    times.append(time.perf_counter() - started)
                    if sum(times) > spec["max_seconds_per_size"]:
                        break
                seconds = statistics.median(times)
                rows.append(
                    {
                        "target": target_name,
                        "case": case.name,
                        "property": case.property,
                        "unit": case.unit,
                        "size": size,
                        "repeats": len(times),
                        "seconds": seconds,
                        "seconds_per_unit": seconds / size,
                        "failure": None if failure is None else failure[:300],
                    }
                )
    return {"rows": rows}


def profile(spec: dict[str, Any]) -> dict[str, Any]:
    from conformance.properties import PROPERTIES
    from conformance.running import in_process
    from conformance.targets import resolve

    target = in_process(resolve(spec["target"]))
    prop = next(p for p in PROPERTIES if p.name == spec["property"])
    warm_up = _warm_up(target, prop.callback, spec["warmup_examples"])
    print("profiled run starts", file=sys.stderr, flush=True)
    return {"warm_up_seconds": warm_up, "run": timed_property(prop, target, spec["examples"])}


WORKERS = {"rates": rates, "baseline": baseline, "scaling": scaling, "profile": profile}


def main(kind: str, spec_path: str, result_path: str) -> int:
    quiet_logs()
    with open(spec_path) as source:
        spec = json.load(source)
    result = WORKERS[kind](spec)
    with open(result_path, "w") as out:
        json.dump(result, out, indent=1)
    return 0

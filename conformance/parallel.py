"""Properties run in worker processes: `callback-conformance run --jobs N`.

Each property is one task. A worker resolves the target once (by its spec, as the
command line does) and runs the properties it is given exactly as a sequential run
would: each property draws its examples from its own seed (`conformance.runner`), so
which worker runs it, and when, changes nothing, and the verdicts, counterexamples and
example counts are those of `--jobs 1`. Results come back in the properties' order.

Workers are started with `spawn`, not `fork`: JAX and TensorFlow start threads that a
forked child does not carry.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from conformance.properties import PROPERTIES
from conformance.properties.base import Property
from conformance.runner import PropertyResult, run_property
from conformance.targets import Target, resolve

_target: Target | None = None  # the worker's target, resolved once


def _start_worker(spec: str, path: list[str], hypothesis_home: str | None) -> None:
    global _target
    sys.path[:] = path
    if hypothesis_home is not None:
        from hypothesis import configuration

        configuration.set_hypothesis_home_dir(hypothesis_home)
    _target = resolve(spec)


def _run_one(
    name: str, examples: int, seed: int | None, scenario_timeout: float | None
) -> tuple[str, int, str, Any]:
    assert _target is not None
    prop = next(prop for prop in PROPERTIES if prop.name == name)
    result = run_property(prop, _target, examples, seed, scenario_timeout=scenario_timeout)
    return result.verdict, result.examples, result.reason, result.counterexample


def run_parallel(
    spec: str,
    properties: Sequence[Property],
    examples: int,
    random_seed: int | None,
    jobs: int,
    progress: Callable[[int, int, Property], None] | None = None,
    scenario_timeout: float | None = None,
    hypothesis_home: str | None = None,
) -> list[PropertyResult]:
    """`conformance.runner.run` for the target named `spec`, in `jobs` processes."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_start_worker,
        initargs=(spec, list(sys.path), hypothesis_home),
    ) as pool:
        futures = [
            pool.submit(_run_one, prop.name, examples, random_seed, scenario_timeout)
            for prop in properties
        ]
        results = []
        for number, (prop, future) in enumerate(zip(properties, futures, strict=True)):
            if progress is not None:
                progress(number, len(properties), prop)
            try:
                verdict, ran, reason, counterexample = future.result()
            except Exception as error:  # the worker died, or its result could not travel
                verdict, ran, counterexample = "fail", 0, None
                reason = f"error while checking in a worker: {type(error).__name__}: {error}"
            results.append(PropertyResult(prop, verdict, ran, reason, counterexample))
    return results

"""Properties run in worker processes: `callback-conformance run --jobs N`.

The properties of each callback (`conformance.runner.run_group`, which blames their
differences together) are one task. A worker is the suite's, not the target's: it starts
the target in worker processes of its own (`conformance.worker.connect`, as the command
line does) and runs the tasks it is given exactly as a sequential run would:
each strategy draws its examples from its own seed, so which worker runs it, and when,
changes nothing, and the verdicts, counterexamples and example counts are those of
`--jobs 1`. Results come back in the properties' order.

Workers are started with `spawn`, not `fork`: JAX and TensorFlow start threads that a
forked child does not carry.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.util import Finalize
from typing import Any

from conformance.properties import PROPERTIES
from conformance.properties.base import Property
from conformance.results import ClauseOutcome, PropertyResult
from conformance.runner import callback_groups, run_group
from conformance.running import RunningTarget
from conformance.targets import TargetOptions
from conformance.worker import Deadline, connect
from conformance.worker.server import die_with_parent

_running: RunningTarget | None = None  # the target this worker checks, connected once


def _start_worker(
    spec: str,
    path: list[str],
    hypothesis_home: str | None,
    divergences: str | None,
    sandboxed: bool,
    deadline: Deadline | None,
    options: TargetOptions | None,
) -> None:
    global _running
    die_with_parent()
    sys.path[:] = path
    if hypothesis_home is not None:
        from hypothesis import configuration

        configuration.set_hypothesis_home_dir(hypothesis_home)
    _running = connect(spec, path, sandboxed, deadline, options=options)
    # The target's processes are stopped when this one ends (multiprocessing runs
    # its finalizers, not atexit's).
    Finalize(None, _running.host.close, exitpriority=10)
    if divergences is not None:  # checked by the parent: the scopes of its declarations
        from conformance import divergences as declared

        declared.scope(declared.load(divergences), _running)


def _run_group(
    names: list[str], examples: int, seed: int | None, scenario_timeout: float | None
) -> list[tuple[str, int, str, Any, Any]]:
    assert _running is not None
    group = [next(prop for prop in PROPERTIES if prop.name == name) for name in names]
    results = run_group(group, _running, examples, seed, scenario_timeout=scenario_timeout)
    return [
        (result.verdict, result.examples, result.reason, result.counterexample, result.clauses)
        for result in results
    ]


def run_parallel(
    spec: str,
    properties: Sequence[Property],
    examples: int,
    random_seed: int | None,
    jobs: int,
    progress: Callable[[int, int, Property], None] | None = None,
    scenario_timeout: float | None = None,
    hypothesis_home: str | None = None,
    divergences: str | None = None,
    sandboxed: bool = False,
    deadline: Deadline | None = None,
    options: TargetOptions | None = None,
) -> list[PropertyResult]:
    """`conformance.runner.run` for the target named `spec` (as `options` make it), in
    `jobs` processes (with the scopes of the declarations in the `divergences` file, if
    given)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_start_worker,
        initargs=(spec, list(sys.path), hypothesis_home, divergences, sandboxed, deadline, options),
    ) as pool:
        groups = callback_groups(properties)
        futures = [
            pool.submit(
                _run_group, [prop.name for prop in group], examples, random_seed, scenario_timeout
            )
            for group in groups
        ]
        results: dict[str, PropertyResult] = {}
        for group, future in zip(groups, futures, strict=True):
            if progress is not None:
                progress(properties.index(group[0]), len(properties), group[0])
            try:
                outcomes = _result(future)
            except Exception as error:  # the worker died, or its result could not travel
                reason = f"error while checking in a worker: {type(error).__name__}: {error}"
                outcomes = [
                    (
                        "fail",
                        0,
                        reason,
                        None,
                        {c: ClauseOutcome(c, "fail", 0, reason) for c in p.clauses},
                    )
                    for p in group
                ]
            for prop, (verdict, ran, reason, counterexample, clauses) in zip(
                group, outcomes, strict=True
            ):
                results[prop.name] = PropertyResult(
                    prop, verdict, ran, reason, counterexample, clauses
                )
    return [results[prop.name] for prop in properties]


def _result(future: Future[Any]) -> Any:
    """The future's result; on Ctrl-C or SIGTERM, the pool's processes are killed first
    (their target workers die with them), so that leaving the pool does not wait for
    their tasks."""
    try:
        return future.result()
    except (KeyboardInterrupt, SystemExit):
        for child in multiprocessing.active_children():
            child.kill()
        raise

"""Measure the conformance suite against its limits, in one run, side by side.

    python -m benchmarks.measure            # the real measurement (about 25 minutes)
    python -m benchmarks.measure --quick    # a smoke run at tiny sizes (about a minute)
    tox -e bench                            # the same as the first

Sections (`--sections`, comma-separated; all by default):

* `rates`: scenarios checked per second, per callback, against `reference`, and against
  `keras` on the jax and on the numpy backend, each beside the limit (the same
  properties with a no-op body: Hypothesis generating the same scenarios), each target
  in its own subprocess.
* `baseline`: the fit-driven baseline (`benchmarks/fit_baseline.py`): the scenarios of
  one property per callback checked through a real `keras.Model.fit`, beside the limit
  and the suite.
* `cli`: wall time, CPU time and peak memory of `callback-conformance run keras` at each
  profile, as a subprocess (`os.wait4`'s resource usage: the child's own max RSS).
* `scaling`: `examine` on fixed scenarios of 10 to 1,000 epochs and 1 to 10,000
  batches (`benchmarks/scaling.py`), per epoch and per batch.
* `profile`: one property run against `reference` and against `keras` under py-spy
  (sampling, idle time included), the samples put into cost categories.

Writes `benchmarks/results/latest.json` and `latest.md` (`--output-dir` elsewhere).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
SECTIONS = ("rates", "baseline", "cli", "scaling", "profile")
CALLBACKS = ("EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard")
BASELINE_CALLBACKS = ("EarlyStopping", "LearningRateScheduler", "ModelCheckpoint")
PACKAGES = (
    "keras",
    "jax",
    "jaxlib",
    "tensorflow-cpu",
    "tensorflow",
    "tensorboard",
    "hypothesis",
    "numpy",
    "h5py",
    "py-spy",
)
PROFILED_PROPERTIES = {  # one per callback, profiled against reference and keras
    "EarlyStopping": "early_stopping.stops-where-keras-stops",
    "LearningRateScheduler": "learning_rate_scheduler.sets-the-rates-keras-sets",
    "ModelCheckpoint": "model_checkpoint.saves-where-keras-saves",
    "TensorBoard": "tensorboard.epoch-scalars-as-keras",
}


@dataclass(frozen=True)
class Sizes:
    """How much each section measures."""

    examples: int  # per property, in `rates` and `baseline`
    warmup_examples: int
    cli_runs: tuple[tuple[str, str | None, bool], ...]  # (profile, -k pattern, TMPDIR on tmpfs)
    epoch_sizes: tuple[int, ...]
    batch_sizes: tuple[int, ...]
    repeats: int  # per scaling size (the median is kept)
    max_seconds_per_size: float
    profile_examples: int
    fresh_examples: int  # the baseline with a model built and compiled per scenario
    sampling_rate: int = 250  # py-spy samples per second


DEFAULT_SIZES = Sizes(
    examples=100,
    warmup_examples=5,
    cli_runs=(
        ("quick", None, False),
        ("default", None, False),
        ("thorough", None, False),
        ("quick", None, True),
        ("default", None, True),
    ),
    epoch_sizes=(10, 100, 1000),
    batch_sizes=(1, 100, 10_000),
    repeats=3,
    max_seconds_per_size=30.0,
    profile_examples=100,
    fresh_examples=20,
)
QUICK_SIZES = Sizes(
    examples=3,
    warmup_examples=1,
    cli_runs=(("quick", "learning_rate_scheduler.verbose.messages", False),),
    epoch_sizes=(2, 8),
    batch_sizes=(1, 16),
    repeats=1,
    max_seconds_per_size=5.0,
    profile_examples=3,
    fresh_examples=2,
    sampling_rate=100,
)


# --------------------------------------------------------------------------------------
# Subprocesses
# --------------------------------------------------------------------------------------


@dataclass
class ChildUsage:
    """What a child process used: wall seconds, CPU seconds, peak resident memory."""

    command: list[str]
    exit_status: int
    wall_seconds: float
    cpu_seconds: float
    max_rss_mb: float
    load_before: str = ""
    load_after: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def load_average() -> str:
    """The 1, 5 and 15 minute load averages."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return " ".join(f"{load:.2f}" for load in os.getloadavg())


def environment(backend: str, scratch: Path, temporary: Path | None = None) -> dict[str, str]:
    """The child's environment: the backend, a private KERAS_HOME and Hypothesis
    directory, quiet TensorFlow, and TMPDIR `temporary` if given (where the suite's
    per-observation workspaces go)."""
    env = dict(os.environ)
    if temporary is not None:
        env["TMPDIR"] = tempfile.mkdtemp(prefix="bench-tmp-", dir=temporary)
    keras_home = tempfile.mkdtemp(prefix="keras-home-", dir=scratch)
    hypothesis_home = tempfile.mkdtemp(prefix="hypothesis-", dir=scratch)
    env.update(
        KERAS_BACKEND=backend,
        KERAS_HOME=keras_home,
        HYPOTHESIS_STORAGE_DIRECTORY=hypothesis_home,
        TF_CPP_MIN_LOG_LEVEL="3",
        TF_ENABLE_ONEDNN_OPTS="0",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    )
    return env


def run_child(
    command: list[str], env: dict[str, str], stdout: Any = None, cwd: Path = ROOT
) -> ChildUsage:
    """Run `command` and measure it with `os.wait4` (its own resource usage, and that of
    the children it waited for)."""
    before = load_average()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=stdout)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return ChildUsage(
        command=command,
        exit_status=process.returncode,
        wall_seconds=wall,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        max_rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        load_before=before,
        load_after=load_average(),
    )


def run_worker(
    kind: str,
    spec: dict[str, Any],
    backend: str,
    scratch: Path,
    prefix: list[str] | None = None,
    temporary: Path | None = None,
) -> tuple[dict[str, Any], ChildUsage]:
    """Run `benchmarks.workers.<kind>(spec)` in a subprocess on `backend`."""
    directory = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=scratch))
    spec_path, result_path = directory / "spec.json", directory / "result.json"
    spec_path.write_text(json.dumps(spec))
    command = [
        *(prefix or []),
        sys.executable,
        "-m",
        "benchmarks.measure",
        "worker",
        kind,
        str(spec_path),
        str(result_path),
    ]
    env = environment(backend, scratch, temporary)
    try:
        usage = run_child(command, env)
    finally:
        if temporary is not None:
            shutil.rmtree(env["TMPDIR"], ignore_errors=True)
    if usage.exit_status != 0 or not result_path.exists():
        raise RuntimeError(f"worker {kind} ({backend}) failed with status {usage.exit_status}")
    return json.loads(result_path.read_text()), usage


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------


def tmpfs_directory() -> Path | None:
    """A directory on tmpfs (`/dev/shm`), for the runs that show what the workspaces cost
    on the default temporary directory; None where there is none."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and _filesystem(str(shm)).startswith("tmpfs"):
        return shm
    return None


def measure_rates(sizes: Sizes, scratch: Path, callbacks: list[str]) -> dict[str, Any]:
    runs = {}
    shm = tmpfs_directory()
    variants: list[tuple[str, str, str, Path | None]] = [
        ("reference", "reference", "jax", None),
        ("keras-jax", "keras", "jax", None),
        ("keras-numpy", "keras", "numpy", None),
    ]
    if shm is not None:
        variants.append(("reference, TMPDIR on tmpfs", "reference", "jax", shm))
    for label, target, backend, temporary in variants:
        say(f"rates: {label}")
        spec = {
            "target": target,
            "callbacks": callbacks,
            "examples": sizes.examples,
            "warmup_examples": sizes.warmup_examples,
        }
        result, usage = run_worker("rates", spec, backend, scratch, temporary=temporary)
        runs[label] = result | {
            "backend": backend,
            "temporary_directory": str(temporary) if temporary else None,
            "process": asdict(usage),
        }
    return runs


def measure_baseline(sizes: Sizes, scratch: Path, callbacks: list[str]) -> dict[str, Any]:
    say("baseline: limit, suite and real fits (jax)")
    spec = {
        "callbacks": [callback for callback in BASELINE_CALLBACKS if callback in callbacks],
        "examples": sizes.examples,
        "warmup_examples": sizes.warmup_examples,
        "fresh_examples": sizes.fresh_examples,
    }
    result, usage = run_worker("baseline", spec, "jax", scratch)
    return result | {"backend": "jax", "process": asdict(usage)}


def conformance_command() -> list[str]:
    """`callback-conformance` as installed beside this Python, else `python -m conformance`."""
    script = Path(sys.executable).parent / "callback-conformance"
    return [str(script)] if script.exists() else [sys.executable, "-m", "conformance"]


def measure_cli(sizes: Sizes, scratch: Path, callbacks: list[str]) -> list[dict[str, Any]]:
    """The command line on every callback (its `-k` aside): `callbacks` does not apply."""
    rows = []
    shm = tmpfs_directory()
    for profile, pattern, on_tmpfs in sizes.cli_runs:
        if on_tmpfs and shm is None:
            continue
        temporary = shm if on_tmpfs else None
        report = Path(tempfile.mkdtemp(prefix="cli-", dir=scratch)) / "report.json"
        command = [*conformance_command(), "run", "keras", "--profile", profile]
        if pattern:
            command += ["-k", pattern]
        command += ["--json", str(report)]
        say(f"cli: {' '.join(command[1:])}" + (" (TMPDIR on tmpfs)" if on_tmpfs else ""))
        env = environment("jax", scratch, temporary)
        try:
            with open(os.devnull, "w") as discard:
                usage = run_child(command, env, stdout=discard)
        finally:
            if temporary is not None:
                shutil.rmtree(env["TMPDIR"], ignore_errors=True)
        summary: dict[str, Any] = {}
        if report.exists():
            summary = json.loads(report.read_text()).get("summary", {})
        rows.append(
            {
                "profile": profile,
                "pattern": pattern,
                "temporary_directory": str(temporary) if temporary else None,
                "summary": summary,
                "process": asdict(usage),
            }
        )
    return rows


def measure_scaling(sizes: Sizes, scratch: Path, callbacks: list[str]) -> dict[str, Any]:
    say("scaling: reference and keras (jax)")
    spec = {
        "targets": ["reference", "keras"],
        "callbacks": callbacks,
        "epoch_sizes": list(sizes.epoch_sizes),
        "batch_sizes": list(sizes.batch_sizes),
        "repeats": sizes.repeats,
        "max_seconds_per_size": sizes.max_seconds_per_size,
    }
    result, usage = run_worker("scaling", spec, "jax", scratch)
    return result | {"process": asdict(usage)}


def measure_profile(sizes: Sizes, scratch: Path, callbacks: list[str]) -> dict[str, Any]:
    from benchmarks.costs import categorize, read_collapsed

    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        return {"skipped": "py-spy is not installed"}
    runs = []
    for callback in callbacks:
        for target in ("reference", "keras"):
            prop = PROFILED_PROPERTIES[callback]
            say(f"profile: {prop} against {target} under py-spy")
            samples = Path(tempfile.mkdtemp(prefix="py-spy-", dir=scratch)) / "samples.txt"
            prefix = [py_spy, "record", "--format", "raw", "--idle", "--nonblocking"]
            prefix += ["-r", str(sizes.sampling_rate), "-o", str(samples), "--"]
            spec = {
                "target": target,
                "property": prop,
                "examples": sizes.profile_examples,
                "warmup_examples": sizes.warmup_examples,
            }
            result, usage = run_worker("profile", spec, "jax", scratch, prefix=prefix)
            stacks = read_collapsed(samples)
            timed = result["run"]
            runs.append(
                result
                | {
                    "callback": callback,
                    "target": target,
                    "property": prop,
                    "categories": categorize(stacks, timed["seconds"], timed["examples"]),
                    "process": asdict(usage),
                }
            )
    return {"runs": runs}


# --------------------------------------------------------------------------------------
# The machine
# --------------------------------------------------------------------------------------


def _filesystem(path: str) -> str:
    """The mount (type and options) holding `path`: a temporary directory's removal
    costs very different times on ext4 with `discard` and on tmpfs."""
    best = ("", "unknown", "")
    try:
        for line in Path("/proc/mounts").read_text().splitlines():
            _, mount, kind, options, *_ = line.split()
            if (path == mount or path.startswith(mount.rstrip("/") + "/")) and len(mount) > len(
                best[0]
            ):
                best = (mount, kind, options)
    except OSError:
        pass
    return f"{best[1]} ({best[0]}; {best[2]})"


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    temporary = os.path.realpath(tempfile.gettempdir())
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
        "temporary_directory": temporary,
        "temporary_filesystem": _filesystem(temporary),
        "commit": commit,
    }


# --------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------


def reproduce_commands(quick: bool, sections: list[str], callbacks: list[str]) -> list[str]:
    chosen = "" if sections == list(SECTIONS) else f" --sections {','.join(sections)}"
    if callbacks != list(CALLBACKS):
        chosen += f" --callbacks {','.join(callbacks)}"
    flag = " --quick" if quick else ""
    return [
        "python3.11 -m venv .venv && .venv/bin/pip install -e '.[test]' py-spy",
        f"KERAS_BACKEND=jax .venv/bin/python -m benchmarks.measure{flag}{chosen}",
        "tox -e bench" + (f" --{flag}{chosen}" if flag or chosen else ""),
    ]


def main(argv: list[str] | None = None) -> int:
    arguments = argv if argv is not None else sys.argv[1:]
    if arguments[:1] == ["worker"]:
        from benchmarks.workers import main as worker_main

        return worker_main(*arguments[1:4])
    parser = argparse.ArgumentParser(prog="python -m benchmarks.measure", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument(
        "--sections", default=",".join(SECTIONS), help=f"comma-separated, of {', '.join(SECTIONS)}"
    )
    parser.add_argument(
        "--callbacks",
        default=",".join(CALLBACKS),
        help="comma-separated callbacks measured (all four by default; the cli section runs all)",
    )
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    args = parser.parse_args(arguments)
    sections = [s for s in args.sections.split(",") if s]
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown sections: {', '.join(unknown)}")
    callbacks = [c for c in args.callbacks.split(",") if c]
    if not callbacks or set(callbacks) - set(CALLBACKS):
        parser.error(f"--callbacks: a comma-separated selection of {', '.join(CALLBACKS)}")
    sizes = QUICK_SIZES if args.quick else DEFAULT_SIZES
    from benchmarks.report import markdown

    started = time.perf_counter()
    result: dict[str, Any] = {
        "schema": "callback-conformance/benchmarks/1",
        "quick": args.quick,
        "sizes": asdict(sizes),
        "sections": sections,
        "callbacks": callbacks,
        "machine": machine(),
        "load_average_at_start": load_average(),
        "commands": reproduce_commands(args.quick, sections, callbacks),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }
    measures = {
        "rates": measure_rates,
        "baseline": measure_baseline,
        "cli": measure_cli,
        "scaling": measure_scaling,
        "profile": measure_profile,
    }
    with tempfile.TemporaryDirectory(prefix="callback-conformance-bench-") as scratch:
        for section in SECTIONS:
            if section in sections:
                result[section] = measures[section](sizes, Path(scratch), callbacks)
    result["load_average_at_end"] = load_average()
    result["total_seconds"] = time.perf_counter() - started
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "latest.json").write_text(json.dumps(result, indent=1) + "\n")
    (args.output_dir / "latest.md").write_text(markdown(result))
    say(f"wrote {args.output_dir / 'latest.json'} and latest.md in {result['total_seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

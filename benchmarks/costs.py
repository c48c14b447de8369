"""Where a property run's time goes: py-spy's samples put into cost categories.

py-spy (`record --format raw --idle`) writes one line per distinct stack, frames from the
root to the leaf, each `function (file:line)`, then the number of samples. Only the
stacks of the timed run are kept (they pass through `timed_property` and not through the
untimed `_warm_up`). Each sample goes to the category of the frame nearest the leaf that
matches one: time in `os.rmdir` under `shutil.rmtree` under the workspace's
`TemporaryDirectory.cleanup` is workspace time; numpy under Keras's EarlyStopping is the
callback's time; Hypothesis's internals under the strategies are generation. Idle
samples are included: a blocking `rmdir` is time the run waits.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

# (category, function name fragment or "", file fragment); scanned in order for each frame.
CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("write confinement: audit hook", "_audit", "conformance/harness/confinement.py"),
    ("write confinement: audit hook", "Confinement.check", "conformance/harness/confinement.py"),
    ("workspace: per-observation temporary directories", "", "tempfile.py"),
    ("workspace: per-observation temporary directories", "rmtree", "shutil.py"),
    ("workspace: per-observation temporary directories", "", "harness/workspaces.py"),
    ("workspace: per-observation temporary directories", "Confinement", "harness/confinement.py"),
    ("time limit: arming and disarming", "", "conformance/harness/time_limit.py"),
    ("confinement: chdir, TMPDIR, tempfile", "confined", "conformance/harness/confinement.py"),
    ("class-state check (before and after)", "class_state", "conformance/host.py"),
    ("class-state check (before and after)", "_changes", "conformance/host.py"),
    ("event files read back", "", "conformance/harness/events.py"),
    ("run directory listed, checkpoints read", "_files", "conformance/harness/observe.py"),
    ("run directory listed, checkpoints read", "", "conformance/harness/run_files.py"),
    ("run directory listed, checkpoints read", "read_checkpoint", "harness/sim_model.py"),
    ("constructor arguments (deepcopy)", "constructor_arguments", "harness/observe.py"),
    (
        "Keras objects for the simulated model (adapt_for_keras)",
        "adapt_for_keras",
        "adapters/keras.py",
    ),
    ("target cleanup hook", "leave_tensorflow_summary_contexts", "adapters/keras.py"),
    ("run directory listed, checkpoints read", "_checkpoint_text", "harness/sim_model.py"),
    ("simulated model: saves (h5py, zip)", "save", "conformance/harness/sim_model.py"),
    ("simulated model: saves (h5py, zip)", "_write_file", "conformance/harness/sim_model.py"),
    ("simulated model: saves (h5py, zip)", "_checkpoint_bytes", "conformance/harness/sim_model.py"),
    ("simulated model: construction, weights", "", "conformance/harness/sim_model.py"),
    ("callback under test: Keras's code", "", "keras/src/callbacks/"),
    ("callback under test: the reference's code", "", "reference/"),
    ("simulated fit loop (dispatch, logs)", "", "conformance/harness/fit.py"),
    ("observation bookkeeping (paths, warnings, stdout)", "", "conformance/harness/observe.py"),
    ("projection and comparison", "", "conformance/properties/"),
    ("projection and comparison", "comparable", "conformance/host.py"),
    ("Hypothesis: drawing scenarios", "", "conformance/strategies/"),
    ("Hypothesis: drawing scenarios", "", "hypothesis/"),
    ("runner (examine)", "", "conformance/host.py"),
)
OTHER = "other"


def read_collapsed(path: Path) -> Counter[tuple[str, ...]]:
    """py-spy's raw output: stack (root first) -> samples."""
    stacks: Counter[tuple[str, ...]] = Counter()
    if not path.exists():
        return stacks
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[tuple(stack.split(";"))] += int(count)
    return stacks


def _function_and_file(frame: str) -> tuple[str, str]:
    function, _, location = frame.partition(" (")
    return function, location.rstrip(")")


def _in_file(location: str, fragment: str) -> bool:
    """Whether `location` (py-spy shows paths relative to their sys.path entry, e.g.
    `hypothesis/core.py:1081`, `tempfile.py:908`) is in the file or package `fragment`."""
    return location.startswith(fragment) or f"/{fragment}" in location


def category_of(stack: tuple[str, ...]) -> str:
    """The category of the frame nearest the leaf that matches one."""
    for frame in reversed(stack):
        function, location = _function_and_file(frame)
        for name, function_part, file_part in CATEGORIES:
            if _in_file(location, file_part) and function_part in function:
                return name
    return OTHER


def in_timed_run(stack: tuple[str, ...]) -> bool:
    functions = [_function_and_file(frame)[0] for frame in stack]
    return "timed_property" in functions and "_warm_up" not in functions


def categorize(
    stacks: Counter[tuple[str, ...]], seconds: float, examples: int
) -> list[dict[str, Any]]:
    """Per category: samples, share of the timed run, and that share of its `seconds`
    in total and per scenario (largest first)."""
    totals: Counter[str] = Counter()
    for stack, count in stacks.items():
        if in_timed_run(stack):
            totals[category_of(stack)] += count
    samples = sum(totals.values())
    rows = []
    for name, count in totals.most_common():
        share = count / samples
        rows.append(
            {
                "category": name,
                "samples": count,
                "share": share,
                "seconds": share * seconds,
                "ms_per_scenario": 1000 * share * seconds / max(examples, 1),
            }
        )
    return rows

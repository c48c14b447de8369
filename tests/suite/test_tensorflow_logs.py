"""TensorFlow's C++ start-up lines (absl's note, the CPU-feature guard) on stderr drown
what the suite says: the Keras targets, the docs build and the demo quiet them before
TensorFlow loads, unless the user chose a level (`quiet_tensorflow_logs`; issue 20).

Each entry point is imported in a fresh process with the TensorFlow backend, so that
TensorFlow loads there; with jax, Keras initialises absl first and TensorFlow prints
nothing either way, so the check could not fail."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_UP = "cpu_feature_guard"  # in the line TensorFlow's C++ logs as it loads on a CPU

ENTRY_POINTS = {
    "keras target": "from conformance.targets import resolve; resolve('keras')",
    "tf_keras target": "from conformance.targets import resolve; resolve('tf_keras')",
    "docs build": "import tools.docs_site.hook",
    "demo": "import conformance.demo",
}
each_entry_point = pytest.mark.parametrize(
    "entry_point", list(ENTRY_POINTS.values()), ids=list(ENTRY_POINTS)
)


def _stderr(entry_point: str, level: str | None) -> str:
    """What loading TensorFlow after `entry_point` writes on stderr."""
    environment = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    environment |= {"KERAS_BACKEND": "tensorflow", "PYTHONPATH": str(ROOT)}
    if level is not None:
        environment["TF_CPP_MIN_LOG_LEVEL"] = level
    result = subprocess.run(
        [sys.executable, "-c", f"{entry_point}\nimport tensorflow"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stderr


@each_entry_point
def test_tensorflow_loads_quietly_after_it(entry_point: str) -> None:
    assert START_UP not in _stderr(entry_point, level=None)


@each_entry_point
def test_a_level_the_user_chose_is_kept(entry_point: str) -> None:
    """Level 0 shows TensorFlow's lines: also what shows the check above can fail."""
    assert START_UP in _stderr(entry_point, level="0")

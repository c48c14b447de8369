"""The weekly CI recipe of `docs/guide-upgrading-keras.md` (section 5), run as written:
its `compare-installed` step, narrowed with `-k early_stopping` and the old spec pinned to
a release before 3.15.1 so that something changes, and its job-summary step. Each side's
environment installs a Keras with pip, as the recipe does."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide-upgrading-keras.md"


def recipe_steps() -> list[str]:
    """The `run:` commands of the guide's workflow, in order."""
    workflow = GUIDE.read_text(encoding="utf-8").split("```yaml\n")[1].split("```")[0]
    return [m.group(1) for m in re.finditer(r"^\s+(?:- )?run: (.+)$", workflow, re.M)]


@pytest.mark.slow
def test_the_recipe_compares_two_installed_kerases_and_writes_the_summary(
    tmp_path: Path,
) -> None:
    install, compare, summary = recipe_steps()
    assert install.startswith("pip install ")
    words = shlex.split(compare)
    assert words[:2] == ["callback-conformance", "compare-installed"]
    old, new = words[2:4]
    assert (old, new) == ("keras==3.15.1", "keras-nightly")
    # Keras 3.14.1's EarlyStopping stops a second fit early where 3.15.1's does not
    # (`replay` of the old report's counterexample shows it): the run must find it.
    words[2:4] = ["keras==3.14.1", "keras==3.15.1"]
    run = subprocess.run(
        [sys.executable, "-m", "conformance", *words[1:], "-k", "early_stopping"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "KERAS_BACKEND": "jax"},
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 1, run.stdout[-2000:] + run.stderr[-2000:]
    changes = (tmp_path / "changes.md").read_text(encoding="utf-8")
    assert "early_stopping.reuse.resets-per-fit" in changes
    step_summary = tmp_path / "summary.md"
    subprocess.run(
        ["bash", "-c", summary],
        cwd=tmp_path,
        env={**os.environ, "GITHUB_STEP_SUMMARY": str(step_summary)},
        check=True,
    )
    assert step_summary.read_text(encoding="utf-8") == changes


def test_a_spec_pip_cannot_install_is_one_line_and_exit_2(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "conformance", "compare-installed", "keras==0.0.0", "keras"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 2
    assert run.stderr.startswith(
        "callback-conformance: error: old environment: could not install 'keras==0.0.0'"
    )
    assert "Traceback" not in run.stderr and len(run.stderr.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []  # nothing written where the user did not ask

"""A module of Keras subclasses declares itself in one line (`conformance_like = "keras"`)
and is then driven as the `keras` target is; without the line it fails clauses its code
never touched (docs/guide-check-your-implementation.md, section 2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.targets import TargetError, resolve

ROOT = Path(__file__).resolve().parents[2]
HOOKS = ("adapt", "cleanup", "warm_up", "precision", "backend")


def test_a_declared_module_takes_the_keras_targets_hooks() -> None:
    keras, declared = resolve("keras"), resolve("tests.subclass_targets.declared")
    assert {hook: getattr(declared, hook) for hook in HOOKS} == {
        hook: getattr(keras, hook) for hook in HOOKS
    }
    assert declared.classes["EarlyStopping"] is not keras.classes["EarlyStopping"]


def test_an_undeclared_module_takes_none() -> None:
    plain = resolve("tests.subclass_targets.plain")
    assert (plain.adapt, plain.cleanup, plain.warm_up, plain.backend) == (None,) * 4


def test_an_unknown_like_names_the_value_and_the_choices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "like_torch.py").write_text(
        "from reference import EarlyStopping\nconformance_like = 'pytorch'\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(TargetError, match="conformance_like must be one of 'keras'.*'pytorch'"):
        resolve("like_torch")


def _run(target: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conformance", "run", target, "--profile", "quick"]
        # EarlyStopping's properties alone judge the clause here: ModelCheckpoint's would
        # only double the run's time.
        + ["-k", "monitor.mode.auto", "--callbacks", "ES"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "KERAS_HOME": str(tmp_path)},
        timeout=600,
    )


def test_the_line_is_what_makes_keras_subclasses_pass(tmp_path: Path) -> None:
    plain = _run("tests.subclass_targets.plain", tmp_path)
    assert plain.returncode == 1 and "FAIL      monitor.mode.auto" in plain.stdout, plain.stdout
    declared = _run("tests.subclass_targets.declared", tmp_path)
    assert declared.returncode == 0, declared.stdout + declared.stderr
    assert "pass      monitor.mode.auto" in declared.stdout

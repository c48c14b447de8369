"""The poutyne 1.19 adapter against the installed poutyne, and the guide's section 8 (its
code is the adapter's, its command exits 0). Skipped, saying why, without poutyne: the
`poutyne` tox env installs it."""

from __future__ import annotations

import pathlib
import re
import shlex

import pytest

poutyne = pytest.importorskip(
    "poutyne", reason="poutyne is not installed (pip install -e '.[poutyne]', or tox -e poutyne)"
)

from conformance.adapters import poutyne as adapter  # noqa: E402
from conformance.harness.observe import Observation  # noqa: E402
from tests.adapters.runs import ROOT, on_both, run_suite  # noqa: E402

GUIDE = ROOT / "docs" / "guide-check-your-implementation.md"


def _both(callback: str, config: dict, *epochs: dict) -> tuple[Observation, Observation]:
    """The scenario on poutyne (through the adapter) and on the reference."""
    return on_both(adapter, callback, config, list(epochs))


def test_an_infinite_first_value_is_never_best() -> None:
    """Part of the declared early_stopping.nan.first-value-becomes-best divergence: Keras
    takes +inf as best and 5 improves on it; poutyne's best starts at +inf."""
    ours, keras = _both(
        "EarlyStopping",
        {"monitor": "loss", "mode": "min", "patience": 1},
        {"loss": float("inf")},
        {"loss": 5.0},
        {"loss": 4.0},
    )
    assert keras.epochs_run() == [0, 1, 2]
    assert ours.epochs_run() == [0]


def test_poutyne_compares_in_float64() -> None:
    """1 + 2**-30 is 1 in float32: only a float64 comparison sees two improvements."""
    ours, _ = _both(
        "EarlyStopping",
        {"monitor": "loss", "mode": "max", "patience": 0},
        {"loss": 1.0},
        {"loss": 1.0 + 2**-30},
        {"loss": 1.0 + 2**-29},
    )
    assert ours.epochs_run() == [0, 1, 2]


def test_best_only_checkpoints_hold_the_weights_keras_would_save() -> None:
    ours, keras = _both(
        "ModelCheckpoint",
        {
            "filepath": "m.weights.h5",
            "monitor": "loss",
            "mode": "min",
            "save_best_only": True,
            "save_weights_only": True,
        },
        {"loss": 3.0},
        {"loss": 1.0},
        {"loss": 2.0},
    )
    assert ours.error is None
    assert ours.files == keras.files and ours.files["m.weights.h5"].startswith("weights: ")
    assert [c[:2] for c in ours.model_calls] == [c[:2] for c in keras.model_calls]


def test_restore_best_weights_is_best_model_restore() -> None:
    ours, keras = _both(
        "EarlyStopping",
        {"monitor": "loss", "mode": "min", "patience": 1, "restore_best_weights": True},
        {"loss": 1.0},
        {"loss": 2.0},
        {"loss": 3.0},
    )
    assert keras.epochs_run() == ours.epochs_run() == [0, 1]
    assert ours.final_weights == keras.final_weights == 1.0  # after the best epoch's one step


def _section() -> str:
    """The guide's section 8, up to the next section."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text[text.index("## 8. A framework with another hook API") :]
    return section.split("\n## ", 1)[0]


def test_a_pathlike_filename_fails_at_the_first_save() -> None:
    """model_checkpoint.init.filepath-pathlike (declared; its witness is a list, a
    PathLike being no plain data): Keras os.fspath's a PathLike, poutyne keeps it and
    calls its format_map at the first epoch end."""
    config = {
        "filepath": pathlib.PurePosixPath("m.weights.h5"),
        "monitor": "loss",
        "save_weights_only": True,
    }
    ours, _ = _both("ModelCheckpoint", config, {"loss": 1.0})
    assert ours.constructed
    assert ours.error == (
        "AttributeError",
        "'PurePosixPath' object has no attribute 'format_map'",
        "on_epoch_end(0)",
    )


def test_saving_to_a_directory_raises_is_a_directory_error(tmp_path: pathlib.Path) -> None:
    """model_checkpoint.save.directory-error (and the two OSError quirks, declared):
    poutyne opens the file with a plain open() and catches nothing, so a directory as the
    file raises IsADirectoryError, not Keras's OSError asking for a non-directory path.
    (The suite reaches it only through a directory poutyne does not make.)"""
    (tmp_path / "d").mkdir()
    checkpoint = poutyne.ModelCheckpoint(str(tmp_path / "d"), atomic_write=False)
    with pytest.raises(IsADirectoryError):
        checkpoint.on_epoch_end(1, {"loss": 1.0})


def test_the_guides_code_is_the_adapters() -> None:
    (code,) = re.findall(r"```python\n(.*?)```", _section(), re.S)
    source = (ROOT / "conformance" / "adapters" / "poutyne.py").read_text(encoding="utf-8")
    for line in code.splitlines():
        assert line in source.splitlines(), line


def test_the_guides_command_exits_0_with_no_failure() -> None:
    (command,) = re.findall(r"```sh\n(.*?)\n```", _section(), re.S)
    words = shlex.split(command)
    assert words[:3] == ["python", "-m", "conformance"]
    result = run_suite(*words[3:])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert "fail" not in summary and "stale" not in summary.lower(), summary
    assert "14 divergent" in summary, summary

"""Constructor clauses: the same exceptions and warnings (types and texts) as Keras 3.15.1
for the same arguments (tensorboard.profile-batch.*, tensorboard.update-freq.*), on jax
and, where the jax backend discards `profile_batch` unparsed, as the TensorFlow backend
and Python 3.12 parse it."""

from __future__ import annotations

import tempfile
import warnings
from typing import Any

import keras
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference.tensorboard import TensorBoard

PROFILE_BATCH_FORMS = [
    0,
    False,
    True,
    1,
    5,
    -1,
    "5",
    "2,5",
    "0",
    "0,0",
    "",
    "a",
    "1,2,3",
    "5,2",
    (0, 3),
    (2, 5),
    (5, 2),
    (-1, 2),
    [1],
    [],
    (),
    None,
    0.0,
    2.5,
    np.int64(3),
    ("a", "b"),
]
UPDATE_FREQ_FORMS = ["epoch", "batch", 1, 3, 0, -2, 2.5, "steps", True, None]


def _outcome(make: Any) -> tuple[str | None, list[str]]:
    """What a constructor call raised and warned: type and text of each."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            make()
            raised = None
        except Exception as exc:
            raised = f"{type(exc).__name__}: {exc}"
    return raised, [f"{w.category.__name__}: {w.message}" for w in caught]


@given(
    profile_batch=st.sampled_from(PROFILE_BATCH_FORMS),
    update_freq=st.sampled_from(UPDATE_FREQ_FORMS),
)
def test_constructor_raises_and_warns_as_keras(profile_batch: Any, update_freq: Any) -> None:
    log_dir = tempfile.mkdtemp()
    arguments = {"log_dir": log_dir, "profile_batch": profile_batch, "update_freq": update_freq}
    expected = _outcome(lambda: keras.callbacks.TensorBoard(**arguments))
    assert _outcome(lambda: TensorBoard(**arguments)) == expected


class TensorBoardOnTensorFlow(TensorBoard):
    backend = "tensorflow"


def _keras_profile_range(profile_batch: Any) -> tuple[int, int]:
    """Keras's own `_init_profile_batch`, run as the TensorFlow backend (or Python
    >= 3.12) runs it; the profiler warm-up it starts is not part of the parsing."""
    keras_tensorboard = keras.callbacks.TensorBoard.__new__(keras.callbacks.TensorBoard)
    keras_tensorboard._start_profiler = lambda logdir: None
    keras_tensorboard._stop_profiler = lambda save=True: None
    keras_tensorboard._init_profile_batch(profile_batch)
    return keras_tensorboard._start_batch, keras_tensorboard._stop_batch


@pytest.mark.parametrize("profile_batch", PROFILE_BATCH_FORMS, ids=repr)
def test_profile_batch_parsing_matches_keras_where_it_is_reached(profile_batch: Any) -> None:
    try:
        expected: Any = _keras_profile_range(profile_batch)
    except Exception as exc:
        expected = (type(exc), str(exc))
    try:
        reference = TensorBoardOnTensorFlow(tempfile.mkdtemp(), profile_batch=profile_batch)
        actual: Any = (reference._start_batch, reference._stop_batch)
    except Exception as exc:
        actual = (type(exc), str(exc))
    assert actual == expected


def test_single_string_profile_batch_is_rejected_where_parsed() -> None:
    """tensorboard.profile-batch.single-string-rejected: the documented "5" fails."""
    with pytest.raises(ValueError, match="profile_batch must be"):
        TensorBoardOnTensorFlow(tempfile.mkdtemp(), profile_batch="5")


def test_profiling_on_other_backends_is_a_value_error() -> None:
    """Keras L180-187: any truthy profile_batch on torch/numpy raises ValueError."""

    class OnTorch(TensorBoard):
        backend = "torch"

    with pytest.raises(ValueError, match="torch backend"):
        OnTorch(tempfile.mkdtemp(), profile_batch=2)
    OnTorch(tempfile.mkdtemp(), profile_batch=0)


def test_profiling_on_other_backends_says_what_keras_says(monkeypatch: pytest.MonkeyPatch) -> None:
    """The message of that error, against Keras's own constructor told it runs on torch."""
    import keras.src.callbacks.tensorboard as keras_tensorboard

    class OnTorch(TensorBoard):
        backend = "torch"

    arguments = {"log_dir": tempfile.mkdtemp(), "profile_batch": (2, 5)}
    monkeypatch.setattr(keras_tensorboard.backend, "backend", lambda: "torch")
    expected = _outcome(lambda: keras.callbacks.TensorBoard(**arguments))
    monkeypatch.undo()
    assert expected[0] is not None and "torch backend" in expected[0]
    assert _outcome(lambda: OnTorch(**arguments)) == expected


@pytest.mark.parametrize("python", [(3, 11, 13), (3, 12, 0)], ids=["3.11.13", "3.12.0"])
@pytest.mark.parametrize("profile_batch", [(2, 5), "a", 3], ids=repr)
def test_the_python_version_gate_on_jax_is_keras(
    python: tuple[int, int, int], profile_batch: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On jax, Keras drops `profile_batch` with a warning below Python 3.12, and parses it
    from 3.12 on: the same outcome, warning and range under either Python (the profiler
    warm-up Keras then starts is not run)."""
    import types

    import keras.src.callbacks.tensorboard as keras_tensorboard

    import reference.profile_batch

    version = types.SimpleNamespace(version_info=python)
    monkeypatch.setattr(keras_tensorboard, "sys", version)
    monkeypatch.setattr(reference.profile_batch, "sys", version)
    monkeypatch.setattr(keras.callbacks.TensorBoard, "_start_profiler", lambda self, logdir: None)
    monkeypatch.setattr(keras.callbacks.TensorBoard, "_stop_profiler", lambda self, save=True: None)
    made: dict[str, Any] = {}
    for side, cls in (("keras", keras.callbacks.TensorBoard), ("reference", TensorBoard)):
        outcome = _outcome(
            lambda cls=cls, side=side: made.__setitem__(
                side, cls(tempfile.mkdtemp(), profile_batch=profile_batch)
            )
        )
        batches = (made[side]._start_batch, made[side]._stop_batch) if side in made else None
        made[f"{side} outcome"] = (outcome, batches)
    assert made["reference outcome"] == made["keras outcome"]


def test_signature_matches_keras() -> None:
    import inspect

    def parameters(cls: type) -> list[tuple[str, Any]]:
        signature = inspect.signature(cls.__init__)
        return [(p.name, p.default) for p in signature.parameters.values()]

    assert parameters(TensorBoard) == parameters(keras.callbacks.TensorBoard)

"""ModelCheckpoint rule by rule: hand-worked examples every implementation must meet.

Each test runs against Keras 3.15.1's `keras.callbacks.ModelCheckpoint` and the
reference alike; the expected values are worked out from the rule, not taken from
either. Test names carry the clause ids of docs/model_checkpoint.md. Runs of whole fits
go through the conformance harness; a rule about one hook call (an epoch index, logs
no fit passes) calls the hooks directly, on the harness's simulated model.
"""

from __future__ import annotations

import math
import os
import pathlib
import sys
from typing import Any

import numpy as np
import pytest

from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import ModelAdapter, Observation, Scenario
from conformance.harness.sim_model import ModelSpec, SimModel, save_raises
from tests.support.implementations import IMPLEMENTATIONS, callbacks_of, run_on


@pytest.fixture(params=IMPLEMENTATIONS)
def checkpoint(request: pytest.FixtureRequest) -> type:
    return callbacks_of(request.param).ModelCheckpoint


def attach(callback: Any) -> SimModel:
    model = SimModel(ModelSpec())
    callback.set_model(model)
    return model


def saved_paths(model: SimModel, root: pathlib.Path) -> list[str]:
    return [os.path.relpath(call[1], root) for call in model.calls if call[0].startswith("save")]


def fitted(
    checkpoint: type, config: dict[str, Any], *fits: FitPlan, adapt: ModelAdapter | None = None
) -> Observation:
    """The observation of `fits` run through the harness on `checkpoint`'s implementation."""
    scenario = Scenario("ModelCheckpoint", config, ModelSpec(), list(fits))
    return run_on(sys.modules[checkpoint.__module__], scenario, adapt)[1]


def batch_only_fit(epochs: int, steps: int, per_execution: int = 1, initial: int = 0) -> FitPlan:
    return FitPlan([EpochPlan({"loss": 1.0}, batches=steps)] * epochs, initial, per_execution)


# model_checkpoint.init.*


@pytest.mark.parametrize("save_freq", ["batch", 1.5, np.int64(2), None])
def test_init_save_freq_rejects_non_int(checkpoint: type, save_freq: Any) -> None:
    message = (
        f"Unrecognized save_freq: {save_freq}. Expected save_freq are 'epoch' or integer values"
    )
    with pytest.raises(ValueError) as raised:
        checkpoint("m.keras", save_freq=save_freq)
    assert str(raised.value) == message


@pytest.mark.parametrize("save_freq", [0, -3, True, False, 7])
def test_init_save_freq_accepts_any_int(checkpoint: type, save_freq: int) -> None:
    assert checkpoint("m.keras", save_freq=save_freq).save_freq is save_freq


def test_init_save_freq_checked_before_extension(checkpoint: type) -> None:
    with pytest.raises(ValueError, match="Unrecognized save_freq"):
        checkpoint("m.txt", save_freq="batch")


@pytest.mark.parametrize("path", ["m.keras", "m.h5", "m.weights.h5", "{epoch}.h5"])
def test_init_extension_full_model_accepts_keras_and_h5(checkpoint: type, path: str) -> None:
    checkpoint(path)


@pytest.mark.parametrize("path", ["m.hdf5", "m", "m.keras/", "{epoch}.keras.txt"])
def test_init_extension_full_model_message_names_only_keras(checkpoint: type, path: str) -> None:
    with pytest.raises(ValueError) as raised:
        checkpoint(path)
    assert str(raised.value) == (
        "The filepath provided must end in `.keras` (Keras model format). "
        f"Received: filepath={path}"
    )


@pytest.mark.parametrize("path", ["m.keras", "m.h5", "m_weights.h5"])
def test_init_extension_weights_only_needs_weights_h5(checkpoint: type, path: str) -> None:
    with pytest.raises(ValueError) as raised:
        checkpoint(path, save_weights_only=True)
    assert str(raised.value) == (
        "When using `save_weights_only=True` in `ModelCheckpoint`, the filepath provided "
        f"must end in `.weights.h5` (Keras weights format). Received: filepath={path}"
    )


def test_init_filepath_pathlike_becomes_str(checkpoint: type) -> None:
    assert checkpoint(pathlib.Path("a") / "m.keras").filepath == os.path.join("a", "m.keras")


@pytest.mark.parametrize(
    ("path", "error"), [(None, AttributeError), (3, AttributeError), (b"m.keras", TypeError)]
)
def test_init_filepath_other_types_fail_at_extension_check(
    checkpoint: type, path: Any, error: type
) -> None:
    with pytest.raises(error):
        checkpoint(path)


def test_init_unknown_mode_warns_and_uses_auto(checkpoint: type) -> None:
    with pytest.warns(UserWarning) as caught:
        callback = checkpoint("m.keras", mode="MAX")
    assert [str(w.message) for w in caught] == [
        "ModelCheckpoint mode 'MAX' is unknown, fallback to auto mode."
    ]
    assert callback.mode == "auto"


def test_init_threshold_is_initial_best(checkpoint: type) -> None:
    assert checkpoint("m.keras", initial_value_threshold=0.25).best == 0.25


# model_checkpoint.path.*


def test_path_epoch_is_one_based_absolute(checkpoint: type, tmp_path: pathlib.Path) -> None:
    callback = checkpoint(str(tmp_path / "{epoch:02d}-{epoch}.keras"))
    model = attach(callback)
    for epoch in (3, 4):  # a fit with initial_epoch=3
        callback.on_epoch_begin(epoch, {})
        callback.on_epoch_end(epoch, {"val_loss": 1.0})
    assert saved_paths(model, tmp_path) == ["04-4.keras", "05-5.keras"]


def test_path_batch_is_one_based_end_step(checkpoint: type, tmp_path: pathlib.Path) -> None:
    callback = checkpoint(str(tmp_path / "e{epoch}b{batch}.keras"), save_freq=1)
    model = attach(callback)
    callback.on_epoch_begin(0, {})
    for end in (2, 5):  # steps_per_execution=3: executions end at 2 and 5
        callback.on_train_batch_end(end, {"loss": 1.0})
    assert saved_paths(model, tmp_path) == ["e1b3.keras", "e1b6.keras"]


def test_path_logs_batch_wins(checkpoint: type, tmp_path: pathlib.Path) -> None:
    callback = checkpoint(str(tmp_path / "b{batch}.keras"), save_freq=1)
    model = attach(callback)
    callback.on_epoch_begin(0, {})
    callback.on_train_batch_end(0, {"batch": 42, "loss": 1.0})
    assert saved_paths(model, tmp_path) == ["b42.keras"]


def test_path_log_values_with_format_spec(checkpoint: type, tmp_path: pathlib.Path) -> None:
    callback = checkpoint(str(tmp_path / "{epoch}-{val_loss:.3f}-{acc}.keras"))
    model = attach(callback)
    callback.on_epoch_begin(0, {})
    callback.on_epoch_end(0, {"acc": 0.5, "val_loss": 0.25})
    assert saved_paths(model, tmp_path) == ["1-0.250-0.5.keras"]


@pytest.mark.parametrize(
    ("template", "logs", "reason"),
    [
        ("{batch}.keras", {"loss": 1.0}, "'batch'"),  # no batch at epoch level
        ("{val_loss}.keras", {"loss": 1.0}, "'val_loss'"),  # epoch without validation
    ],
)
def test_path_key_error_reworded(
    checkpoint: type, tmp_path: pathlib.Path, template: str, logs: dict[str, Any], reason: str
) -> None:
    path = str(tmp_path / template)
    callback = checkpoint(path)
    model = attach(callback)
    callback.on_epoch_begin(0, {})
    with pytest.raises(KeyError) as raised:
        callback.on_epoch_end(0, logs)
    assert raised.value.args == (
        f'Failed to format this callback filepath: "{path}". Reason: {reason}',
    )
    assert model.calls == []


@pytest.mark.parametrize(
    ("template", "logs", "error"),
    [
        ("{epoch}.keras", {"epoch": 1.0, "loss": 1.0}, TypeError),  # epoch given twice
        ("{0}.keras", {"loss": 1.0}, IndexError),
        ("{loss:d}.keras", {"loss": 1.0}, ValueError),
    ],
)
def test_path_other_format_errors_unconverted(
    checkpoint: type, tmp_path: pathlib.Path, template: str, logs: dict[str, Any], error: type
) -> None:
    callback = checkpoint(str(tmp_path / template))
    attach(callback)
    callback.on_epoch_begin(0, {})
    with pytest.raises(error):
        callback.on_epoch_end(0, logs)


def test_path_formatted_even_when_not_saving(checkpoint: type, tmp_path: pathlib.Path) -> None:
    callback = checkpoint(
        str(tmp_path / "{val_loss}.keras"), monitor="loss", save_best_only=True, mode="min"
    )
    attach(callback)
    callback.on_epoch_begin(0, {})
    callback.on_epoch_end(0, {"loss": 1.0, "val_loss": 1.0})
    callback.on_epoch_begin(1, {})
    with pytest.raises(KeyError):  # loss 2.0 would not be saved, but the path fails first
        callback.on_epoch_end(1, {"loss": 2.0})


def test_path_none_logs_raise_type_error(checkpoint: type, tmp_path: pathlib.Path) -> None:
    at_epoch_end = checkpoint(str(tmp_path / "m.keras"))
    at_batch_end = checkpoint(str(tmp_path / "m.keras"), save_freq=1)
    for callback in (at_epoch_end, at_batch_end):
        attach(callback)
        callback.on_epoch_begin(0, {})
    with pytest.raises(TypeError, match="must be a mapping, not NoneType"):
        at_epoch_end.on_epoch_end(0, None)
    with pytest.raises(TypeError, match="argument of type 'NoneType' is not"):
        at_batch_end.on_train_batch_end(0, None)


# model_checkpoint.save-freq.*


def test_save_freq_counter_carries_across_epochs_and_fits(checkpoint: type) -> None:
    fits = [batch_only_fit(epochs=4, steps=5), batch_only_fit(epochs=3, steps=5, initial=4)]
    observed = fitted(checkpoint, {"filepath": "{epoch}-{batch}.keras", "save_freq": 15}, *fits)
    # 5 batches an epoch: every third epoch's last batch, counting on through the second fit
    assert list(observed.files) == ["3-5.keras", "6-5.keras"]


def test_save_freq_counts_unclipped_partial_execution(checkpoint: type) -> None:
    # 5 steps, 2 per execution: ends 1, 3, 5 (the last covers only step 4) count 2+2+2
    observed = fitted(
        checkpoint,
        {"filepath": "{epoch}-{batch}.keras", "save_freq": 4},
        batch_only_fit(epochs=2, steps=5, per_execution=2),
    )
    # count 2, 4: save at end 3 | 2, then end 1 <= 5 starts a new epoch: 4, save | 2 | 4, save
    assert list(observed.files) == ["1-4.keras", "2-2.keras", "2-6.keras"]


@pytest.mark.parametrize("save_freq", [0, -1, False, True])
def test_save_freq_non_positive_saves_every_execution(checkpoint: type, save_freq: int) -> None:
    observed = fitted(
        checkpoint,
        {"filepath": "{batch}.keras", "save_freq": save_freq},
        batch_only_fit(epochs=1, steps=3),
    )
    assert list(observed.files) == ["1.keras", "2.keras", "3.keras"]


def test_save_freq_epoch_never_saves_on_batches(checkpoint: type) -> None:
    observed = fitted(checkpoint, {"filepath": "{epoch}.keras"}, batch_only_fit(epochs=2, steps=3))
    assert list(observed.files) == ["1.keras", "2.keras"]
    # Each holds the weights after its epoch's three steps.
    assert observed.saved_at == ["on_epoch_end(0)", "on_epoch_end(1)"]
    assert [observed.files[name].split(", ")[0] for name in observed.files] == [
        "keras archive: dense/0=3.0",
        "keras archive: dense/0=6.0",
    ]


def test_save_freq_best_only_crashes_before_first_epoch_end(
    checkpoint: type, tmp_path: pathlib.Path
) -> None:
    """MC-13: the monitor op is set at the first epoch end, the second batch save needs it."""
    callback = checkpoint(
        str(tmp_path / "m.keras"), monitor="loss", save_best_only=True, save_freq=1
    )
    model = attach(callback)
    callback.on_epoch_begin(0, {})
    callback.on_train_batch_end(0, {"loss": 1.0})  # best is None: saved, op still unset
    with pytest.raises(TypeError, match="'NoneType' object is not callable"):
        callback.on_train_batch_end(1, {"loss": 0.5})
    assert len(model.calls) == 1


def test_save_freq_best_only_with_threshold_crashes_at_first_save(
    checkpoint: type, tmp_path: pathlib.Path
) -> None:
    callback = checkpoint(
        str(tmp_path / "m.keras"),
        monitor="loss",
        save_best_only=True,
        save_freq=1,
        initial_value_threshold=2.0,
    )
    attach(callback)
    callback.on_epoch_begin(0, {})
    with pytest.raises(TypeError, match="'NoneType' object is not callable"):
        callback.on_train_batch_end(0, {"loss": 1.0})


@pytest.mark.parametrize("save_freq", [3, 4, 5])
def test_save_freq_best_only_one_save_before_first_epoch_end_never_crashes(
    checkpoint: type, tmp_path: pathlib.Path, save_freq: int
) -> None:
    """MC-13 needs two comparing saves before the first epoch end: with 4 batches an
    epoch, save_freq 3, 4 or 5 saves at most once in epoch 0, and 3 epochs run through."""
    callback = checkpoint(
        str(tmp_path / "m.keras"), monitor="loss", save_best_only=True, save_freq=save_freq
    )
    model = attach(callback)
    losses = iter([1.0 - 0.05 * step for step in range(12)])  # every save improves
    for epoch in range(3):
        callback.on_epoch_begin(epoch, {})
        for batch in range(4):
            callback.on_train_batch_end(batch, {"loss": next(losses)})
        callback.on_epoch_end(epoch, {"loss": 0.5})
    assert len(model.calls) == 12 // save_freq


def test_save_freq_best_only_fine_after_first_epoch_end(
    checkpoint: type, tmp_path: pathlib.Path
) -> None:
    callback = checkpoint(
        str(tmp_path / "{epoch}-{batch}.keras"), monitor="loss", save_best_only=True, save_freq=1
    )
    model = attach(callback)
    callback.on_epoch_begin(0, {})
    callback.on_epoch_end(0, {"loss": 1.0})  # sets the op (and saves nothing: batch-level)
    callback.on_epoch_begin(1, {})
    for batch, loss in enumerate([0.5, 0.75, 0.25]):
        callback.on_train_batch_end(batch, {"loss": loss})
    assert saved_paths(model, tmp_path) == ["2-1.keras", "2-3.keras"]


# model_checkpoint.best-only.*


def run_epochs(callback: Any, values: list[Any], monitor: str = "val_loss") -> None:
    for epoch, value in enumerate(values):
        callback.on_epoch_begin(epoch, {})
        callback.on_epoch_end(epoch, {"loss": 1.0} | ({} if value is None else {monitor: value}))


@pytest.mark.parametrize(
    ("mode", "values", "saved_epochs"),
    [
        ("min", [1.0, 0.5, 0.5, 0.75, 0.25], [1, 2, 5]),  # a tie is no improvement
        ("max", [0.5, 1.0, 1.0, 0.25, 1.5], [1, 2, 5]),
        ("auto", [1.0, 0.5, 0.75], [1, 2]),  # val_loss: minimised
        ("min", [math.nan, 0.5, 0.25], [1]),  # a first NaN becomes best; nothing beats it
        ("min", [1.0, math.nan, 0.5], [1, 3]),
        ("min", [math.inf, 1.0], [1, 2]),
        ("max", [-math.inf, -1.0], [1, 2]),
    ],
)
def test_best_only_improvement(
    checkpoint: type,
    tmp_path: pathlib.Path,
    mode: str,
    values: list[float],
    saved_epochs: list[int],
) -> None:
    callback = checkpoint(str(tmp_path / "{epoch}.keras"), save_best_only=True, mode=mode)
    model = attach(callback)
    run_epochs(callback, values)
    assert saved_paths(model, tmp_path) == [f"{epoch}.keras" for epoch in saved_epochs]


def test_best_only_threshold_must_be_beaten(checkpoint: type, tmp_path: pathlib.Path) -> None:
    callback = checkpoint(
        str(tmp_path / "{epoch}.keras"), save_best_only=True, initial_value_threshold=0.5
    )
    model = attach(callback)
    run_epochs(callback, [0.75, 0.5, 0.25])
    assert saved_paths(model, tmp_path) == ["3.keras"]
    assert callback.best == 0.25


def test_best_only_missing_monitor_warns_and_saves(
    checkpoint: type, tmp_path: pathlib.Path
) -> None:
    callback = checkpoint(str(tmp_path / "{epoch}.keras"), save_best_only=True)
    model = attach(callback)
    with pytest.warns(UserWarning) as caught:
        run_epochs(callback, [None, 1.0, None])
    assert [str(w.message) for w in caught] == [
        "Can save best model only with val_loss available."
    ] * 2
    assert saved_paths(model, tmp_path) == ["1.keras", "2.keras", "3.keras"]


def test_best_only_non_scalar_warns_and_saves(checkpoint: type, tmp_path: pathlib.Path) -> None:
    callback = checkpoint(str(tmp_path / "{epoch}.keras"), save_best_only=True)
    model = attach(callback)
    with pytest.warns(UserWarning) as caught:
        run_epochs(callback, [0.5, np.array([1.0, 2.0])])
    assert [str(w.message) for w in caught] == [
        "Can save best model only when `monitor` is a scalar value. Received: [1. 2.]. "
        "Falling back to `save_best_only=False`."
    ]
    assert saved_paths(model, tmp_path) == ["1.keras", "2.keras"]
    assert callback.best == 0.5


def test_best_only_best_str_formatted_even_when_silent(
    checkpoint: type, tmp_path: pathlib.Path
) -> None:
    callback = checkpoint(
        str(tmp_path / "m.keras"), save_best_only=True, verbose=0, initial_value_threshold="0.5"
    )
    attach(callback)
    with pytest.raises(ValueError, match="Unknown format code 'f' for object of type 'str'"):
        run_epochs(callback, [0.25])


def test_best_only_comparison_in_float32(checkpoint: type, tmp_path: pathlib.Path) -> None:
    """Off the grid on purpose: 1 - 2**-30 rounds to 1.0 in float32, so it ties."""
    callback = checkpoint(str(tmp_path / "{epoch}.keras"), save_best_only=True, mode="min")
    model = attach(callback)
    run_epochs(callback, [1.0, 1.0 - 2**-30, 1.0 - 2**-20])
    assert saved_paths(model, tmp_path) == ["1.keras", "3.keras"]


# model_checkpoint.monitor.resolved-at-epoch-end


def test_monitor_unknown_auto_raises_even_without_best_only(
    checkpoint: type, tmp_path: pathlib.Path
) -> None:
    callback = checkpoint(str(tmp_path / "m.keras"), monitor="auc")
    model = attach(callback)
    callback.on_epoch_begin(0, {})
    with pytest.raises(ValueError, match="monitor=auc, but Keras isn't able to"):
        callback.on_epoch_end(0, {"auc": 0.5})
    assert model.calls == []


# model_checkpoint.save.*


@pytest.mark.parametrize(
    ("template", "weights_only", "method"),
    [
        ("m.keras", False, "save"),
        ("m.h5", False, "save"),
        ("m.weights.h5", False, "save"),
        ("m.weights.h5", True, "save_weights"),
    ],
)
def test_save_method_and_overwrite(
    checkpoint: type, tmp_path: pathlib.Path, template: str, weights_only: bool, method: str
) -> None:
    callback = checkpoint(str(tmp_path / template), save_weights_only=weights_only)
    model = attach(callback)
    run_epochs(callback, [1.0])
    assert model.calls == [(method, str(tmp_path / template), {"overwrite": True})]


def test_save_makedirs_only_when_saving(checkpoint: type) -> None:
    config = {
        "filepath": "a/{epoch}/m.keras",
        "monitor": "loss",
        "save_best_only": True,
        "initial_value_threshold": 0.5,
    }
    observed = fitted(
        checkpoint, config, FitPlan([EpochPlan({"loss": 1.0}), EpochPlan({"loss": 0.25})])
    )
    assert list(observed.files) == ["a/", "a/2/", "a/2/m.keras"]  # directories end in "/"


def test_save_existing_directory_is_reported(checkpoint: type, tmp_path: pathlib.Path) -> None:
    (tmp_path / "m.keras").mkdir()
    callback = checkpoint(str(tmp_path / "m.keras"))
    attach(callback)
    with pytest.raises(OSError) as raised:
        run_epochs(callback, [1.0])
    assert type(raised.value) is OSError
    assert str(raised.value) == (
        "Please specify a non-directory filepath for ModelCheckpoint. "
        f"Filepath used is an existing directory: {tmp_path / 'm.keras'}"
    )


@pytest.mark.parametrize(
    ("save_error", "raised"),
    [
        (
            OSError("Unable to create file m.keras: Is a directory"),  # h5py 2.x's way
            (
                "OSError",
                "Please specify a non-directory filepath for ModelCheckpoint. "
                "Filepath used is an existing directory: f<run>/m.keras",  # the stray `f`
            ),
        ),
        (OSError(), ("IndexError", "tuple index out of range")),
        (
            PermissionError(13, "Permission denied", "m.keras"),
            ("PermissionError", "[Errno 13] Permission denied: 'm.keras'"),
        ),
    ],
)
def test_save_os_errors(checkpoint: type, save_error: OSError, raised: tuple[str, str]) -> None:
    observed = fitted(
        checkpoint,
        {"filepath": "m.keras"},
        FitPlan([EpochPlan({"loss": 1.0})]),
        adapt=save_raises(save_error),
    )
    assert observed.error == (*raised, "on_epoch_end(0)")


# model_checkpoint.verbose.lines


def test_verbose_lines(
    checkpoint: type, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(tmp_path / "m.keras")
    best_only = checkpoint(path, save_best_only=True, verbose=1)
    attach(best_only)
    run_epochs(best_only, [0.5, 0.75, 0.25])
    every = checkpoint(path, verbose=1, save_freq=2)
    attach(every)
    every.on_epoch_begin(4, {})
    every.on_train_batch_end(1, {"loss": 1.0})
    assert capsys.readouterr().out == (
        f"\nEpoch 1: val_loss improved from None to 0.50000, saving model to {path}\n"
        f"\nEpoch 1: finished saving model to {path}\n"
        "\nEpoch 2: val_loss did not improve from 0.50000\n"
        f"\nEpoch 3: val_loss improved from 0.50000 to 0.25000, saving model to {path}\n"
        f"\nEpoch 3: finished saving model to {path}\n"
        f"\nEpoch 5: saving model to {path}\n"
        f"\nEpoch 5: finished saving model to {path}\n"
    )

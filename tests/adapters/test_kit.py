"""The adapter kit's pieces, without any framework installed: hand-written callbacks in a
poutyne-like style (1-based numbers, `on_valid_*` hooks, keys added to the logs) and in a
torchbearer-like state style (`on_end_epoch(state)`, a factory function), driven through
the suite's own `observe` on the simulated model."""

from __future__ import annotations

import pickle
import zipfile
from collections.abc import MutableMapping
from typing import Any

import numpy as np
import pytest

from conformance.adapters import (
    NUMBER,
    ArgumentMap,
    HookProtocol,
    LogKeys,
    StateStyle,
    TorchModelView,
    as_keras_callback,
)
from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import FACADE_ATTRIBUTE, Scenario, observe
from conformance.harness.sim_model import ModelSpec, read_checkpoint
from conformance.host import InProcess
from conformance.targets import Target

ONE_BASED = HookProtocol(
    hooks={
        "on_epoch_end": "on_epoch_end",
        "on_train_batch_end": "on_train_batch_end",
        "on_test_end": "on_valid_end",
    },
    epoch_base=1,
    batch_base=1,
    logs={
        "on_epoch_end": LogKeys(added={"epoch": NUMBER, "time": 0.0}),
        "on_test_end": LogKeys(prefix="val_"),
    },
)

SEEN: list[tuple[str, Any, dict[str, Any]]] = []  # what the framework's callbacks were given


class OneBasedStopper:
    """A framework's callback: 1-based epochs, stops the fit at epoch `stop_at` (its own
    numbering), and adds a key to the epoch logs."""

    def __init__(self, *, stop_at: int, tag: str = "x") -> None:
        self.stop_at, self.tag = stop_at, tag

    def set_model(self, model: Any) -> None:
        self.model = model

    def on_epoch_end(self, epoch_number: int, logs: dict[str, Any]) -> None:
        SEEN.append(("on_epoch_end", epoch_number, dict(logs)))
        logs["seen_by_framework"] = float(epoch_number)
        if epoch_number == self.stop_at:
            self.model.stop_training = True

    def on_train_batch_end(self, batch_number: int, logs: dict[str, Any]) -> None:
        SEEN.append(("on_train_batch_end", batch_number, dict(logs)))

    def on_valid_end(self, logs: dict[str, Any]) -> None:
        SEEN.append(("on_valid_end", None, dict(logs)))


def _fit(epochs: int, batches: int = 1, validation: bool = False) -> FitPlan:
    return FitPlan(
        [
            EpochPlan({"loss": float(e)}, batches, {"loss": 10.0 + e} if validation else None)
            for e in range(epochs)
        ]
    )


def test_numbers_hooks_and_log_keys_are_the_frameworks() -> None:
    SEEN.clear()
    stopper = as_keras_callback("EarlyStopping", OneBasedStopper, ONE_BASED)
    observation = observe(
        stopper, Scenario("EarlyStopping", {"stop_at": 99}, fits=[_fit(2, 2, True)])
    )
    assert observation.error is None
    assert [(hook, number) for hook, number, _ in SEEN] == [
        ("on_train_batch_end", 1),
        ("on_train_batch_end", 2),
        ("on_valid_end", None),
        ("on_epoch_end", 1),
        ("on_train_batch_end", 1),
        ("on_train_batch_end", 2),
        ("on_valid_end", None),
        ("on_epoch_end", 2),
    ]
    assert SEEN[2][2] == {"val_loss": 10.0}  # validation keys prefixed
    assert SEEN[3][2] == {"epoch": 1, "time": 0.0, "loss": 0.0, "val_loss": 10.0}
    # A key the framework's callback adds reaches Keras's logs (History records it).
    assert observation.history["seen_by_framework"] == [1.0, 2.0]
    assert "epoch" not in observation.history  # the framework's own added keys do not


def test_the_frameworks_stop_flag_stops_the_keras_fit() -> None:
    stopper = as_keras_callback("EarlyStopping", OneBasedStopper, ONE_BASED)
    observation = observe(stopper, Scenario("EarlyStopping", {"stop_at": 2}, fits=[_fit(5)]))
    assert observation.epochs_run() == [0, 1]  # its epoch 2 is Keras's epoch 1


class _FlagSetter:
    """Stops by a model attribute of its framework's own name."""

    def set_model(self, model: Any) -> None:
        self.model = model

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        self.model.should_stop = epoch == 1


def test_a_stop_flag_of_another_name_stops_the_keras_fit() -> None:
    protocol = HookProtocol({"on_epoch_end": "on_epoch_end"}, stop_attribute="should_stop")
    setter = as_keras_callback("EarlyStopping", _FlagSetter, protocol)
    observation = observe(setter, Scenario("EarlyStopping", {}, fits=[_fit(4)]))
    assert observation.epochs_run() == [0, 1]


def test_arguments_are_renamed_fixed_and_defaults_dropped() -> None:
    arguments = ArgumentMap(
        renamed={"patience": "stop_at"}, dropped=("baseline",), fixed={"tag": "y"}
    )
    assert arguments.framework_arguments("EarlyStopping", {"patience": 3, "baseline": None}) == {
        "tag": "y",
        "stop_at": 3,
    }
    with pytest.raises(TypeError, match="no parameter 'baseline' \\(given 0.5\\)"):
        arguments.framework_arguments("EarlyStopping", {"baseline": 0.5})


def test_an_unknown_keras_name_is_refused() -> None:
    with pytest.raises(ValueError, match="'EarlyStop'"):
        as_keras_callback("EarlyStop", OneBasedStopper, ONE_BASED)


# A torchbearer-like framework: one state mapping, keys that are objects, not strings.
class StateKey:
    def __init__(self, name: str) -> None:
        self.name = name


EPOCH, METRICS, MODEL, STOP = (
    StateKey("epoch"),
    StateKey("metrics"),
    StateKey("model"),
    StateKey("stop"),
)

STATE_PROTOCOL = HookProtocol(
    hooks={"on_epoch_end": "on_end_epoch"},
    state=StateStyle(keys={"epoch": EPOCH, "logs": METRICS, "model": MODEL, "stop": STOP}),
)


class _StateStopper:
    def __init__(self, stop_at: int) -> None:
        self.stop_at = stop_at

    def on_end_epoch(self, state: dict[Any, Any]) -> None:
        SEEN.append(("on_end_epoch", state[EPOCH], dict(state[METRICS])))
        state[METRICS]["best"] = -1.0
        if state[EPOCH] == self.stop_at and state[MODEL] is not None:
            state[STOP] = True


def state_stopper(patience: int = 0) -> _StateStopper:
    """A factory function, as torchbearer's ModelCheckpoint is."""
    return _StateStopper(stop_at=patience)


def test_a_state_style_factory_is_driven_through_its_state() -> None:
    SEEN.clear()
    stopper = as_keras_callback(
        "EarlyStopping", state_stopper, STATE_PROTOCOL, ArgumentMap(dropped=("monitor",))
    )
    observation = observe(stopper, Scenario("EarlyStopping", {"patience": 1}, fits=[_fit(4)]))
    assert observation.error is None
    assert SEEN == [("on_end_epoch", 0, {"loss": 0.0}), ("on_end_epoch", 1, {"loss": 1.0})]
    assert observation.epochs_run() == [0, 1]
    assert observation.history["best"] == [-1.0, -1.0]


# A Lightning-like framework: hooks take `(trainer, module)`, the trainer a view of the state.
class _Trainer:
    def __init__(self, state: MutableMapping[str, Any]) -> None:
        self.state = state

    @property
    def should_stop(self) -> bool:
        return bool(self.state["stop"])

    @should_stop.setter
    def should_stop(self, value: bool) -> None:
        self.state["stop"] = value


class _TrainerStopper:
    def __init__(self, stop_at: int) -> None:
        self.stop_at = stop_at

    def on_train_epoch_end(self, trainer: _Trainer, module: Any) -> None:
        SEEN.append(("on_train_epoch_end", trainer.state["epoch"], dict(trainer.state["logs"])))
        if trainer.state["epoch"] == self.stop_at and module is trainer.state["model"]:
            trainer.should_stop = True


TRAINER_PROTOCOL = HookProtocol(
    hooks={"on_epoch_end": "on_train_epoch_end"},
    state=StateStyle(
        keys={"epoch": "epoch", "logs": "logs", "model": "model", "stop": "stop"},
        arguments=lambda hook, state: (_Trainer(state), state["model"]),
    ),
)


def test_a_state_can_be_given_as_other_arguments() -> None:
    SEEN.clear()
    stopper = as_keras_callback(
        "EarlyStopping",
        _TrainerStopper,
        TRAINER_PROTOCOL,
        ArgumentMap(renamed={"patience": "stop_at"}),
    )
    observation = observe(stopper, Scenario("EarlyStopping", {"patience": 1}, fits=[_fit(4)]))
    assert observation.error is None
    assert SEEN == [
        ("on_train_epoch_end", 0, {"loss": 0.0}),
        ("on_train_epoch_end", 1, {"loss": 1.0}),
    ]
    assert observation.epochs_run() == [0, 1]


class _Saver:
    """Saves through a file it opens itself, as poutyne's ModelCheckpoint does."""

    def set_model(self, model: Any) -> None:
        self.model = model

    def on_epoch_end(self, epoch_number: int, logs: dict[str, Any]) -> None:
        with open(f"{self.directory}/e{epoch_number}.weights.h5", "wb") as file:
            self.model.save_weights(file)
        self.model.optimizer.param_groups[0]["lr"] = 0.25

    def __init__(self, filepath: str) -> None:
        self.directory = filepath


def test_a_facade_is_given_to_the_callbacks_and_the_simulated_model_records() -> None:
    saver = as_keras_callback(
        "ModelCheckpoint", _Saver, HookProtocol({"on_epoch_end": "on_epoch_end"}, epoch_base=1)
    )
    scenario = Scenario("ModelCheckpoint", {"filepath": "."}, ModelSpec(), [_fit(2, batches=3)])
    observation = observe(saver, scenario, adapt=TorchModelView)
    assert observation.error is None
    assert [call[:2] for call in observation.model_calls] == [
        ("save_weights", "<run>/./e1.weights.h5"),
        ("save_weights", "<run>/./e2.weights.h5"),
    ]
    # Weights after 3 and 6 training steps, each file as the suite reads a checkpoint.
    assert observation.files == {
        "e1.weights.h5": "weights: dense/0=3.0, dense/1=3.0",
        "e2.weights.h5": "weights: dense/0=6.0, dense/1=6.0",
    }
    assert observation.learning_rates == [(0.5,), (0.25,)]  # written through param_groups


def test_a_facade_without_the_simulated_model_is_a_clear_error() -> None:
    stopper = as_keras_callback("EarlyStopping", OneBasedStopper, ONE_BASED)
    observation = observe(
        stopper, Scenario("EarlyStopping", {"stop_at": 1}, fits=[_fit(1)]), adapt=lambda m: object()
    )
    assert observation.error is not None
    kind, message, hook = observation.error
    assert (kind, hook) == ("TypeError", "conformance_adapt_model")
    assert "object" in message and FACADE_ATTRIBUTE in message


def test_weights_load_back_from_a_file_object(tmp_path: Any) -> None:
    from conformance.harness.sim_model import SimModel

    model = SimModel(ModelSpec())
    view = TorchModelView(model)
    model.set_label(4.0)
    with open(tmp_path / "w.weights.h5", "wb") as file:
        view.save_weights(file)
    assert read_checkpoint(str(tmp_path / "w.weights.h5")) == "weights: dense/0=4.0, dense/1=4.0"
    model.set_label(9.0)
    with open(tmp_path / "w.weights.h5", "rb") as file:
        view.load_weights(file)
    assert model.label == 4.0 and model.calls[-1][0::2] == ("load_weights", 4.0)
    view.network.load_state_dict(view.network.state_dict())  # a round trip keeps them
    assert model.label == 4.0


def _torch_layout(path: Any, obj: Any) -> None:
    """`obj` pickled in torch.save's zip layout (`<name>/data.pkl`, which is all a
    torch.save of tensor-free objects holds that a reader needs), without torch."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("m/data.pkl", pickle.dumps(obj))
        archive.writestr("m/version", "3\n")


def test_a_torch_saved_state_dict_reads_as_a_weights_file(tmp_path: Any) -> None:
    """A torch framework's checkpointer writes `torch.save(view.state_dict(), path)`:
    the suite reads it as the weights file Keras would write of the same weights."""
    from conformance.harness.sim_model import SimModel

    model = SimModel(ModelSpec())
    model.set_label(3.0)
    keras_path, torch_path = tmp_path / "k.weights.h5", tmp_path / "t.keras"
    model.save_weights(str(keras_path))
    _torch_layout(torch_path, TorchModelView(model).network.state_dict())
    assert read_checkpoint(str(torch_path)) == read_checkpoint(str(keras_path))
    _torch_layout(tmp_path / "t.pt", {"fc.weight": np.ones(2), "fc.bias": np.zeros(1) + 5})
    assert read_checkpoint(str(tmp_path / "t.pt")) == "weights: fc/0=1.0, fc/1=5.0"


def test_a_torch_file_holding_other_objects_is_not_unpickled(tmp_path: Any) -> None:
    _torch_layout(tmp_path / "t.pt", {"w": ModelSpec()})
    with pytest.raises(pickle.UnpicklingError, match="not an array"):
        read_checkpoint(str(tmp_path / "t.pt"))


def test_a_translated_class_passes_the_class_state_check() -> None:
    """Run twice on the suite's host: a run leaves the class as it found it."""
    stopper = as_keras_callback("EarlyStopping", OneBasedStopper, ONE_BASED)
    host = InProcess(Target("kit", "kit", {"EarlyStopping": stopper}))
    scenario = Scenario("EarlyStopping", {"stop_at": 1}, fits=[_fit(2)])
    runs = [host.observe("EarlyStopping", scenario, None) for _ in range(2)]
    assert [run.class_changes for run in runs] == ["", ""]
    assert runs[1].observation.epochs_run() == [0]

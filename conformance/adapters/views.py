"""Framework-style views of the simulated model, reading and writing through to it.

A framework's callbacks expect their framework's model: a torch optimizer's
`param_groups`, `metrics_names`, weights saved to a file object. A target's
`conformance_adapt_model` returns `TorchModelView(model)`: the fit loop keeps driving the
`SimModel` it carries as `simulated_model` (`conformance.harness.observe`), the callbacks
are given the view, and everything they do through it reaches the simulated model, which
records it as it records Keras's callbacks' calls.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

from conformance.harness.sim_model import SimModel


class ParamGroupView(MutableMapping[str, Any]):
    """A torch optimizer's parameter group: `lr` is the simulated optimizer's
    `learning_rate`, read and written; other keys (a scheduler's `initial_lr`) are
    kept in the group."""

    def __init__(self, optimizer: Any) -> None:
        self.optimizer = optimizer
        self.kept: dict[str, Any] = {"params": []}

    def __getitem__(self, key: str) -> Any:
        if key == "lr":
            return float(self.optimizer.learning_rate)
        return self.kept[key]

    def __setitem__(self, key: str, value: Any) -> None:
        if key == "lr":
            self.optimizer.learning_rate = value
        else:
            self.kept[key] = value

    def __delitem__(self, key: str) -> None:
        del self.kept[key]

    def __iter__(self) -> Iterator[str]:
        return iter(["lr", *self.kept])

    def __len__(self) -> int:
        return 1 + len(self.kept)


class TorchOptimizerView:
    """A torch optimizer's view of the simulated one: one parameter group per
    (sub-)optimizer that has a rate."""

    def __init__(self, optimizer: Any) -> None:
        self.simulated_optimizer = optimizer
        inner = getattr(optimizer, "inner_optimizer", optimizer)  # a loss-scale optimizer's
        subs = getattr(inner, "optimizers", [inner])  # a multi-optimizer's
        self.param_groups = [ParamGroupView(sub) for sub in subs if hasattr(sub, "learning_rate")]


class TorchModelView:
    """A torch framework's model (poutyne's `Model` API) over a `SimModel`."""

    def __init__(self, model: SimModel) -> None:
        self.simulated_model = model
        self.optimizer = None if model.optimizer is None else TorchOptimizerView(model.optimizer)
        self.network = NetworkView(model)

    @property
    def stop_training(self) -> bool:
        return bool(self.simulated_model.stop_training)

    @stop_training.setter
    def stop_training(self, value: bool) -> None:
        self.simulated_model.stop_training = value

    @property
    def metrics_names(self) -> list[str]:
        return ["loss", *self.simulated_model.spec.metrics]

    def save_weights(self, f: Any) -> None:
        """To a path or a binary file open for writing: the simulated model's weights file."""
        self.simulated_model.save_weights(f)

    def load_weights(self, f: Any) -> None:
        """From a path or a binary file a `save_weights` wrote."""
        self.simulated_model.load_weights(f)

    def get_weight_copies(self) -> dict[str, Any]:
        """A copy of the weights, as poutyne's (the network's state dict)."""
        return self.network.state_dict()

    def set_weights(self, weights: Any) -> None:
        """From a state dict (`get_weight_copies`) or a list of arrays."""
        self.simulated_model.set_weights(_weight_list(weights))


class NetworkView:
    """A torch module's `state_dict` and `load_state_dict` over the simulated weights."""

    def __init__(self, model: SimModel) -> None:
        self.simulated_model = model

    def state_dict(self) -> dict[str, Any]:
        weights = self.simulated_model.get_weights()
        paths = [w.path for layer in self.simulated_model.layers for w in layer.weights]
        return dict(zip(paths, weights, strict=True))

    def load_state_dict(self, state: Any, strict: bool = True) -> None:
        self.simulated_model.set_weights(_weight_list(state))


def _weight_list(weights: Any) -> list[Any]:
    """A state dict's values in order, or the list itself."""
    return list(weights.values()) if isinstance(weights, dict) else list(weights)

"""The `keras` (or `tf_keras`) target with the adaptations some older versions need
(matrix/README.md, "three adaptations"), applied when this module is imported: in the
worker process the suite runs a target in, where adaptations made in `run_env.py`'s own
process would not reach. `run_env.py` names them in MATRIX_SHIMS (comma-separated:
variable-float, weight-names, weight-jax-array) and the target in MATRIX_LIKE (keras or
tf_keras), and runs this module as the target. It is then driven as the named target is
(`conformance_like`)."""

from __future__ import annotations

import importlib
import os


def give_variables_float() -> None:
    """Keras 3.5's `KerasVariable.__float__`, on the Keras 3.0-3.4 class that lacks it."""
    from keras.src.backend.common.variables import KerasVariable

    if hasattr(KerasVariable, "__float__"):
        raise SystemExit("run_env: --variable-float: this Keras's variables have __float__")

    def __float__(self: KerasVariable) -> float:  # noqa: N807
        if self.ndim > 0:
            raise TypeError(
                f"Only scalar arrays can be converted to Python scalars. Got: shape={self.shape}"
            )
        return float(self.value)

    KerasVariable.__float__ = __float__  # type: ignore[attr-defined]


def give_simulated_weights_names() -> None:
    """The simulated `Weight` named as a real Keras variable is: its path's last part."""
    from conformance.harness.sim_model import Weight

    if hasattr(Weight, "name"):
        raise SystemExit("run_env: --weight-names: the simulated weights have names already")
    Weight.name = property(lambda self: self.path.rsplit("/", 1)[-1])  # type: ignore[attr-defined]


def give_simulated_weights_jax_arrays() -> None:
    """The simulated `Weight` converts itself for jax, as a real Keras variable does."""
    import jax.numpy as jnp

    from conformance.harness.sim_model import Weight

    if hasattr(Weight, "__jax_array__"):
        raise SystemExit("run_env: --weight-jax-array: the simulated weights have it already")
    Weight.__jax_array__ = lambda self: jnp.asarray(self.value)  # type: ignore[attr-defined]


SHIMS = {
    "variable-float": give_variables_float,
    "weight-names": give_simulated_weights_names,
    "weight-jax-array": give_simulated_weights_jax_arrays,
}


def apply(names: list[str]) -> None:
    for name in names:
        if name not in SHIMS:
            raise SystemExit(f"keras_shims: unknown shim {name!r}: one of {', '.join(SHIMS)}")
        SHIMS[name]()


conformance_like = os.environ.get("MATRIX_LIKE", "keras")
apply([name for name in os.environ.get("MATRIX_SHIMS", "").split(",") if name])
_library = importlib.import_module(conformance_like)
_callbacks = importlib.import_module(f"{conformance_like}.callbacks")
__version__ = _library.__version__
EarlyStopping = _callbacks.EarlyStopping
LearningRateScheduler = _callbacks.LearningRateScheduler
ModelCheckpoint = _callbacks.ModelCheckpoint
TensorBoard = _callbacks.TensorBoard

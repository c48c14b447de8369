"""keras-core 0.1.7, the multi-backend preview of Keras 3 (September 2023), as a target:
`python -m conformance run conformance.adapters.keras_core`.

No adapter: keras-core's callbacks speak Keras's protocol, and this module gives them what
the `keras` target gives Keras's (Keras's own optimizer, metric containers and embedding
layer for the simulated model, TensorFlow's summary state restored), taken from
keras-core. Install it with its period's pins (`tox -e keras-core`): NumPy below 2, since
its ModelCheckpoint's constructor uses `np.Inf`, which NumPy 2 removed (under NumPy 2,
every ModelCheckpoint raises AttributeError: `tox -e keras-core-numpy2` shows it), and the
jax of its day. TensorFlow is left out: its TensorBoard is then not run, saying why.
"""

from __future__ import annotations

import functools
import importlib.util

import keras_core
from keras_core.callbacks import (
    EarlyStopping,
    LearningRateScheduler,
    ModelCheckpoint,
    TensorBoard,
)

from conformance.adapters.keras import (
    adapt_for_keras,
    import_tensorflow_for_tensorboard,
    keras_precision,
    leave_tensorflow_summary_contexts,
)

__all__ = ["EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"]
__version__ = keras_core.__version__

conformance_backend = keras_core.backend.backend()
conformance_precision = keras_precision(conformance_backend)
conformance_adapt_model = functools.partial(adapt_for_keras, package="keras_core")
conformance_cleanup = leave_tensorflow_summary_contexts
conformance_warm_up = import_tensorflow_for_tensorboard
if importlib.util.find_spec("tensorflow") is None:
    conformance_not_run = {"TensorBoard": "keras-core's TensorBoard needs TensorFlow installed"}

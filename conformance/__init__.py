"""The conformance suite: checks any implementation of Keras's EarlyStopping,
LearningRateScheduler, ModelCheckpoint and TensorBoard against `reference`, clause by
clause, with a minimal counterexample for every difference.

    callback-conformance run TARGET [--profile quick|default|thorough] [--seed N]
"""

from importlib.metadata import PackageNotFoundError, version
from typing import Literal, get_args

Profile = Literal["quick", "default", "thorough"]
"""How hard a run looks: `conformance.runner.PROFILES` gives each its examples per property."""
PROFILE_NAMES: tuple[Profile, ...] = get_args(Profile)

Precision = Literal["float32-ftz", "float32", "float64"]
"""How a target compares monitored values (`monitor.precision`): float32 with subnormals
flushed to zero (jax, TensorFlow), float32 (torch), float64 (numpy)."""
PRECISIONS: tuple[Precision, ...] = get_args(Precision)

try:
    __version__ = version("callback-conformance")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

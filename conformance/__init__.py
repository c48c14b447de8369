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

try:
    __version__ = version("callback-conformance")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

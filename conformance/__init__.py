"""The conformance suite: checks any implementation of Keras's EarlyStopping,
LearningRateScheduler, ModelCheckpoint and TensorBoard against `reference`, clause by
clause, with a minimal counterexample for every difference.

    callback-conformance run TARGET [--profile quick|default|thorough] [--seed N]
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("callback-conformance")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

"""The executable specification: Keras 3.15.1's training callbacks, without Keras.

Each module models one callback exactly, quirks included; every quirk is marked in
the code with its clause id (see `docs/`).
"""

from reference.early_stopping import EarlyStopping
from reference.learning_rate_scheduler import LearningRateScheduler

__all__ = ["EarlyStopping", "LearningRateScheduler"]

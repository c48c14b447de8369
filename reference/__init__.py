"""The executable specification: Keras 3.15.1's training callbacks, without Keras.

Each module models one callback exactly, quirks included; every quirk is marked in
the code with its clause id (see `docs/`). The classes take Keras's constructor
arguments and work as callbacks in a real `keras.Model.fit`.
"""

from reference.early_stopping import EarlyStopping
from reference.learning_rate_scheduler import LearningRateScheduler
from reference.model_checkpoint import ModelCheckpoint
from reference.tensorboard import TensorBoard

__all__ = ["EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"]

"""The executable specification: Keras 3.15.1's training callbacks, without Keras.

Each module models one callback exactly, quirks included. The classes take Keras's
constructor arguments and work as callbacks in a real `keras.Model.fit`.

The code cites the clause (`docs/`) each rule implements, in one syntax, on one line of a
comment or docstring:

    # Clause `<page>.<topic>.<rule>`: what the next lines do, in words.

``Clause `<id>` `` for any clause, ``Quirk `<id>` `` for a keras-quirk one (Keras 3.15.1's
incidental behaviour or bug). The spec pages link each clause to the lines citing it, and
the project's tests hold every clause-shaped id in the reference to this form
(`conformance.clauses.CITATION`).
"""

from reference.early_stopping import EarlyStopping
from reference.learning_rate_scheduler import LearningRateScheduler
from reference.model_checkpoint import ModelCheckpoint
from reference.tensorboard import TensorBoard

__all__ = ["EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"]

"""Every property of the suite, by callback."""

from conformance.properties import (
    early_stopping,
    learning_rate_scheduler,
    model_checkpoint,
    tensorboard,
)
from conformance.properties.base import Property

PROPERTIES: tuple[Property, ...] = (
    *early_stopping.PROPERTIES,
    *learning_rate_scheduler.PROPERTIES,
    *model_checkpoint.PROPERTIES,
    *tensorboard.PROPERTIES,
)

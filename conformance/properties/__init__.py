"""Every property of the suite, by callback."""

import functools

from conformance.properties import (
    early_stopping,
    learning_rate_scheduler,
    model_checkpoint,
    tensorboard,
)
from conformance.properties.base import Property, Regime

PROPERTIES: tuple[Property, ...] = (
    *early_stopping.PROPERTIES,
    *learning_rate_scheduler.PROPERTIES,
    *model_checkpoint.PROPERTIES,
    *tensorboard.PROPERTIES,
)


@functools.cache  # asked for every scenario a scoped divergence may cover
def regime_of(clause: str) -> Regime | None:
    """Where `clause` is in play, as its properties say (in any of them), or None for a
    general rule (in play everywhere)."""
    regimes = [prop.regimes[clause] for prop in PROPERTIES if clause in prop.regimes]
    if not regimes:
        return None
    return lambda scenario: any(regime(scenario) for regime in regimes)

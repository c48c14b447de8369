"""Every property of the suite, by callback."""

from conformance.properties import early_stopping
from conformance.properties.base import Property

PROPERTIES: tuple[Property, ...] = (*early_stopping.PROPERTIES,)

"""An EarlyStopping that counts patience after the test (`es_patience_counted_after_test`
of the catalogue) and, as it is imported, puts itself in the reference's place
(`reference.EarlyStopping = EarlyStopping`), so that a suite that looked the reference up
in the target's process would compare the port with itself. The reference lives in the
suite's process, which never imports the target: the bug is found."""

from __future__ import annotations

import reference
from conformance.catalogue.es_patience_counted_after_test import EarlyStopping
from reference import LearningRateScheduler, ModelCheckpoint, TensorBoard

__all__ = ["EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard"]

reference.EarlyStopping = EarlyStopping  # type: ignore[misc]
reference.early_stopping.EarlyStopping = EarlyStopping  # type: ignore[misc]

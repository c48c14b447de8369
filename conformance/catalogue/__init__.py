"""The catalogue of known wrong behaviours of Keras 3.15.1's four callbacks.

Each module is a conformance target: it exposes `EarlyStopping`, `LearningRateScheduler`,
`ModelCheckpoint` and `TensorBoard` with Keras's signatures, all the reference's except
one, which carries exactly one bug that real projects shipped, or one behaviour of another
Keras version or framework (tf.keras's auto mode, an infinite initial best). The
module's docstring says the bug, and where it was seen; its `CAUGHT_BY = (callback class
name, (clause id, ...))` names the callback and the clauses (headings of `docs/*.md`) a
correct suite should flag.

The suite uses it twice: its own tests check that every entry is caught by its own
clauses (`docs/kill_matrix.md`), and a failing clause's counterexample is replayed on
it to say which known behaviour a target's matches (`conformance.diagnosis`). Run one
as a target to see a failing report: `callback-conformance run
conformance.catalogue.es_min_delta_non_strict --profile quick`.
"""

import pkgutil

ALL: tuple[str, ...] = tuple(
    f"{__name__}.{name}"
    for name in sorted(module.name for module in pkgutil.iter_modules(__path__))
)
"""Every entry's module name, in name order: each module of this package is an entry, so a
new wrong implementation is one new file."""

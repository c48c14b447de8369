"""TensorBoard's `profile_batch` argument, validated exactly as Keras 3.15.1 does.

Profiling itself is out of scope for the reference: it parses the argument, raises and
warns where Keras does, and never traces.
"""

from __future__ import annotations

import sys
import warnings
from typing import Any


def profile_range(profile_batch: Any, backend: str) -> tuple[int, int]:
    """The `(start, stop)` batches Keras would profile on `backend`, or its error."""
    if profile_batch:
        if backend not in ("jax", "tensorflow"):
            raise ValueError(
                f"Profiling is not yet available with the {backend} backend. "
                "Please open a PR if you'd like to add this feature. Received: "
                f"profile_batch={profile_batch} (must be 0)"
            )
        if backend == "jax" and sys.version_info[1] < 12:
            # Quirk `tensorboard.profile-batch.jax-discards-before-validating`: the
            # value is dropped before it is parsed, so no invalid value raises.
            # stacklevel 2: from TensorBoard.__init__, as Keras warns from its tensorboard.py.
            warnings.warn("Profiling with the jax backend requires python >= 3.12.", stacklevel=2)
            profile_batch = 0
    return _parse(profile_batch)


def _parse(profile_batch: Any) -> tuple[int, int]:
    """Clause `tensorboard.profile-batch.parsing`: `(start, stop)` or ValueError."""
    error = ValueError(
        "profile_batch must be a non-negative integer or 2-tuple of positive integers. "
        "A pair of positive integers signifies a range of batches to profile. "
        f"Found: {profile_batch}"
    )
    if isinstance(profile_batch, str):
        # Quirk `tensorboard.profile-batch.single-string-rejected`: "5" becomes [5],
        # a one-element list, which is neither an int nor a pair.
        profile_batch = [int(part) for part in profile_batch.split(",")]
    if isinstance(profile_batch, int):  # True counts as 1
        start = stop = profile_batch
    elif isinstance(profile_batch, (tuple, list)) and len(profile_batch) == 2:
        start, stop = profile_batch
    else:
        raise error
    if start < 0 or stop < start:
        raise error
    return start, stop

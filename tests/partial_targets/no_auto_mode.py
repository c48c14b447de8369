"""The reference's EarlyStopping with the modes of poutyne 1.19's, min and max only (it
raises ValueError for any other, `"auto"` included), declaring it: the auto-mode clauses
are `unsupported`, the others are judged on the scenarios that name a direction."""

from __future__ import annotations

from typing import Any

import reference
from conformance.unsupported import Unsupported

__all__ = ["EarlyStopping", "conformance_unsupported"]


class EarlyStopping(reference.EarlyStopping):
    def __init__(self, *args: Any, mode: str = "auto", **kwargs: Any) -> None:
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        super().__init__(*args, mode=mode, **kwargs)


conformance_unsupported = [
    Unsupported(
        "EarlyStopping", "mode", supported=("min", "max"), reason="modes are min and max only"
    ),
]

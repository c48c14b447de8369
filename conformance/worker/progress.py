"""What a worker and its session share with the parent beyond the protocol: the hook in
progress, in a small file both map, which the parent reads after the worker died in it;
and `Refused`, a target the worker cannot use."""

from __future__ import annotations

import mmap
from dataclasses import dataclass

PROGRESS_BYTES = 256  # the hook in progress, as the parent reads it after a death


class Refused(Exception):
    """The target cannot be used; the message says why, in one line, and `traceback` is
    the Python traceback behind it, if any."""

    def __init__(self, message: str, traceback: str | None = None) -> None:
        super().__init__(message)
        self.traceback = traceback


@dataclass
class Progress:
    """The hook being dispatched, written where the parent can read it if this process
    dies in it (a file both map)."""

    view: mmap.mmap | None

    @classmethod
    def at(cls, path: str | None) -> Progress:
        if path is None:
            return cls(None)
        with open(path, "r+b") as file:
            return cls(mmap.mmap(file.fileno(), PROGRESS_BYTES))

    def say(self, hook: str) -> None:
        if self.view is not None:
            data = hook.encode(errors="replace")[: PROGRESS_BYTES - 1]
            self.view[:] = data + b"\0" * (PROGRESS_BYTES - len(data))

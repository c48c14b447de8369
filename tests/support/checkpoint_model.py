"""A duck-typed model for ModelCheckpoint whose `save` / `save_weights` write real files.

Every call is recorded as (method, path, keyword arguments). The file written carries
the model's current `label` (set by the driver to the epoch and step that produced the
weights), so a test can tell which training state a checkpoint holds: `.keras` files
are zip archives with a `label.txt`, anything else is an HDF5 file (h5py) with a
`label` attribute. `save_error` makes every save raise instead, to reach the
callback's error handling.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from typing import Any

import h5py

SAVE_ERRORS: dict[str, Callable[[str], BaseException]] = {
    # h5py 2.x's way of refusing a directory: a plain OSError saying so
    "is-a-directory": lambda path: OSError(f"Unable to create file {path}: Is a directory"),
    "no-args": lambda path: OSError(),
    "permission": lambda path: PermissionError(13, "Permission denied", path),
}


class CheckpointModel:
    def __init__(
        self,
        metrics: list[Any] | None = None,
        save_error: Callable[[str], BaseException] | None = None,
    ) -> None:
        self.stop_training = False
        self.metrics = metrics or []
        self.label = "untrained"
        self.save_error = save_error
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def save(self, filepath: str, **kwargs: Any) -> None:
        self._write("save", filepath, kwargs)

    def save_weights(self, filepath: str, **kwargs: Any) -> None:
        self._write("save_weights", filepath, kwargs)

    def _write(self, method: str, filepath: str, kwargs: dict[str, Any]) -> None:
        self.calls.append((method, filepath, kwargs))
        if self.save_error is not None:
            raise self.save_error(filepath)
        if filepath.endswith(".keras"):
            with zipfile.ZipFile(filepath, "w") as archive:
                archive.writestr("label.txt", f"{method}: {self.label}")
        else:
            with h5py.File(filepath, "w") as weights:
                weights.attrs["label"] = f"{method}: {self.label}"


def read_label(path: str) -> str:
    """The label a CheckpointModel wrote into `path`."""
    if path.endswith(".keras"):
        with zipfile.ZipFile(path) as archive:
            return archive.read("label.txt").decode()
    with h5py.File(path, "r") as weights:
        return str(weights.attrs["label"])


def files_under(root: str) -> dict[str, str]:
    """Every file and directory under `root`, relative, with its label ("dir" for one)."""
    found: dict[str, str] = {}
    for directory, subdirectories, files in os.walk(root):
        for name in subdirectories:
            found[os.path.relpath(os.path.join(directory, name), root)] = "dir"
        for name in files:
            path = os.path.join(directory, name)
            found[os.path.relpath(path, root)] = read_label(path)
    return dict(sorted(found.items()))

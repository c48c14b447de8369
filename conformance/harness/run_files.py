"""What a run left in its run directory, read without following it anywhere.

The run directory is the implementation's to fill, and a hostile one can fill it with a
symbolic link to a file outside (whose contents would then appear in the reports), a
named pipe (which blocks whoever opens it for reading) or a device. The tree is walked
through directory descriptors (`os.fwalk`), never following a link; each regular file is
opened with `O_NOFOLLOW | O_NONBLOCK` relative to its directory's descriptor and checked
to still be a regular file once open, and read whole. Anything else is reported, by
kind, and not opened.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field

_KINDS = {
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}
_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


@dataclass
class RunFiles:
    """The tree under a run directory, as paths relative to it (`/`-separated)."""

    directories: list[str] = field(default_factory=list)  # each with a trailing "/"
    regular: dict[str, bytes] = field(default_factory=dict)  # what each holds
    other: dict[str, str] = field(default_factory=dict)  # what each is, not opened


def read_tree(root: str) -> RunFiles:
    """Every entry under `root` (module docstring); empty if `root` is not a directory."""
    found = RunFiles()
    if not os.path.isdir(root) or os.path.islink(root):
        return found
    for directory, subdirectories, names, descriptor in os.fwalk(root, follow_symlinks=False):
        relative = os.path.relpath(directory, root)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        for name in [*subdirectories, *names]:
            path = prefix + name
            try:
                mode = os.stat(name, dir_fd=descriptor, follow_symlinks=False).st_mode
            except OSError:
                continue  # gone meanwhile
            if stat.S_ISDIR(mode):
                found.directories.append(path + "/")
            elif stat.S_ISREG(mode):
                content = _read_regular(name, descriptor)
                if content is None:
                    found.other[path] = "a file replaced while it was read"
                else:
                    found.regular[path] = content
            else:
                found.other[path] = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
    return found


def _read_regular(name: str, directory: int) -> bytes | None:
    """The contents of the regular file `name` in the open `directory`, or None if it is
    no longer a regular file when opened."""
    try:
        descriptor = os.open(name, _FLAGS, dir_fd=directory)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        return b"".join(_chunks(descriptor))
    finally:
        os.close(descriptor)


def _chunks(descriptor: int) -> Iterator[bytes]:
    while chunk := os.read(descriptor, 1 << 20):
        yield chunk

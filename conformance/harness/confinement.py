"""Confinement: an implementation's code writes nothing outside its workspace.

A `Confinement` is one workspace's: writes outside its run directory and `<tmp>` are
refused (`PermissionError`) and recorded, through an audit hook (PEP 578), and so is
starting a process during a run (but one: a command registered with `allow_restarts`
outside a run, which a target whose callbacks live in a subprocess may start again to
replace it: `conformance.foreign`); `confined` runs a stretch of code in it (its working
directory, `tempfile` and `TMPDIR` the workspace's), against a time limit;
`confine_for_good` confines a whole process (`conformance.worker`). See
docs/robustness.md, "Confinement".
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

from conformance.harness.time_limit import Clock, timed
from conformance.harness.workspaces import REMOVER, WORKSPACE_DIRECTORIES

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
# Audit events that change the file system: (index of a path, index of its dir_fd or None).
_CHANGES: dict[str, tuple[tuple[int, int | None], ...]] = {
    "os.mkdir": ((0, 2),),
    "os.rename": ((0, 2), (1, 3)),  # also os.replace
    "os.remove": ((0, 1),),  # also os.unlink
    "os.rmdir": ((0, 1),),
    "os.symlink": ((1, 2),),
    "os.link": ((0, 2), (1, 3)),  # a link to a file is a way to write to it
    "os.truncate": ((0, None),),
    "os.chmod": ((0, 2),),
    "os.chown": ((0, 3),),
    "os.utime": ((0, 3),),
    "os.mkfifo": ((0, 2),),
    "os.mknod": ((0, 3),),
    "shutil.copyfile": ((1, None),),
    "shutil.copytree": ((1, None),),
    "shutil.move": ((0, None), (1, None)),
    "shutil.rmtree": ((0, 1),),
    "sqlite3.connect": ((0, None),),
}
# Audit events that start a process: refused during a run (what it does is not seen).
_PROCESSES = (
    "subprocess.Popen",
    "os.system",
    "os.posix_spawn",
    "os.exec",
    "os.spawn",
    "os.fork",
    "os.forkpty",
    "pty.spawn",
)


class Confinement:
    """One scenario's workspace: the run directory, the working directory and the
    temporary directory the implementation is given, and the writes it tried elsewhere."""

    def __init__(self, workspace: str) -> None:
        """`workspace` holds the three, empty (`Workspaces`)."""
        self.run_dir, self.cwd, self.scratch = (
            os.path.join(workspace, name) for name in WORKSPACE_DIRECTORIES
        )
        self.allowed = (self.run_dir, self.scratch)
        self.outside: list[str] = []
        self.active = False
        # whether starting a process is refused: during a run, not at import
        self.refuses_processes = True

    def check(self, path: Any, what: str, directory: Any = None) -> None:
        """Refuse (PermissionError), and record, a write to `path` (relative to the open
        `directory` descriptor, if given) outside the run directory and the temporary
        directory; bytecode caches, the null device and in-memory databases pass."""
        try:
            if isinstance(path, int):  # a descriptor: the file it is open on
                text = _descriptor_path(path)
            else:
                text = os.fsdecode(os.fspath(path))
            if directory not in (None, -1) and not os.path.isabs(text):
                text = os.path.join(_descriptor_path(directory), text)
            full = os.path.realpath(os.path.join(os.getcwd(), text))
        except (TypeError, ValueError, OSError):  # not a path, a NUL in it, no /proc
            return
        if full == os.devnull or "__pycache__" in full.split(os.sep) or text in ("", ":memory:"):
            return
        if any(full == root or full.startswith(root + os.sep) for root in self.allowed):
            return
        entry = f"{what} {full.replace(self.cwd, '<cwd>')}"
        if entry not in self.outside:
            self.outside.append(entry)
        raise PermissionError(
            errno.EACCES, "callback-conformance refuses writes outside the run directory", text
        )

    def leftovers(self) -> list[str]:
        """What is left in the working directory: written there by native code."""
        found = []
        for directory, subdirectories, names in os.walk(self.cwd):
            for name in [*subdirectories, *names]:
                found.append(
                    f"left <cwd>/{os.path.relpath(os.path.join(directory, name), self.cwd)}"
                )
        return sorted(found)


_CONFINEMENT: Confinement | None = None  # the confinement in force, if any
_HOOK_INSTALLED = False
_RESTARTABLE: set[tuple[str, ...]] = set()  # commands a run may start (`allow_restarts`)


def in_a_run() -> bool:
    """Whether a run's confinement is in force (one that refuses starting processes)."""
    return _CONFINEMENT is not None and _CONFINEMENT.active and _CONFINEMENT.refuses_processes


def allow_restarts(command: list[str]) -> None:
    """Let runs start `command` (a `subprocess.Popen` argument list, exactly): the
    process a target started outside a run, where starting processes is allowed, and
    replaces when it dies. Refused during a run, where a hook could otherwise lift the
    refusal for anything it likes (PermissionError)."""
    if in_a_run():
        raise PermissionError(errno.EACCES, "allow_restarts is refused during a run")
    _RESTARTABLE.add(tuple(command))


def _audit(event: str, args: tuple[Any, ...]) -> None:
    confinement = _CONFINEMENT
    if confinement is None or not confinement.active or REMOVER.is_current():
        return
    if event == "open":
        path, mode, flags = args
        writes = (isinstance(flags, int) and flags & _WRITE_FLAGS) or (
            isinstance(mode, str) and any(c in mode for c in "wax+")
        )
        if writes and not isinstance(path, int):
            confinement.check(path, "open")
    elif event in _CHANGES:
        for path_index, fd_index in _CHANGES[event]:
            dir_fd = args[fd_index] if fd_index is not None else None
            confinement.check(args[path_index], event, dir_fd)
    elif event in _PROCESSES and confinement.refuses_processes and not _restart(event, args):
        what = f"{event} {str(args[:2])[:120]}"
        if what not in confinement.outside:
            confinement.outside.append(what)
        raise PermissionError(errno.EACCES, "callback-conformance refuses to start processes")


def _restart(event: str, args: tuple[Any, ...]) -> bool:
    """Whether the process being started is a registered restart (`allow_restarts`):
    `subprocess.Popen` with an argument list registered as it is."""
    command = args[1] if event == "subprocess.Popen" and len(args) > 1 else None
    return isinstance(command, (list, tuple)) and tuple(map(str, command)) in _RESTARTABLE


def _descriptor_path(descriptor: int) -> str:
    """The path of what the open `descriptor` refers to (Linux's /proc; OSError
    elsewhere, where the write is not seen: docs/robustness.md)."""
    return os.readlink(f"/proc/self/fd/{descriptor}")


def _install_audit_hook() -> None:
    """Audit hooks cannot be removed: one, installed once, idle outside a confinement."""
    global _HOOK_INSTALLED
    if not _HOOK_INSTALLED:
        sys.addaudithook(_audit)
        _HOOK_INSTALLED = True


@contextlib.contextmanager
def confined(confinement: Confinement, clock: Clock | None) -> Iterator[None]:
    """Run the body as the implementation's code: in the workspace, writes confined,
    against the time limit. The confinement in force before is restored after."""
    global _CONFINEMENT
    _install_audit_hook()
    outer = _CONFINEMENT
    cwd, tempdir, tmpdir = os.getcwd(), tempfile.tempdir, os.environ.get("TMPDIR")
    os.chdir(confinement.cwd)
    tempfile.tempdir = os.environ["TMPDIR"] = confinement.scratch
    _CONFINEMENT, confinement.active = confinement, True
    try:
        with timed(clock):
            yield
    finally:
        _CONFINEMENT, confinement.active = outer, False
        os.chdir(cwd)
        tempfile.tempdir = tempdir
        if tmpdir is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = tmpdir


def confine_for_good(workspace: str) -> list[str]:
    """Confine all code of this process from now on to `workspace` (a process that
    runs nothing but an implementation's code: `conformance.worker`), as its runs are
    confined (module docstring): the working directory is its `<cwd>`, and writes
    outside its run directory and `<tmp>` are refused. A run's own confinement takes
    over during the run. Returns the list where refused writes are recorded, for the
    caller to read and clear."""
    global _CONFINEMENT
    _install_audit_hook()
    confinement = Confinement(os.path.realpath(workspace))
    os.chdir(confinement.cwd)
    tempfile.tempdir = os.environ["TMPDIR"] = confinement.scratch
    confinement.refuses_processes = False  # the import may start helpers (a compiler)
    _CONFINEMENT, confinement.active = confinement, True
    return confinement.outside

"""Processes that end when the run ends: what the worker's target starts is killed.

A worker is the leader of a process group of its own, and killing it kills the group.
A process the target starts in a session of its own (`start_new_session=True`, a
daemon's double fork) leaves the group; on Linux this process is made a *subreaper*
(prctl PR_SET_CHILD_SUBREAPER), so that such a process, once its parent is gone, becomes
a child of this one, where `sweep` finds and kills it. Workers also ask the kernel to
kill them when this process ends, however it ends (`conformance.worker.server`).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import time
from collections.abc import Iterable

_PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> None:
    """Orphaned descendants become this process's children (Linux; elsewhere a no-op).
    Idempotent: the kernel keeps one flag, set again by each worker's start."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1)


def kill_group(pid: int) -> None:
    """SIGKILL to the process group `pid` leads."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _children() -> list[tuple[int, int]]:
    """(pid, process group) of this process's children, from /proc (Linux)."""
    found = []
    me = os.getpid()
    with contextlib.suppress(FileNotFoundError):
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as stat:
                    fields = stat.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            # After the command's name: state, parent, process group, ...
            if int(fields[1]) == me:
                found.append((int(name), int(fields[2])))
    return found


def sweep(keep: Iterable[int] = ()) -> list[int]:
    """Kill, and reap, the children of this process that are neither in its own process
    group (the suite's own: `--jobs` workers, multiprocessing's helpers) nor in `keep`
    (live workers): what a target left running. Their own children are reparented here
    as they die, and killed in turn. Returns the pids killed."""
    kept = set(keep)
    own_group = os.getpgrp()
    killed: list[int] = []
    for _ in range(50):
        strays = [pid for pid, group in _children() if group != own_group and pid not in kept]
        if not strays:
            break
        for pid in strays:
            kill_group(pid)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            killed.append(pid)
        time.sleep(0.01)
    return killed

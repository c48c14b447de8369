"""`--sandbox`: the worker under bubblewrap (`bwrap`, the sandbox Flatpak uses).

Inside, the worker sees the file system read-only, except a private `/tmp` and the run's
own directory (its workspaces; the same path inside and out, so that the suite reads
what the run left where the worker wrote it). It has no network, a PID namespace of its
own (when the sandbox ends, every process in it ends: nothing the target starts
outlives the run), no capabilities, and limits on its memory and on processes. Where
bubblewrap is missing or cannot run, `--sandbox` is an error, never a silent run
without it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence

from conformance.targets import TargetError

MEMORY_BYTES = 32 * 2**30  # address space per worker: JAX and TensorFlow reserve a lot
EXTRA_PROCESSES = 256  # beyond the processes the user already runs


class SandboxError(TargetError):
    """The sandbox cannot be used here; the message says why, in one line."""


def command_prefix(root: str, visible: Sequence[str] = ()) -> list[str]:
    """The bubblewrap command that runs what follows it in the sandbox, with `root`
    writable and the directories of `visible` (Python, the suite, the target's path)
    shown read-only even where they are under `/tmp`; SandboxError if bubblewrap is
    missing or cannot make a sandbox here."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxError(
            "--sandbox needs bubblewrap (bwrap), which is not installed"
            " (Debian and Ubuntu: apt-get install bubblewrap)"
        )
    prefix = [
        bwrap,
        "--ro-bind", "/", "/",
        "--dev", "/dev",
        "--proc", "/proc",
        "--tmpfs", "/tmp",
        *(option for path in _under_tmp(visible) for option in ("--ro-bind", path, path)),
        "--bind", root, root,
        "--unshare-all",
        "--cap-drop", "ALL",
        "--die-with-parent",
        "--new-session",
    ]  # fmt: skip
    _try(prefix)
    return prefix


def _under_tmp(paths: Sequence[str]) -> list[str]:
    """The existing directories of `paths` that the sandbox's private /tmp would hide."""
    found = []
    for path in paths:
        real = os.path.realpath(path)
        if real.startswith("/tmp/") and os.path.isdir(real) and real not in found:
            found.append(real)
    return found


def _try(prefix: list[str]) -> None:
    with tempfile.TemporaryFile() as errors:
        try:
            ran = subprocess.run([*prefix, "true"], stderr=errors, timeout=60, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise SandboxError(f"--sandbox: bubblewrap cannot run here: {error}") from None
        if ran.returncode != 0:
            errors.seek(0)
            said = errors.read().decode(errors="replace").strip().splitlines()
            reason = said[-1] if said else f"exit status {ran.returncode}"
            raise SandboxError(f"--sandbox: bubblewrap cannot make a sandbox here: {reason}")


def limits() -> dict[str, int]:
    """The resource limits the worker sets on itself in the sandbox (where, without
    capabilities, it cannot raise them again)."""
    return {"memory": MEMORY_BYTES, "processes": _user_processes() + EXTRA_PROCESSES}


def _user_processes() -> int:
    """How many processes this user runs (RLIMIT_NPROC counts them all)."""
    uid = os.getuid()
    count = 0
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.stat(f"/proc/{name}").st_uid == uid:
                    count += 1
            except OSError:
                continue
    return count

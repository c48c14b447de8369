"""Workspaces for observations: a directory holding the run directory, the working
directory and the temporary directory an implementation's run is given, made empty and
removed (in the background) or handed on afterwards."""

from __future__ import annotations

import atexit
import contextlib
import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Iterator


class _Remover:
    """Removes used workspaces on a thread of its own. Removing a directory tree checks
    nothing, yet an `rmdir` can block for milliseconds on a busy disk (2 to 12 ms a
    workspace measured here, docs/benchmarks.md); on this thread the next scenario runs
    meanwhile. What is still queued when the process exits is removed then."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def remove(self, path: str) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="workspace-remover")
            self._thread.daemon = True
            self._thread.start()
            atexit.register(self._finish)
        self._queue.put(path)

    def is_current(self) -> bool:
        """Whether this is the remover's thread (its removals are the suite's own)."""
        return self._thread is not None and threading.current_thread() is self._thread

    def _work(self) -> None:
        while (path := self._queue.get()) is not None:
            shutil.rmtree(path, ignore_errors=True)

    def _finish(self) -> None:
        self._queue.put(None)
        assert self._thread is not None
        self._thread.join()


REMOVER = _Remover()
WORKSPACE_DIRECTORIES = ("run", "cwd", "tmp")  # the run directory, `<cwd>` and `<tmp>`


class Workspaces:
    """Workspaces for observations, in `root` (the temporary directory if None): a
    directory holding the three, empty. One
    a run left empty (nothing written in any of the three; most EarlyStopping and
    LearningRateScheduler runs) is handed to the next observation as it is; any other is
    removed in the background. Making and removing four directories per observation
    checks nothing and costs milliseconds on a busy disk."""

    def __init__(self, root: str | None = None) -> None:
        self.root = root
        self._empty: str | None = None
        self._exit_registered = False

    @contextlib.contextmanager
    def one(self) -> Iterator[str]:
        path, self._empty = self._empty, None
        if path is None:
            if not self._exit_registered:
                self._exit_registered = True
                atexit.register(self.close)
            path = tempfile.mkdtemp(prefix="conformance-", dir=self.root)
            for name in WORKSPACE_DIRECTORIES:
                os.mkdir(os.path.join(path, name))
        try:
            yield path
        finally:
            if self._empty is None and self._left_empty(path):
                self._empty = path
            else:
                REMOVER.remove(path)

    @staticmethod
    def _left_empty(path: str) -> bool:
        try:
            return sorted(os.listdir(path)) == sorted(WORKSPACE_DIRECTORIES) and not any(
                os.listdir(os.path.join(path, name)) for name in WORKSPACE_DIRECTORIES
            )
        except OSError:  # a directory gone or replaced by a file
            return False

    def close(self) -> None:
        """Remove the empty workspace kept (at exit)."""
        if self._empty is not None:
            shutil.rmtree(self._empty, ignore_errors=True)
            self._empty = None


WORKSPACES = Workspaces()


def new_workspace() -> contextlib.AbstractContextManager[str]:
    """A workspace for one observation: a directory holding the run directory, `<cwd>`
    and `<tmp>`, empty; removed (or handed on, if left empty) afterwards."""
    return WORKSPACES.one()

"""The worker: `python -m conformance.worker`, one target's code in a process of its
own, answering the protocol of `conformance.worker` on its standard input and output.

The protocol's pipes are moved off file descriptors 0 and 1 first: what the target
prints, from Python or native code, goes to the worker's standard error, and it cannot
read the requests. From then on, everything in this process is the target's: its import
and warm-up, its hooks, and its objects' finalisers between runs all run confined (the
audit hook of `conformance.harness.confinement`), in a home workspace between runs and in
the run's own workspace during one.
"""

from __future__ import annotations

import ctypes
import os
import random
import signal
import sys
from typing import IO, Any

from conformance.worker.progress import Refused

PROTOCOL = 1
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Linux: the kernel kills this process when the process that started it ends, even
    by SIGKILL (prctl PR_SET_PDEATHSIG)."""
    if sys.platform.startswith("linux"):
        parent = os.getppid()
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # it ended before the request took effect
            os._exit(1)


def _private_pipes() -> tuple[IO[str], IO[str]]:
    """The protocol's pipes on new descriptors; 0 reads nothing, 1 writes to stderr."""
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    return requests, replies


def serve(requests: IO[str], replies: IO[str]) -> None:
    """Answer requests until `stop` or the end of input."""
    from conformance.worker import codec
    from conformance.worker.session import Session

    session: Session | None = None
    for line in requests:
        try:
            request = codec.loads(line)
            if request.get("protocol") != PROTOCOL:
                raise ValueError(f"protocol {request.get('protocol')!r}, this worker speaks 1")
            op = request["op"]
            if op == "stop":
                return
            if op == "start":
                session = Session.start(request)
                answer: Any = session.description()
            elif session is None:
                raise ValueError(f"{op!r} before start")
            else:
                answer = session.answer(op, request)
            reply = {"protocol": PROTOCOL, "ok": answer}
        except Exception as error:  # noqa: BLE001 (any failure is the reply)
            reply = {"protocol": PROTOCOL, "error": _one_line(error)}
            if isinstance(error, Refused) and error.traceback is not None:
                reply["traceback"] = error.traceback
        replies.write(codec.dumps(reply) + "\n")
        replies.flush()


def _one_line(error: BaseException) -> str:
    try:
        text = str(error)
    except Exception:  # noqa: BLE001 (an unprintable exception is the target's)
        text = "<unprintable>"
    if not isinstance(error, Refused):
        text = f"{type(error).__name__}: {text}"
    return text.replace("\n", " ")[:2000]


def main() -> None:
    die_with_parent()
    requests, replies = _private_pipes()
    # The worker's own randomness is seeded per request; a run started without one
    # (a request that fails before it) still starts from the same state.
    random.seed(0)
    try:
        serve(requests, replies)
    except KeyboardInterrupt:
        pass
    finally:
        replies.flush()
        # Threads and finalisers the target left behind are not waited for.
        os._exit(0)


if __name__ == "__main__":
    main()

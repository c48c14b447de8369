"""The suite's properties as pytest tests, for a third party's own test suite.

    pytest --pyargs conformance --target=my_package.callbacks

Each property becomes one test (`test_property[<name>]`), run against `--target` with
the examples of `--conformance-profile` (default `quick`), derandomized unless
`--conformance-seed` is given. A target that cannot be imported ends the session in one
line naming the file and line (`--conformance-traceback` prints the traceback too).
Without `--target` the tests are skipped. The plugin is registered through the `pytest11`
entry point, so installing the package is enough.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from conformance import PROFILE_NAMES


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("callback-conformance")
    group.addoption(
        "--target", default=None, help="the implementation to check (see callback-conformance run)"
    )
    group.addoption("--conformance-profile", default="quick", choices=PROFILE_NAMES)
    group.addoption("--conformance-seed", type=int, default=None)
    group.addoption(
        "--conformance-traceback",
        action="store_true",
        help="when the target cannot be imported, print the Python traceback of the failure"
        " before the one-line message (callback-conformance run --traceback)",
    )


@pytest.fixture(scope="session")
def conformance_target(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The `--target`, in worker processes of its own (as the command line runs it),
    stopped when the session ends."""
    from conformance.targets import TargetError
    from conformance.worker import connect

    spec = request.config.getoption("--target")
    if spec is None:
        pytest.skip("no --target given")
    # As the command line does: a module in the working directory is a target, also when
    # pytest is run as `pytest`, which does not put that directory on sys.path.
    here = os.getcwd()
    path = sys.path if here in sys.path or "" in sys.path else [here, *sys.path]
    try:
        running = connect(spec, path=path)
    except TargetError as error:
        shown = request.config.getoption("--conformance-traceback") and error.traceback
        pytest.exit(f"{error.traceback}{error}" if shown else str(error), returncode=2)
    try:
        yield running
    finally:
        running.host.close()

"""Test settings: the Keras backend, a private KERAS_HOME, quiet TensorFlow, and the
Hypothesis profiles (`ci` is derandomized; pick one with HYPOTHESIS_PROFILE)."""

import os
import tempfile

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("KERAS_HOME", tempfile.mkdtemp(prefix="keras-home-"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from hypothesis import HealthCheck, settings  # noqa: E402

_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("ci", max_examples=150, derandomize=True, print_blob=True, **_COMMON)
settings.register_profile("dev", max_examples=300, **_COMMON)
settings.register_profile("thorough", max_examples=2500, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


import pytest  # noqa: E402

from tests.support.implementations import callbacks_of  # noqa: E402


@pytest.fixture
def impl(request):
    """The callbacks module of the implementation the test is parametrized with."""
    return callbacks_of(request.param)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tier first, when it runs: pytest-xdist hands the first tests out to its
    workers in turn, so the longest start side by side while the many short ones fill in
    after; collected last, one worker ran them alone at the end of the run."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)

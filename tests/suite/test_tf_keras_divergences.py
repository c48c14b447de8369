"""The declared divergences of tf-keras 2.21 (`matrix/divergences/tf_keras.toml`).

Always: the file loads (`conformance.divergences.load` checks every clause exists and
every witness's property checks its clause), every entry is for tf-keras 2.21 and links to
a line of tf-keras v2.21.0's callbacks, and every witness file in `tf_keras/` is used.
With tf-keras installed: every witness still diverges against the `tf_keras` target, so a
declaration that went stale (tf-keras or the suite changed) fails here, not only in a run.
"""

from __future__ import annotations

import importlib.util
import pathlib
import re

import pytest

from conformance.divergences import Witness, load

DECLARED = pathlib.Path(__file__).parents[2] / "matrix" / "divergences" / "tf_keras.toml"
LINK = re.compile(
    r"https://github\.com/keras-team/tf-keras/blob/v2\.21\.0/tf_keras/src/callbacks\.py#L(\d+)"
)
DIVERGENCES = load(str(DECLARED))
# One run per witness file: several clauses may share one.
WITNESSES = {
    witness.path: (witness, divergence.clause)
    for divergence in DIVERGENCES
    for witness in divergence.witnesses
}


def test_the_file_declares_tf_keras_2_21_divergences():
    assert DIVERGENCES, "no declarations"
    for divergence in DIVERGENCES:
        assert divergence.target == "tf_keras", divergence.clause
        assert divergence.versions is not None, divergence.clause
        assert divergence.versions.contains("2.21.0"), divergence.clause


def test_every_link_points_at_a_line_of_tf_keras_2_21_0():
    for divergence in DIVERGENCES:
        assert LINK.fullmatch(divergence.link), (divergence.clause, divergence.link)


def test_the_links_are_lines_of_the_installed_tf_keras_2_21_0():
    tf_keras = pytest.importorskip("tf_keras")
    if tf_keras.__version__ != "2.21.0":
        pytest.skip(f"tf-keras {tf_keras.__version__} installed, the links are to 2.21.0")
    spec = importlib.util.find_spec("tf_keras.src.callbacks")
    assert spec is not None and spec.origin is not None
    lines = pathlib.Path(spec.origin).read_text().splitlines()
    for divergence in DIVERGENCES:
        match = LINK.fullmatch(divergence.link)
        assert match is not None
        assert 1 <= int(match.group(1)) <= len(lines), (divergence.clause, divergence.link)


def test_every_witness_file_is_declared():
    files = {f"tf_keras/{path.name}" for path in (DECLARED.parent / "tf_keras").glob("*.json")}
    assert files == set(WITNESSES)


@pytest.fixture(scope="module")
def tf_keras_target():
    pytest.importorskip("tf_keras")
    from conformance.running import in_process
    from conformance.targets import resolve

    return in_process(resolve("tf_keras"))


@pytest.mark.parametrize("declared", list(WITNESSES.values()), ids=list(WITNESSES))
def test_the_witness_still_diverges(declared: tuple[Witness, str], tf_keras_target):
    from conformance.runner import examine

    witness, clause = declared
    examination = examine(witness.property, tf_keras_target, witness.scenario, scenario_timeout=120)
    assert examination.failure is not None, (
        f"stale: {witness.path} no longer diverges ({witness.property.name}"
        f" passes); declared for {clause}"
    )
    # A timeout, a write outside the run or state kept on the classes is not the
    # declared behaviour.
    assert not examination.conclusive, examination.failure

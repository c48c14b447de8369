"""`callback-conformance compare-installed OLD_SPEC NEW_SPEC`: the upgrade check in one line.

Each spec is a pip requirement for Keras (`keras==3.14.1`, `keras-nightly`, a wheel's
path). For each, a virtual environment is made in the work directory, the spec installed
into it, and `run keras` run there; the two JSON reports are then compared as `diff`
compares them (`conformance.diff`). The environments see the packages of the one running
this command (a `.pth` file adds its site-packages after their own), so pip installs
only Keras and what that Keras needs beyond them: the suite, jax and TensorFlow come from
here, and the two runs differ in their Keras alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from dataclasses import dataclass
from pathlib import Path


class CompareError(Exception):
    """A step that could not be done; the message is one line."""


@dataclass(frozen=True)
class Side:
    """One of the two Keras versions: its spec, environment and report."""

    label: str  # "old" or "new"
    spec: str
    work: Path

    @property
    def environment(self) -> Path:
        return self.work / self.label

    @property
    def report(self) -> Path:
        return self.work / f"keras-{self.label}.json"

    @property
    def python(self) -> Path:
        return self.environment / "bin" / "python"


def prepare(side: Side) -> None:
    """The side's environment, with its Keras installed over this one's packages."""
    venv.EnvBuilder(with_pip=True, clear=True).create(side.environment)
    site = _run(
        side,
        [str(side.python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        "find its site-packages",
    ).strip()
    ours = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    # `site.addsitedir`, not a bare path: the directories' own .pth files (an editable
    # install of the suite, say) are read too.
    (Path(site) / "callback-conformance-parent.pth").write_text(
        "".join(f"import site; site.addsitedir({path!r})\n" for path in ours), encoding="utf-8"
    )
    pip = [str(side.python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run(side, [*pip, side.spec], f"install {side.spec!r}")


def run_suite(side: Side, words: list[str]) -> None:
    """`run keras WORDS --json REPORT` in the side's environment: its table on stdout."""
    command = [str(side.python), "-m", "conformance", "run", "keras", *words]
    result = subprocess.run(
        [*command, "--json", str(side.report)],
        env={**os.environ, "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "jax")},
        stdout=sys.stdout,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    if result.returncode not in (0, 1) or not side.report.is_file():
        said = result.stderr.strip().splitlines()
        raise CompareError(
            f"the run under {side.spec!r} ended with status {result.returncode}"
            + (f": {said[-1]}" if said else "")
        )


def _run(side: Side, command: list[str], doing: str) -> str:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        said = (result.stderr or result.stdout).strip().splitlines()
        reason = said[-1] if said else f"status {result.returncode}"
        raise CompareError(f"{side.label} environment: could not {doing}: {reason}")
    return result.stdout

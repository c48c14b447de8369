"""Re-check mutmut's surviving mutants against more tests, one mutant at a time.

`mutmut run` (`tox -e mutation`) leaves its mutated copy of the project in `mutants/`,
where every function of `reference/` dispatches on the `MUTANT_UNDER_TEST` variable. A
test added after the run (to kill a survivor) is tried here on each survivor without
re-running the whole mutation run: the test files are copied into `mutants/tests/`, and
pytest runs them (in this process, from `mutants/`) with the mutant switched on. A
mutant is killed when they fail; they must pass with none.

    python tools/mutation_recheck.py tests/reference/test_reference_details.py
    python tools/mutation_recheck.py --status timeout \
        tests/reference/test_tensorboard_differential.py

Prints one line per mutant and a summary; exit status 0.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"


def mutants_with(status: str) -> list[str]:
    """The names `mutmut results --all true` reports with `status`."""
    listing = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    names = []
    for line in listing.splitlines():
        name, _, found = line.strip().rpartition(": ")
        if found == status:
            names.append(name)
    return names


def killed(mutant: str, tests: list[str], keyword: str = "") -> bool:
    """Whether `tests` fail with `mutant` switched on ("" for none). mutmut's trampolines
    read the variable at every call, so one process runs them all."""
    import pytest

    os.environ["MUTANT_UNDER_TEST"] = mutant
    arguments = ["-x", "-q", "-p", "no:randomly", "-p", "tests.mutation_profile"]
    selected = "not catches" + (f" and ({keyword})" if keyword else "")
    arguments += ["-k", selected, *tests]  # as tox -e mutation runs them
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        return pytest.main(arguments) != 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tests", nargs="+", help="test files (relative to the project root)")
    parser.add_argument("--status", default="survived", help="which mutants to re-check")
    parser.add_argument("--mutant", action="append", help="re-check only these mutants")
    parser.add_argument("-k", dest="keyword", default="", help="only the tests pytest -k picks")
    args = parser.parse_args(argv)
    if not MUTANTS.is_dir():
        parser.error("no mutants/ directory: run `mutmut run` (tox -e mutation) first")
    for test in args.tests:
        path = Path(test.split("::")[0])
        shutil.copy2(ROOT / path, MUTANTS / path)
    names = args.mutant or mutants_with(args.status)
    # Run inside the mutated copy, as mutmut does: its `reference` before any other.
    os.chdir(MUTANTS)
    sys.path[:0] = [str(MUTANTS)]
    os.environ["HYPOTHESIS_PROFILE"] = "mutation"
    os.environ.pop("PYTEST_ADDOPTS", None)  # the plugin is loaded below, once
    if killed("", args.tests, args.keyword):
        parser.error(f"{args.tests} fail without a mutant: fix them first")
    still = []
    for name in names:
        verdict = killed(name, args.tests, args.keyword)
        print(f"{'killed' if verdict else 'survived'}: {name}", flush=True)
        if not verdict:
            still.append(name)
    print(f"{len(names) - len(still)} of {len(names)} {args.status} mutants killed by {args.tests}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

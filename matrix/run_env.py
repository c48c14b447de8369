"""Run the conformance suite in one environment of the Keras version matrix and keep
its report (tox runs this; see matrix/README.md).

    python matrix/run_env.py NAME [TARGET] [--expect VERSION] [--divergences FILE]
        [--variable-float] [--weight-names] [--weight-jax-array]

runs `callback-conformance run TARGET --profile default --scenario-timeout 120 --json
matrix/reports/NAME.json [--divergences FILE]`
(TARGET is `keras` unless given; the command's own `main`, in this process) from the
repository root, then for `keras` `callback-conformance fit-loop --json
matrix/fit-loop/NAME.json` (the version's own `fit` judged per `fit.*` clause), and writes
beside them, in
`matrix/environments/NAME.json`, what ran it: the command, the Python, the backend, the
versions of the packages that matter, and the wall time. With `--expect VERSION` it first
checks that the target reports that version (a wrong pin, or two distributions writing
the same `keras` package, would otherwise file one version's report under another's name).

The three adaptations below are made where the target runs, in the suite's worker
process: with any of them the target is `matrix.keras_shims`, which applies those named in
MATRIX_SHIMS at its import and is then driven as TARGET is (its report says
`matrix.keras_shims` and TARGET's version).

`--variable-float` (Keras 3.0-3.4 only) gives Keras's variable class the `__float__`
that Keras 3.5 added, as 3.5 wrote it. The suite's simulated fit reads each epoch's
learning rate as `float(model.optimizer.learning_rate)`, which raises TypeError on the
`keras.Variable` of Keras 3.0-3.4 and would fail every clause that runs a fit for a reason
of the harness, not of the callbacks. Keras's callbacks themselves read the rate through
`convert_to_numpy` in every version, so the method changes nothing they do (see
matrix/README.md, "What the matrix runs").

`--weight-names` gives the suite's simulated weights the `name` every real Keras
variable has (the last part of its `path`: `dense/w0` is named `w0`). Keras 3.0-3.13 and
tf-keras name TensorBoard's histograms after `weight.name` (3.14 and later: `weight.path`);
without it they raise AttributeError on the simulated model where a real one has a name,
and every TensorBoard clause whose scenarios write histograms fails for that reason.

`--weight-jax-array` (Keras 3.0-3.11 only) gives the simulated weights the `__jax_array__`
a real Keras variable has on the jax backend. Those versions' `ops.squeeze` hands its
argument to `jnp.squeeze` unconverted, which takes a real variable (it converts itself)
but not the simulated weight (only `__array__`): TensorBoard's `write_images` would raise
TypeError on the simulated model alone.

A failing verdict is a result, not an error: the suite exits 1 when a clause fails and the
report is written all the same, so this exits 0 for the suite's exit statuses 0 and 1 (the
environment is done) and passes any other status on (a usage error, a target that cannot
be imported, a crash).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "matrix" / "reports"
ENVIRONMENTS = ROOT / "matrix" / "environments"
FIT_LOOPS = ROOT / "matrix" / "fit-loop"
PROFILE = "default"
# Seconds a scenario's target code may run before the suite stops it and fails its
# property. The suite's default (10) is about hung targets; on a shared machine under load
# a slow scenario of an old Keras could reach it, and a verdict that depends on the load
# would make the reports unreproducible.
SCENARIO_TIMEOUT = "120"
# The distributions whose versions decide what a report says.
PACKAGES = (
    "keras",
    "keras-nightly",
    "tf-keras",
    "jax",
    "jaxlib",
    "tensorflow-cpu",
    "tensorflow",
    "tensorboard",
    "numpy",
    "ml-dtypes",
    "h5py",
    "hypothesis",
)


def installed() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def target_version(target: str) -> str:
    module = {"keras": "keras", "tf_keras": "tf_keras"}.get(target, target.partition(":")[0])
    code = f"import {module}; print({module}.__version__)"
    printed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return printed.strip().splitlines()[-1]  # keras-core prints its backend first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="the report's name: matrix/reports/NAME.json")
    parser.add_argument("target", nargs="?", default="keras")
    parser.add_argument("--expect", default=None, help="the version the target must report")
    parser.add_argument(
        "--divergences", default=None, help="the target's declared divergences (a TOML file)"
    )
    parser.add_argument(
        "--variable-float", action="store_true", help="give Keras 3.0-3.4 variables __float__"
    )
    parser.add_argument(
        "--weight-names", action="store_true", help="give the simulated weights names"
    )
    parser.add_argument(
        "--weight-jax-array",
        action="store_true",
        help="give the simulated weights __jax_array__ (Keras 3.0-3.11)",
    )
    args = parser.parse_args(argv)
    packages = installed()
    if "keras" in packages and "keras-nightly" in packages:
        print(
            "run_env: keras and keras-nightly are both installed and write the same `keras`"
            " package (keras-nightly's environment needs tox-uv for its UV_OVERRIDE)",
            file=sys.stderr,
        )
        return 2
    # Importing the target here, in a process of its own, also writes Keras's keras.json
    # into KERAS_HOME, as the suite's worker would otherwise do, outside its run directory.
    found = target_version(args.target)
    if args.expect is not None:
        if found != args.expect:
            print(f"run_env: {args.target} is {found}, expected {args.expect}", file=sys.stderr)
            return 2
    REPORTS.mkdir(parents=True, exist_ok=True)
    ENVIRONMENTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / f"{args.name}.json"
    shims = [
        name
        for name, wanted in (
            ("variable-float", args.variable_float),
            ("weight-names", args.weight_names),
            ("weight-jax-array", args.weight_jax_array),
        )
        if wanted
    ]
    # The adaptations are made where the target runs, in the suite's worker process:
    # matrix/keras_shims.py, the target with them applied at its import.
    os.environ["MATRIX_SHIMS"] = ",".join(shims)
    os.environ["MATRIX_LIKE"] = args.target
    command = [
        "run",
        "matrix.keras_shims" if shims else args.target,
        "--profile",
        PROFILE,
        "--scenario-timeout",
        SCENARIO_TIMEOUT,
        "--json",
        str(report.relative_to(ROOT)),
        *(["--divergences", args.divergences] if args.divergences else []),
    ]
    os.chdir(ROOT)
    start = time.monotonic()
    from conformance.cli import main as conformance

    try:
        status = conformance(command)
    except SystemExit as exit:  # a usage or target error
        status = exit.code if isinstance(exit.code, int) else 2
    if status not in (0, 1) or not report.exists():
        print(f"run_env: the suite exited {status} without a report", file=sys.stderr)
        return status or 2
    fit_loop_status = None
    if args.target == "keras":  # tf-keras's fit is its own, not keras.Model.fit
        FIT_LOOPS.mkdir(parents=True, exist_ok=True)
        fit_loop = FIT_LOOPS / f"{args.name}.json"
        fit_loop_status = conformance(["fit-loop", "--json", str(fit_loop.relative_to(ROOT))])
        if fit_loop_status not in (0, 1) or not fit_loop.exists():
            print(f"run_env: fit-loop exited {fit_loop_status} without verdicts", file=sys.stderr)
            return fit_loop_status or 2
    seconds = time.monotonic() - start
    environment = {
        "name": args.name,
        "command": "callback-conformance " + " ".join(command),
        "python": platform.python_version(),
        "KERAS_BACKEND": os.environ.get("KERAS_BACKEND"),
        "variable_float_shim": args.variable_float,
        "weight_names_shim": args.weight_names,
        "weight_jax_array_shim": args.weight_jax_array,
        "packages": installed(),
        "exit_status": status,
        "fit_loop_exit_status": fit_loop_status,
        "seconds": round(seconds),
    }
    path = ENVIRONMENTS / f"{args.name}.json"
    path.write_text(json.dumps(environment, indent=1) + "\n")
    print(f"run_env: {args.name}: suite exit status {status}, {seconds:.0f} s, {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Regenerate `report-every-verdict.json`: a stored report holding every verdict, for
the report renderers' tests (tests/suite/test_reports.py, tests/suite/test_reports_browser.py).

It is made of real runs (profile quick, derandomized) against kept wrong implementations:

* the whole suite against `es_patience_counted_after_test` (EarlyStopping fails; the fit
  loop's clauses are not run; the rest pass);
* the failing clauses of runs against `es_restores_initial_weights` (EarlyStopping,
  restoring), `lrs_epoch_relative_to_fit`, `mc_best_reset_per_fit` and
  `tb_batch_step_reset_per_epoch` (-k on their callback), put in place of those clauses'
  entries, so that every callback has a counterexample to plot;
* the `unsupported` clauses of a run against `tests.partial_targets.no_baseline` (-k
  early_stopping.baseline: a port without `baseline`, declaring it), with its declarations;

and two edited entries, since no run gives them yet: a failing cosmetic clause turned into
a declared divergence (`divergent`, its counterexample kept as the witness), and a passing
clause turned into a stale declared divergence (`stale`). The summary is counted again.

Run from the repository root (takes a few minutes; with a directory argument, the runs'
reports already there, `<wrong implementation>.json`, are reused):

    KERAS_BACKEND=jax python tests/data/make_report_fixture.py [DIRECTORY]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURE = os.path.join(HERE, "report-every-verdict.json")
WRONG = "conformance.catalogue."
BASE = "es_patience_counted_after_test"
MERGED = {
    "es_restores_initial_weights": "early_stopping.restore.",
    "lrs_epoch_relative_to_fit": "learning_rate_scheduler.",
    "mc_best_reset_per_fit": "model_checkpoint.",
    "tb_batch_step_reset_per_epoch": "tensorboard.",
}
DIVERGENT = "early_stopping.verbose.messages"
DIVERGENT_REASON = (
    "declared divergence (cosmetic): this port prints no early-stopping message;"
    " see https://example.org/my-port/divergences#verbose"
)
STALE = "monitor.precision"
STALE_REASON = (
    "declared divergence is stale: its witness no longer diverges (the port now compares in"
    " float32, as Keras does); remove the declaration"
)
UNSUPPORTED = ("tests.partial_targets.no_baseline", "early_stopping.baseline")
VERDICTS = ("pass", "fail", "divergent", "stale", "unsupported", "not-run")


def run(target: str, directory: str, pattern: str | None = None) -> dict:
    path = os.path.join(directory, f"{target}.json")
    if os.path.exists(path):
        with open(path) as source:
            return json.load(source)
    module = target if "." in target else WRONG + target
    command = [sys.executable, "-m", "conformance", "run", module, "--profile", "quick"]
    command += ["--json", path] + (["-k", pattern] if pattern else [])
    subprocess.run(command, cwd=ROOT, check=False, stdout=subprocess.DEVNULL)
    with open(path) as source:
        return json.load(source)


def main(directory: str) -> None:
    report = run(BASE, directory)
    by_id = {clause["id"]: clause for clause in report["clauses"]}
    for target, pattern in MERGED.items():
        for clause in run(target, directory, pattern)["clauses"]:
            if clause["verdict"] == "fail":
                by_id[clause["id"]].update(clause)
    add_unsupported(report, run(UNSUPPORTED[0], directory, UNSUPPORTED[1]))
    by_id[DIVERGENT].update(verdict="divergent", reason=DIVERGENT_REASON)
    by_id[STALE].update(verdict="stale", reason=STALE_REASON, counterexample=None)
    report["target"]["spec"] = report["target"]["module"] = WRONG + BASE
    count(report)
    with open(FIXTURE, "w") as out:
        json.dump(report, out, indent=1)
        out.write("\n")


def add_unsupported(report: dict, partial: dict) -> None:
    """The `unsupported` clauses of `partial` (a run of a target with declarations) and
    its declarations, put into `report`."""
    by_id = {clause["id"]: clause for clause in report["clauses"]}
    for clause in partial["clauses"]:
        if clause["verdict"] == "unsupported":
            by_id[clause["id"]].update(clause)
    report["target"]["unsupported"] = partial["target"]["unsupported"]


def count(report: dict) -> None:
    report["summary"] = {
        v: sum(1 for c in report["clauses"] if c["verdict"] == v) for v in VERDICTS
    }


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1])
    else:
        with tempfile.TemporaryDirectory() as temporary:
            main(temporary)

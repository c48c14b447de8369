"""The command line: `callback-conformance run TARGET` and `replay FILE TARGET`.

Exit status: 0 when no clause fails, 1 when one does, 2 with a one-line message for a
usage error or a target that cannot be used.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, NoReturn

from conformance import __version__

PROFILE_NAMES = ("quick", "default", "thorough")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="callback-conformance", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = commands.add_parser("run", help="check TARGET against the reference, clause by clause")
    run.add_argument("target", help="reference, keras, tf_keras, a module, or module:object")
    run.add_argument("--profile", choices=PROFILE_NAMES, default="default")
    run.add_argument("--seed", type=_seed, default=None, help="random seed (default: derandomized)")
    run.add_argument(
        "-k", dest="pattern", default=None, help="only clauses whose id matches (glob or substring)"
    )
    run.add_argument("--json", dest="json_path", default=None, help="write the JSON report here")
    run.add_argument(
        "--counterexamples",
        default=None,
        help="write a replayable file per failing clause into this directory",
    )
    replay = commands.add_parser("replay", help="re-run a saved counterexample against TARGET")
    replay.add_argument(
        "file", help="a counterexample file, or a JSON report (its first failing clause)"
    )
    replay.add_argument("target")
    replay.add_argument("--clause", default=None, help="with a JSON report: the clause to replay")
    return parser


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid seed {text!r}: expected a non-negative integer"
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"invalid seed {text!r}: expected a non-negative integer")
    return value


def _fail(message: str) -> NoReturn:
    print(f"callback-conformance: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def _writable(path: str | None, what: str) -> None:
    if path is None:
        return
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory) or not os.access(directory, os.W_OK):
        _fail(f"cannot write the {what} to {path!r}: {directory!r} is not a writable directory")


def _progress(number: int, total: int, prop: Any) -> None:
    if sys.stderr.isatty():
        line = f"[{number + 1}/{total}] {prop.callback}: {prop.name}"
        sys.stderr.write(f"\r{line[:100]:<100}")
        sys.stderr.flush()
        if number + 1 == total:
            sys.stderr.write("\r" + " " * 100 + "\r")


def _print_table(report: dict[str, Any]) -> None:
    marks = {
        "pass": "pass",
        "fail": "FAIL",
        "divergent": "divergent",
        "stale": "STALE",
        "not-run": "not-run",
    }
    callback = None
    for clause in report["clauses"]:
        if clause["callback"] != callback:
            callback = clause["callback"]
            print(f"\n{callback}")
        mark, level, examples = marks[clause["verdict"]], clause["level"], clause["examples"]
        print(f"  {mark:<9} {clause['id']:<62} {level:<12} {examples:>6}")
        if clause["verdict"] in ("fail", "stale"):
            print(f"            {clause['reason'][:300]}")
    summary = ", ".join(
        f"{count} {verdict}" for verdict, count in report["summary"].items() if count
    )
    target = report["target"]
    name = f"{target['spec']} {target['version'] or ''} ({target['backend'] or 'no backend'})"
    print(f"\n{name}, profile {report['profile']}: {summary}")


def _run(args: argparse.Namespace) -> int:
    from conformance import report as reports
    from conformance.clauses import CLAUSES, matching
    from conformance.properties import PROPERTIES
    from conformance.runner import PROFILES, clause_verdicts, run
    from conformance.scenario_io import dumps
    from conformance.targets import TargetError, resolve

    _writable(args.json_path, "JSON report")
    if args.counterexamples is not None and not os.path.isdir(args.counterexamples):
        _fail(f"--counterexamples {args.counterexamples!r} is not a directory")
    clauses = matching(args.pattern) if args.pattern else CLAUSES
    if not clauses:
        _fail(f"-k {args.pattern!r} matches no clause id")
    try:
        target = resolve(args.target)
    except TargetError as error:
        _fail(str(error))
    wanted = {clause.id for clause in clauses}
    properties = [prop for prop in PROPERTIES if wanted.intersection(prop.clauses)]
    results = run(target, properties, PROFILES[args.profile], args.seed, progress=_progress)
    report = reports.build(
        target, args.profile, args.seed, clause_verdicts(target, results, clauses)
    )
    _print_table(report)
    if args.json_path:
        with open(args.json_path, "w") as out:
            json.dump(report, out, indent=1)
    if args.counterexamples:
        for result in results:
            if result.counterexample is not None:
                path = os.path.join(args.counterexamples, f"{result.property.name}.json")
                with open(path, "w") as out:
                    out.write(
                        dumps(
                            {
                                "property": result.property.name,
                                "scenario": result.counterexample.scenario,
                            }
                        )
                    )
                print(f"counterexample: {path} (callback-conformance replay {path} {args.target})")
    return 1 if report["summary"]["fail"] or report["summary"]["stale"] else 0


def _replay(args: argparse.Namespace) -> int:
    from conformance.properties import PROPERTIES
    from conformance.report import table
    from conformance.runner import examine
    from conformance.scenario_io import from_data
    from conformance.targets import TargetError, resolve

    try:
        with open(args.file) as source:
            data = json.load(source)
    except (OSError, ValueError) as error:
        _fail(f"cannot read {args.file!r}: {error}")
    if "clauses" in data:  # a report: take the chosen, or first, failing clause
        failing = [
            c for c in data["clauses"] if c["counterexample"] and (args.clause in (None, c["id"]))
        ]
        if not failing:
            _fail(
                f"{args.file!r} holds no counterexample"
                + (f" for {args.clause!r}" if args.clause else "")
            )
        data = failing[0]["counterexample"]
    by_name = {prop.name: prop for prop in PROPERTIES}
    if data.get("property") not in by_name:
        _fail(f"{args.file!r}: unknown property {data.get('property')!r}")
    prop, scenario = by_name[data["property"]], from_data(data["scenario"])
    try:
        target = resolve(args.target)
    except TargetError as error:
        _fail(str(error))
    if target.classes.get(prop.callback) is None:
        _fail(f"target {args.target!r} has no {prop.callback}: {target.not_run.get(prop.callback)}")
    examination = examine(prop, target, scenario)
    verdict = f"FAIL {examination.failure}" if examination.failure else f"pass {prop.name}"
    print(table(scenario, examination.target, examination.reference))
    print(verdict)
    return 1 if examination.failure else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # As with `python -m`, modules in the working directory are importable targets.
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    return _run(args) if args.command == "run" else _replay(args)


if __name__ == "__main__":
    sys.exit(main())

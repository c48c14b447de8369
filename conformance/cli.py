"""The command line: `callback-conformance run`, `replay`, `render`, `diff`,
`compare-installed`, `fit-loop`, `export-vectors` and `judge`.

`run TARGET` checks a target clause by clause and writes the reports; `replay FILE TARGET`
re-runs a saved counterexample; `render REPORT.json` renders a saved JSON report again;
`diff OLD.json NEW.json` compares two reports (`conformance.diff`), and
`compare-installed OLD_SPEC NEW_SPEC` runs `keras` under two pip-installed Kerases and
diffs them (`conformance.compare_installed`); `fit-loop` judges the installed Keras's `fit`
against the loop the suite simulates, per `fit.*` clause (`conformance.fit_loop`). Exit
status: 0 when no clause fails (`diff`: nothing changed), 1 when one does (a declared
divergence gone stale counts; `diff`: something changed), 2 with a one-line message for
a usage error, a bad file or a target that cannot be used. The clause table is coloured
on a terminal (not when NO_COLOR is set, nor when piped); a progress line goes to stderr
on a terminal, and when piped a line per callback whose properties are done, with the time taken.
Hypothesis's cache goes to a temporary directory the command removes (not
`.hypothesis/` in the working directory), unless HYPOTHESIS_STORAGE_DIRECTORY names one.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import math
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from conformance import PRECISIONS, PROFILE_NAMES, __version__
from conformance.report_formats import REPORT_FORMATS

if TYPE_CHECKING:
    from conformance.clauses import Clause
    from conformance.reports.model import Report
    from conformance.running import RunningTarget
    from conformance.targets import TargetOptions
    from conformance.worker import Deadline

DEFAULT_SCENARIO_TIMEOUT = 10.0  # conformance.runner's, without importing it for --help
# A day: longer than any scenario needs, and within what the timers that enforce it take.
MAX_SCENARIO_TIMEOUT = 86400.0
DEFAULT_RUN_TIMEOUT = 4 * 3600.0  # the whole run's deadline
MAX_RUN_TIMEOUT = 7 * 86400.0


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
        "-k",
        dest="pattern",
        default=None,
        help="only clauses whose id matches (a glob or a substring; several joined by ' or ')",
    )
    run.add_argument("--json", dest="json_path", default=None, help="write the JSON report here")
    run.add_argument(
        "--divergences",
        metavar="FILE",
        default=None,
        help="declared divergences (TOML): a declared clause whose witness still diverges is"
        " `divergent`, not `fail`; one whose witness no longer diverges is `stale`",
    )
    _report_options(run)
    _target_options(run)
    run.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="run the properties in N processes (`auto`: one per CPU); the same verdicts",
    )
    run.add_argument(
        "--run-timeout",
        type=_bounded_seconds("--run-timeout", MAX_RUN_TIMEOUT),
        default=DEFAULT_RUN_TIMEOUT,
        metavar="SECONDS",
        help="stop checking after this long: what was not checked by then fails, saying so"
        f" (default: {DEFAULT_RUN_TIMEOUT:g})",
    )
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
    _target_options(replay)
    render = commands.add_parser(
        "render", help="render a JSON report again: HTML, Markdown, JUnit, or the table"
    )
    render.add_argument("report", help="a JSON report written by `run --json`")
    _report_options(render)
    diff = commands.add_parser(
        "diff", help="compare two JSON reports: changed verdicts and changed behaviour"
    )
    diff.add_argument("old", help="the earlier JSON report (e.g. the Keras you upgrade from)")
    diff.add_argument("new", help="the later JSON report")
    diff.add_argument(
        "--markdown", metavar="PATH", default=None, help="write the comparison as Markdown here"
    )
    _vector_parsers(commands)
    _compare_installed_parser(commands)
    _fit_loop_parser(commands)
    for command in (run, replay):
        command.add_argument(
            "--traceback",
            action="store_true",
            help="when the target cannot be imported, print the Python traceback of the"
            " failure before the one-line message",
        )
        command.add_argument(
            "--sandbox",
            action="store_true",
            help="run the target under bubblewrap: a read-only file system but its run"
            " directory, no network, nothing left running (docs/robustness.md)",
        )
        command.add_argument(
            "--scenario-timeout",
            type=_bounded_seconds("--scenario-timeout", MAX_SCENARIO_TIMEOUT),
            default=DEFAULT_SCENARIO_TIMEOUT,
            metavar="SECONDS",
            help="stop a scenario whose target code runs longer, and fail its property"
            f" (default: {DEFAULT_SCENARIO_TIMEOUT:g})",
        )
    return parser


def _target_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--precision",
        choices=PRECISIONS,
        default=None,
        help="how the target compares monitored values, over its own conformance_precision;"
        " the reference compares the same way",
    )
    command.add_argument(
        "--callbacks",
        type=_callbacks,
        default=None,
        metavar="ES,LRS,MC,TB",
        help="check only these callbacks (full names or ES, LRS, MC, TB); the others are"
        " not-run, saying so",
    )


def _callbacks(text: str) -> frozenset[str]:
    from conformance.targets import callback_names

    try:
        return callback_names(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"invalid --callbacks {text!r}: {error}") from None


def _options(args: argparse.Namespace) -> TargetOptions:
    from conformance.targets import TargetOptions

    return TargetOptions(precision=args.precision, callbacks=args.callbacks)


def _report_options(command: argparse.ArgumentParser) -> None:
    for report_format in REPORT_FORMATS.values():
        command.add_argument(
            f"--{report_format.name}", metavar="PATH", default=None, help=report_format.help
        )


def _bounded_seconds(option: str, maximum: float) -> Callable[[str], float]:
    def seconds(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and 0 < value <= maximum):
            raise argparse.ArgumentTypeError(
                f"invalid {option} {text!r}: expected a positive number of seconds,"
                f" at most {maximum:g}"
            )
        return value

    return seconds


def _jobs(text: str) -> int:
    if text == "auto":
        return os.cpu_count() or 1
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"invalid --jobs {text!r}: expected a positive number of processes, or auto"
        )
    return value


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


def _distinct_outputs(args: argparse.Namespace) -> None:
    """Fail when two reports would be written to one file (the later would overwrite
    the earlier)."""
    options = {"json_path": "--json", **{option: f"--{option}" for option in REPORT_FORMATS}}
    seen: dict[str, str] = {}
    for attribute, option in options.items():
        path = getattr(args, attribute, None)
        if path is None:
            continue
        real = os.path.realpath(path)
        if real in seen:
            _fail(f"{seen[real]} and {option} name the same file {path!r}")
        seen[real] = option


def _writable(path: str | None, what: str) -> None:
    """Fail now, before the run, if `path` cannot be written (tried: permissions alone
    do not tell, e.g. for root or on a read-only file system)."""
    if path is None:
        return
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        _fail(f"cannot write the {what} to {path!r}: {directory!r} is not a directory")
    if os.path.isdir(path):
        _fail(f"cannot write the {what} to {path!r}: it is a directory")
    existed = os.path.exists(path)
    try:
        # Not blocking: a named pipe nothing reads would hold the open for ever.
        os.close(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK, 0o666))
    except OSError as error:
        if error.errno == errno.ENXIO:
            _fail(f"cannot write the {what} to {path!r}: it is a named pipe nothing reads")
        _fail(f"cannot write the {what} to {path!r}: {error.strerror or error}")
    if not existed:
        os.remove(path)


def _write(path: str, text: str, what: str) -> None:
    try:
        with open(path, "w") as out:
            out.write(text)
    except OSError as error:
        _fail(f"cannot write the {what} to {path!r}: {error.strerror or error}")


@contextlib.contextmanager
def _hypothesis_storage() -> Iterator[str | None]:
    """Hypothesis caches (e.g. constants it found in the code) in a directory of ours
    that goes away afterwards, instead of `.hypothesis/` in the working directory. Yields
    it (None where HYPOTHESIS_STORAGE_DIRECTORY names one), for worker processes."""
    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        yield None
        return
    from hypothesis import configuration

    with tempfile.TemporaryDirectory(prefix="callback-conformance-hypothesis-") as storage:
        configuration.set_hypothesis_home_dir(storage)
        try:
            yield storage
        finally:
            configuration.set_hypothesis_home_dir(None)


def _print_table(report: Report) -> None:
    from conformance.reports.terminal import colour_wanted, table

    print(table(report, colour=colour_wanted(sys.stdout)))


def _write_reports(args: argparse.Namespace, report: Report, json_path: str | None) -> None:
    from conformance.reports import render

    for report_format in REPORT_FORMATS.values():
        path = getattr(args, report_format.name)
        if path:
            _write(path, render(report, report_format.name, json_path), report_format.what)


def _render(args: argparse.Namespace) -> int:
    from conformance.reports import ReportError, load

    _distinct_outputs(args)
    for report_format in REPORT_FORMATS.values():
        _writable(getattr(args, report_format.name), report_format.what)
    try:
        report = load(args.report)
    except ReportError as error:
        _fail(str(error))
    _print_table(report)
    _write_reports(args, report, args.report)
    return 0


def _diff(args: argparse.Namespace) -> int:
    from conformance.diff import compare, has_changes
    from conformance.reports import ReportError, load
    from conformance.reports.diff import markdown, terminal

    _writable(args.markdown, "Markdown comparison")
    try:
        old, new = load(args.old), load(args.new)
    except ReportError as error:
        _fail(str(error))
    comparison = compare(old, new)
    print(terminal(comparison))
    if args.markdown:
        _write(args.markdown, markdown(comparison), "Markdown comparison")
    return 1 if has_changes(comparison) else 0


def _run(args: argparse.Namespace) -> int:
    from conformance.clauses import CLAUSES, matching

    _distinct_outputs(args)
    _writable(args.json_path, "JSON report")
    for report_format in REPORT_FORMATS.values():
        _writable(getattr(args, report_format.name), report_format.what)
    if args.counterexamples is not None:
        # A directory that does not exist yet is made when the first file is written,
        # if its parent exists (as `mkdir` would).
        directory = args.counterexamples
        if not os.path.isdir(directory):
            parent = os.path.dirname(os.path.abspath(directory))
            if os.path.exists(directory) or not os.path.isdir(parent):
                _fail(f"--counterexamples {directory!r} is not a directory")
            directory = parent
        _writable(os.path.join(directory, ".callback-conformance-probe"), "counterexamples")
    if args.pattern is not None and not args.pattern.strip():
        _fail(f"-k {args.pattern!r} matches every clause: give a pattern, or leave -k out")
    clauses = matching(args.pattern) if args.pattern else CLAUSES
    if not clauses:
        _fail(f"-k {args.pattern!r} matches no clause id")
    declared = _divergences(args.divergences)
    from conformance.worker import Deadline

    deadline = Deadline.after(args.run_timeout)
    running = _connect(args, deadline)
    try:
        return _check(args, running, clauses, declared, deadline)
    finally:
        running.host.close()


def _connect(args: argparse.Namespace, deadline: Deadline | None) -> RunningTarget:
    """The target `args` name, in a worker process of its own (in the sandbox with
    `--sandbox`), as their options make it; exit 2 if it cannot be imported there (its
    traceback first, with `--traceback`), or the sandbox made."""
    from conformance.targets import TargetError
    from conformance.worker import connect

    try:
        return connect(
            args.target,
            path=sys.path,
            sandboxed=args.sandbox,
            deadline=deadline,
            options=_options(args),
        )
    except TargetError as error:
        if args.traceback and error.traceback is not None:
            print(error.traceback, end="", file=sys.stderr)
        _fail(str(error))


def _check(
    args: argparse.Namespace,
    running: RunningTarget,
    clauses: Sequence[Clause],
    declared: list[Any],
    deadline: Deadline,
) -> int:
    """Run, judge and report the target (the `run` command, once the target is up)."""
    from conformance import report as reports
    from conformance.properties import PROPERTIES
    from conformance.runner import PROFILES, clause_verdicts, examine, run
    from conformance.scenario_io import dumps

    if declared:
        from conformance import divergences

        divergences.scope(declared, running)
    if running.refused_at_import:
        print(
            "callback-conformance: the target's import tried to write outside its run"
            f" directory, refused: {'; '.join(running.refused_at_import[:5])}",
            file=sys.stderr,
        )
    wanted = {clause.id for clause in clauses}
    # Every property of a callback with a chosen clause: blame weighs them all (a chosen
    # clause may only follow from one that is not chosen), and reports the chosen.
    callbacks = {prop.callback for prop in PROPERTIES if wanted.intersection(prop.clauses)}
    properties = [prop for prop in PROPERTIES if prop.callback in callbacks]
    from conformance.reports.terminal import Progress

    progress = Progress(sys.stderr)
    try:
        with _hypothesis_storage() as storage:
            if args.jobs > 1:
                from conformance.parallel import run_parallel

                results = run_parallel(
                    args.target,
                    properties,
                    PROFILES[args.profile],
                    args.seed,
                    args.jobs,
                    progress=progress,
                    scenario_timeout=args.scenario_timeout,
                    hypothesis_home=storage,
                    divergences=args.divergences,
                    sandboxed=args.sandbox,
                    deadline=deadline,
                    options=_options(args),
                )
            else:
                results = run(
                    running,
                    properties,
                    PROFILES[args.profile],
                    args.seed,
                    progress=progress,
                    scenario_timeout=args.scenario_timeout,
                )
        progress.finish()
    finally:
        progress.close()
    verdicts = clause_verdicts(running.target, results, clauses)
    if declared:
        from conformance import divergences

        verdicts = divergences.apply(
            declared,
            running,
            results,
            verdicts,
            lambda prop, running, scenario: examine(prop, running, scenario, args.scenario_timeout),
        )
    from conformance.diagnosis import diagnose

    verdicts = diagnose(verdicts, running.target)
    report = reports.build(running, args.profile, args.seed, verdicts, args.divergences)
    _print_table(report)
    if args.json_path:
        _write(args.json_path, report.to_json(), "JSON report")
    _write_reports(args, report, args.json_path)
    if args.counterexamples:
        for verdict in verdicts:
            if verdict.verdict == "fail" and verdict.counterexample is not None:
                os.makedirs(args.counterexamples, exist_ok=True)
                path = os.path.join(args.counterexamples, f"{verdict.clause.id}.json")
                saved = {
                    "property": verdict.counterexample.property,
                    "scenario": verdict.counterexample.scenario,
                }
                _write(path, dumps(saved), "counterexample")
                print(f"counterexample: {path} (callback-conformance replay {path} {args.target})")
    return 1 if report.summary.fail or report.summary.stale else 0


def _divergences(path: str | None) -> list[Any]:
    """The declarations in the file at `path` (none without one); a bad file exits 2."""
    if path is None:
        return []
    from conformance.divergences import DivergenceError, load

    try:
        return load(path)
    except DivergenceError as error:
        _fail(str(error))


def _replay(args: argparse.Namespace) -> int:
    from conformance.harness.observe import Scenario
    from conformance.properties import PROPERTIES
    from conformance.report import table
    from conformance.reports import ReportError, check
    from conformance.reports.facts import replay_file
    from conformance.runner import examine
    from conformance.scenario_io import from_data

    try:
        with open(args.file) as source:
            data = json.load(source)
    except (OSError, ValueError) as error:
        _fail(f"cannot read {args.file!r}: {error}")
    if not isinstance(data, dict):
        _fail(f"{args.file!r} is neither a counterexample nor a report")
    if "clauses" in data:  # a report: take the chosen, or first, failing clause
        try:
            report = check(data, args.file)
        except ReportError as error:
            _fail(str(error))
        failing = [
            c.counterexample
            for c in report.clauses
            if c.counterexample is not None and args.clause in (None, c.id)
        ]
        if not failing:
            _fail(
                f"{args.file!r} holds no counterexample"
                + (f" for {args.clause!r}" if args.clause else "")
            )
        data = replay_file(failing[0])
    by_name = {prop.name: prop for prop in PROPERTIES}
    if not isinstance(data, dict) or data.get("property") not in by_name:
        name = data.get("property") if isinstance(data, dict) else None
        _fail(f"{args.file!r}: unknown property {name!r}")
    prop = by_name[data["property"]]
    try:
        scenario = from_data(data["scenario"])
        if not isinstance(scenario, Scenario):
            raise TypeError(f"a {type(scenario).__name__}, not a Scenario")
    except (KeyError, TypeError, ValueError) as error:
        _fail(f"{args.file!r}: not a scenario: {type(error).__name__}: {error}")
    running = _connect(args, None)
    target = running.target
    try:
        if not target.has(prop.callback):
            _fail(
                f"target {args.target!r} has no {prop.callback}:"
                f" {target.not_run.get(prop.callback)}"
            )
        declaration = target.unsupported.covering(scenario)
        if declaration is not None:
            print(f"unsupported: the target declares {declaration.describe()}")
            return 0
        examination = examine(prop, running, scenario, args.scenario_timeout)
    finally:
        running.host.close()
    verdict = f"FAIL {examination.failure}" if examination.failure else f"pass {prop.name}"
    print(table(scenario, examination.target, examination.reference))
    print(verdict)
    return 1 if examination.failure else 0


def main(argv: list[str] | None = None) -> int:
    try:
        status = _dispatch(argv)
        sys.stdout.flush()  # here, where a reader gone away is caught, not at exit
        return status
    except BrokenPipeError:
        # The reader went away (`... | head`): the rest is not wanted, and Python would
        # print a traceback flushing stdout at exit, so that goes to /dev/null instead.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _dispatch(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    # As with `python -m`, modules in the working directory are importable targets.
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    if args.command == "render":
        return _render(args)
    if args.command == "diff":
        return _diff(args)
    if args.command == "export-vectors":
        return _export_vectors(args)
    if args.command == "judge":
        return _judge(args)
    if args.command == "compare-installed":
        return _compare_installed(args)
    if args.command == "fit-loop":
        return _fit_loop(args)
    from conformance.host import RunDeadline

    # SIGTERM ends the run as Ctrl-C does: the workers are stopped on the way out.
    previous = signal.signal(signal.SIGTERM, _interrupted)
    try:
        return _run(args) if args.command == "run" else _replay(args)
    except KeyboardInterrupt:
        print("callback-conformance: interrupted", file=sys.stderr)
        return 130
    except RunDeadline as passed:
        print(f"callback-conformance: {passed}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)


def _vector_parsers(commands: Any) -> None:
    """`export-vectors` and `judge`: portable test vectors (conformance.foreign.vectors)."""
    export = commands.add_parser(
        "export-vectors", help="write EarlyStopping test vectors any implementation can replay"
    )
    export.add_argument("directory", help="where to write them (made if missing)")
    export.add_argument(
        "--count", type=_positive_count, default=20, help="how many vectors (default: 20)"
    )
    judge = commands.add_parser(
        "judge", help="judge an implementation's replies to test vectors, clause by clause"
    )
    judge.add_argument("vectors", metavar="VECTORS_DIR", help="a directory of export-vectors")
    judge.add_argument(
        "results", metavar="RESULTS", help="the replies, as a driver's --replay writes"
    )


def _positive_count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {text!r}")
    return int(text)


def _export_vectors(args: argparse.Namespace) -> int:
    from conformance.foreign.vectors import export

    try:
        written = export(Path(args.directory), args.count)
    except OSError as error:
        _fail(f"DIRECTORY {args.directory!r} cannot be written: {error.strerror}")
    print(f"{len(written)} vectors written to {args.directory}")
    return 0


def _judge(args: argparse.Namespace) -> int:
    from conformance.foreign.vectors import VectorError, judge

    try:
        verdicts = judge(Path(args.vectors), Path(args.results))
    except VectorError as error:
        _fail(str(error))
    for clause, difference in sorted(verdicts.items()):
        if difference is None:
            print(f"  pass  {clause}")
        else:
            print(
                f"  FAIL  {clause}: {difference.vector}, request {difference.step}"
                f" ({difference.request}): expected {json.dumps(difference.expected)},"
                f" got {json.dumps(difference.found)}"
            )
    failed = sum(difference is not None for difference in verdicts.values())
    print(f"{len(verdicts) - failed} pass, {failed} differ")
    return 1 if failed else 0


def _fit_loop_parser(commands: Any) -> None:
    fit_loop = commands.add_parser(
        "fit-loop",
        help="judge the installed Keras's fit, hook by hook, against the loop the suite"
        " simulates (Keras 3.15.1's), per fit.* clause",
    )
    fit_loop.add_argument(
        "--examples",
        type=_positive_count,
        default=None,
        help="run shapes to draw (default: 100; a real fit takes 0.1-0.2 s)",
    )
    fit_loop.add_argument("--json", dest="json_path", metavar="PATH", help="write the verdicts")


def _fit_loop(args: argparse.Namespace) -> int:
    _writable(args.json_path, "fit-loop verdicts")
    try:
        import keras
    except ImportError as error:
        _fail(f"fit-loop needs Keras installed: {error}")
    from conformance.fit_loop.judge import EXAMPLES, judge, report

    examples = args.examples or EXAMPLES
    verdicts = judge(examples)
    for verdict in verdicts:
        judged = f"{verdict.shapes} shapes" if verdict.shapes else verdict.reason
        print(f"  {verdict.verdict:8}  {verdict.clause}  ({judged})")
        if verdict.verdict == "fail":
            print(f"      {verdict.reason}\n      witness: {verdict.witness}")
            print("\n".join(f"      {line}" for line in verdict.records.splitlines()))
    failed = sum(verdict.verdict == "fail" for verdict in verdicts)
    passed = sum(verdict.verdict == "pass" for verdict in verdicts)
    print(f"Keras {keras.__version__}'s fit: {passed} pass, {failed} fail")
    if args.json_path:
        _write(args.json_path, report(verdicts, keras.__version__, examples), "fit-loop verdicts")
    return 1 if failed else 0


def _compare_installed_parser(commands: Any) -> None:
    compare = commands.add_parser(
        "compare-installed",
        help="run the suite under two Keras versions, each pip-installed in an environment"
        " of its own, and diff the reports",
    )
    compare.add_argument("old", metavar="OLD_SPEC", help="a pip requirement: keras==3.14.1")
    compare.add_argument("new", metavar="NEW_SPEC", help="a pip requirement: keras-nightly")
    compare.add_argument("--profile", choices=PROFILE_NAMES, default="default")
    compare.add_argument(
        "-k",
        dest="pattern",
        default=None,
        help="only clauses whose id matches (a glob or a substring; several joined by ' or ')",
    )
    compare.add_argument(
        "--work",
        metavar="DIR",
        default=None,
        help="where the environments and the two reports go (made if missing; default: a"
        " temporary directory, removed after)",
    )
    compare.add_argument(
        "--markdown", metavar="PATH", default=None, help="write the comparison as Markdown here"
    )


def _compare_installed(args: argparse.Namespace) -> int:
    from conformance.compare_installed import CompareError, Side, prepare, run_suite
    from conformance.diff import compare, has_changes
    from conformance.reports import load
    from conformance.reports.diff import markdown, terminal

    _writable(args.markdown, "Markdown comparison")
    words = ["--profile", args.profile, *(["-k", args.pattern] if args.pattern else [])]
    with contextlib.ExitStack() as stack:
        if args.work is None:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="compare-")))
        else:
            work = Path(args.work)
            try:
                work.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                _fail(f"--work {args.work!r} cannot be made: {error.strerror or error}")
        sides = [Side("old", args.old, work), Side("new", args.new, work)]
        try:
            for side in sides:
                print(f"{side.label}: installing {side.spec} in {side.environment}", flush=True)
                prepare(side)
                run_suite(side, words)
        except CompareError as error:
            _fail(str(error))
        comparison = compare(load(str(sides[0].report)), load(str(sides[1].report)))
    print(terminal(comparison))
    if args.markdown:
        _write(args.markdown, markdown(comparison), "Markdown comparison")
    return 1 if has_changes(comparison) else 0


def _interrupted(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())

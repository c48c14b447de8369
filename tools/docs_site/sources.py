"""Where each clause lives in the code, and what checks it.

* A callback clause lives where `reference/*.py` mentions its id (the `Clause <id>` and
  `Quirk <id>` comments); a fit clause where `conformance/harness/fit.py` holds the code
  `FIT_CODE` cites for it.
* A callback clause is checked by the properties of `conformance.properties.PROPERTIES`
  that name it; a fit clause by the tests `FIT_TESTS` names (the fidelity tests, which
  compare the simulated fit with a real `keras.Model.fit`).

The site shows every file of `CODE_FILES` as a generated page, `code/<path without .py>.md`,
with an anchor per line (`#L<n>`), so links into the code work in the built site.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from conformance.clauses import CITATION, CLAUSES, Clause, clause
from conformance.properties import PROPERTIES

ROOT = Path(__file__).resolve().parents[2]
"""The repository the site is built from: the checkout this builder lives in (it is not
part of the installed package), whose `mkdocs.yml` loads the hook."""

# The code the site shows, relative to the repository root.
CODE_GLOBS = (
    "reference/*.py",
    "conformance/harness/fit.py",
    "conformance/properties/*.py",
    "tests/suite/test_fidelity.py",
    "tests/suite/test_harness_fit.py",
)

# Fit clauses: the line of the simulated fit (conformance/harness/fit.py) that does it.
FIT_FILE = "conformance/harness/fit.py"
FIT_CODE: dict[str, str] = {
    "fit.callbacks.history-after-user": "loop = FitLoop([callback, requester, history]",
    "fit.logs.shared-per-dispatch": "shared = pythonify(logs)",
    "fit.logs.sorted-keys": "for key, value in sorted((logs or {}).items()):",
    "fit.logs.nested-dicts-flattened": "result.update(pythonify(value))",
    "fit.logs.scalars-are-floats": "value = float(value)",
    "fit.callbacks.set-model-then-params": "callback.set_params(",
    "fit.hooks.order": 'self.dispatch("on_train_begin", None, {})',
    "fit.hooks.absolute-epoch": "epoch = plan.initial_epoch + offset",
    "fit.stop-training.read-after-batch-and-epoch-end": "if model.stop_training:",
    "fit.stop-training.epoch-completes": "epoch_logs.update(logs)",
    "fit.steps-per-execution.batch-indices": "return [(step, step + per_execution - 1)",
    "fit.validation.cadence": "if epoch_plan.validation is not None:",
    "fit.validation.evaluate-hooks": 'self.dispatch("on_test_end", None, plan.validation)',
    "fit.logs.running-metrics": "def batch_logs(",
    "fit.train-end.last-epoch-logs": 'self.dispatch("on_train_end", None, training_logs)',
    "fit.exceptions.skip-train-end": "loop.fit(plan)",
    "fit.dispatch.async-batch-end": "for callback in self.callbacks:",
    "fit.data.unsized-final-batch-begin": "executions = execution_bounds(epoch_plan.batches",
    "fit.params.when-no-epoch-runs": '{"verbose": 0, "epochs": plan.initial_epoch',
}

_FIDELITY = "tests/suite/test_fidelity.py::test_simulated_fit_records_as_the_real_fit"
_PYTHONIFY = "tests/suite/test_harness_fit.py::test_dispatch_logs_are_pythonified_as_keras_does"
_INDICES = (
    "tests/suite/test_harness_fit.py::"
    "test_steps_per_execution_indices_are_unclipped_and_stop_is_read_after_batch_end"
)
_ONE_DICT = (
    "tests/suite/test_harness_fit.py::"
    "test_one_dict_per_dispatch_and_train_end_gets_the_loops_own_logs"
)
# Fit clauses: the tests that check the simulated fit against Keras 3.15.1 (the fidelity
# tier records a real `keras.Model.fit`; test_harness_fit compares with Keras's own
# `pythonify_logs` and pins indices). Out-of-scope clauses are not modelled, hence not
# checked, except the one a strict xfail pins.
FIT_TESTS: dict[str, tuple[str, ...]] = {
    "fit.callbacks.history-after-user": (_FIDELITY,),
    "fit.logs.shared-per-dispatch": (_FIDELITY, _ONE_DICT),
    "fit.logs.sorted-keys": (_FIDELITY, _PYTHONIFY),
    "fit.logs.nested-dicts-flattened": (_PYTHONIFY,),
    "fit.logs.scalars-are-floats": (_FIDELITY, _PYTHONIFY),
    "fit.callbacks.set-model-then-params": (_FIDELITY,),
    "fit.hooks.order": (_FIDELITY,),
    "fit.hooks.absolute-epoch": (_FIDELITY,),
    "fit.stop-training.read-after-batch-and-epoch-end": (_FIDELITY, _INDICES),
    "fit.stop-training.epoch-completes": (_FIDELITY,),
    "fit.steps-per-execution.batch-indices": (_FIDELITY, _INDICES),
    "fit.validation.cadence": (_FIDELITY,),
    "fit.validation.evaluate-hooks": (_FIDELITY,),
    "fit.logs.running-metrics": (_FIDELITY,),
    "fit.train-end.last-epoch-logs": (_FIDELITY, _ONE_DICT),
    "fit.exceptions.skip-train-end": (_FIDELITY,),
    "fit.dispatch.async-batch-end": (),
    "fit.data.unsized-final-batch-begin": (),
    "fit.params.when-no-epoch-runs": (
        "tests/suite/test_fidelity.py::test_params_when_no_epoch_runs",
    ),
}


@dataclass(frozen=True)
class Location:
    """A line of a file of the repository; `text` is what it says there."""

    path: str
    line: int
    text: str

    @property
    def label(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def page(self) -> str:
        """The generated docs page showing this file, relative to `docs/`."""
        return code_page(self.path)

    @property
    def anchor(self) -> str:
        return f"L{self.line}"


@dataclass(frozen=True)
class Check:
    """What checks a clause: a property of the suite, or a test of the project."""

    name: str
    kind: str  # "differential", "invariant", or "test"
    where: Location


def code_page(path: str) -> str:
    return "code/" + path.removesuffix(".py") + ".md"


def code_files(root: Path | None = None) -> tuple[str, ...]:
    root = root or ROOT
    found = {p.relative_to(root).as_posix() for g in CODE_GLOBS for p in root.glob(g)}
    return tuple(sorted(p for p in found if not p.endswith("__init__.py")))


def _lines(path: str, root: Path | None = None) -> tuple[str, ...]:
    root = root or ROOT
    return tuple((root / path).read_text(encoding="utf-8").splitlines())


def code_locations(entry: Clause, root: Path | None = None) -> list[Location]:
    """The lines that implement `entry`: its mentions in reference/, or the fit code."""
    root = root or ROOT
    if entry.callback == "fit":
        snippet = FIT_CODE[entry.id]
        lines = _lines(FIT_FILE, root)
        hits = [n for n, text in enumerate(lines, 1) if snippet in text]
        return [Location(FIT_FILE, hits[0], lines[hits[0] - 1])] if hits else []
    found = []
    for path in code_files(root):
        if not path.startswith("reference/"):
            continue
        for number, text in enumerate(_lines(path, root), 1):
            if any(cited[2] == entry.id for cited in CITATION.finditer(text)):
                found.append(Location(path, number, text))
    return found


def find(path: str, needle: str, root: Path | None = None) -> Location:
    root = root or ROOT
    lines = _lines(path, root)
    for number, text in enumerate(lines, 1):
        if needle in text:
            return Location(path, number, text)
    raise LookupError(f"{needle!r} not found in {path}")


def checks(entry: Clause, root: Path | None = None) -> list[Check]:
    """The properties (callback clauses) or tests (fit clauses) that check `entry`."""
    root = root or ROOT
    if entry.callback == "fit":
        found = []
        for test in FIT_TESTS[entry.id]:
            path, name = test.split("::")
            found.append(Check(test, "test", find(path, f"def {name}(", root)))
        return found
    result = []
    for prop in PROPERTIES:
        if entry.id in prop.clauses:
            module = prop.name.split(".")[0]
            where = find(f"conformance/properties/{module}.py", f'"{prop.name}"', root)
            result.append(Check(prop.name, prop.kind, where))
    return result


def all_locations(root: Path | None = None) -> dict[str, list[Location]]:
    root = root or ROOT
    return {entry.id: code_locations(entry, root) for entry in CLAUSES}


# --- the generated source pages --------------------------------------------------------------

_ID_IN_CODE = re.compile(
    r"(?<![\w./])((?:monitor|early_stopping|learning_rate_scheduler|model_checkpoint|tensorboard"
    r"|fit)\.[a-z0-9-]+(?:\.[a-z0-9-]+)?)(?![\w-]|\.\w)"
)


def _link_ids(line_html: str, to_docs: str) -> str:
    """Clause ids in a highlighted line become links to their docs anchors."""

    def link(match: re.Match[str]) -> str:
        try:
            entry = clause(match.group(1))
        except KeyError:
            return match.group(0)
        page, _, anchor = entry.anchor.partition("#")
        url = f"{to_docs}{page.removesuffix('.md')}/#{anchor}"
        return f'<a href="{url}">{match.group(1)}</a>'

    # Only outside tags: split on tags and link in the text parts.
    parts = re.split(r"(<[^>]+>)", line_html)
    return "".join(p if p.startswith("<") else _ID_IN_CODE.sub(link, p) for p in parts)


def code_page_markdown(path: str, root: Path | None = None) -> str:
    """The page showing `path`: its lines highlighted, each with the anchor `L<n>`."""
    root = root or ROOT
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    source = (root / path).read_text(encoding="utf-8")
    highlighted = highlight(source, PythonLexer(), HtmlFormatter(nowrap=True))
    # The page's URL is code/<path without .py>/: this many levels below the site root.
    to_docs = "../" * (code_page(path).count("/") + 1)
    rows = []
    for number, line_html in enumerate(highlighted.rstrip("\n").split("\n"), 1):
        rows.append(
            f'<span class="source-line" id="L{number}">'
            f'<a class="source-lineno" href="#L{number}">{number}</a>'
            f"{_link_ids(line_html, to_docs)}</span>"
        )
    body = "\n".join(rows)
    title = html.escape(path)
    return (
        f"# {title}\n\n"
        "The source as the site was built from it. Each line has an anchor (`#L<n>`); the "
        "clause ids in comments link to their sections of the specification.\n\n"
        f'<div class="highlight source-listing"><pre><code>{body}</code></pre></div>\n'
    )

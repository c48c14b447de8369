"""The clause registry: every rule of the spec, with its stable id, level and docs anchor.

A clause id names one rule of Keras 3.15.1's callback behaviour. The registry is read from
the spec pages themselves (`docs/<page>.md`), so a clause is written once, where people
read it. Each clause is a section of its page:

    ## early_stopping.patience.zero-is-one {#early_stopping.patience.zero-is-one}
    > patience 0, 1 and any negative patience all stop at the first non-improving epoch.

    *keras-quirk.* `patience=0`, `patience=1` and any negative patience behave the same: ...

- the heading is the id, with the id as its explicit anchor (MkDocs attr_list keeps the
  dots a generated slug would drop), so the anchor is `<page>.md#<id>`;
- the quoted lines under it are the **statement**, the rule on one line (joined with
  spaces), as reports and tables show it: Markdown, so `\\*` and `\\<name>` are escaped,
  and the registry reads them back as `*` and `<name>`;
- the italic line after it gives the **level**. Levels (DESIGN.md, "Clauses"): `core`, what
  any faithful implementation must match; `keras-quirk`, what Keras 3.15.1 does
  incidentally or by a bug (an implementation may differ and still be core conformant);
  `cosmetic`, message texts and verbose output; `out-of-scope`, a rule of Keras's `fit`, or
  of TensorFlow around a callback, that the suite deliberately does not model (always
  `not-run`). Where the line names two levels (say "core (the warning), cosmetic (its
  text)"), the clause takes the strictest: out-of-scope, else core if any part is core, else
  keras-quirk, else cosmetic; its statement says which part is cosmetic.

The page names the callback: a clause id starts with its page's name (`PAGES`). Reports,
divergence files, properties and the reference's `Clause <id>` / `Quirk <id>` comments all
refer to clauses by these ids, so ids stay put when the docs are reworded or reordered.
The registry's order is the pages' order (`PAGES`), then each page's.

Besides the four callback classes (`EarlyStopping`, `LearningRateScheduler`,
`ModelCheckpoint`, `TensorBoard`), a clause belongs to:

- `"monitor"`: the improvement rule EarlyStopping and ModelCheckpoint share (Keras's
  internal `MonitorCallback`, `docs/monitor.md`). These clauses apply to **both**
  callbacks: `clauses_of("EarlyStopping")` and `clauses_of("ModelCheckpoint")` include them.
- `"fit"`: what `keras.Model.fit` guarantees every callback (dispatch, logs, hook order,
  stopping), on `docs/fit.md`. A target cannot break them: the suite reports them
  `not-run` and checks them against a real `keras.Model.fit` in the project's tests.

The pages are read from the `docs/` directory beside the package, so the suite runs from a
clone of the repository (`pip install -e`); `docs/contributing.md` shows how to add a clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Literal, get_args

__all__ = [
    "CITATION",
    "CLAUSES",
    "CALLBACKS",
    "PAGES",
    "Callback",
    "Clause",
    "ClausePageError",
    "Level",
    "clause",
    "clauses_of",
    "matching",
    "read_page",
]

Level = Literal["core", "keras-quirk", "cosmetic", "out-of-scope"]
Callback = Literal[
    "monitor", "EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard", "fit"
]

# The order a level line's words are looked for in: the strictest first.
_STRICTEST_FIRST: tuple[Level, ...] = ("out-of-scope", "core", "keras-quirk", "cosmetic")

DOCS = Path(__file__).resolve().parent.parent / "docs"
"""Where the spec pages are: `docs/` of the repository the package is installed from."""

PAGES: dict[str, Callback] = {
    "monitor": "monitor",
    "early_stopping": "EarlyStopping",
    "learning_rate_scheduler": "LearningRateScheduler",
    "model_checkpoint": "ModelCheckpoint",
    "tensorboard": "TensorBoard",
    "fit": "fit",
}
"""Each spec page (`docs/<page>.md`, also the first segment of its clauses' ids) and the
callback its clauses govern, in registry order."""

CALLBACKS: tuple[Callback, ...] = get_args(Callback)
"""Every value `Clause.callback` takes, in registry order."""


@dataclass(frozen=True)
class Clause:
    """One rule of the spec: `statement` in plain words, documented at `anchor`."""

    id: str
    """Stable dotted id, `<page>.<topic>.<rule>`, e.g. `early_stopping.patience.zero-is-one`."""
    callback: Callback
    """The callback class the rule governs, or `"monitor"` (both EarlyStopping and
    ModelCheckpoint) or `"fit"` (the training loop's protocol)."""
    statement: str
    """The rule on one line."""
    level: Level
    anchor: str
    """`<docs page>#<id>`, relative to `docs/`."""


CITATION = re.compile(r"\b(Clause|Quirk) `([a-z_]+\.[a-z0-9-]+(?:\.[a-z0-9-]+)?)`")
"""How code cites the clause it implements, in a comment or docstring of `reference/`:
``Clause `<id>` `` or, for a keras-quirk clause, ``Quirk `<id>` ``, on one line (groups:
the word, the id). The spec pages link each clause to the lines that cite it, and the
project's tests hold every clause-shaped id in the reference to this form."""


class ClausePageError(ValueError):
    """A spec page whose clause section is not in the registry's shape; names the page,
    the line and what is missing."""


_CODE_SPAN = re.compile(r"(`[^`]*`)")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def _plain(markdown: str) -> str:
    """A statement as text: Markdown's backslash escapes (`\\*`, `\\<name>`) undone outside
    code spans, which keep their backticks."""
    parts = _CODE_SPAN.split(markdown)
    return "".join(p if p.startswith("`") else _ESCAPED.sub(r"\1", p) for p in parts)


_HEADING = re.compile(r"^## +(\S+) +\{ *#(\S+) *\} *$")
_LEVEL_LINE = re.compile(r"^\*([^*]+)\*")


def read_page(page: str, text: str) -> list[Clause]:
    """The clauses the page `page` (a key of `PAGES`) defines in `text`, in page order."""
    lines = text.splitlines()
    return [
        _read_section(page, lines, number)
        for number, line in enumerate(lines, start=1)
        if _HEADING.match(line)
    ]


def _read_section(page: str, lines: list[str], number: int) -> Clause:
    """The clause whose heading is line `number` (1-based) of `lines`."""
    heading = lines[number - 1]

    def error(problem: str) -> ClausePageError:
        return ClausePageError(f"docs/{page}.md, line {number} ({heading!r}): {problem}")

    match = _HEADING.match(heading)
    assert match is not None
    id_, anchor = match.groups()
    if anchor != id_:
        raise error(f"the anchor {anchor!r} is not the id {id_!r}")
    if not id_.startswith(f"{page}."):
        raise error(f"a clause id on this page starts with {page + '.'!r}")
    following = iter(lines[number:])
    quoted = []
    for line in following:
        if not line.startswith(">"):
            break
        quoted.append(line.removeprefix(">").strip())
    statement = _plain(" ".join(quoted))
    if not statement:
        raise error("no statement: a quoted line (`> the rule on one line`) under the heading")
    level_line = _LEVEL_LINE.match(next((line for line in following if line.strip()), ""))
    if level_line is None:
        raise error("no level: an italic line (`*core.* ...`) after the statement")
    level = next((lv for lv in _STRICTEST_FIRST if lv in level_line.group(1)), None)
    if level is None:
        raise error(f"the level line {level_line.group(0)!r} names no level")
    return Clause(id_, PAGES[page], statement, level, f"{page}.md#{id_}")


def _read_registry() -> tuple[Clause, ...]:
    clauses: list[Clause] = []
    for page in PAGES:
        path = DOCS / f"{page}.md"
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ClausePageError(
                f"the clause registry reads {path}, which does not exist: install the suite "
                "from a clone of its repository (pip install -e)"
            ) from None
        clauses.extend(read_page(page, text))
    return tuple(clauses)


def _index(clauses: tuple[Clause, ...]) -> dict[str, Clause]:
    by_id: dict[str, Clause] = {}
    for entry in clauses:
        if entry.id in by_id:
            raise ClausePageError(f"clause id {entry.id!r} is defined twice")
        by_id[entry.id] = entry
    return by_id


CLAUSES: tuple[Clause, ...] = _read_registry()
"""Every clause of the spec, in registry order."""

# The callbacks whose clauses include the shared monitor rule.
_USES_MONITOR = frozenset({"EarlyStopping", "ModelCheckpoint"})

_BY_ID = _index(CLAUSES)


def clause(id: str) -> Clause:
    """The clause registered as `id`; KeyError naming the id if there is none."""
    try:
        return _BY_ID[id]
    except KeyError:
        raise KeyError(
            f"unknown clause id {id!r} (not in conformance.clauses.CLAUSES; "
            f"try conformance.clauses.matching({id!r}))"
        ) from None


def clauses_of(callback: str) -> tuple[Clause, ...]:
    """The clauses governing `callback`, in registry order.

    `"EarlyStopping"` and `"ModelCheckpoint"` include the shared `"monitor"` clauses.
    KeyError for a name not in CALLBACKS.
    """
    if callback not in CALLBACKS:
        raise KeyError(f"unknown callback {callback!r}; expected one of {', '.join(CALLBACKS)}")
    owners = {callback, "monitor"} if callback in _USES_MONITOR else {callback}
    return tuple(entry for entry in CLAUSES if entry.callback in owners)


def matching(pattern: str) -> tuple[Clause, ...]:
    """The clauses whose id matches `pattern`, in registry order.

    `pattern` is an fnmatch glob over the whole id (`early_stopping.patience.*`), or a
    plain substring of it (`patience`), as pytest's `-k` takes one, or several joined by
    ` or ` (`patience or monitor.*`). Ids are lower case, so the match ignores case.
    """
    alternatives = [wanted.strip() for wanted in pattern.lower().split(" or ")]
    return tuple(
        entry
        for entry in CLAUSES
        if any(wanted in entry.id or fnmatchcase(entry.id, wanted) for wanted in alternatives)
    )

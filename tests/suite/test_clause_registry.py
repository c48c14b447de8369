"""The clause registry, read from the docs pages, and the reference's comments.

The registry reads each clause from its section of a spec page (`conformance.clauses`).
Here a looser, independent reader checks it: every id-shaped heading on any docs page
(even one without its `{#<id>}` anchor, which the registry would not see) is registered,
on the page its anchor names, with the level its italic line gives; a malformed section is
an error naming the page and line. Every `Clause <id>` / `Quirk <id>` comment in
`reference/*.py` names a registered clause.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path
from typing import get_args

import pytest

from conformance.clauses import (
    CALLBACKS,
    CITATION,
    CLAUSES,
    PAGES,
    Clause,
    ClausePageError,
    Level,
    clause,
    clauses_of,
    matching,
    read_page,
)

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
REFERENCE = ROOT / "reference"

ID_SHAPE = re.compile(r"^[a-z_]+\.[a-z0-9-]+(\.[a-z0-9-]+)?$")

# The first segment of an id names its page (and its callback).
PAGE_OF_PREFIX = {
    "monitor": "monitor.md",
    "early_stopping": "early_stopping.md",
    "learning_rate_scheduler": "learning_rate_scheduler.md",
    "model_checkpoint": "model_checkpoint.md",
    "tensorboard": "tensorboard.md",
    "fit": "fit.md",
}
CALLBACK_OF_PREFIX = {
    "monitor": "monitor",
    "early_stopping": "EarlyStopping",
    "learning_rate_scheduler": "LearningRateScheduler",
    "model_checkpoint": "ModelCheckpoint",
    "tensorboard": "TensorBoard",
    "fit": "fit",
}

FIT_PREFIX = "fit."


# `## <id> {#<id>}`: the heading is the id, and the explicit anchor (attr_list) keeps the
# dots that MkDocs's generated slug would drop.
_HEADING = re.compile(r"^## +(\S+)(?: +\{ *#(\S+) *\})? *$", re.MULTILINE)
_ANCHOR = re.compile(r'<a id="([^"]+)"></a>')
_LEVEL_LINE = re.compile(r"^\*([^*\n]+)\*")
# Any two- or three-segment token of a known page's id shape in a comment or string, cited
# or not. Not part of a longer dotted name (`tensorboard.plugins.projector` is an import).
_ID_ANYWHERE = re.compile(
    rf"(?<![\w./])((?:{'|'.join(PAGE_OF_PREFIX)})\.[a-z0-9-]+(?:\.[a-z0-9-]+)?)(?![\w-]|\.\w)"
)


def _section_of_each_id(page: Path) -> dict[str, str]:
    """Map each clause id defined on `page` to the text of its section."""
    # A block fenced with four backticks shows a section as written (docs/contributing.md).
    text = re.sub(r"^(`{4,}).*?^\1$", "", page.read_text(encoding="utf-8"), flags=re.M | re.S)
    pattern = _ANCHOR if _ANCHOR.search(text) else _HEADING
    found = list(pattern.finditer(text))
    sections: dict[str, str] = {}
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(text)
        following = text[match.end() : end]
        # A heading page's section ends at the next heading of any kind ("## Not modelled").
        next_heading = re.search(r"^## ", following, re.MULTILINE)
        if next_heading:
            following = following[: next_heading.start()]
        assert match.group(1) not in sections, f"{page.name} defines {match.group(1)} twice"
        explicit = match.group(2) if pattern is _HEADING else None
        assert explicit in (None, match.group(1)), f"{page.name}: {match.group(0)!r}"
        sections[match.group(1)] = following
    return sections


def _docs_ids() -> dict[str, tuple[str, str]]:
    """Every id the docs pages define: id -> (page name, section text)."""
    defined: dict[str, tuple[str, str]] = {}
    for page in sorted(DOCS.glob("*.md")):
        for id_, section in _section_of_each_id(page).items():
            if " " in id_ or "." not in id_:
                continue  # a plain heading ("## Clause ids", "## Not modelled")
            assert id_ not in defined, f"{id_} is defined on {defined[id_][0]} and {page.name}"
            defined[id_] = (page.name, section)
    return defined


def _docs_level(page: str, section: str) -> str:
    """The level a docs section gives its clause, by the registry's rule (strictest)."""
    unquoted = "\n".join(line for line in section.splitlines() if not line.startswith(">"))
    line = _LEVEL_LINE.match(unquoted.strip())
    assert line, f"no italic level line in a section of {page}: {section.strip()[:80]!r}"
    words = line.group(1)
    for level in ("out-of-scope", "core", "keras-quirk", "cosmetic"):
        if level in words:
            return level
    raise AssertionError(f"no level named in {words!r} on {page}")


def _reference_sources() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(REFERENCE.glob("*.py"))}


def _reference_prose() -> dict[str, str]:
    """The comments and string literals (docstrings included) of each reference module."""
    prose: dict[str, str] = {}
    for name, text in _reference_sources().items():
        tokens = tokenize.generate_tokens(io.StringIO(text).readline)
        kept = (t.string for t in tokens if t.type in (tokenize.COMMENT, tokenize.STRING))
        prose[name] = "\n".join(kept)
    return prose


def _reference_mentions() -> list[tuple[str, str, str]]:
    """(file, keyword, id) for each citation (`conformance.clauses.CITATION`) in reference/."""
    return [
        (name, m.group(1), m.group(2))
        for name, text in _reference_sources().items()
        for m in CITATION.finditer(text)
    ]


# --- the registry on its own ---------------------------------------------------------------


def test_ids_are_unique() -> None:
    ids = [c.id for c in CLAUSES]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates


@pytest.mark.parametrize("entry", CLAUSES, ids=lambda c: c.id)
def test_clause_is_well_formed(entry: Clause) -> None:
    assert ID_SHAPE.match(entry.id), entry.id
    prefix = entry.id.split(".")[0]
    assert prefix in PAGE_OF_PREFIX, f"{entry.id}: unknown page prefix {prefix!r}"
    assert entry.callback == CALLBACK_OF_PREFIX[prefix]
    assert entry.callback in CALLBACKS
    assert entry.level in get_args(Level)
    assert entry.anchor == f"{PAGE_OF_PREFIX[prefix]}#{entry.id}"
    assert entry.statement.strip() == entry.statement and entry.statement
    assert "\n" not in entry.statement and len(entry.statement) <= 160, entry.statement


def test_every_callback_has_clauses_and_every_level_is_used() -> None:
    assert {c.callback for c in CLAUSES} == set(CALLBACKS)
    # The pages are read in CALLBACKS' order (the Literal's): the registry's order.
    assert tuple(PAGES.values()) == CALLBACKS
    assert [c.callback for c in CLAUSES] == sorted(
        (c.callback for c in CLAUSES), key=CALLBACKS.index
    )
    assert {c.level for c in CLAUSES} == set(get_args(Level))
    assert all(c.level in ("core", "out-of-scope") for c in CLAUSES if c.callback == "fit")
    out_of_scope = [c for c in CLAUSES if c.level == "out-of-scope"]
    assert all(c.statement.startswith("Out of scope: ") for c in out_of_scope)


# --- lookups -------------------------------------------------------------------------------


def test_clause_finds_each_id() -> None:
    for entry in CLAUSES:
        assert clause(entry.id) is entry


def test_unknown_clause_raises_key_error_naming_the_id() -> None:
    with pytest.raises(KeyError, match="'nope'"):
        clause("nope")
    with pytest.raises(KeyError, match="early_stopping.patience.counts-after-test"):
        clause("early_stopping.patience.counts-after-test")


def test_clauses_of_includes_the_monitor_rule_for_both_monitor_callbacks() -> None:
    monitor = {c.id for c in CLAUSES if c.callback == "monitor"}
    assert monitor
    for name in ("EarlyStopping", "ModelCheckpoint"):
        ids = {c.id for c in clauses_of(name)}
        assert monitor <= ids
        assert ids - monitor == {c.id for c in CLAUSES if c.callback == name}
    for name in ("LearningRateScheduler", "TensorBoard", "fit"):
        assert {c.callback for c in clauses_of(name)} == {name}
    assert {c.id for c in clauses_of("monitor")} == monitor
    owned = [c for name in CALLBACKS if name != "monitor" for c in clauses_of(name)]
    assert set(owned) == set(CLAUSES)


def test_clauses_of_an_unknown_callback_raises() -> None:
    with pytest.raises(KeyError, match="Earlystopping"):
        clauses_of("Earlystopping")


def test_matching_globs_and_substrings() -> None:
    patience = matching("early_stopping.patience.*")
    assert [c.id for c in patience] == [
        "early_stopping.patience.counts-before-test",
        "early_stopping.patience.zero-is-one",
    ]
    own = tuple(c for c in clauses_of("EarlyStopping") if c.callback == "EarlyStopping")
    assert matching("early_stopping.*") == own
    assert {c.id for c in matching("*.verbose.*")} == {
        "early_stopping.verbose.messages",
        "learning_rate_scheduler.verbose.messages",
        "model_checkpoint.verbose.lines",
    }
    # A plain substring matches anywhere in the id, as pytest's -k does.
    assert matching("patience") == patience
    assert {c.id for c in matching("best-only")} == {
        c.id for c in CLAUSES if c.id.startswith("model_checkpoint.best-only.")
    } | {"model_checkpoint.save-freq.best-only-crash"}
    assert matching("Early_Stopping.Patience.*") == patience
    # Alternatives joined by " or ", in registry order.
    assert [c.id for c in matching("zero-is-one or early_stopping.patience.counts*")] == [
        "early_stopping.patience.counts-before-test",
        "early_stopping.patience.zero-is-one",
    ]
    # A glob matches whole ids: no prefix or suffix match without a star.
    assert matching("early_stopping.patience") == patience  # as a substring
    assert matching("early_stopping.patience.?") == ()
    assert matching("*.zero-is-one") == (clause("early_stopping.patience.zero-is-one"),)
    assert matching("no-such-rule") == ()
    assert matching("[ef]*.hooks.order") == (clause("fit.hooks.order"),)


def test_matching_keeps_registry_order_and_has_no_duplicates() -> None:
    everything = matching("*")
    assert everything == CLAUSES
    assert matching(".") == CLAUSES


# --- the registry against the docs ---------------------------------------------------------


def test_every_docs_id_is_registered_and_vice_versa() -> None:
    docs = set(_docs_ids())
    registered = {c.id for c in CLAUSES}
    assert sorted(docs - registered) == [], "defined in docs/ but not registered"
    assert sorted(registered - docs) == [], "registered but not defined in docs/"


def test_fit_clauses_live_on_the_fit_page() -> None:
    """Every `fit.*` clause belongs to `fit` and points at docs/fit.md, and no other page
    defines a `fit.*` id."""
    for entry in CLAUSES:
        if entry.id.startswith(FIT_PREFIX) or entry.anchor.startswith("fit.md#"):
            assert entry.callback == "fit" and entry.anchor == f"fit.md#{entry.id}", entry
    misplaced = [i for i, (page, _) in _docs_ids().items() if i.startswith(FIT_PREFIX)]
    assert all(_docs_ids()[i][0] == "fit.md" for i in misplaced), misplaced


def test_each_id_is_defined_on_the_page_its_anchor_names() -> None:
    for id_, (page, _) in _docs_ids().items():
        assert clause(id_).anchor == f"{page}#{id_}"


def test_every_level_line_names_the_registered_level() -> None:
    """The strictest level a section's italic line names is the registered one (read
    here by a second parser, so a wrong rule in the registry's shows)."""
    wrong = {
        id_: (clause(id_).level, _docs_level(page, section))
        for id_, (page, section) in _docs_ids().items()
        if clause(id_).level != _docs_level(page, section)
    }
    assert wrong == {}, "registry level vs docs level"


# --- reading a page -------------------------------------------------------------------------

_GOOD_SECTION = """## early_stopping.a.b {#early_stopping.a.b}
> The rule, quoted,
> on two lines.

*core (the rule), cosmetic (its text).* Prose.
"""


def test_a_section_gives_id_statement_level_and_anchor() -> None:
    (entry,) = read_page("early_stopping", "# Page\n\n" + _GOOD_SECTION)
    assert entry == Clause(
        id="early_stopping.a.b",
        callback="EarlyStopping",
        statement="The rule, quoted, on two lines.",
        level="core",
        anchor="early_stopping.md#early_stopping.a.b",
    )


def test_markdown_escapes_in_a_statement_are_read_as_text() -> None:
    section = _GOOD_SECTION.replace(
        "> on two lines.", r"> writes epoch_\<key> at k\*N, `lr * 2` and `a\*b` kept."
    )
    assert read_page("early_stopping", section)[0].statement == (
        r"The rule, quoted, writes epoch_<key> at k*N, `lr * 2` and `a\*b` kept."
    )


@pytest.mark.parametrize(
    ("words", "level"),
    [
        ("cosmetic", "cosmetic"),
        ("keras-quirk (the order), cosmetic (texts)", "keras-quirk"),
        ("cosmetic (text), core (the warning)", "core"),
        ("out-of-scope, core", "out-of-scope"),
    ],
)
def test_the_strictest_level_named_is_taken(words: str, level: str) -> None:
    section = _GOOD_SECTION.replace("core (the rule), cosmetic (its text).", words)
    assert read_page("early_stopping", section)[0].level == level


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("{#early_stopping.a.b}", "{#early_stopping.a.c}"), "is not the id"),
        (
            ("## early_stopping.a.b {#early_stopping.a.b}", "## fit.a.b {#fit.a.b}"),
            "starts with 'early_stopping.'",
        ),
        (("> The rule, quoted,\n> on two lines.\n", ""), "no statement"),
        (("*core (the rule), cosmetic (its text).* Prose.", "Prose."), "no level"),
        (("core (the rule), cosmetic (its text).", "faithful."), "names no level"),
    ],
)
def test_a_malformed_section_is_an_error_naming_page_and_line(
    change: tuple[str, str], message: str
) -> None:
    text = "# Page\n\n" + _GOOD_SECTION.replace(*change)
    with pytest.raises(ClausePageError, match=message) as raised:
        read_page("early_stopping", text)
    assert "docs/early_stopping.md, line 3 " in str(raised.value)


def test_each_page_lists_its_clauses() -> None:
    """Each page has the marker the docs build replaces with its clauses' table."""
    for callback in CALLBACKS:
        page = next(c for c in CLAUSES if c.callback == callback).anchor.split("#")[0]
        text = (DOCS / page).read_text(encoding="utf-8")
        assert f"<!-- clauses: {callback} -->" in text, page


# --- the registry against the reference's comments -----------------------------------------


@pytest.mark.parametrize(
    ("line", "cited"),
    [
        ("# Clause `monitor.precision`: float32.", ("Clause", "monitor.precision")),
        (
            "# Quirk `model_checkpoint.save.io-error-stray-f`.",
            ("Quirk", "model_checkpoint.save.io-error-stray-f"),
        ),
        ("# Clause monitor.precision: not in backticks", None),
        ("# Clauses `monitor.precision` and", None),
        ("# see `monitor.precision`", None),
    ],
)
def test_the_citation_syntax(line: str, cited: tuple[str, str] | None) -> None:
    match = CITATION.search(line)
    assert (match and match.groups()) == cited


def test_every_clause_id_in_the_reference_is_cited_in_the_one_syntax() -> None:
    """Not `Quirks <id> and <id>`, an id on the next line, or a bare id in prose."""
    loose = sorted(
        f"{name}: {m.group(1)}"
        for name, text in _reference_prose().items()
        for m in _ID_ANYWHERE.finditer(CITATION.sub("", text))
        if not m.group(1).endswith((".py", ".md"))  # a file name: `tensorboard.py`
    )
    assert loose == []


def test_every_reference_mention_names_a_registered_clause() -> None:
    registered = {c.id for c in CLAUSES}
    unknown = sorted(
        f"{name}: {keyword} {id_}"
        for name, keyword, id_ in _reference_mentions()
        if id_ not in registered
    )
    assert unknown == []


def test_quirk_mentions_name_keras_quirks() -> None:
    marked = {id_ for _, keyword, id_ in _reference_mentions() if keyword == "Quirk"}
    not_quirks = {i for i in marked if clause(i).level != "keras-quirk"}
    assert not_quirks == set()

"""The docs site, the clause registry, the reference and the properties stay in step.

Every clause has a docs entry (a `## <id> {#<id>}` heading on the page its anchor names)
with an example marker (or is out of scope and explained in prose), a refs marker, and
something that checks it: a property of the suite, or, for a fit clause, the tests that
compare the simulated fit with a real one. Every marker, link and anchor in the docs names
something that exists, and every link into the code lands on a line that holds the
clause's id or the code it cites. (`mkdocs build --strict`, run by CI, checks the built
links again; `tests/site/test_docs_examples.py` runs every example.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conformance.clauses import CLAUSES, Clause, clause
from conformance.properties import PROPERTIES
from tools.docs_site import hook, sources
from tools.docs_site.examples import EXAMPLES, prose_only

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
# Pages other workers write, and pages generated from reports (they are linked from the
# nav and checked by `mkdocs build --strict`, not here; each generated page has a test of
# its own: tests/site/test_version_matrix_page.py, test_ecosystem_page.py).
OTHERS = {
    "ecosystem.md",
    "kill_matrix.md",
    "mutation_testing.md",
    "robustness.md",
    "keras-versions.md",
    "benchmarks.md",
}
PAGES = sorted(p for p in DOCS.glob("*.md") if p.name not in OTHERS)

_HEADING = re.compile(r"^## +(\S+) +\{ *#(\S+) *\} *$", re.MULTILINE)
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _text(page: str) -> str:
    return (DOCS / page).read_text(encoding="utf-8")


def _section(entry: Clause) -> str:
    """The docs section of `entry`: from its heading to the next `## ` heading."""
    page, _, anchor = entry.anchor.partition("#")
    text = _text(page)
    heading = re.search(
        rf"^## +{re.escape(entry.id)} +\{{ *#{re.escape(anchor)} *\}} *$", text, re.M
    )
    assert heading, f"{page} has no heading `## {entry.id} {{#{anchor}}}`"
    following = text[heading.end() :]
    end = re.search(r"^## ", following, re.MULTILINE)
    return following[: end.start()] if end else following


# --- every clause has its entry, example, refs and checks ----------------------------------


@pytest.mark.parametrize("entry", CLAUSES, ids=lambda c: c.id)
def test_every_clause_has_a_docs_entry_with_example_and_refs(entry: Clause) -> None:
    section = _section(entry)
    assert "**Condition.**" in section or prose_only(entry), f"{entry.id}: no condition"
    assert f"<!-- refs: {entry.id} -->" in section
    has_example = f"<!-- example: {entry.id} -->" in section
    if prose_only(entry):
        assert not has_example, f"{entry.id} is prose-only but has an example marker"
        assert "**In prose, an example.**" in section
    else:
        assert has_example, f"{entry.id}: no example marker"
        assert entry.id in EXAMPLES


def test_every_clause_but_the_out_of_scope_ones_has_one_example() -> None:
    known = {c.id for c in CLAUSES}
    assert set(EXAMPLES) == {c.id for c in CLAUSES if not prose_only(c)}
    assert set(EXAMPLES) <= known
    assert {c.id for c in CLAUSES if prose_only(c)} == {
        c.id for c in CLAUSES if c.level == "out-of-scope"
    }


@pytest.mark.parametrize("entry", CLAUSES, ids=lambda c: c.id)
def test_every_clause_is_checked(entry: Clause) -> None:
    """A callback clause by a property; a fit clause by the tests that compare the simulated
    fit with a real `keras.Model.fit` (none for two of the out-of-scope ones)."""
    found = sources.checks(entry)
    if entry.callback != "fit" and entry.level == "out-of-scope":
        assert not found, f"{entry.id} is out of scope, yet checked by {found}"
        return
    if entry.callback != "fit":
        assert found and all(check.kind in ("differential", "invariant") for check in found)
        return
    assert entry.id in sources.FIT_TESTS
    if entry.level == "core":
        assert found
    fit_tests = ("tests/suite/test_fidelity.py", "tests/suite/test_harness_fit.py")
    for check in found:
        assert check.where.path in fit_tests
    if entry.level == "core" and entry.id != "fit.logs.nested-dicts-flattened":
        # The fidelity test records the real fit; nested dicts need a metric the real
        # model does not report, so test_harness_fit checks them against pythonify_logs.
        assert any(check.where.path == "tests/suite/test_fidelity.py" for check in found), entry.id


def test_every_property_names_known_clauses_and_has_a_docs_line() -> None:
    known = {c.id for c in CLAUSES}
    assert {(p.name, i) for p in PROPERTIES for i in p.clauses if i not in known} == set()
    for prop in PROPERTIES:
        module = prop.name.split(".")[0]
        sources.find(f"conformance/properties/{module}.py", f'"{prop.name}"')


# --- code locations ------------------------------------------------------------------------


@pytest.mark.parametrize("entry", CLAUSES, ids=lambda c: c.id)
def test_every_reference_link_lands_on_the_clause(entry: Clause) -> None:
    locations = sources.code_locations(entry)
    assert locations, f"{entry.id}: no code names it"
    for location in locations:
        path = ROOT / location.path
        assert path.is_file(), location.path
        line = path.read_text(encoding="utf-8").splitlines()[location.line - 1]
        if entry.callback == "fit":
            assert sources.FIT_CODE[entry.id] in line, location.label
        else:
            assert location.path.startswith("reference/")
            assert entry.id in line, location.label
    for check in sources.checks(entry):
        line = (ROOT / check.where.path).read_text(encoding="utf-8").splitlines()
        assert check.name.split("::")[-1] in line[check.where.line - 1], check.where.label


def test_fit_code_citations_are_unambiguous_enough() -> None:
    """Each cited line of the simulated fit exists; the first match is the one linked."""
    text = (ROOT / sources.FIT_FILE).read_text(encoding="utf-8")
    for id_, snippet in sources.FIT_CODE.items():
        assert clause(id_).callback == "fit"
        assert snippet in text, id_


def test_code_pages_anchor_every_line() -> None:
    for path in sources.code_files():
        markdown = sources.code_page_markdown(path)
        count = len((ROOT / path).read_text(encoding="utf-8").splitlines())
        assert f'id="L{count}"' in markdown and f'id="L{count + 1}"' not in markdown, path
    assert "reference/early_stopping.py" in sources.code_files()
    assert sources.FIT_FILE in sources.code_files()


# --- markers, links and names in the pages -------------------------------------------------


def test_markers_name_known_clauses_and_callbacks() -> None:
    known = {c.id for c in CLAUSES}
    callbacks = {c.callback for c in CLAUSES}
    for page in PAGES:
        text = hook.LITERAL.sub("", page.read_text(encoding="utf-8"))
        for kind, argument in hook.MARKER.findall(text):
            if kind == "clauses":
                assert argument in callbacks, f"{page.name}: {argument}"
            else:
                assert argument in known, f"{page.name}: {kind} {argument}"
        # Anything that looks like a marker is one.
        for comment in re.findall(r"<!--.*?-->", text):
            if re.match(r"<!--\s*(example|refs|clauses)\b", comment):
                assert hook.MARKER.fullmatch(comment), f"{page.name}: {comment}"


def _anchors_of(page: str) -> set[str]:
    if page.startswith("code/"):
        path = page.removeprefix("code/").removesuffix(".md") + ".py"
        count = len((ROOT / path).read_text(encoding="utf-8").splitlines())
        return {f"L{n}" for n in range(1, count + 1)}
    return {explicit for _, explicit in _HEADING.findall(_text(page))}


def test_links_between_pages_and_into_the_code_resolve() -> None:
    generated = {sources.code_page(p) for p in sources.code_files()}
    for page in PAGES:
        for target in _LINK.findall(page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue  # an external URL
            path, _, anchor = target.partition("#")
            path = path or page.name
            assert path.endswith(".md"), f"{page.name} links {target}: not a docs page"
            assert (DOCS / path).is_file() or path in generated, f"{page.name} links {target}"
            if anchor and path not in OTHERS:
                assert anchor in _anchors_of(path), f"{page.name} links {target}"


def test_explicit_anchors_are_the_heading_ids() -> None:
    for page in PAGES:
        for heading, explicit in _HEADING.findall(page.read_text(encoding="utf-8")):
            assert heading == explicit, f"{page.name}: ## {heading} {{#{explicit}}}"


def test_tests_and_wrong_implementations_named_in_the_docs_exist() -> None:
    tests = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("*.py"))
    wrong = ROOT / "conformance" / "catalogue"
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for name in re.findall(r"`(test_\w+)`", text):
            assert f"def {name}(" in tests, f"{page.name} names {name}"
        for name in re.findall(r"`((?:es|lrs|mc|tb)_[a-z0-9_]+)`", text):
            assert (wrong / f"{name}.py").is_file(), f"{page.name} names {name}"
        for path, line in re.findall(r"`((?:reference|conformance|tests)/[\w/]+\.py):(\d+)`", text):
            lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
            assert int(line) <= len(lines), f"{page.name}: {path}:{line}"


def test_the_cheat_sheet_links_only_clause_anchors() -> None:
    text = _text("cheat-sheet.md")
    links = [t for t in _LINK.findall(text) if "#" in t]
    assert len(links) >= 15
    known = {c.anchor for c in CLAUSES}
    assert {t for t in links if t not in known} == set()


def _prose(text: str) -> str:
    """`text` without fenced blocks, comments, code spans and escapes: what Markdown reads
    as HTML."""
    text = re.sub(r"^([ \t]*)(```|~~~)[^\n]*\n.*?^\1\2[ \t]*$", "", text, flags=re.S | re.M)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"``.+?``", "", text, flags=re.S)
    text = re.sub(r"`[^`]*`", "", text)
    return re.sub(r"\\[<*]", "", text)  # `\<name>`, `\*`: escaped, shown as text


def test_placeholders_in_prose_are_in_code() -> None:
    """`<monitor>` outside a code span would be swallowed as an HTML tag."""
    allowed = {"div", "a", "wbr", "br", "code", "span"}
    for page in PAGES:
        for match in re.finditer(r"</?([A-Za-z][\w-]*)", _prose(page.read_text(encoding="utf-8"))):
            assert match.group(1).lower() in allowed, f"{page.name}: {match.group(0)}"

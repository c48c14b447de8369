"""The MkDocs hook (`hooks:` in `mkdocs.yml`): source pages and clause markers.

* `on_files` adds a generated page per file of `sources.code_files()` (`code/...md`),
  each line anchored `#L<n>`, so links into the code resolve in the built site.
* `on_page_markdown` replaces, on every page:
  - `<!-- example: <id> -->` and the Python block under it (the example, as the page
    writes it: `examples.page_examples`) with the clause's example run, computed now from
    the reference;
  - `<!-- refs: <id> -->` with where the clause is implemented and what checks it;
  - `<!-- clauses: <callback> -->` with a table of that callback's clauses.

An unknown id, a clause without an example, or an example whose run does not show what
it `expect`s stops the build.
"""

from __future__ import annotations

import html
import posixpath
import re
import sys
from pathlib import Path
from typing import Any

# MkDocs loads this file by its path, not as `tools.docs_site.hook`, and the repository
# is not on sys.path then (`tools` is not installed): put it there so that the builder's
# modules import as the package they are. MkDocs restores sys.path once this module is
# loaded, so everything the hook needs is imported here.
_REPOSITORY = str(Path(__file__).resolve().parents[2])
if _REPOSITORY not in sys.path:
    sys.path.insert(0, _REPOSITORY)

from conformance.clauses import CLAUSES, clause  # noqa: E402
from tools.docs_site import sources  # noqa: E402
from tools.docs_site.example import contains, render  # noqa: E402
from tools.docs_site.examples import (  # noqa: E402
    EXAMPLE_BLOCK,
    Example,
    page_examples,
    prose_only,
)

MARKER = re.compile(r"<!--\s*(example|refs|clauses):\s*(\S+)\s*-->")


def link(from_page: str, to: str) -> str:
    """A Markdown link target from the page `from_page` to `to` (both relative to docs/)."""
    path, _, anchor = to.partition("#")
    relative = posixpath.relpath(path, posixpath.dirname(from_page) or ".")
    return relative + (f"#{anchor}" if anchor else "")


def _indent(text: str) -> str:
    return "\n".join(("    " + line) if line else "" for line in text.splitlines())


def example_markdown(id_: str, example: Example) -> str:
    entry = clause(id_)
    if prose_only(entry):
        raise ValueError(f"{id_} is out of scope, so prose-only, but has an example")
    rendered = render(example)
    missing = [text for text in example.expect if not contains(rendered, text)]
    if missing:
        raise ValueError(f"the example of {id_} does not show {missing}:\n{rendered}")
    if entry.callback == "fit":
        title = "The simulated fit, traced when this page was built"
    else:
        title = "Example run, computed from the reference when this page was built"
    return f'!!! example "{title}"\n\n{_indent(rendered)}\n'


def refs_markdown(id_: str, page: str) -> str:
    entry = clause(id_)
    locations = sources.code_locations(entry)
    if locations:
        where = ", ".join(
            f"[`{loc.label}`]({link(page, f'{loc.page}#{loc.anchor}')})" for loc in locations
        )
    else:
        where = "nowhere: not modelled"
    checked = []
    for check in sources.checks(entry):
        target = link(page, f"{check.where.page}#{check.where.anchor}")
        if check.kind == "test":
            path, _, name = check.name.partition("::")
            checked.append(f"[`{name}`]({target}) (`{path}`)")
        else:
            checked.append(f"[`{check.name}`]({target}) ({check.kind} property)")
    checked_text = ", ".join(checked) or "nothing: out of scope"
    code_word = "Simulated fit" if entry.callback == "fit" else "Reference"
    return (
        '<div class="clause-refs" markdown>\n'
        f"**Level** {entry.level} · **{code_word}** {where}  \n"
        f"**Checked by** {checked_text}\n"
        "</div>\n"
    )


def clauses_markdown(callback: str, page: str) -> str:
    rows = ["| clause | level | rule |", "|---|---|---|"]
    for entry in CLAUSES:
        if entry.callback != callback:
            continue
        target = link(page, entry.anchor)
        statement = html.escape(entry.statement, quote=False).replace("|", "\\|")
        rows.append(f"| [`{entry.id}`]({target}) | {entry.level} | {statement} |")
    if len(rows) == 2:
        raise ValueError(f"no clauses for callback {callback!r}")
    return "\n".join(rows) + "\n"


LITERAL = re.compile(r"^(`{4,})[^\n]*\n.*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
"""A block fenced with four or more backticks: Markdown shown as it is written (the
contributing guide's clause section), whose markers are not expanded."""


def expand(markdown: str, page: str) -> str:
    """`markdown` (the page `page`, relative to docs/) with its markers replaced, except in
    `LITERAL` blocks."""
    parts, start = [], 0
    for literal in LITERAL.finditer(markdown):
        parts += [_expand(markdown[start : literal.start()], page), literal.group(0)]
        start = literal.end()
    return "".join([*parts, _expand(markdown[start:], page)])


def _expand(markdown: str, page: str) -> str:
    examples = page_examples(page, markdown)
    markdown = EXAMPLE_BLOCK.sub(lambda m: example_markdown(m[1], examples[m[1]]), markdown)

    def replace(match: re.Match[str]) -> str:
        kind, argument = match.group(1), match.group(2)
        if kind == "example":
            raise ValueError(f"{page}: the example marker of {argument} has no Python block")
        if kind == "refs":
            return refs_markdown(argument, page)
        return clauses_markdown(argument, page)

    return MARKER.sub(replace, markdown)


# --- MkDocs entry points ---------------------------------------------------------------------


SOURCE_SECTIONS = {
    "reference": "The reference",
    "conformance": "The suite",
    "tests": "The project's tests",
}


def source_nav() -> list[dict[str, Any]]:
    """The nav section listing the generated source pages, by top directory."""
    sections: dict[str, list[dict[str, str]]] = {title: [] for title in SOURCE_SECTIONS.values()}
    for path in sources.code_files():
        title = SOURCE_SECTIONS[path.split("/")[0]]
        sections.setdefault(title, []).append({path: sources.code_page(path)})
    return [{title: pages} for title, pages in sections.items() if pages]


# Pages about the project itself, written alongside the specification: listed in the nav
# when they exist.
PROJECT_PAGES = {
    "reports.md": "Reports",
    "keras-versions.md": "Keras versions",
    "robustness.md": "Robustness of the suite",
    "mutation_testing.md": "Mutation testing",
    "kill_matrix.md": "Kill matrix",
    "benchmarks.md": "Benchmarks",
    "architecture.md": "Architecture",
    "contributing.md": "Adding a clause",
}


def on_config(config: Any) -> Any:
    if config["nav"] is not None:
        docs = Path(config["docs_dir"])
        project = [
            {title: page} for page, title in PROJECT_PAGES.items() if (docs / page).is_file()
        ]
        if project:
            config["nav"].append({"The project": project})
        config["nav"].append({"Source code": source_nav()})
    return config


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import File

    for path in sources.code_files():
        content = sources.code_page_markdown(path)
        files.append(File.generated(config, sources.code_page(path), content=content))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    return expand(markdown, page.file.src_uri)


_ID_TEXT = re.compile(r">((?:[a-z_]+)(?:\.[a-z0-9-]+){1,2})<")
_KNOWN_IDS = frozenset(c.id for c in CLAUSES)


def break_ids(html: str) -> str:
    """Clause ids shown as text (headings, links, table cells) may wrap after their dots
    (`<wbr>`), not in the middle of a word; copying the text copies the id unchanged."""

    def soften(match: re.Match[str]) -> str:
        if match.group(1) not in _KNOWN_IDS:
            return match.group(0)
        return ">" + match.group(1).replace(".", ".<wbr>") + "<"

    return _ID_TEXT.sub(soften, html)


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    return break_ids(html)

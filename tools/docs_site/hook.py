"""The MkDocs hook (`hooks:` in `mkdocs.yml`): source pages and clause markers.

* `on_files` adds a generated page per file of `sources.code_files()` (`code/...md`),
  each line anchored `#L<n>`, so links into the code resolve in the built site.
* `on_page_markdown` first checks the blocks the page commits (`tables`: each example's
  run and each clause table, generated from the reference): a page whose blocks are not
  what the generator writes now stops the build (`tables.StalePage`, naming the blocks
  and `python -m tools.docs_site.tables --write`). Then it replaces, on every page:
  - `<!-- example: <id> -->`, the Python block under it (the example, as the page writes
    it: `examples.page_examples`) and its committed run with that run in an example box;
  - `<!-- clauses: <callback> -->` and its committed table with the table;
  - `<!-- refs: <id> -->` with where the clause is implemented and what checks it.

An unknown id, a clause without an example, or an example whose run does not show what
it `expect`s stops the build too.
"""

from __future__ import annotations

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

from conformance.adapters.keras import quiet_tensorflow_logs  # noqa: E402

quiet_tensorflow_logs()  # before the examples' event files load TensorFlow (tensorboard does)

from conformance.clauses import CLAUSES, clause  # noqa: E402
from tools.docs_site import sources, tables  # noqa: E402
from tools.docs_site.examples import EXAMPLE_BLOCK  # noqa: E402
from tools.docs_site.tables import LITERAL, clauses_markdown, link  # noqa: E402

__all__ = ["LITERAL", "MARKER", "break_ids", "clauses_markdown", "expand", "link"]

MARKER = re.compile(r"<!--\s*(example|refs|clauses):\s*(\S+)\s*-->")


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


def expand(markdown: str, page: str) -> str:
    """`markdown` (the page `page`, relative to docs/) as the site shows it, its markers
    replaced, except in `LITERAL` blocks; `tables.StalePage` if its committed blocks are
    not what the generator writes now."""
    parts = tables.outside_literals(markdown)
    return "".join(text if literal else _expand(text, page) for literal, text in parts)


def _expand(markdown: str, page: str) -> str:
    fresh, blocks = tables.generate(page, markdown)
    if fresh != markdown:
        stale = ", ".join(tables.stale_blocks(markdown, fresh))
        raise tables.StalePage(
            f"docs/{page}: generated blocks are stale ({stale}); run "
            f"`{tables.COMMAND}` and commit the page"
        )
    markdown = tables.strip(markdown)
    # The site shows an example's run, not the expression that describes it.
    markdown = EXAMPLE_BLOCK.sub(lambda m: blocks[("example", m[1])].site(), markdown)

    def replace(match: re.Match[str]) -> str:
        kind, argument = match.group(1), match.group(2)
        if kind == "refs":
            return refs_markdown(argument, page)
        if kind == "clauses":
            return blocks[("clauses", argument)].site()
        raise ValueError(f"{page}: the example marker of {argument} has no Python block")

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

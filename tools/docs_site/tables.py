"""The generated blocks committed in the docs pages, and the command that writes them.

A page's markers are written by hand; what they show is generated from the reference and
committed in the page right after them, so the pages read whole on GitHub too:

* after an example's Python block (`<!-- example: <id> -->`, `examples.EXAMPLE_BLOCK`),
  the example's run: a caption, what was run, the table, and the example's note;
* after `<!-- clauses: <callback> -->`, the table of that callback's clauses;

each between `<!-- generated: <kind> <argument> -->` and `<!-- /generated -->`:

    <!-- example: early_stopping.patience.zero-is-one -->
    ```python
    Example((es({"patience": 0}, fit("loss", [1.0, 2.0, 3.0])),), columns=WAIT_BEST)
    ```

    <!-- generated: example early_stopping.patience.zero-is-one -->
    *Example run, computed from the reference:*

    `EarlyStopping(monitor='loss', patience=0)`, one `fit`: epochs 0–2.

    | epoch | `loss` | `wait` after | `best` after | what happens |
    |---|---|---|---|---|
    ...

    <!-- /generated -->

`python -m tools.docs_site.tables --write` rewrites every page's blocks from the reference
(and the examples as the pages write them); `--check` writes nothing and exits 1 naming
the pages whose blocks are stale: missing, edited by hand, or no longer what the reference
does. `tests/site/test_docs_tables.py` runs the check, and the site build (`hook.py`)
refuses a stale page, so a page cannot show what the reference does not do. Markers in a
four-backtick block (`LITERAL`, Markdown shown as written) get no block.

`<!-- refs: <id> -->` stays a marker only the site build expands: its links go to the
source pages only the built site has (`code/...md#L<n>`), and their line numbers move with
every edit of the reference.
"""

from __future__ import annotations

import argparse
import html
import posixpath
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from conformance.clauses import CLAUSES, DOCS, clause
from tools.docs_site.example import contains, render
from tools.docs_site.examples import EXAMPLE_BLOCK, Example, page_examples, prose_only

COMMAND = "python -m tools.docs_site.tables --write"

LITERAL = re.compile(r"^(`{4,})[^\n]*\n.*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
"""A block fenced with four or more backticks: Markdown shown as it is written (the
contributing guide's clause section), whose markers are not expanded."""

CLAUSES_MARKER = re.compile(r"<!--\s*clauses:\s*(\S+)\s*-->")
_EXAMPLE_MARKER = re.compile(r"<!--\s*example:\s*(\S+)\s*-->")

OPEN = "<!-- generated: {kind} {argument} -->"
CLOSE = "<!-- /generated -->"
GENERATED = re.compile(
    r"\n*^<!-- generated: (\S+) (\S+) -->\n(.*?)^<!-- /generated -->[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
"""A committed block (kind, argument, content), with the blank lines before it."""
_OPENING = re.compile(r"^<!-- generated:", re.MULTILINE)
_CLOSING = re.compile(r"^<!-- /generated -->", re.MULTILINE)


class StalePage(ValueError):
    """A page whose committed blocks are not what the generator writes now."""


@dataclass(frozen=True)
class Block:
    """What one marker shows: `body` (Markdown), under `title` when there is one."""

    kind: str
    argument: str
    body: str
    title: str = ""

    def committed(self) -> str:
        """The block as the page commits it, from its opening marker to its closing one."""
        caption = f"*{self.title}:*\n\n" if self.title else ""
        opening = OPEN.format(kind=self.kind, argument=self.argument)
        return f"{opening}\n{caption}{self.body.rstrip()}\n\n{CLOSE}"

    def site(self) -> str:
        """The block as the built site shows it: an example in a box titled `title`."""
        if not self.title:
            return self.body.rstrip() + "\n"
        return f'!!! example "{self.title}"\n\n{_indent(self.body)}\n'


def _indent(text: str) -> str:
    return "\n".join(("    " + line) if line else "" for line in text.splitlines())


def link(from_page: str, to: str) -> str:
    """A Markdown link target from the page `from_page` to `to` (both relative to docs/)."""
    path, _, anchor = to.partition("#")
    relative = posixpath.relpath(path, posixpath.dirname(from_page) or ".")
    return relative + (f"#{anchor}" if anchor else "")


def example_block(id_: str, example: Example) -> Block:
    """The clause `id_`'s example, run on the reference; ValueError if the run does not
    show what the example `expect`s, or the clause is out of scope (prose only)."""
    entry = clause(id_)
    if prose_only(entry):
        raise ValueError(f"{id_} is out of scope, so prose-only, but has an example")
    rendered = render(example)
    missing = [text for text in example.expect if not contains(rendered, text)]
    if missing:
        raise ValueError(f"the example of {id_} does not show {missing}:\n{rendered}")
    if entry.callback == "fit":
        title = "The simulated fit, traced"
    else:
        title = "Example run, computed from the reference"
    return Block("example", id_, rendered, title)


def clauses_markdown(callback: str, page: str) -> str:
    """The table of `callback`'s clauses, linked from the page `page`."""
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


# --- a page's blocks ----------------------------------------------------------------------


def strip(markdown: str) -> str:
    """`markdown` (outside `LITERAL` blocks) without its committed blocks; ValueError for a
    block opened and not closed, or closed and not opened."""
    blocks = list(GENERATED.finditer(markdown))
    opened = len(_OPENING.findall(markdown))
    closed = len(_CLOSING.findall(markdown))
    if any(_OPENING.search(b.group(3)) for b in blocks) or not (opened == closed == len(blocks)):
        raise ValueError(
            f"{opened} `<!-- generated: ... -->` and {closed} `{CLOSE}` markers, "
            f"{len(blocks)} of them paired: a block is opened without its end, or ends "
            "without its opening (delete what is left of it and run " + COMMAND + ")"
        )
    return GENERATED.sub("", markdown)


def committed_blocks(markdown: str) -> dict[tuple[str, str], str]:
    """The blocks `markdown` commits, by (kind, argument), as written."""
    return {(b[1], b[2]): b[0].lstrip("\n") for b in GENERATED.finditer(markdown)}


def generate(page: str, markdown: str) -> tuple[str, dict[tuple[str, str], Block]]:
    """`markdown` (the page `page`, relative to docs/, outside `LITERAL` blocks) with its
    blocks as the generator writes them now, and those blocks by (kind, argument)."""
    text = strip(markdown)
    examples = page_examples(page, text)
    blocks: dict[tuple[str, str], Block] = {}

    def add(match: re.Match[str], block: Block) -> str:
        blocks[(block.kind, block.argument)] = block
        return f"{match[0]}\n\n{block.committed()}"

    text = EXAMPLE_BLOCK.sub(lambda m: add(m, example_block(m[1], examples[m[1]])), text)
    text = CLAUSES_MARKER.sub(
        lambda m: add(m, Block("clauses", m[1], clauses_markdown(m[1], page))), text
    )
    for id_ in _EXAMPLE_MARKER.findall(text):
        if ("example", id_) not in blocks:
            raise ValueError(f"{page}: the example marker of {id_} has no Python block")
    return text, blocks


def outside_literals(markdown: str) -> list[tuple[bool, str]]:
    """`markdown` cut into (is a `LITERAL` block, text) parts, in order."""
    parts, start = [], 0
    for literal in LITERAL.finditer(markdown):
        parts += [(False, markdown[start : literal.start()]), (True, literal.group(0))]
        start = literal.end()
    return [*parts, (False, markdown[start:])]


def regenerate(page: str, markdown: str) -> str:
    """The page `page` (relative to docs/) as the generator writes it: its blocks fresh."""
    return "".join(
        text if literal else generate(page, text)[0] for literal, text in outside_literals(markdown)
    )


def stale_blocks(markdown: str, fresh: str) -> list[str]:
    """The blocks (`<kind> <argument>`) that differ between the page as written and as
    generated; `["the page's layout"]` when only what lies around them does."""
    written, now = committed_blocks(markdown), committed_blocks(fresh)
    names = []
    for key, block in now.items():
        if key not in written:
            names.append(f"{key[0]} {key[1]} (missing)")
        elif written[key] != block:
            names.append(f"{key[0]} {key[1]}")
    names += [f"{k} {a} (no longer generated)" for k, a in written if (k, a) not in now]
    return names or (["the page's layout"] if markdown != fresh else [])


# --- the command ----------------------------------------------------------------------------


def pages(docs: Path) -> list[tuple[str, Path]]:
    """Every Markdown page under `docs`, as (name relative to it, path)."""
    return [(p.relative_to(docs).as_posix(), p) for p in sorted(docs.rglob("*.md"))]


def stale(docs: Path = DOCS) -> dict[str, list[str]]:
    """The pages under `docs` whose blocks are stale, and which blocks."""
    found = {}
    for name, path in pages(docs):
        markdown = path.read_text(encoding="utf-8")
        fresh = regenerate(name, markdown)
        if fresh != markdown:
            found[name] = stale_blocks(markdown, fresh)
    return found


def write(docs: Path = DOCS) -> list[str]:
    """Rewrite the stale pages under `docs`; the pages written."""
    written = []
    for name, path in pages(docs):
        markdown = path.read_text(encoding="utf-8")
        fresh = regenerate(name, markdown)
        if fresh != markdown:
            path.write_text(fresh, encoding="utf-8")
            written.append(name)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.docs_site.tables",
        description="Write (--write) or check (--check) the example runs and clause tables "
        "committed in the docs pages, generated from the reference.",
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="rewrite the stale pages")
    action.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 naming the stale pages"
    )
    parser.add_argument("--docs", type=Path, default=DOCS, help="the pages (default: docs/)")
    args = parser.parse_args(argv)
    try:
        if args.write:
            written = write(args.docs)
            for name in written:
                print(f"wrote {args.docs / name}")
            print(f"{len(written)} page(s) rewritten" if written else "every page is current")
            return 0
        found = stale(args.docs)
    except (ValueError, KeyError, TypeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for name, blocks in found.items():
        print(f"stale: {args.docs / name}: {', '.join(blocks)}")
    if found:
        print(f"{len(found)} page(s) stale: run `{COMMAND}` and commit them")
        return 1
    print("every page is current")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The documentation site's build-time machinery (`mkdocs.yml` loads `hook.py`).

It lives under `tools/`, not in the installed `conformance` package: only the docs build
and the tests (`tests/site/`) use it, and nothing in `conformance/` or `reference/`
imports it (`tests/suite/test_package_contents.py`).

* `example`: an `Example` is a small scenario per clause; `render` runs it on the
  reference callback through the harness (`observe`, hence `simulate_fit`), tracing every
  hook, and returns the run as a Markdown table.
* `examples`: the example of every clause (or, for an out-of-scope fit clause, why its
  page explains it in prose only).
* `sources`: where each clause lives in the code (its `Clause <id>` / `Quirk <id>`
  comments, or the code a fit clause cites) and what checks it (properties, fidelity
  tests), as links into the site's generated source pages.
* `tables`: what the pages commit under their markers, generated from the reference:
  after an example's Python block (`<!-- example: <id> -->`) its run, and after
  `<!-- clauses: <callback> -->` the callback's table of clauses, each between
  `<!-- generated: <kind> <argument> -->` and `<!-- /generated -->`, so a page reads
  whole on GitHub. `python -m tools.docs_site.tables --write` writes them; `--check`
  exits 1 naming the stale pages (`tests/site/test_docs_tables.py` runs it).
  `<!-- refs: <id> -->` is not committed: it links the source pages only the built site
  has, at line numbers that move with every edit of the reference.
* `hook`: the MkDocs hook. It adds the source pages, refuses a page whose committed
  blocks are stale, and replaces the markers `<!-- example: <id> -->` (with its Python
  and generated blocks), `<!-- refs: <id> -->` and `<!-- clauses: <callback> -->`.

Nothing here imports MkDocs: the hook functions take MkDocs's objects duck-typed, so the
tests (`tests/site/test_docs*.py`) run without the `docs` extra.
"""

"""The project's own tools, run from a checkout and never installed: the scripts that
regenerate pages and recheck mutants (`python tools/<name>.py`) and the docs site's
builder (`tools.docs_site`, loaded by `mkdocs.yml`)."""

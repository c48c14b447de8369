"""Every clause's docs example runs on the reference and shows what its page claims.

The pages commit each example's run (`tools/docs_site/tables.py`, checked by
`test_docs_tables.py`); here each is rendered once, and the texts it `expect`s must appear
in its table, so a change of the reference that contradicts a page fails the tests, not
only the build.
"""

from __future__ import annotations

import re

import pytest

from conformance.clauses import CLAUSES
from tools.docs_site import hook, tables
from tools.docs_site.example import contains, render
from tools.docs_site.examples import EXAMPLES, page_examples


@pytest.mark.parametrize("id_", sorted(EXAMPLES))
def test_example_runs_and_shows_what_the_docs_say(id_: str) -> None:
    example = EXAMPLES[id_]
    rendered = render(example)
    assert "|---|" in rendered or "*(nothing)*" in rendered
    assert example.expect, f"{id_}: an example should pin what it shows"
    missing = [text for text in example.expect if not contains(rendered, text)]
    assert missing == [], rendered
    # Nothing of the temporary run directory leaks into the page.
    assert "/tmp/" not in rendered and "conformance-" not in rendered


def test_markers_expand_into_tables_and_links() -> None:
    page = "early_stopping.md"
    markdown = (
        "<!-- clauses: EarlyStopping -->\n\n"
        "<!-- example: early_stopping.patience.zero-is-one -->\n"
        "```python\n"
        'Example((es({"patience": 0}, fit("loss", [1.0, 2.0, 3.0])),), columns=WAIT_BEST)\n'
        "```\n\n"
        "<!-- refs: early_stopping.patience.zero-is-one -->\n"
    )
    with pytest.raises(tables.StalePage, match="example early_stopping.patience.zero-is-one"):
        hook.expand(markdown, page)  # the blocks the page should commit are missing
    expanded = hook.expand(tables.regenerate(page, markdown), page)
    assert "<!--" not in expanded and "```python" not in expanded
    assert "[`early_stopping.patience.zero-is-one`](early_stopping.md#early_stopping" in expanded
    assert '!!! example "Example run' in expanded
    assert "(code/reference/early_stopping.md#L" in expanded
    assert "(code/conformance/properties/early_stopping.md#L" in expanded


def test_links_are_relative_to_the_page() -> None:
    assert hook.link("early_stopping.md", "code/reference/monitor.md#L3") == (
        "code/reference/monitor.md#L3"
    )
    assert hook.link("code/reference/monitor.md", "fit.md#fit.hooks.order") == (
        "../../fit.md#fit.hooks.order"
    )


BLOCK = '\n```python\nExample((es({}, fit("loss", [1.0])),))\n```'


def test_an_unknown_or_prose_only_clause_stops_the_build() -> None:
    with pytest.raises(KeyError):
        hook.expand("<!-- example: early_stopping.no-such-rule -->" + BLOCK, "early_stopping.md")
    with pytest.raises(ValueError, match="prose-only"):
        hook.expand("<!-- example: fit.dispatch.async-batch-end -->" + BLOCK, "fit.md")


def test_a_marker_without_its_block_stops_the_build() -> None:
    with pytest.raises(ValueError, match="early_stopping.md: the example marker of .* no Python"):
        hook.expand("<!-- example: early_stopping.patience.zero-is-one -->\n", "early_stopping.md")


def test_a_block_that_is_not_an_example_is_an_error_naming_page_and_line() -> None:
    page = "# Page\n\n<!-- example: early_stopping.patience.zero-is-one -->\n```python\n1 + 1\n```"
    with pytest.raises(TypeError, match=r"docs/early_stopping.md, line 5\) is not an Example"):
        page_examples("early_stopping.md", page)


def test_clause_ids_may_wrap_after_their_dots_only() -> None:
    html = '<h2 id="monitor.precision">monitor.precision</h2><code>fit.hooks.order</code>'
    assert hook.break_ids(html) == (
        '<h2 id="monitor.precision">monitor.<wbr>precision</h2>'
        "<code>fit.<wbr>hooks.<wbr>order</code>"
    )
    assert hook.break_ids("<td>numpy.float32</td>") == "<td>numpy.float32</td>"


def test_clause_tables_escape_the_placeholders_of_statements() -> None:
    for callback in {c.callback for c in CLAUSES}:
        page = next(c for c in CLAUSES if c.callback == callback).anchor.split("#")[0]
        table = hook.clauses_markdown(callback, page)
        assert re.search(r"<(?!/?(a|code|wbr)\b)[a-z]", table) is None, callback


def test_markers_in_a_four_backtick_block_are_shown_as_written() -> None:
    shown = "````markdown\n<!-- refs: early_stopping.patience.zero-is-one -->\n````\n"
    markdown = shown + "<!-- refs: early_stopping.patience.zero-is-one -->\n"
    expanded = hook.expand(markdown, "contributing.md")
    assert expanded.startswith(shown)
    assert expanded.count("<!--") == 1

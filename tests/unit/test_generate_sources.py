"""What generate writes besides the finished HTML: Markdown headings for the contents, and the not_in_nav lines.

No build here: the heading writer with Python-Markdown and the extensions the project uses, and
the lines with the .gitignore reading every builder gives them. The builds tests
(tests/builds/test_generate.py) compare each builder's contents with the plugin build's.
"""

from __future__ import annotations

import markdown
import pytest
from mkdocs.config.config_options import PathSpec

from living_survey.generate import MARKDOWN, _Headings, hidden_patterns

EXTENSIONS = list(MARKDOWN)  # the generated configuration's extensions
CONFIGS = {"toc": {"permalink": True}}
HOSTILE = r"*x* <script>alert(1)</script> {#evil} [a](javascript:alert(1)) back\slash _u_ `c` <b>bold</b> # ! + - ."


def _plugin_heading(text: str, heading_id: str) -> tuple[str, str]:
    """The heading and its title in the contents as the plugin's build makes them from a Markdown heading of ``text``."""
    md = markdown.Markdown(extensions=["toc", "attr_list"], extension_configs=CONFIGS)
    escaped = "".join("\\" + c if c in md.ESCAPED_CHARS else c for c in text.replace("<", "&lt;").replace(">", "&gt;"))
    html = md.convert(f"## {escaped} {{#{heading_id}}}")
    return html, md.toc_tokens[0]["name"]


def _render(source: str) -> str:
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS).convert(source)


@pytest.fixture(scope="module")
def headings() -> _Headings:
    return _Headings(EXTENSIONS, CONFIGS)


def test_a_hostile_heading_becomes_an_escaped_markdown_heading_that_gives_back_the_same_html(headings: _Headings) -> None:
    element, title = _plugin_heading(HOSTILE, "hostile")
    assert "<script>" not in element and "<em>" not in element  # the plugin's own heading is text
    body = f"<p>before</p>\n{element}\n<p>after</p>"
    source = headings.body(body, {"hostile": title})
    line = next(line for line in source.splitlines() if line.startswith("## "))
    assert line.endswith(" {#hostile}") and "{#evil}" not in line and "<script>" not in line
    html = _render(source)
    assert html.replace("\n\n", "\n") == body
    for injected in ("<em>", "<strong>", "<code>", "<script", 'href="javascript', 'id="evil"', "<b>"):
        assert injected not in html


def test_a_heading_the_plugin_wrote_as_html_gets_a_markdown_heading_and_the_builders_permalink(headings: _Headings) -> None:
    body = '<h2 id="quotes">Quotes &amp; more</h2>\n<ol>\n<li>one</li>\n</ol>'
    source = headings.body(body, {"quotes": "Quotes &amp; more"})
    assert source.splitlines()[0] == "## Quotes &amp; more {#quotes}"
    assert _render(source).startswith('<h2 id="quotes">Quotes &amp; more<a class="headerlink" href="#quotes"')


def test_a_heading_holding_markup_keeps_it_as_inline_html(headings: _Headings) -> None:
    md = markdown.Markdown(extensions=["toc", "attr_list"], extension_configs=CONFIGS)
    element = md.convert("## How `generate` works")
    title = md.toc_tokens[0]["name"]
    source = headings.body(element, {"how-generate-works": title})
    assert source == "## How <code>generate</code> works {#how-generate-works}"
    assert _render(source) == element
    assert "<code>generate</code>" in element


@pytest.mark.parametrize(
    "body",
    [
        '<section><h2 id="x">Nested</h2></section>',  # not a top-level element
        '<h2 id="x" class="ls-ref-label">Has a class</h2>',  # more than an id
        '<h2 id="y">Not in the contents</h2>',
        '<h2 id="x">Two\nlines</h2>',
        '<div><h2 id="x">Left open</h2>',  # unbalanced: nothing moves
    ],
)
def test_headings_it_cannot_prove_stay_html(headings: _Headings, body: str) -> None:
    assert headings.body(body, {"x": "Nested", "y": "Other"}) == body


def test_a_heading_whose_title_differs_from_the_contents_stays_html(headings: _Headings) -> None:
    body = '<h2 id="x">Shown</h2>'
    assert headings.body(body, {"x": "Listed otherwise"}) == body


def test_a_level_one_heading_left_as_html_keeps_every_heading_of_the_page_as_html(headings: _Headings) -> None:
    # Material takes the first heading's children as the contents when the page has an h1 with an id
    body = '<h1 id="t">Title</h1>\n<h2 id="a">A</h2>'
    assert headings.body(body, {"t": "Another title", "a": "A"}) == body
    assert headings.body(body, {"t": "Title", "a": "A"}) == "# Title {#t}\n\n## A {#a}"


def test_not_in_nav_hides_exactly_the_hidden_pages_with_a_folder_where_every_page_in_it_is_hidden() -> None:
    pages = ["index.md", "a/index.md", "a/b/index.md", "a/b/c/index.md", "entries/x/index.md", "entries/y/index.md", "top.md"]
    for hidden in (
        set(),
        {"entries/x/index.md", "entries/y/index.md"},
        {"a/b/index.md", "a/b/c/index.md", "top.md"},
        {"entries/x/index.md"},
        set(pages),
    ):
        lines = hidden_patterns(hidden, pages)
        spec = PathSpec().run_validation("\n".join(lines))  # as MkDocs reads not_in_nav
        assert {page for page in pages if spec.match_file(page)} == hidden, lines
    assert hidden_patterns({"entries/x/index.md", "entries/y/index.md"}, pages) == ["/entries/"]
    assert hidden_patterns({"entries/x/index.md"}, pages) == ["/entries/x/"]
    many = [f"entries/e{n}/index.md" for n in range(5000)]
    assert hidden_patterns(many, ["index.md", *many]) == ["/entries/"]

"""End to end: sample surveys built with the real MkDocs build, asserting on the HTML."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort, PluginError

from ..conftest import SAMPLE_BIB, SAMPLE_ENTRY, build_project, write_sample

QUADRANTS = ("broad-prescriptive", "specific-prescriptive", "broad-descriptive", "specific-descriptive")


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample survey built once, for the tests that only read its output (tests that change
    the project build their own)."""
    return build_project(write_sample(tmp_path_factory.mktemp("sample") / "project"))


def test_build_writes_quadrant_entry_and_reference_pages(sample_site: Path) -> None:
    site = sample_site
    for quadrant in QUADRANTS:
        assert (site / "quadrants" / quadrant / "index.html").is_file()
    entry = (site / "entries" / "alpha-2020" / "index.html").read_text()
    assert "Open preferences at scale" in entry
    assert "Alpha, A., Beta, B., &amp; Gamma, G. (2020)" in entry
    assert 'href="../../quadrants/broad-descriptive/"' in entry
    assert "which output is better, zanzibar" in entry and "p. 3" in entry
    assert 'href="#ref-source2023map">Survey Group, 2023</a>, p. 2)' in entry
    assert "https://example.org/repo/edit/main/entries/alpha-2020.yaml" in entry
    assert "@misc{alpha2020open," in entry.replace("&#64;", "@")
    quadrant = (site / "quadrants" / "broad-descriptive" / "index.html").read_text()
    listing = re.search(r'<ul class="ls-entry-list">.*?</ul>', quadrant, re.S).group(0)
    assert 'href="../../entries/alpha-2020/"' in listing and "delta-2021" not in listing
    # the page points at the one map file (not a copy of it) and names its quadrant to highlight
    assert '<figure class="ls-figure ls-map" data-ls-map="../../assets/map.svg" data-ls-quadrant="broad-descriptive">' in quadrant
    assert "<svg" not in quadrant.split("<noscript>")[0].split('class="ls-figure')[1]
    # the map file links every entry relative to itself
    map_svg = (site / "assets" / "map.svg").read_text()
    assert re.search(r'href="\.\./entries/delta-2021/" class="ls-marker[^"]*" data-ls-id="delta-2021"', map_svg)
    refs = (site / "references" / "index.html").read_text()
    assert 'id="delta2021named"' in refs and "Röttger, P., &amp; Delta, D. (2021)" in refs
    home = (site / "index.html").read_text()
    assert 'href="quadrants/broad-descriptive/"' in home and "1 entry" in home
    for name in ("figure1.svg", "figure1.png", "figure1.pdf"):
        assert (site / "assets" / name).stat().st_size > 1000


def nav_links(html: str) -> list[str]:
    """Every link inside a <nav> element (the sidebar, tabs and footer navigation)."""
    from html.parser import HTMLParser

    class Collect(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.depth = 0
            self.links: list[str] = []

        def handle_starttag(self, tag: str, attrs: list) -> None:
            self.depth += tag == "nav"
            if tag == "a" and self.depth:
                self.links.append(dict(attrs).get("href") or "")

        def handle_endtag(self, tag: str) -> None:
            self.depth -= tag == "nav" and self.depth > 0

    parser = Collect()
    parser.feed(html)
    return parser.links


def test_entry_pages_stay_out_of_the_navigation(sample_site: Path) -> None:
    site = sample_site
    for page in ("index.html", "404.html", "quadrants/broad-descriptive/index.html"):
        hrefs = nav_links((site / page).read_text())
        assert any("quadrants/broad-descriptive/" in h or h in ("./", ".") for h in hrefs), page
        assert not any("entries/" in h for h in hrefs), page


def test_home_page_shows_the_figure_and_its_citations(sample_site: Path) -> None:
    # regression: a page with a citation once came out with all its raw HTML escaped
    home = (sample_site / "index.html").read_text()
    assert "&lt;!--" not in home and "&lt;div" not in home
    assert '<figure class="ls-figure ls-map" data-ls-map="assets/map.svg">' in home and '<div class="ls-grid"' in home
    assert 'href="#ref-source2023map"' in home


def test_search_finds_a_phrase_from_a_quote(sample_site: Path) -> None:
    site = sample_site
    index = json.loads((site / "search" / "search_index.json").read_text())
    hits = [d["location"] for d in index["docs"] if "zanzibar" in d["text"]]
    assert "entries/alpha-2020/#quotes" in hits


def test_an_entry_page_shows_its_cite_box_once_and_keeps_it_out_of_search(sample_site: Path) -> None:
    # the box joins entry pages after search indexing: none of its text, and no empty section, in the index
    site = sample_site
    index = json.loads((site / "search" / "search_index.json").read_text())
    entries = sorted(p.parent.name for p in (site / "entries").glob("*/index.html"))
    assert entries
    for name in entries:
        html = (site / "entries" / name / "index.html").read_text(encoding="utf-8")
        assert html.count('<section class="ls-cite" aria-labelledby="cite-this-page">') == 1
        box = html[html.index('<section class="ls-cite"') : html.index("</section>", html.index('<section class="ls-cite"'))]
        assert "(accessed " in box and "data-search-" not in box and "living-survey:cite-slot" not in html
        assert 'href="#cite-this-page"' in html  # still in the page's table of contents
        docs = [d for d in index["docs"] if d["location"].startswith(f"entries/{name}/")]
        assert docs and all("cite-this-page" not in d["location"] for d in docs)
        assert not any("(accessed " in d["text"] or "urldate" in d["text"] for d in docs)
        assert any(d["location"].endswith("#quotes") for d in docs)
    # pages whose box joins before indexing keep it out by the marker, which search removes
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<section class="ls-cite" aria-labelledby="cite-this-page">' in home
    assert not any("(accessed " in d["text"] for d in index["docs"])


def test_invalid_entry_fails_before_any_page_is_written(tmp_path: Path, build_site, caplog) -> None:
    bad = SAMPLE_ENTRY.format(key="alpha2020open", quadrant="nowhere", position="[-0.5, -0.5]", quote="q")
    root = write_sample(tmp_path / "p", entries={"bad-one": bad})
    with pytest.raises((Abort, PluginError)):
        build_site(root)
    assert "entries/bad-one.yaml:2: quadrant: 'nowhere' is not one of" in caplog.text
    assert not (root / "site").exists()


def test_unknown_citation_key_in_a_docs_page_fails_strict(sample: Path, build_site, caplog) -> None:
    (sample / "docs" / "about.md").write_text("# About\n\nLine two.\n\nAs [@nobody2020] argue.\n")
    with pytest.raises(Abort):
        build_site(sample)
    assert "docs/about.md:5: unknown citation key 'nobody2020'" in caplog.text


def test_unknown_entry_key_is_a_located_warning(tmp_path: Path, build_site, caplog) -> None:
    entry = SAMPLE_ENTRY.format(key="missing2020", quadrant="broad-descriptive", position="[-0.5, -0.5]", quote="q")
    root = write_sample(tmp_path / "p", entries={"ghost": entry})
    with pytest.raises(Abort):
        build_site(root)
    assert "entries/ghost.yaml:1: key: 'missing2020' is not in references.bib" in caplog.text


def test_hostile_strings_are_rendered_as_text(tmp_path: Path, build_site) -> None:
    evil = "<script>alert(1)</script> $\\\\mathtext$ @alpha2020open javascript:alert(1)"
    entry = f"""\
key: alpha2020open
quadrant: broad-descriptive
quotes:
  - text: "{evil}"
    page: "3"
rationale: "{evil} [click](javascript:alert(1)) <img src=x onerror=alert(1)>"
edge_case: "{evil}"
placed_by: "@mallory"
organisation: "{evil}"
datasets:
  - name: "{evil}"
    url: "https://example.org/\\"><script>alert(1)</script>"
added: "2024-02-28"
"""
    site = build_site(write_sample(tmp_path / "p", entries={"evil": entry}))
    html = (site / "entries" / "evil" / "index.html").read_text()
    article = re.search(r"<article.*?</article>", html, re.S).group(0)
    assert "<script>alert" not in article and "<img src=x" not in article and "<b>mallory" not in article
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article
    assert 'href="javascript' not in article


def test_past_the_label_limit_the_printable_figure_is_numbered_and_the_map_links_every_work(tmp_path: Path, build_site) -> None:
    from living_survey.figure import LABEL_LIMIT

    count = LABEL_LIMIT + 1
    # as many distinct works (a work placed several times is numbered once)
    bib = SAMPLE_BIB + "".join(
        f"@misc{{w{i:03d}, author = {{Writer{i:03d}, Ann}}, title = {{Work {i}}}, year = {{2020}}}}\n" for i in range(count)
    )
    entries = {
        f"w-{i:03d}": SAMPLE_ENTRY.format(
            key=f"w{i:03d}", quadrant="broad-descriptive", position=f"[-0.{i % 9 + 1}, -0.{(i * 7) % 9 + 1}]", quote=f"quote {i}"
        )
        for i in range(count)
    }
    site = build_site(write_sample(tmp_path / "p", entries=entries, bib=bib))
    home = (site / "index.html").read_text(encoding="utf-8")
    # the page stays light: no key of numbers, no inline map; the map file holds every work
    assert "ls-figure-key" not in home and "<svg" not in home.split('class="ls-figure')[1].split("</figure>")[0]
    svg_map = (site / "assets" / "map.svg").read_text(encoding="utf-8")
    assert sorted(re.findall(r'href="\.\./entries/(w-\d+)/" class="ls-marker[^"]*" data-ls-id="\1"', svg_map)) == sorted(entries)
    # the printable SVG links each entry too
    svg = (site / "assets" / "figure1.svg").read_text(encoding="utf-8")
    assert sorted(set(re.findall(r'xlink:href="\.\./entries/(w-\d+)/"', svg))) == sorted(entries)


def test_the_search_index_script_runs_in_the_head_before_the_theme(sample_site: Path) -> None:
    # the theme's bundle asks for the search index while it loads: the script that holds the
    # request back must come first, on every kind of page, with a URL that resolves from that page
    site = sample_site
    pages = [site / "index.html", *sorted(site.glob("entries/*/index.html"))[:1], *sorted(site.glob("quadrants/*/index.html"))[:1]]
    for html in pages:
        text = html.read_text(encoding="utf-8")
        head = text[: text.index("</head>")]
        found = re.search(r'<script src="([^"]*assets/living-survey-search\.js)"', head)
        assert found, f"{html}: no search script in the head"
        assert (html.parent / found.group(1)).resolve() == (site / "assets" / "living-survey-search.js").resolve()
        assert text.index(found.group(0)) < text.index("assets/javascripts/bundle."), f"{html}: after the theme's bundle"
    assert (site / "assets" / "living-survey-search.js").read_text(encoding="utf-8").startswith("/*")


def test_the_search_index_script_survives_a_projects_own_page_template(sample: Path, build_site: Callable[..., Path]) -> None:
    # a project that overrides the theme's main.html (blocks of its own in the head) keeps the script
    overrides = sample / "overrides"
    overrides.mkdir()
    (overrides / "main.html").write_text(
        '{% extends "base.html" %}\n{% block extrahead %}<meta name="project-own" content="yes">{% endblock %}\n'
        "{% block libs %}<!-- no polyfills here -->{% endblock %}\n",
        encoding="utf-8",
    )
    yml = sample / "mkdocs.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8").replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"), encoding="utf-8"
    )
    site = build_site(sample)
    text = (site / "index.html").read_text(encoding="utf-8")
    assert '<meta name="project-own" content="yes">' in text, "the project's template was used"
    head = text[: text.index("</head>")]
    assert '<script src="assets/living-survey-search.js"></script>' in head
    assert text.index("assets/living-survey-search.js") < text.index("assets/javascripts/bundle.")


def test_the_error_page_holds_the_search_index_back_too(sample_site: Path) -> None:
    # 404.html is served at any depth: its links start from the site's root path (site_url's path)
    site = sample_site
    text = (site / "404.html").read_text(encoding="utf-8")
    head = text[: text.index("</head>")]
    assert '<script src="/survey/assets/living-survey-search.js"></script>' in head
    assert text.index("living-survey-search.js") < text.index("assets/javascripts/bundle.")
    assert text.count("living-survey-search.js") == 1


def test_lazy_search_off_leaves_the_theme_alone(sample: Path, build_site: Callable[..., Path]) -> None:
    yml = sample / "mkdocs.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8").replace("entry_edit_uri: edit/main/", "entry_edit_uri: edit/main/\n      lazy_search: false"),
        encoding="utf-8",
    )
    site = build_site(sample)
    assert "lazy_search: false" in yml.read_text(encoding="utf-8")
    assert "living-survey-search.js" not in (site / "index.html").read_text(encoding="utf-8")
    assert "living-survey-search.js" not in (site / "404.html").read_text(encoding="utf-8")
    assert not (site / "assets" / "living-survey-search.js").exists()
    assert "assets/javascripts/bundle." in (site / "index.html").read_text(encoding="utf-8")

"""Page kinds: a new kind is one class plus one template, and the plugin's hooks never test a kind's name.

The worked example of the design notes is run as written: its class and template are read from
``docs/design.md``, the class is registered, and a sample survey is built with the real MkDocs.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from html import escape, unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from living_survey.config import project_options
from living_survey.model.survey import load_survey
from living_survey.pages.kinds import site_pages, view
from living_survey.pages.page_kind import CITE_SLOT, FIGURE_MARK, KINDS, DocsPage, HomePage, PageKind, page_title
from living_survey.state import Options, make_build, make_site

from ..conftest import ROOT, SAMPLE_BIB, write_sample

DESIGN = ROOT / "docs" / "design.md"
EXTRA_BIB = """
@misc{kirk2023empty,
  author = {Kirk, Hannah and Vidgen, Bertie},
  title = {The Empty Signifier Problem},
  year = {2023},
}
"""


def _example(lang: str) -> str:
    """The worked example's code block in ``lang`` from the design notes."""
    text = DESIGN.read_text(encoding="utf-8")
    section = text.split("### A worked example: a new page kind", 1)[1]
    found = re.search(rf"^```{lang}\n(.*?)\n```$", section, re.S | re.M)
    assert found, f"no {lang} block in the worked example"
    return found.group(1) + "\n"


@pytest.fixture
def years_kind(tmp_path: Path) -> Iterator[type[PageKind]]:
    """The design notes' example kind, registered for one test, its template in a folder of its own."""
    templates = tmp_path / "templates"
    templates.mkdir()
    namespace: dict[str, object] = {}
    before = dict(KINDS)
    try:
        exec(compile(_example("python"), str(DESIGN), "exec"), namespace)  # our own design notes
        kind = namespace["YearsKind"]
        assert isinstance(kind, type) and issubclass(kind, PageKind)
        (templates / kind.template).write_text(_example("jinja"), encoding="utf-8")
        kind.template_folder = templates
        yield kind
    finally:
        KINDS.clear()
        KINDS.update(before)


def test_the_worked_example_kind_builds_a_page_of_its_own(tmp_path: Path, build_site, years_kind: type[PageKind]) -> None:
    assert KINDS["years"] is years_kind and list(KINDS)[-1] == "years"
    root = write_sample(tmp_path / "p", bib=SAMPLE_BIB + EXTRA_BIB)
    survey = load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")
    pages = site_pages(survey)
    assert pages.get("years") is not None and "years" in pages.permanent_ids()
    site = build_site(root)
    page = site / "years" / "index.html"
    html = page.read_text(encoding="utf-8")
    # the template rendered, through Markdown: headings per year, newest first, every entry linked
    assert re.search(r"<h1[^>]*>Works by year", html)
    years = re.findall(r'<h2 id="[^"]*">(\d{4})', html)
    assert years == sorted(years, reverse=True) and set(years) == {"2020", "2021"}
    links = re.findall(r'<ul class="ls-years">\s*(.*?)</ul>', html, re.S)
    hrefs = [h for block in links for h in re.findall(r'href="([^"]+)"', block)]
    assert len(hrefs) == len(survey.entries)
    for href in hrefs:
        target = Path(urlsplit(urljoin("file://" + page.as_posix(), href)).path)
        assert (target / "index.html" if href.endswith("/") else target).is_file(), href
    # the steps every page gets: citations resolved with a reference list, the head's feeds, the sidebar
    assert "[@kirk2023empty]" not in html and "Kirk and Vidgen" in unescape(html)
    assert 'id="references"' in html
    assert 'type="application/atom+xml"' in html
    assert 'href="years/"' in (site / "index.html").read_text(encoding="utf-8")


def test_every_generated_page_has_a_registered_kind_and_docs_pages_have_theirs(tmp_path: Path) -> None:
    root = write_sample(tmp_path / "p")
    survey = load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")
    pages = site_pages(survey)
    assert {r.kind for r in pages} <= set(KINDS)
    for name, kind in KINDS.items():
        assert kind.name == name and kind.template, name
        assert (ROOT / "tools" / "living_survey" / "templates" / kind.template).is_file(), kind.template
    assert issubclass(HomePage, DocsPage) and DocsPage.name == ""


def test_the_plugin_never_compares_a_page_kind_by_name() -> None:
    source = (ROOT / "tools" / "living_survey" / "plugin.py").read_text(encoding="utf-8")
    names = set(KINDS)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            assert not any(isinstance(o, ast.Attribute) and o.attr == "kind" for o in operands), ast.unparse(node)
            assert not any(isinstance(o, ast.Constant) and o.value in names for o in operands), ast.unparse(node)
            assert not any(isinstance(o, ast.Name) and o.id.isupper() and o.id.lower() in names for o in operands), ast.unparse(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "of_kind":
            raise AssertionError(ast.unparse(node))


def test_every_page_kind_renders_its_page_without_mkdocs_as_the_build_does(tmp_path: Path, build_site) -> None:
    root = write_sample(tmp_path / "p")
    built = build_site(root)
    # a Site made with no MkDocs object: the options by hand, every page's URL by a rule of our own
    project = project_options(root / "mkdocs.yml")
    options = Options(("framework.yml", "entries", "references.bib"), root / ".cache" / "living-survey", entry_edit_uri="edit/main/")
    build = make_build(project, options, {})  # Figure 1 from the cache the build above filled
    urls = {"index.md": ("", "index.html")} | {r.src: (r.id + "/", r.id + "/index.html") for r in build.pages}
    warnings: list[str] = []
    site = make_site(build, urls, head_script=None, warn=warnings.append)
    entries = build.pages.of_kind("entry")
    assert entries
    for record in entries:
        page = view(site, record.src, record.id + "/")
        document = page.document()
        html = (built / record.id / "index.html").read_text(encoding="utf-8")
        # the same HTML as the built page's, up to the cite box that joins after search indexing
        body = document.body.split(CITE_SLOT)[0]
        assert len(body) > 500 and body in html
        assert document.meta["title"] == page_title(record) and document.meta["tags"]
        for name, content in document.meta["citation_meta"]:
            assert f'<meta name="{name}" content="{escape(content)}">' in html
    for record in build.pages:
        if not KINDS[record.kind].from_data:
            document = view(site, record.src, record.id + "/").document()
            assert document.body.strip() and not document.problems, record.id
    quadrant = next(r for r in build.pages.of_kind("quadrant") if r.subject == build.survey.entries[0].quadrant)
    body = view(site, quadrant.src, quadrant.id + "/").document().body
    assert FIGURE_MARK in body and "../../entries/" in body
    assert not warnings

"""One owner for pages and addresses: the router, and sites built with either URL style."""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from mkdocs.utils import get_relative_url

from living_survey.model.addresses import Router, SitePages, relative_url, root_from, token
from living_survey.pages.kinds import site_pages

from ..conftest import SAMPLE_ENTRY, write_sample

URLS = ["", ".", "./", "index.html", "entries/x/", "entries/x.html", "quadrants/a/", "a/b/c.html", "references/", "data/e.json"]


@pytest.mark.parametrize(("url", "other"), list(itertools.product(URLS, URLS)))
def test_relative_urls_follow_the_mkdocs_rule(url: str, other: str) -> None:
    assert relative_url(url, other) == get_relative_url(url, other)


def test_root_from_a_page() -> None:
    assert root_from("") == "" and root_from("index.html") == ""
    assert root_from("entries/x/") == "../../" and root_from("entries/x.html") == "../"


def test_tokens_resolve_per_page_and_unknown_pages_become_inert() -> None:
    router = Router(SitePages([]), {"entries/x.md": ("entries/x.html", "entries/x.html")}, "https://example.org/")
    text = f'<a href="{token("entries/x")}">x</a><a href="{token("entries/gone")}">y</a>@@ls:unterminated'
    assert router.resolve_tokens(text, "quadrants/q.html") == '<a href="../entries/x.html">x</a><a href="#">y</a>@@ls:unterminated'
    assert router.absolute("entries/x") == "https://example.org/entries/x.html"
    assert router.site_path("entries/x") == "entries/x.html"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "xlink:href") and value and tag in ("a", "link"):
                self.links.append(value)


def _internal_targets(site: Path, page: Path) -> list[Path]:
    """The file each same-site link of a page points at."""
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    base = "file://" + page.as_posix()
    out = []
    for href in parser.links:
        if href.startswith(("#", "mailto:")) or urlsplit(href).scheme in ("http", "https"):
            continue
        target = Path(unquote(urlsplit(urljoin(base, href)).path))
        if href.endswith("/") or target.is_dir():
            target = target / "index.html"
        out.append(target)
    return out


@pytest.mark.parametrize("directory_urls", [False, True])
def test_every_generated_link_reaches_a_file_with_either_url_style(tmp_path: Path, build_site, directory_urls: bool) -> None:
    root = write_sample(tmp_path / "p")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + f"use_directory_urls: {str(directory_urls).lower()}\n", encoding="utf-8")
    site = build_site(root)
    from living_survey.model.survey import load_survey

    survey = load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")
    pages = site_pages(survey)
    suffix = "/index.html" if directory_urls else ".html"
    checked = 0
    shown = [site / "index.html"] + [site / (r.id + suffix) for r in pages if r.kind != "entry"]
    for page in shown + [site / (r.id + suffix) for r in pages.of_kind("entry")]:
        assert page.is_file(), page
        for target in _internal_targets(site, page):
            assert target.is_file(), f"{page.relative_to(site)} links to missing {target}"
            checked += 1
    # every page showing the figure points at the one map file, which exists
    for page in shown:
        html = page.read_text(encoding="utf-8")
        assert "@@ls:" not in html
        for src in re.findall(r'data-ls-map="([^"]+)"', html):
            assert Path(unquote(urlsplit(urljoin("file://" + page.as_posix(), src)).path)).is_file(), (page, src)
    # the map's and the printable figure's markers and titles link to pages, relative to the file
    for name in ("map.svg", "figure1.svg"):
        standalone = (site / "assets" / name).read_text(encoding="utf-8")
        links = re.findall(r' (?:xlink:)?href="([^"]+)"', standalone)
        assert any("entries/" in h for h in links) and any("quadrants/" in h for h in links)
        for href in links:
            target = Path(unquote(urlsplit(urljoin("file://" + (site / "assets" / name).as_posix(), href)).path))
            assert (target / "index.html" if href.endswith("/") else target).is_file(), href
    assert checked > 20
    # every entry page cites itself under a key of its own
    keys = set()
    for record in pages.of_kind("entry"):
        html = (site / (record.id + suffix)).read_text(encoding="utf-8")
        box = html[html.index('<section class="ls-cite"') :]
        key = re.search(r"@misc\{([^,]+),", box.replace("&#64;", "@")).group(1)
        assert key not in keys
        keys.add(key)
        assert f"https://example.org/survey/{record.id}{'/' if directory_urls else '.html'}" in html


def test_a_figure_slot_removed_by_another_plugin_is_reported(tmp_path: Path, build_site, caplog: pytest.LogCaptureFixture) -> None:
    root = write_sample(tmp_path / "p")
    (root / "strip_comments.py").write_text(
        "import re\n\n\ndef on_page_content(html, page, config, files):\n    return re.sub(r'<!--.*?-->', '', html)\n",
        encoding="utf-8",
    )
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks: [strip_comments.py]\n", encoding="utf-8")
    build_site(root, strict=False)
    messages = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("index.md" in m and "placeholder was removed" in m for m in messages), messages
    assert any("quadrants/" in m and "placeholder was removed" in m for m in messages), messages


@pytest.mark.parametrize("directory_urls", [False, True])
def test_every_link_of_a_versioned_contested_site_reaches_a_file(tmp_path: Path, directory_urls: bool) -> None:
    """Releases, the Changes page (a move, a removal, a second placement) and the contested page,
    built by `living-survey versions` with either URL style: every same-site link on every page reaches a file."""
    from living_survey.cli import main

    from ..conftest import SAMPLE_ENTRY, _git, set_field

    root = write_sample(tmp_path / "repo")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + f"use_directory_urls: {str(directory_urls).lower()}\n", encoding="utf-8")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "first")
    _git(root, "tag", "v0.1.0")
    # v0.2.0: a contributor places alpha2020open in another quadrant, delta-2021 is removed, alpha-2020 moves
    second = SAMPLE_ENTRY.format(key="alpha2020open", quadrant="specific-prescriptive", position="[0.4, 0.7]", quote="q")
    (root / "entries" / "alpha-2020-someone.yaml").write_text(
        second.replace("placed_by: source2023map", 'placed_by: "@someone"'), encoding="utf-8"
    )
    (root / "entries" / "delta-2021.yaml").unlink()
    set_field(root / "entries" / "alpha-2020.yaml", "position", "[-0.3, -0.2]")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "second")
    _git(root, "tag", "v0.2.0")
    out = tmp_path / "out"
    assert main(["versions", "--root", str(root), "--out", str(out)]) == 0
    suffix = "/index.html" if directory_urls else ".html"
    changes = (out / ("changes" + suffix)).read_text(encoding="utf-8")
    for heading in ("Works removed", "Moved", "Placements added"):
        assert re.search(rf"<h3[^>]*>{heading}", changes), heading
    assert "(delta-2021)" in changes and "(alpha-2020-someone)" in changes
    contested = (out / ("contested" + suffix)).read_text(encoding="utf-8")
    assert 'id="work-alpha2020open"' in contested
    checked = 0
    # 404.html is served at any depth, so MkDocs gives it site_url-absolute links: not followed here
    pages = sorted(p for p in out.rglob("*.html") if p.name != "404.html")
    assert any("/v/0.1/" in p.as_posix() for p in pages) and any("/v/0.2/" in p.as_posix() for p in pages)
    for page in pages:
        for target in _internal_targets(out, page):
            assert target.is_file(), f"{page.relative_to(out)} links to missing {target}"
            checked += 1
    assert checked > 100
    # the removed entry's page stays readable in the release that had it, and only there
    assert (out / "v" / "0.1" / ("entries/delta-2021" + suffix)).is_file()
    assert not (out / ("entries/delta-2021" + suffix)).exists() and not (out / "v" / "0.2" / ("entries/delta-2021" + suffix)).exists()


def test_a_crowded_quadrant_page_shows_its_first_works_and_links_the_browse_page_for_the_rest(
    tmp_path: Path, build_site, monkeypatch: pytest.MonkeyPatch
) -> None:
    import living_survey.pages.page_content

    monkeypatch.setattr(living_survey.pages.page_content, "CARD_LIMIT", 1)
    entries = {
        name: SAMPLE_ENTRY.format(key=key, quadrant="broad-descriptive", position=pos, quote="a quoted phrase")
        for name, key, pos in (("alpha-2020", "alpha2020open", "[-0.5, -0.5]"), ("delta-2021", "delta2021named", "[-0.3, -0.6]"))
    }
    site = build_site(write_sample(tmp_path / "p", entries=entries))
    page = (site / "quadrants" / "broad-descriptive" / "index.html").read_text(encoding="utf-8")
    assert "2 works placed here" in page
    assert len(re.findall(r'<li class="ls-entry-card">', page)) == 1
    more = re.search(r'<p class="ls-more">.*?<a href="([^"]+)">', page, re.S)
    assert more is not None and "first 1 of the 2 works" in more.group(0)
    assert more.group(1) == "../../browse/?quadrant=broad-descriptive"
    assert (site / "browse" / "index.html").is_file()
    # below the limit, no such note
    other = (site / "quadrants" / "specific-prescriptive" / "index.html").read_text(encoding="utf-8")
    assert 'class="ls-more"' not in other

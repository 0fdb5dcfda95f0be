"""`living-survey generate`: the survey as plain site sources, built by MkDocs, ProperDocs and Zensical.

The first tests need only MkDocs. The parity tests (marked ``builders``) build the repository's
own survey from generated sources with each builder and compare every site with the plugin's own
build (the ``real_site`` fixture). Zensical runs from wherever ``zensical`` is installed: this
environment's scripts, then ``PATH`` (``pip install -e '.[zensical]'`` puts it there).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from ..conftest import PWN, ROOT, living_survey, write_hostile, write_sample

BUILDERS = ("mkdocs", "properdocs", "zensical")
THEME_ASSETS = ("assets/javascripts/", "assets/stylesheets/", "assets/images/", "search/")
ONLY_IN_THE_PLUGIN_BUILD = {"assets/living-survey-search.js"}
"""The plugin's on-demand loader for Material's search index: generated sources leave search to the builder."""


def _front_matter(text: str) -> dict[str, object]:
    assert text.startswith("---\n"), text[:80]
    return yaml.safe_load(text.split("---\n", 2)[1])


def _break(root: Path) -> None:
    entry = root / "entries" / "alpha-2020.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("quadrant: broad-descriptive", "quadrant: nowhere"), encoding="utf-8")
    with (root / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write("\n@misc{broken2020,\n  title = {Unclosed\n")


# -- refusals: the same problems as validate, and no output folder left behind ------------------


def test_bad_data_fails_generate_with_validates_problems_and_writes_nothing(tmp_path: Path) -> None:
    root = write_sample(tmp_path / "p")
    _break(root)
    out = tmp_path / "out" / "generated"
    done = living_survey("generate", "--out", str(out), root=root)
    checked = living_survey("validate", root=root)
    assert done.returncode == 1 and checked.returncode == 1
    assert "entries/alpha-2020.yaml:2: quadrant: 'nowhere' is not one of" in done.stdout
    assert done.stdout == checked.stdout
    assert "2 problems found." in done.stderr
    assert not out.exists()
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_a_failed_generate_keeps_the_previous_output_and_a_good_one_replaces_it(tmp_path: Path) -> None:
    root = write_sample(tmp_path / "p")
    out = tmp_path / "generated"
    out.mkdir()
    (out / "old.txt").write_text("before", encoding="utf-8")
    entry = root / "entries" / "alpha-2020.yaml"
    good = entry.read_text(encoding="utf-8")
    _break(root)
    assert living_survey("generate", "--out", str(out), root=root).returncode == 1
    assert (out / "old.txt").read_text(encoding="utf-8") == "before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated", "p"]
    entry.write_text(good, encoding="utf-8")
    (root / "references.bib").write_text((root / "references.bib").read_text(encoding="utf-8").split("@misc{broken2020")[0])
    done = living_survey("generate", "--out", str(out), root=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (out / "old.txt").exists() and (out / "mkdocs.yml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated", "p"]


def test_a_build_warning_fails_generate_as_it_fails_the_strict_build_and_nothing_is_written(tmp_path: Path) -> None:
    root = write_sample(tmp_path / "p")
    (root / "docs" / "about.md").write_text("# About\n\nSee [the missing page](nowhere.md).\n", encoding="utf-8")
    done = living_survey("generate", "--out", str(tmp_path / "generated"), root=root)
    assert done.returncode == 1
    assert "strict" in done.stderr.lower() and "warning" in done.stderr.lower(), done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p"]


def test_an_output_folder_inside_docs_or_holding_the_project_is_refused(tmp_path: Path) -> None:
    root = write_sample(tmp_path / "p")
    for out in (root / "docs" / "generated", root, tmp_path):
        done = living_survey("generate", "--out", str(out), root=root)
        assert done.returncode == 1 and "output folder must not" in done.stderr, done.stderr
    assert not (root / "docs" / "generated").exists()
    assert sorted(p.name for p in (root / "docs").iterdir()) == ["index.md"]


def test_generated_sources_are_plain_pages_with_front_matter_and_a_config_without_the_plugin(tmp_path: Path) -> None:
    from living_survey.checks.project_checks import check_project
    from living_survey.config import project_options
    from living_survey.generate import source_path
    from living_survey.pages.kinds import site_pages

    root = write_sample(tmp_path / "p")
    out = tmp_path / "generated"
    done = living_survey("generate", "--out", str(out), root=root)
    assert done.returncode == 0, done.stdout + done.stderr
    config = yaml.safe_load((out / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "living-survey" not in json.dumps(config["plugins"])
    assert config["theme"]["custom_dir"] == "overrides" and (out / "overrides" / "main.html").is_file()
    survey = check_project(project_options(root / "mkdocs.yml")).survey
    assert survey is not None
    pages = site_pages(survey)
    # the lines as every builder reads them: .gitignore patterns (a folder hides every page in it)
    hidden = load_config(str(out / "mkdocs.yml")).not_in_nav
    assert len(config["not_in_nav"].split()) < len(list(pages))
    for record in pages:
        src = source_path(record.src, directory_urls=True)
        assert (out / "docs" / src).is_file(), src
        assert hidden.match_file(src) == (not record.in_nav)
    assert source_path("entries/alpha-2020.md", directory_urls=True) == "entries/alpha-2020/index.md"
    assert source_path("index.md", directory_urls=True) == "index.md"
    assert source_path("entries/alpha-2020.md", directory_urls=False) == "entries/alpha-2020.md"
    entry = (out / "docs" / "entries" / "alpha-2020" / "index.md").read_text(encoding="utf-8")
    meta = _front_matter(entry)
    assert '<meta name="citation_title" content="Open preferences at scale">' in str(meta["living_survey_head"])
    assert meta["title"] == "Open preferences at scale" and meta["tags"]
    home = (out / "docs" / "index.md").read_text(encoding="utf-8")
    assert "@source2023map" not in home and "Survey Group" in home  # the citation, resolved
    assert (out / "docs" / "data" / "entries.json").is_file() and (out / "docs" / "assets" / "map.svg").is_file()


@pytest.mark.builders
@pytest.mark.parametrize("builder", BUILDERS)
def test_nav_and_redirects_follow_the_pages_in_every_builder(tmp_path: Path, builder: str) -> None:
    root = write_sample(tmp_path / "p")
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "  - redirects:\n      redirect_maps:\n        'entries/old-id.md': 'entries/alpha-2020.md'\n"
        + "nav:\n  - Home: index.md\n  - Quadrants:\n      - quadrants/broad-descriptive.md\n",
        encoding="utf-8",
    )
    out = tmp_path / "generated"
    done = living_survey("generate", "--out", str(out), root=root)
    assert done.returncode == 0, done.stdout + done.stderr
    generated = yaml.safe_load((out / "mkdocs.yml").read_text(encoding="utf-8"))
    assert generated["nav"] == [{"Home": "index.md"}, {"Quadrants": ["quadrants/broad-descriptive/index.md"]}]
    site = _build(builder, out)
    redirect = (site / "entries" / "old-id" / "index.html").read_text(encoding="utf-8")
    assert "../alpha-2020/" in redirect
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="quadrants/broad-descriptive/"' in home or 'href="./quadrants/broad-descriptive/"' in home


# -- one survey, three builders --------------------------------------------------------------------


def _zensical() -> str | None:
    return shutil.which("zensical", path=str(Path(sys.executable).parent)) or shutil.which("zensical")


def _properdocs() -> str:
    found = shutil.which("properdocs", path=str(Path(sys.executable).parent)) or shutil.which("properdocs")
    assert found, "properdocs is not installed: `make test` installs it with the test extras"
    return found


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own survey as plain sources."""
    out = tmp_path_factory.mktemp("generate") / "generated"
    done = living_survey("generate", "--out", str(out), root=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def _zensical_build(generated: Path) -> subprocess.CompletedProcess[str]:
    zensical = _zensical()
    if zensical is None:
        pytest.skip("zensical is not installed: pip install -e '.[zensical]' (the range that installs from the package index)")
    # strict as the other builders: Zensical also checks in-page anchors inside raw HTML
    return subprocess.run([zensical, "build", "--clean", "--strict", "-f", str(generated / "mkdocs.yml")], capture_output=True, text=True)


def _build(builder: str, generated: Path) -> Path:
    """Build generated sources with one builder; the site folder (Zensical keeps it inside the project)."""
    site = generated.parent / f"site-{builder}"
    if builder == "mkdocs":
        build(load_config(str(generated / "mkdocs.yml"), strict=True, site_dir=str(site)))
    elif builder == "properdocs":
        cmd = [_properdocs(), "build", "--strict", "-f", str(generated / "mkdocs.yml"), "-d", str(site)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    else:
        done = _zensical_build(generated)
        assert done.returncode == 0, done.stdout + done.stderr
        site = generated / "site"
    return site


@pytest.fixture(scope="module")
def zensical_run(generated: Path) -> subprocess.CompletedProcess[str]:
    return _zensical_build(generated)


@pytest.fixture(scope="module")
def sites(generated: Path, real_site: Path) -> Iterator[dict[str, Path]]:
    """Each builder's site from the generated sources, built when a test first asks for it."""

    class Sites(dict[str, Path]):
        def __missing__(self, name: str) -> Path:
            self[name] = _build(name, generated)
            return self[name]

    yield Sites({"plugin": real_site})


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src", "xlink:href") and not (tag == "link" and ("rel", "canonical") in attrs):
                self.urls.append(value)
            elif name == "id":
                self.ids.add(value)


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _site_prefix() -> str:
    url = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8")).get("site_url", "")
    return urlsplit(url).path or "/"


def _targets(site: Path) -> Iterator[tuple[str, str, str]]:
    """(page, target file, fragment) of every link to this site in every HTML page and SVG image."""
    prefix = _site_prefix()
    for path in sorted([*site.rglob("*.html"), *site.rglob("*.svg")]):
        rel = path.relative_to(site).as_posix()
        if rel.startswith(THEME_ASSETS):
            continue
        base = f"https://site.invalid{prefix}{rel}"
        for url in _parse(path).urls:
            if url.startswith(("mailto:", "data:", "javascript:")):
                continue
            parts = urlsplit(urljoin(base, url))
            if parts.netloc != "site.invalid":
                continue
            target = unquote(parts.path)
            assert target.startswith(prefix), f"{rel}: {url} leaves the site's path"
            target = target[len(prefix) :]
            if target == "" or target.endswith("/"):
                target += "index.html"
            elif (site / target).is_dir():
                target += "/index.html"
            yield rel, target, parts.fragment


def _broken_anchors(site: Path) -> set[tuple[str, str, str]]:
    ids: dict[str, set[str]] = {}
    broken = set()
    for page, target, fragment in _targets(site):
        if not fragment or not target.endswith(".html") or not (site / target).is_file():
            continue
        if target not in ids:
            ids[target] = _parse(site / target).ids
        if fragment not in ids[target]:
            broken.add((page, target, fragment))
    return broken


def _permanent_ids() -> list[str]:
    from living_survey.pages.permanence import read_ids

    return [page_id for _, page_id in read_ids((ROOT / "permanent-ids.txt").read_text(encoding="utf-8"))]


def _redirected_ids() -> set[str]:
    """Ids that answer through a redirect declared in mkdocs.yml (a renamed entry), not as a page."""
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    plugin = config.plugins.get("redirects")
    maps = plugin.config.get("redirect_maps", {}) if plugin is not None else {}
    return {source.removesuffix(".md").removesuffix("/index") for source in maps}


def _entry_ids() -> list[str]:
    """The listed entry ids that are entry pages (a redirected id is checked by test_every_permanent_id_answers)."""
    redirected = _redirected_ids()
    return [page_id for page_id in _permanent_ids() if page_id.startswith("entries/") and page_id not in redirected]


_CITATION_META = re.compile(r'<meta name="citation_[a-z_]+" content="[^"]*">')


@pytest.mark.builders
@pytest.mark.parametrize("builder", BUILDERS)
def test_every_permanent_id_answers(sites: dict[str, Path], builder: str) -> None:
    site = sites[builder]
    ids = _permanent_ids()
    assert ids
    missing = [i for i in ids if not ((site / i / "index.html").is_file() or (site / f"{i}.html").is_file())]
    assert missing == []


@pytest.mark.builders
@pytest.mark.parametrize("builder", BUILDERS)
def test_every_internal_link_resolves(sites: dict[str, Path], builder: str) -> None:
    site = sites[builder]
    links = list(_targets(site))
    assert len(links) > 100
    assert sorted({(page, target) for page, target, _ in links if not (site / target).is_file()}) == []


@pytest.mark.builders
@pytest.mark.parametrize("builder", BUILDERS)
def test_in_page_anchors_resolve_as_in_the_plugin_build(sites: dict[str, Path], builder: str) -> None:
    # no builder may lose an anchor the plugin's own site has (headings, references, sections)
    assert _broken_anchors(sites[builder]) <= _broken_anchors(sites["plugin"])


def test_every_in_page_anchor_resolves_in_the_plugin_build(real_site: Path) -> None:
    assert sorted(_broken_anchors(real_site)) == []


@pytest.mark.builders
@pytest.mark.parametrize("builder", BUILDERS)
def test_data_feeds_map_and_scripts_are_byte_identical_to_the_plugin_build(sites: dict[str, Path], builder: str) -> None:
    plugin, site = sites["plugin"], sites[builder]
    files = [
        p.relative_to(plugin).as_posix()
        for p in plugin.rglob("*")
        if p.is_file() and p.suffix not in (".html", ".gz") and p.name != "sitemap.xml"
    ]
    files = [f for f in files if not f.startswith(THEME_ASSETS) and f not in ONLY_IN_THE_PLUGIN_BUILD]
    assert any(f.startswith("data/") for f in files) and any(f.startswith("feed") for f in files)
    missing = [f for f in files if not (site / f).is_file()]
    differ = [f for f in files if (site / f).is_file() and (site / f).read_bytes() != (plugin / f).read_bytes()]
    assert (missing, differ) == ([], [])


@pytest.mark.builders
@pytest.mark.parametrize("builder", BUILDERS)
def test_every_entry_page_carries_the_plugin_builds_citation_meta_tags(sites: dict[str, Path], builder: str) -> None:
    for page_id in _entry_ids():
        expected = _CITATION_META.findall((sites["plugin"] / page_id / "index.html").read_text(encoding="utf-8"))
        assert any(tag.startswith('<meta name="citation_title"') for tag in expected), page_id
        html = (sites[builder] / page_id / "index.html").read_text(encoding="utf-8")
        head = html.split("</head>", 1)[0]
        assert _CITATION_META.findall(head) == expected, page_id


_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)
_THEME_ONLY = (
    re.compile(r'<a href="[^"]*" title="Edit this page".*?</a>', re.S),  # generated sources have no file to edit
    re.compile(r'<a id="__skip"[^>]*></a>'),  # Zensical's skip-link target
)


_PERMALINK = re.compile(r'<a class="headerlink" href="#([^"]*)" title="[^"]*">[^<]*</a>')


def _content(page: Path, plugin: Path | None = None) -> str:
    """A page's article, less the theme's own additions, with whitespace between tags ignored.

    Given the plugin build's page, the permalinks of headings that have none there are left out: a
    heading the plugin wrote as HTML gets one from the builder's Markdown when generate writes it
    back as a Markdown heading (docs/builders.md).
    """
    found = _ARTICLE.search(page.read_text(encoding="utf-8"))
    assert found, page
    html = found.group(1)
    for pattern in _THEME_ONLY:
        html = pattern.sub("", html)
    if plugin is not None:
        theirs = _ARTICLE.search(plugin.read_text(encoding="utf-8"))
        assert theirs, plugin
        kept = set(_PERMALINK.findall(theirs.group(1)))
        html = _PERMALINK.sub(lambda link: link.group(0) if link.group(1) in kept else "", html)
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.builders
@pytest.mark.parametrize("builder", BUILDERS)
def test_every_page_shows_the_plugin_builds_content(sites: dict[str, Path], builder: str) -> None:
    plugin, site = sites["plugin"], sites[builder]
    # a redirect's stub (a renamed entry's old address) has no article: test_every_permanent_id_answers follows it
    pages = _article_pages(plugin)
    assert len(pages) > 20
    differ = [str(rel) for rel in pages if not (site / rel).is_file() or _content(site / rel, plugin / rel) != _content(plugin / rel)]
    assert differ == []


class _Toc(HTMLParser):
    """A page's table of contents as the theme shows it: (nesting, href, text) of each link in ``nav.md-nav--secondary``."""

    def __init__(self) -> None:
        super().__init__()
        self.navs = 0
        self.inside: int | None = None
        self.done = False
        self.lists = 0
        self.link: list[object] | None = None
        self.items: list[tuple[int, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "nav":
            self.navs += 1
            if self.inside is None and not self.done and "md-nav--secondary" in (found.get("class") or "").split():
                self.inside = self.navs
        if self.inside is None:
            return
        if tag == "ul":
            self.lists += 1
        elif tag == "a" and (found.get("href") or "").startswith("#"):
            self.link = [self.lists, found["href"], ""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            if self.inside == self.navs:
                self.inside, self.done = None, True
            self.navs -= 1
        if self.inside is None:
            return
        if tag == "ul":
            self.lists -= 1
        elif tag == "a" and self.link is not None:
            depth, href, text = self.link
            self.items.append((int(str(depth)), str(href), " ".join(str(text).split())))
            self.link = None

    def handle_data(self, data: str) -> None:
        if self.link is not None:
            self.link[2] = str(self.link[2]) + data


def _toc(page: Path) -> list[tuple[int, str, str]]:
    parser = _Toc()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.items


class _NestedHeadings(HTMLParser):
    """Ids of the headings inside another element of an article (a heading that is not a top-level element)."""

    VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        if self.depth > 0 and re.fullmatch(r"h[1-6]", tag):
            self.ids.update(value for name, value in attrs if name == "id" and value)
        self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID:
            self.depth -= 1


def _nested_heading_ids(page: Path) -> set[str]:
    found = _ARTICLE.search(page.read_text(encoding="utf-8"))
    assert found, page
    parser = _NestedHeadings()
    parser.feed(found.group(1))
    return parser.ids


def _article_pages(plugin: Path) -> list[Path]:
    return [
        p.relative_to(plugin)
        for p in plugin.rglob("index.html")
        if not p.relative_to(plugin).as_posix().startswith("v/") and _ARTICLE.search(p.read_text(encoding="utf-8"))
    ]


@pytest.mark.builders
@pytest.mark.parametrize("builder", BUILDERS)
def test_every_page_has_the_plugin_builds_table_of_contents(sites: dict[str, Path], builder: str) -> None:
    # generate writes each top-level heading of the finished HTML back as a Markdown heading, so that the
    # builder makes the contents; a heading inside another element (the cite box's) stays HTML: no entry
    plugin, site = sites["plugin"], sites[builder]
    pages = _article_pages(plugin)
    expected = {}
    for rel in pages:
        nested = {f"#{i}" for i in _nested_heading_ids(plugin / rel)}
        expected[str(rel)] = [item for item in _toc(plugin / rel) if item[1] not in nested]
    found = {str(rel): _toc(site / rel) for rel in pages}
    assert sum(len(items) for items in expected.values()) > 2 * len(pages)
    assert {rel: items for rel, items in found.items() if items != expected[rel]} == {}
    assert _toc(site / "design" / "index.html")  # the hand-written pages keep theirs too


@pytest.mark.builders
@pytest.mark.parametrize("builder", BUILDERS)
def test_search_indexes_the_plugin_builds_sections(sites: dict[str, Path], builder: str) -> None:
    # each heading in the contents is a section of the search index, as in the plugin's build
    expected = {str(i["location"]) for i in _search_items(sites["plugin"]) if "#" in str(i["location"])}
    found = {str(i["location"]) for i in _search_items(sites[builder]) if "#" in str(i["location"])}
    assert any(location.startswith("design/#") for location in expected)
    assert sorted(expected - found) == []


def _search_items(site: Path) -> list[dict[str, object]]:
    if (site / "search.json").is_file():  # Zensical
        items: list[dict[str, object]] = json.loads((site / "search.json").read_text(encoding="utf-8"))["items"]
        return items
    docs: list[dict[str, object]] = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    return docs


@pytest.mark.builders
@pytest.mark.parametrize("builder", BUILDERS)
def test_search_indexes_each_entry_page_with_the_plugins_search_terms(sites: dict[str, Path], builder: str) -> None:
    # the plugin gives each entry page its dataset's terms as tags, which both search engines index
    expected = {i["location"]: i.get("tags") for i in _search_items(sites["plugin"]) if str(i["location"]).startswith("entries/")}
    found = {i["location"]: i.get("tags") for i in _search_items(sites[builder]) if str(i["location"]).startswith("entries/")}
    pages = {f"{i}/" for i in _entry_ids()}
    assert pages <= set(expected)
    assert {p: found.get(p) for p in pages} == {p: expected[p] for p in pages}
    assert all(expected[p] for p in pages)


@pytest.mark.builders
@pytest.mark.parametrize("builder", BUILDERS)
def test_hostile_text_stays_text_in_every_builders_site(tmp_path: Path, hostile_site: Path, builder: str) -> None:
    from .test_hostile import Markup

    root = write_hostile(tmp_path / "p")
    out = tmp_path / "generated"
    done = living_survey("generate", "--out", str(out), root=root)
    assert done.returncode == 0, done.stdout + done.stderr
    site = _build(builder, out)
    pages = list(site.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        parser = Markup()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.handlers == [], page
        assert not [link for link in parser.links if re.sub(r"[\x00-\x20]", "", link).lower().startswith("javascript:")], page
        assert not [body for body in parser.scripts if PWN in body and "ld+json" not in body and not body.lstrip().startswith("{")], page
    for rel in ("entries/hostile/index.html", "entries/hostile-links/index.html", "references/index.html"):
        assert _content(site / rel, hostile_site / rel) == _content(hostile_site / rel), rel
        nested = {f"#{i}" for i in _nested_heading_ids(hostile_site / rel)}
        assert _toc(site / rel) == [item for item in _toc(hostile_site / rel) if item[1] not in nested], rel
    head = (site / "entries" / "hostile" / "index.html").read_text(encoding="utf-8").split("</head>", 1)[0]
    plugin_head = (hostile_site / "entries" / "hostile" / "index.html").read_text(encoding="utf-8").split("</head>", 1)[0]
    assert _CITATION_META.findall(head) == _CITATION_META.findall(plugin_head) != []
    assert head.split("<title>", 1)[1].split("</title>", 1)[0].startswith("&lt;script&gt;")


@pytest.mark.builders
def test_zensical_reports_nothing_but_the_plugins_own_broken_anchors(zensical_run: subprocess.CompletedProcess[str]) -> None:
    output = re.sub(r"\x1b\[[0-9;]*m", "", zensical_run.stdout + zensical_run.stderr)
    warnings = [line for line in output.splitlines() if line.startswith(("Warning:", "Error:"))]
    assert zensical_run.returncode == 0, output
    assert {w for w in warnings} <= {"Warning: anchor does not exist"}, output

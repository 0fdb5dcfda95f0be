"""Page weight at 1,000 entries (issue #27): size tests, one real build each, module-scoped.

The survey's own site (mkdocs.yml, docs/, the source's launch placements and the references, as
committed) is grown to 1,000 entries with the benchmark's synthetic works, spread over the quadrants
and crowded into one, and built strictly with the real MkDocs. The bounds are the bench's
(``benchmarks/bench.py``). Placements contributors have committed are left out: a page's weight
is its content plus what the engine puts around it, and a valid contribution with long quotes must
not turn these tests red; contributors are played by the voices, with long content of fixed length.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
import yaml
from jinja2.utils import htmlsafe_json_dumps
from mkdocs.commands.build import build
from mkdocs.config import load_config

from living_survey.pages.htmlspace import squeeze
from living_survey.pages.icons import ICONS_CSS

from ..unit.test_content import SOURCE_KEY

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.size


def _bench():
    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "bench.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench", module)
    spec.loader.exec_module(module)
    return module


bench = _bench()


VOICES = bench.VOICES
"""More placements of the work with the most authors, by new contributors: growth as contributors
bring it (each may place any surveyed work), on the work whose entry pages weigh most."""


def _built(root: Path, *, crowded: bool | str, voices: int = 0) -> Path:
    # the launch placements (the source's), whatever contributors have committed since: the bounds
    # are on the weight the engine adds around a page's content, which no contribution's length
    # may turn red; contributors' placements are played by the voices, with long content
    bench.write_site_project(root, 1000, crowded=crowded, voices=voices, placed_by=SOURCE_KEY)
    build(load_config(str(root / "mkdocs.yml"), strict=True, site_dir=str(root / "site")))
    return root / "site"


@pytest.fixture(scope="module")
def spread(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _built(tmp_path_factory.mktemp("weight-spread"), crowded=False)


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _built(tmp_path_factory.mktemp("weight-crowded"), crowded=True)


@pytest.fixture(scope="module")
def voiced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All 1,000 crowded into the quadrant of the work with the most authors, which has :data:`VOICES`
    more placements: its entry pages and that quadrant's page as heavy as growth makes them."""
    return _built(tmp_path_factory.mktemp("weight-voiced"), crowded=bench.HEAVIEST, voices=VOICES)


def _heaviest(site: Path) -> tuple[str, str, list[Path]]:
    """The work with the most authors in the built project's data, its quadrant, and its entry pages."""
    project = site.parent
    key, quadrant = bench.heaviest_work(project)
    ids = [p.stem for p in sorted((project / "entries").glob("*.yaml")) if yaml.safe_load(p.read_text(encoding="utf-8"))["key"] == key]
    return key, quadrant, [site / "entries" / i / "index.html" for i in ids]


@pytest.mark.parametrize("name", ["spread", "crowded"])
def test_every_entry_page_is_within_the_bound_at_1000_entries(name: str, request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue(name)
    assert len(list((site / "entries").glob("*/index.html"))) >= 1000
    weights = bench.page_weights(site)
    assert weights["entry_kb"] <= bench.ENTRY_KB_LIMIT, weights


@pytest.mark.parametrize("name", ["spread", "crowded"])
def test_every_quadrant_page_is_within_the_bound_however_the_works_are_spread(name: str, request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue(name)
    weights = bench.page_weights(site)
    assert weights["quadrant_kb"] <= bench.QUADRANT_KB_LIMIT, weights
    if name == "crowded":
        # the crowded quadrant shows its first cards and links the browse page filtered to it
        page = (site / "quadrants" / weights["quadrant"] / "index.html").read_text(encoding="utf-8")
        assert "?quadrant=" + weights["quadrant"] in page
        assert 0 < page.count('class="ls-entry-card"') < 1000


@pytest.mark.xfail(
    strict=True,
    reason="issue #27, open: a work with 60 authors placed three times with long content weighs 24.4 KB "
    "at 1,000 entries; what is left to take out to reach 24 KB is something a reader sees or a "
    "citation manager reads (docs/benchmarks.md, page weight). Strict: it reports when the page fits.",
)
def test_the_work_with_the_most_authors_placed_three_times_stays_within_the_bound(voiced: Path) -> None:
    key, _quadrant, pages = _heaviest(voiced)
    # the shipped work with the most authors, found from the data, with its first placement and the new voices
    assert len(pages) == 1 + VOICES and all(p.is_file() for p in pages), key
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert html.count('class="ls-minimap-marker') == 1 + VOICES, page  # every voice is on each page's map
        assert page.stat().st_size / 1024 <= bench.ENTRY_KB_LIMIT, (page.parent.name, page.stat().st_size)
    weights = bench.page_weights(voiced)
    assert weights["entry_kb"] <= bench.ENTRY_KB_LIMIT, weights


def test_the_quadrant_of_the_heaviest_work_stays_within_the_bound_when_every_work_crowds_into_it(voiced: Path) -> None:
    key, quadrant, pages = _heaviest(voiced)
    assert len(pages) == 1 + VOICES
    page = voiced / "quadrants" / quadrant / "index.html"
    html = page.read_text(encoding="utf-8")
    # the crowded quadrant shows its first cards and links the browse page filtered to it
    assert "?quadrant=" + quadrant in html and 0 < html.count('class="ls-entry-card"') < 1000
    weights = bench.page_weights(voiced)
    assert weights["quadrant"] == quadrant and weights["quadrant_kb"] <= bench.QUADRANT_KB_LIMIT, weights


def test_the_theme_icons_are_drawn_from_one_cached_stylesheet(spread: Path) -> None:
    sheet = spread / ICONS_CSS
    css = sheet.read_text(encoding="utf-8")
    entry = bench.page_weights(spread)["entry"]
    for page in ("index.html", f"entries/{entry}/index.html", "browse/index.html"):
        html = (spread / page).read_text(encoding="utf-8")
        links = re.findall(r'<link rel="stylesheet" href="([^"]*living-survey-icons\.css)">', html)
        assert len(links) == 1 and (spread / page).parent.joinpath(links[0]).resolve() == sheet.resolve(), page
        icons = re.findall(r'class="(ls-i-[0-9a-f]+)"></svg>', html)
        assert icons and all(f".{name} {{" in css for name in icons), page
    assert "Font Awesome Free" in css  # the licence comment of the repository icon travels with it


def test_squeezing_keeps_what_holds_its_white_space_and_every_word_apart() -> None:
    page = (
        '<div>\n    <span title="a >\n   b">x</span>\n\n   <pre>  1\n\n    2</pre>\n  <code>a\n  b</code>'
        "<script>if (a\n   < b) {}</script>\n<!-- c\n   d -->  two  words\n   end</div>"
    )
    assert squeeze(page) == (
        '<div>\n<span title="a >\n   b">x</span>\n<pre>  1\n\n    2</pre>\n<code>a\n  b</code>'
        "<script>if (a\n   < b) {}</script>\n<!-- c\n   d -->  two  words\nend</div>"
    )


def test_only_the_theme_icons_are_taken_into_the_sheet() -> None:
    from living_survey.pages.icons import IconSheet

    icon = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M3 6h18v2H3z"/></svg>'
    page = (
        f'<label class="md-header__button md-icon" for="x">\n{icon}\n</label>'  # the theme's: taken
        f'<a class="md-logo">{icon}</a>'  # the same icon: one rule
        f"<p>{icon}</p>"  # not in an icon's element: kept
        f'<span class="md-iconic">{icon}</span>'  # another class: kept
        '<div class="md-icon"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><path d="M1 1z" fill="red"/></svg></div>'
    )
    sheet = IconSheet()
    out = sheet.take(page)
    assert out.count(icon) == 2 and out.count('class="ls-i-') == 2 and 'fill="red"' in out
    assert len(sheet.icons) == 1
    css = sheet.css()
    (name,) = sheet.icons
    assert f".{name} {{" in css and "M3 6h18v2H3z" in css and "<" not in css.split("*/", 1)[1]


def test_the_theme_scripts_are_loaded_from_cached_files_where_they_stood() -> None:
    from living_survey.pages.scriptfiles import LEAST, ScriptFiles

    long = "var palette=__md_get('__palette');" + "x" * LEAST
    page = (
        f"<head><script>{long}</script></head><body>"
        f"<script>{long}</script>"  # the same script again: one file
        '<script id="__config" type="application/json">{"a": "' + "y" * LEAST + '"}</script>'  # not a plain script: kept
        "<script>short()</script>"  # shorter than its tag and request would cost: kept
        f"<article><script>{long}</script></article>"  # the survey's own content: never touched
        "</body>"
    )
    scripts = ScriptFiles()
    out = scripts.take(page, lambda path: "../../" + path)
    (path, body), *more = scripts.files.items()
    assert more == [] and body == long and path.endswith(".js")
    assert out.count(f'<script src="../../{path}"></script>') == 2
    assert out.count(long) == 1 and f"<article><script>{long}</script></article>" in out
    assert '<script id="__config" type="application/json">' in out and "<script>short()</script>" in out


def test_the_second_icon_of_one_holder_is_taken_too() -> None:
    from living_survey.pages.icons import IconSheet

    first = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M1 1h2z"/></svg>'
    second = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M2 2h3z"/></svg>'
    page = f'<label class="md-search__icon md-icon" for="s">\n{first}\n{second}\n</label><p>{second}</p>'
    out = IconSheet().take(page)
    # both of the label's icons (the theme's CSS shows one or the other); the paragraph's stays
    assert out.count('class="ls-i-') == 2 and out.endswith(f"<p>{second}</p>")


def test_every_page_loads_the_theme_scripts_it_names_and_keeps_none_inline(spread: Path) -> None:
    from living_survey.pages.scriptfiles import FOLDER, LEAST

    entry = bench.page_weights(spread)["entry"]
    for page in ("index.html", f"entries/{entry}/index.html", "browse/index.html", "404.html"):
        html = (spread / page).read_text(encoding="utf-8")
        named = re.findall(rf'<script src="([^"]*{FOLDER}/[0-9a-f]+\.js)"></script>', html)
        assert named or page == "404.html", page  # the error page is no page event's: left as the theme wrote it
        assert all((spread / page).parent.joinpath(src).is_file() for src in named), page
        if page != "404.html":
            inline = re.findall(r"<script>([^<]*)</script>", html.split("<article", 1)[0])
            assert all(len(body) < LEAST for body in inline), page


def test_the_theme_config_is_compact_json_with_the_same_values(spread: Path) -> None:
    """Every page's ``__config`` (the theme's ``tojson``) is written without spaces after separators,
    and reads back as JSON the theme's script can use: its search worker and translations are there."""
    entry = bench.page_weights(spread)["entry"]
    for page in ("index.html", f"entries/{entry}/index.html"):
        html = (spread / page).read_text(encoding="utf-8")
        (raw,) = re.findall(r'<script id="__config" type="application/json">(.*?)</script>', html, re.S)
        config = json.loads(raw)
        assert raw == str(htmlsafe_json_dumps(config, sort_keys=True, separators=(",", ":"))), page
        assert not re.search(r'[,:] "', raw), page
        assert config["search"].endswith(".min.js") and config["translations"]["search.result.none"], page


def test_the_theme_is_credited_once_on_about_and_not_in_every_footer(spread: Path) -> None:
    about = (spread / "about" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://squidfunk.github.io/mkdocs-material/"' in about.split("<article", 1)[1]
    entry = bench.page_weights(spread)["entry"]
    for page in ("index.html", f"entries/{entry}/index.html", "about/index.html"):
        footer = (spread / page).read_text(encoding="utf-8").split("<footer", 1)[1]
        assert "Made with" not in footer and "squidfunk" not in footer, page


def test_only_the_placements_of_the_placer_named_are_kept_and_the_ledger_follows(tmp_path: Path) -> None:
    """What the weight tests build from: a contributor's committed placement is left out, with its
    line in the permanent-id ledger (a strict build would otherwise miss its page)."""
    (tmp_path / "entries").mkdir()
    (tmp_path / "entries" / "a.yaml").write_text(f"key: a\nplaced_by: {SOURCE_KEY}\n", encoding="utf-8")
    (tmp_path / "entries" / "a-someone.yaml").write_text('key: a\nplaced_by: "@someone"\n', encoding="utf-8")
    (tmp_path / "permanent-ids.txt").write_text("# ids\nquadrants/q\nentries/a\nentries/a-someone\n", encoding="utf-8")
    bench._keep_placements_by(tmp_path, SOURCE_KEY)
    assert [p.name for p in (tmp_path / "entries").iterdir()] == ["a.yaml"]
    assert (tmp_path / "permanent-ids.txt").read_text(encoding="utf-8") == "# ids\nquadrants/q\nentries/a\n"

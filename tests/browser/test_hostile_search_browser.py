"""Hostile contributions, round 3, in a real Chromium: searching for any contributed field runs no
script, typed into the search box or opened as ``?q=``, while the result shows the text; and the
map's script keeps only what our own map file uses, however the file it loads was tampered with.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import _Quiet, write_sample
from ..hostile_search import FIELDS, FLAG
from .test_browser import MAP, Watched, offline_context

pytestmark = pytest.mark.browser

RESULTS = ".md-search-result"


@pytest.fixture(scope="module")
def served_search(search_hostile_site: Path) -> Iterator[str]:
    # the session's one build, which the search index tests read too
    server = _Quiet(search_hostile_site)
    yield server.url
    server.close()


@pytest.fixture
def desktop(browser: Any) -> Iterator[Any]:
    """A desktop context; a request to another host is answered locally and fails the test."""
    with offline_context(browser, viewport={"width": 1280, "height": 900}) as ctx:
        yield ctx


def ran_nothing(page: Any, watched: Watched, requests: list[str]) -> None:
    page.wait_for_timeout(400)  # an image's error event fires after the failed fetch
    assert watched.dialogs == []
    assert page.evaluate(f"() => window.{FLAG}") is None
    # an <img src=x> made from the text would have asked for it
    assert [u for u in requests if re.search(r"/x(\?|$)", u)] == []


def result_shows(page: Any, word: str) -> str:
    """The search results' text once one holds ``word`` (sections past the first of a page are
    in a closed "more" list: their text counts too)."""
    page.locator(f"{RESULTS} li", has_text=word).first.wait_for(state="attached", timeout=15000)
    return page.locator(RESULTS).evaluate("el => el.textContent")


@pytest.mark.parametrize("field", list(FIELDS))
def test_typing_a_fields_word_into_search_runs_nothing_and_shows_the_text(served_search: str, desktop: Any, field: str) -> None:
    word = FIELDS[field]
    page = desktop.new_page()
    watched, requests = Watched(page), []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(served_search)
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially(word, delay=15)
    shown = result_shows(page, word)
    assert f"{word} <img src=x onerror=" in shown  # the markup is there, as text
    ran_nothing(page, watched, requests)


@pytest.mark.parametrize("field", list(FIELDS))
def test_an_address_with_a_fields_word_runs_nothing_on_load(served_search: str, desktop: Any, field: str) -> None:
    word = FIELDS[field]
    page = desktop.new_page()
    watched, requests = Watched(page), []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{served_search}?q={word}")
    shown = result_shows(page, word)
    assert f"{word} <img src=x onerror=" in shown
    ran_nothing(page, watched, requests)


def test_a_dataset_name_with_markup_still_finds_its_entry_first(served_search: str, desktop: Any) -> None:
    page = desktop.new_page()
    watched = Watched(page)
    page.goto(f"{served_search}?q={FIELDS['datasets']}")
    page.locator("a.md-search-result__link").first.wait_for(timeout=15000)
    first = page.locator("a.md-search-result__link").first.get_attribute("href") or ""
    assert "entries/qwz/" in first
    page.locator("a.md-search-result__link").first.click()
    page.wait_for_url("**/entries/qwz/**")
    assert f"{FIELDS['datasets']} <img" in page.locator("dl.ls-facts").inner_text()
    assert watched.dialogs == [] and page.evaluate(f"() => window.{FLAG}") is None


# -- the map file, tampered with where the page loads it ----------------------------------------

MAP_FLAG = "__pwned_map"
LIVE = "figure.ls-map--live svg.ls-map-svg"
"""The inserted map's root (a tampered file may nest another svg in it)."""
EVIL = "https://evil.example"
TAMPER_ROOT = f' onload="window.{MAP_FLAG}=1;alert(1)" xml:base="{EVIL}/" style="background:url({EVIL}/root.png)"'
TAMPER_INSIDE = (
    f'<image href="x" onerror="window.{MAP_FLAG}=2;alert(2)"/>'
    f'<image href="{EVIL}/i.png" width="9" height="9"/>'
    f'<use href="{EVIL}/u.svg#a"/>'
    f'<rect x="1" y="1" width="5" height="5" fill="url({EVIL}/f.svg#p)" onmouseover="window.{MAP_FLAG}=3"/>'
    f'<circle cx="1" cy="1" r="1" style="fill:url({EVIL}/s.svg#p)"/>'
    f"<style>@import url({EVIL}/s.css); .ls-dot{{fill:url({EVIL}/d.svg#p)}}</style>"
    f"<style>.ls-ink{{fill:#000}} body{{display:none}}</style>"
    f'<animate attributeName="x" from="0" to="1" dur="0.05s" begin="0s" onbegin="window.{MAP_FLAG}=4;alert(4)"/>'
    f'<set attributeName="visibility" to="visible" begin="0s" onbegin="window.{MAP_FLAG}=5;alert(5)"/>'
    f'<a href="javascript:window.{MAP_FLAG}=6;alert(6)" class="ls-evil"><text x="5" y="5">js</text></a>'
    f'<a xlink:href="javascript:window.{MAP_FLAG}=7" xmlns:xlink="http://www.w3.org/1999/xlink" class="ls-evil"><text>xl</text></a>'
    f'<a href="//evil.example/p" class="ls-evil"><text>off</text></a>'
    f'<a href="data:text/html,&lt;script&gt;alert(8)&lt;/script&gt;" class="ls-evil"><text>data</text></a>'
    f'<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="javascript:parent.{MAP_FLAG}=9"></iframe></foreignObject>'
    f"<script>window.{MAP_FLAG}=10;alert(10)</script>"
    f'<html:img xmlns:html="http://www.w3.org/1999/xhtml" src="x" onerror="window.{MAP_FLAG}=11;alert(11)"/>'
    f'<svg onload="window.{MAP_FLAG}=12"><circle r="1"/></svg>'
    f'<g onfocus="window.{MAP_FLAG}=13" tabindex="0" autofocus="autofocus"><text>focus</text></g>'
)
"""Every way we know for an SVG to run script or fetch from another host once it is inline."""


def tamper(svg: str) -> str:
    """The map file with the hostile pieces added: on its root, at its top, inside every marker."""
    svg = svg.replace("<svg ", "<svg" + TAMPER_ROOT + " ", 1)
    svg = svg.replace("</style>", "</style>" + TAMPER_INSIDE, 1)
    # inside a marker: an animation that would turn its link into a script address
    return re.sub(
        r'(<a target="_top" href="[^"]*" class="ls-marker[^>]*>)',
        lambda m: m.group(1) + f'<set attributeName="href" to="javascript:window.{MAP_FLAG}=14" begin="0s"/>',
        svg,
    )


@pytest.fixture(scope="module")
def served_tampered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample survey, built, then its map file (the one every page fetches) tampered with."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = write_sample(tmp_path_factory.mktemp("tampered-map") / "p")
    build(load_config(str(root / "mkdocs.yml"), strict=True, site_dir=str(root / "site")))
    path = root / "site" / "assets" / "map.svg"
    original = path.read_text(encoding="utf-8")
    path.write_text(tamper(original), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != original and "ls-marker" in original
    server = _Quiet(root / "site")
    yield server.url
    server.close()


def test_a_tampered_map_file_runs_nothing_and_asks_no_other_host(served_tampered: str, browser: Any) -> None:
    # offline_context fails the test if the page asked any other host for anything
    with offline_context(browser, viewport={"width": 1280, "height": 900}) as ctx:
        page = ctx.new_page()
        watched = Watched(page)
        page.goto(served_tampered)
        page.locator(LIVE).wait_for(state="attached")
        page.wait_for_timeout(500)  # animations begin, images fail, focus moves
        assert watched.dialogs == []
        assert page.evaluate(f"() => window.{MAP_FLAG}") is None
        live = page.evaluate(
            f"""() => {{
                const svg = document.querySelector('{LIVE}');
                return {{
                    tags: [...new Set([...svg.querySelectorAll('*')].map(e => e.localName))].sort(),
                    handlers: [...svg.querySelectorAll('*'), svg].flatMap(e => [...e.attributes].map(a => a.name)).filter(n => /^on/i.test(n)),
                    hrefs: [...svg.querySelectorAll('[href]')].map(e => e.getAttribute('href')),
                    evil: svg.querySelectorAll('.ls-evil').length,
                    styles: [...svg.querySelectorAll('style')].map(s => s.textContent),
                    styled: [...svg.querySelectorAll('[style]'), svg].map(e => e.getAttribute('style') || ''),
                    fills: [...svg.querySelectorAll('[fill]')].map(e => e.getAttribute('fill')),
                    body: getComputedStyle(document.body).display,
                }};
            }}"""
        )
        # the map's own elements only, with no handler and no link off the site
        assert set(live["tags"]) <= {"style", "g", "line", "polyline", "rect", "circle", "text", "a", "title"}, live["tags"]
        assert live["handlers"] == []
        assert live["hrefs"] and all(h.startswith(served_tampered) for h in live["hrefs"]), live["hrefs"]
        assert len(live["styles"]) == 1 and "ls-layer" in live["styles"][0]  # the map's own style stays
        assert not any("url(" in s or "@import" in s for s in live["styles"] + live["styled"] + live["fills"])
        assert live["body"] != "none"
        assert live["evil"] > 0  # what is left of the script links (no href) is clicked: nothing runs
        page.evaluate(
            f"() => document.querySelectorAll('{LIVE} a.ls-evil').forEach(a => a.dispatchEvent(new MouseEvent('click', {{bubbles: true}})))"
        )
        page.wait_for_timeout(200)
        assert watched.dialogs == []
        assert page.evaluate(f"() => window.{MAP_FLAG}") is None
        # the map still works: a marker opens its entry page
        page.goto(served_tampered)
        marker = page.locator(f'{LIVE} a.ls-marker[data-ls-id="alpha-2020"]')
        marker.click()
        page.wait_for_url("**/entries/alpha-2020/**")
        assert watched.dialogs == [] and page.evaluate(f"() => window.{MAP_FLAG}") is None


def test_the_cleaning_keeps_every_element_and_attribute_the_map_file_has(served_contested: str, desktop: Any) -> None:
    """The allow-list is the map file's own vocabulary: a survey with contributors' (hollow,
    styled) markers and joined placements loses nothing but the links' targets and namespaces."""
    page = desktop.new_page()
    page.goto(served_contested)
    page.locator(MAP).wait_for()
    compare = page.evaluate(
        f"""async () => {{
            const url = new URL(document.querySelector('figure.ls-map').dataset.lsMap, document.baseURI);
            const file = new DOMParser().parseFromString(await (await fetch(url)).text(), 'image/svg+xml').documentElement;
            const live = document.querySelector('{MAP}');
            const all = root => [root, ...root.querySelectorAll('*')];
            const theirs = all(file), ours = all(live);
            const missing = [];
            theirs.forEach((e, i) => {{
                const o = ours[i];
                if (!o || o.localName !== e.localName) {{ missing.push(i + ': ' + e.localName); return; }}
                for (const a of e.attributes) {{
                    // the links' target and the namespace declaration go; links become absolute
                    if (a.name === 'target' || a.name === 'xmlns' || a.name === 'href') continue;
                    if (!o.hasAttribute(a.name)) missing.push(i + ': ' + e.localName + ' ' + a.name);
                }}
                if (e.localName === 'a' && e.hasAttribute('href') && !o.hasAttribute('href')) missing.push(i + ': a href');
                if (!e.children.length && e.textContent !== o.textContent) missing.push(i + ': ' + e.localName + ' text');
            }});
            return {{missing, styled: theirs.filter(e => e.hasAttribute('style')).length, elements: theirs.length}};
        }}"""
    )
    assert compare["missing"] == []
    assert compare["styled"] > 0 and compare["elements"] > 50  # hollow markers were there to keep

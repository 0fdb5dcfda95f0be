"""The search index is fetched when a reader reaches for search, not by every page load.

A first visit used to transfer the theme's whole search index (most of its bytes on a big
survey) whether or not the reader searched. These tests load real pages in Chromium and watch
the network: no index on a plain visit; the index, and working results, as soon as the reader
clicks the search box, uses the theme's keyboard shortcut, opens the header's search button on a
phone, or arrives at an address that carries a search (?q=) or highlighted matches (?h=).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from .test_browser import Watched, offline_context

pytestmark = pytest.mark.browser

INDEX = "search/search_index.json"
SEARCH_JS = "assets/living-survey-search.js"
RESULT = "a.md-search-result__link[href*='entries/stiennon-2020/']"
PHRASE = "same essence"
"""From a quote of Stiennon et al., shown on that entry's page."""


class Network:
    """Every request a page makes, in order."""

    def __init__(self, page: Any):
        self.urls: list[str] = []
        page.on("request", lambda r: self.urls.append(r.url))

    def index_requests(self) -> int:
        return sum(1 for url in self.urls if url.split("?")[0].endswith("/" + INDEX))


@pytest.fixture(params=[{"width": 1280, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def tab(browser: Any, request: pytest.FixtureRequest) -> Iterator[tuple[Any, Network, Watched]]:
    viewport = request.param
    with offline_context(browser, viewport=viewport, has_touch=viewport["width"] < 600) as ctx:
        page = ctx.new_page()
        yield page, Network(page), Watched(page)


@pytest.fixture
def desktop(browser: Any) -> Iterator[Any]:
    """A desktop browser context; a request to another host is answered locally and fails the test."""
    with offline_context(browser, viewport={"width": 1280, "height": 900}) as ctx:
        yield ctx


def visit(ctx: Any, url: str) -> tuple[Any, Network]:
    """A new page of ``ctx`` at ``url``, loaded and settled, with its requests recorded."""
    page = ctx.new_page()
    network = Network(page)
    page.goto(url)
    settle(page)
    return page, network


def settle(page: Any) -> None:
    """Let the page finish loading and its scripts run their idle work."""
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)


def open_search(page: Any) -> None:
    """As a reader does: the search box on a wide screen, the header's search button on a phone."""
    button = page.locator("label.md-header__button[for=__search]")
    if button.is_visible():
        button.tap() if page.viewport_size["width"] < 600 else button.click()
    else:
        page.locator("input.md-search__input").click()


@pytest.mark.parametrize("path", ["", "quadrants/broad-prescriptive/", "entries/stiennon-2020/", "browse/"])
def test_a_visit_does_not_fetch_the_search_index(served: str, tab: tuple[Any, Network, Watched], path: str) -> None:
    page, network, watched = tab
    page.goto(served + path)
    settle(page)
    assert network.index_requests() == 0, f"{path or 'home'} fetched the search index on load"
    assert page.locator("form[name=search]").count() == 1, "the theme's search form is on the page"
    assert watched.errors == []


def test_searching_fetches_the_index_once_and_finds_a_quote(served: str, tab: tuple[Any, Network, Watched]) -> None:
    page, network, watched = tab
    page.goto(served)
    settle(page)
    open_search(page)
    query = page.locator("input.md-search__input")
    query.press_sequentially(PHRASE, delay=20)
    result = page.locator(RESULT).first
    result.wait_for(timeout=15000)
    assert network.index_requests() == 1
    query.fill("")
    query.press_sequentially("essence", delay=20)
    page.locator(RESULT).first.wait_for(timeout=15000)
    assert network.index_requests() == 1, "the index is fetched once per page"
    result = page.locator(RESULT).first
    result.tap() if page.viewport_size["width"] < 600 else result.click()
    page.wait_for_url("**/entries/stiennon-2020/**")
    assert watched.errors == []


def test_the_keyboard_shortcut_fetches_the_index(served: str, desktop: Any) -> None:
    ctx = desktop
    page, network = visit(ctx, served)
    assert network.index_requests() == 0
    page.keyboard.press("/")  # the theme's shortcut: opens search and focuses the box
    query = page.locator("input.md-search__input")
    assert query.evaluate("el => el === document.activeElement")
    page.keyboard.type(PHRASE, delay=20)
    page.locator(RESULT).first.wait_for(timeout=15000)
    assert network.index_requests() == 1


def test_an_address_with_a_search_fetches_the_index_at_once(served: str, tab: tuple[Any, Network, Watched]) -> None:
    page, network, watched = tab
    page.goto(served + "?q=" + PHRASE.replace(" ", "+"))
    page.locator(RESULT).first.wait_for(timeout=15000)
    assert network.index_requests() == 1
    assert page.locator("input.md-search__input").input_value() == PHRASE
    assert watched.errors == []


def test_an_address_with_highlights_fetches_the_index_and_marks_the_words(served: str, tab: tuple[Any, Network, Watched]) -> None:
    # a search result's link carries ?h=<terms>; the theme marks those words on the page it opens
    page, network, watched = tab
    page.goto(served + "entries/stiennon-2020/?h=essence")
    mark = page.locator("article mark").first
    mark.wait_for(timeout=15000)
    assert mark.inner_text().lower() == "essence"
    assert network.index_requests() == 1
    assert watched.errors == []


def test_without_the_script_the_theme_fetches_the_index_itself(served: str, desktop: Any) -> None:
    """The control: the same page with this one script blocked fetches the index on load, so the
    tests above measure the script and not a change of the theme's own behaviour."""
    ctx = desktop
    ctx.route("**/assets/living-survey-search.js", lambda route: route.abort())
    page, network = visit(ctx, served)
    assert network.index_requests() == 1


def test_a_reader_who_clicks_the_search_box_before_the_page_has_loaded_gets_search(served: str, desktop: Any) -> None:
    """On a slow network the theme's script has run (the search box is shown) while a script after
    it is still downloading, so the page has not finished loading; a reader who clicks into the
    search box then has already reached for search."""
    ctx = desktop
    held: list[Any] = []
    after_theme = re.compile(r".*\.js$")
    ctx.route(
        after_theme,
        lambda route: (
            # the theme's own scripts run (its bundle, and the small scripts it had inline, now cached
            # files where they stood); every script after them is held
            held.append(route)
            if "/bundle." not in route.request.url and "/theme-scripts/" not in route.request.url and SEARCH_JS not in route.request.url
            else route.continue_()
        ),
    )
    page = ctx.new_page()
    network = Network(page)
    page.goto(served, wait_until="commit")
    query = page.locator("input.md-search__input")
    query.wait_for(state="visible")
    assert page.evaluate("document.readyState") == "loading"
    query.click()
    page.wait_for_timeout(200)
    assert held, "a script after the theme's is held back"
    while held:
        held.pop().continue_()
    page.wait_for_load_state("load")
    query.press_sequentially(PHRASE, delay=20)
    page.locator(RESULT).first.wait_for(timeout=15000)
    assert network.index_requests() == 1


@pytest.mark.parametrize("key", ["s", "f", "Tab"])
def test_every_way_in_by_keyboard_fetches_the_index(served: str, desktop: Any, key: str) -> None:
    """The theme's other shortcuts, and Tab from the top of the page into the search box."""
    ctx = desktop
    page, network = visit(ctx, served)
    query = page.locator("input.md-search__input")
    for _ in range(40):
        page.keyboard.press(key)  # a shortcut at once; Tab until the box has the focus
        if query.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail(f"{key} never reached the search box")
    page.keyboard.type(PHRASE, delay=20)
    page.locator(RESULT).first.wait_for(timeout=15000)
    assert network.index_requests() == 1

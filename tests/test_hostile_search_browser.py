"""Hostile contributions, round 3, in a real Chromium: searching for any contributed field runs no
script, typed into the search box or opened as ``?q=``, while the result shows the text; and the
map's script keeps only what our own map file uses, however the file it loads was tampered with.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import _Quiet
from .hostile_search import FIELDS, FLAG, build_search_hostile
from .test_browser import Watched, offline_context

pytestmark = pytest.mark.browser

RESULTS = ".md-search-result"


@pytest.fixture(scope="module")
def served_search(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = build_search_hostile(tmp_path_factory.mktemp("search-hostile-browser") / "p")
    server = _Quiet(site)
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

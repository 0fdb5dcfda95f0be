"""Frozen releases in a real browser: a page missing from an older version says so there, and a
release the deploy could not place is listed without a link."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from ..builds.test_frozen import Tightened, tightened  # noqa: F401  (the fixture)
from ..conftest import _Quiet
from .test_browser import Watched, context, watched  # noqa: F401  (the fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served_tightened(tightened: Tightened) -> Iterator[str]:  # noqa: F811
    server = _Quiet(tightened.out)
    yield server.url
    server.close()


def test_a_page_missing_in_an_older_version_says_so_there(served_tightened: str, watched: Watched) -> None:  # noqa: F811
    page = watched.page
    page.goto(served_tightened + "entries/alpha-2020-someone/")  # in no release yet
    current = page.locator(".md-header__topic .md-version .md-version__current")
    current.wait_for(timeout=15000)
    page.locator(".md-version").hover()
    page.locator(".md-version__link", has_text="1.1.0").click()
    page.wait_for_url(served_tightened + "v/1.1/#living-survey-missing")
    note = page.locator("p.ls-missing[role=status]")
    note.wait_for(timeout=5000)
    assert "not in this version" in note.inner_text()
    # a page that is there opens without the note
    page.goto(served_tightened + "entries/delta-2021/")
    page.locator(".md-version").hover()
    page.locator(".md-version__link", has_text="1.1.0").click()
    page.wait_for_url(served_tightened + "v/1.1/entries/delta-2021/")
    assert page.locator("p.ls-missing").count() == 0
    # the HEAD probe of the missing page is a 404 (and the console says so); nothing else failed
    assert [e for e in watched.errors if "404" not in e] == []


def test_an_unavailable_release_is_listed_without_a_link(tightened: Tightened, served_tightened: str, watched: Watched) -> None:  # noqa: F811
    listing = tightened.out / "v" / "versions.json"
    original = listing.read_text(encoding="utf-8")
    data: list[dict[str, Any]] = json.loads(original)
    next(v for v in data if v["version"] == "1.0")["unavailable"] = True
    listing.write_text(json.dumps(data), encoding="utf-8")
    try:
        page = watched.page
        page.goto(served_tightened)
        page.locator(".md-header__topic .md-version .md-version__current").wait_for(timeout=15000)
        items = page.locator(".md-version__item")
        texts = [items.nth(i).inner_text() for i in range(items.count())]
        assert "1.0.0 (unavailable)" in texts
        gone = page.locator(".md-version__item", has_text="1.0.0 (unavailable)")
        assert gone.locator("a").count() == 0 and page.locator(".md-version__link", has_text="1.1.0").evaluate("a => a.tagName") == "A"
    finally:
        listing.write_text(original, encoding="utf-8")

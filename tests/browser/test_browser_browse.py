"""The "Browse all works" table and search in a real Chromium: sorting, filters, the URL round
trip, hostile URLs, the table with JavaScript off, rows loaded from data/browse.json, and search
for a dataset name and an organisation reaching the right entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from living_survey.model.survey import load_survey
from living_survey.pages.browse_data import browse_rows

from ..conftest import PWN, ROOT, _Quiet, write_sample
from .test_browser import Watched, context, offline, shot, watched  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

READY = "#ls-browse[data-ready='true']"


@pytest.fixture(scope="module")
def survey():
    return load_survey(ROOT, ROOT / "framework.yml", ROOT / "entries", ROOT / "references.bib")


def column(page: Any, n: int) -> list[str]:
    return page.locator(f"table.ls-browse-table tbody tr td:nth-child({n})").all_inner_texts()


def open_browse(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(READY)


def test_sorting_by_year_both_ways(served: str, watched: Watched) -> None:
    page = watched.page
    open_browse(page, served + "browse/")
    year = page.locator("th[data-key='year']")
    year.locator("button").click()
    years = column(page, 3)
    assert years == sorted(years) and len(set(years)) > 1
    assert year.get_attribute("aria-sort") == "ascending"
    year.locator("button").press("Enter")  # a keyboard user sorts the same way
    assert column(page, 3) == sorted(years, reverse=True)
    assert year.get_attribute("aria-sort") == "descending"
    assert page.locator("th[aria-sort]").count() == 1
    query = parse_qs(urlsplit(page.url).query)
    assert query["sort"] == ["year"] and query["dir"] == ["desc"]
    shot(page, "browse-sorted")
    assert watched.errors == []


def test_filtering_by_quadrant_shows_exactly_its_works(served: str, watched: Watched, survey) -> None:
    page = watched.page
    open_browse(page, served + "browse/")
    for q in survey.framework.quadrants:
        page.select_option("#ls-f-quadrant", q.id)
        expected = len(survey.entries_in(q.id))
        assert column(page, 4) == [q.title] * expected
        assert page.locator("#ls-browse-count").inner_text() == f"{expected} of {len(survey.entries)} works match."
        assert parse_qs(urlsplit(page.url).query)["quadrant"] == [q.id]
    assert watched.errors == []


def test_a_filtered_view_highlights_exactly_its_works_on_the_map(served: str, watched: Watched, survey) -> None:
    page = watched.page
    open_browse(page, served + "browse/")
    link = page.locator("#ls-browse-map")
    assert not link.is_visible()  # the whole survey: nothing to single out
    q = survey.framework.quadrants[0]
    page.select_option("#ls-f-quadrant", q.id)
    expected = sorted(e.id for e in survey.entries_in(q.id))
    assert link.is_visible()
    link.click()
    page.wait_for_function("window.livingSurveyMap && document.querySelector('figure.ls-has-hl')")
    highlighted = page.evaluate("Array.from(document.querySelectorAll('a.ls-hl[data-ls-id]')).map(a => a.getAttribute('data-ls-id'))")
    assert sorted(highlighted) == expected
    dimmed = page.evaluate("document.querySelectorAll('a[data-ls-id]:not(.ls-hl)').length")
    assert dimmed == len(survey.entries) - len(expected)
    shot(page, "browse-highlights-on-the-map")
    assert watched.errors == []


def test_filtering_by_signal_shows_exactly_its_works(served: str, watched: Watched, survey) -> None:
    page = watched.page
    open_browse(page, served + "browse/")
    used = {t for e in survey.entries for t in e.signal}
    for term in survey.framework.vocabularies["signal"]:
        page.select_option("#ls-f-signal", term.id)
        expected = sorted(r.label for r in browse_rows(survey) if term.id in {s for s, _ in r.signal})
        assert sorted(column(page, 1)) == expected
        if term.id in used:
            assert expected
    assert watched.errors == []


def test_the_view_survives_a_round_trip_through_the_url(served: str, watched: Watched, context: Any) -> None:
    page = watched.page
    open_browse(page, served + "browse/")
    page.select_option("#ls-f-placer", "published")
    page.fill("#ls-f-from", "2020")
    page.fill("#ls-f-to", "2022")
    page.locator("#ls-f-q").press_sequentially("human", delay=10)
    page.locator("th[data-key='label'] button").click()
    page.locator("th[data-key='label'] button").click()
    labels = column(page, 1)
    assert labels and all("2020" <= y <= "2022" for y in column(page, 3))
    shared = page.url
    other = context.new_page()
    open_browse(other, shared)
    assert column(other, 1) == labels
    for field, value in (("#ls-f-placer", "published"), ("#ls-f-from", "2020"), ("#ls-f-to", "2022"), ("#ls-f-q", "human")):
        assert other.locator(field).input_value() == value
    assert other.locator("th[data-key='label']").get_attribute("aria-sort") == "descending"
    # clearing the filters brings every work back and empties the query string
    other.locator("#ls-browse-filters button[type='reset']").click()
    other.wait_for_function("() => !location.search.includes('placer')")
    assert other.locator("table.ls-browse-table tbody tr").count() >= len(labels)
    other.close()
    assert watched.errors == []


def test_a_hostile_url_is_checked_and_shown_only_as_text(served: str, watched: Watched) -> None:
    page = watched.page
    words = f"<img src=x onerror={PWN}>"
    open_browse(page, served + f"browse/?text={words}&quadrant=<script>{PWN}</script>&from=19x&to=2020&placer=root&sort=onclick")
    assert page.locator("#ls-f-q").input_value() == words
    assert page.locator("#ls-f-quadrant").input_value() == ""
    assert page.locator("#ls-f-from").input_value() == "" and page.locator("#ls-f-to").input_value() == "2020"
    assert page.locator("#ls-f-placer").input_value() == ""
    assert page.locator("th[aria-sort]").count() == 0
    assert page.evaluate("window.__pwned") is None and watched.dialogs == []
    assert page.locator("#ls-browse img").count() == 0
    assert watched.errors == []


def test_without_javascript_the_table_is_plain_and_complete(served: str, browser: Any, survey) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    offline(ctx)
    page = ctx.new_page()
    page.goto(served + "browse/")
    rows = page.locator("table.ls-browse-table tbody tr")
    assert rows.count() == len(survey.entries)
    assert sorted(column(page, 1)) == sorted(r.label for r in browse_rows(survey))
    assert not page.locator("#ls-browse-filters").is_visible()
    assert page.locator("table.ls-browse-table th button").count() == 0
    shot(page, "browse-no-js")
    ctx.close()


def test_a_large_survey_loads_its_rows_from_the_data_file(tmp_path: Path, browser: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    import living_survey.pages.browse_data

    monkeypatch.setattr(living_survey.pages.browse_data, "FULL_TABLE_LIMIT", 1)
    root = write_sample(tmp_path / "p")
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site")))
    server = _Quiet(root / "site")
    try:
        ctx = browser.new_context()
        offline(ctx)
        page = ctx.new_page()
        watched = Watched(page)
        open_browse(page, server.url + "browse/?quadrant=broad-descriptive")
        survey = load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")
        assert column(page, 4) == ["Broad–Descriptive"] * len(survey.entries_in("broad-descriptive"))
        assert not page.locator(".ls-browse-fallback").is_visible()
        page.select_option("#ls-f-quadrant", "")
        assert page.locator("table.ls-browse-table tbody tr").count() == len(survey.entries)
        link = page.locator("table.ls-browse-table tbody tr td a").first
        link.click()
        page.wait_for_url("**/entries/**")
        assert watched.errors == []
        ctx.close()
    finally:
        server.close()


def first_search_result(page: Any, query: str, accept: set[str]) -> str:
    """Type ``query`` into Material's search; the href of the first result once it settles on one of ``accept``."""
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").press_sequentially(query, delay=20)
    page.wait_for_selector("a.md-search-result__link", timeout=15000)
    page.wait_for_function(
        """(accept) => {
            const first = document.querySelector('a.md-search-result__link');
            // Material adds ?h=… (highlighting) to result links: compare the path
            return first && accept.some(a => new URL(first.href).pathname.endsWith(a));
        }""",
        arg=sorted(accept),
        timeout=5000,
    )
    return page.locator("a.md-search-result__link").first.get_attribute("href")


@pytest.mark.parametrize("query", ["HH-RLHF", "SHP"])
def test_searching_a_dataset_name_puts_its_entry_first(served: str, watched: Watched, survey, query: str) -> None:
    expected = {f"entries/{e.id}/" for e in survey.entries if any(query.lower() in d.name.lower() for d in e.datasets)}
    assert expected, f"no shipped entry lists {query}"
    page = watched.page
    page.goto(served)
    href = first_search_result(page, query, expected)
    shot(page, f"search-{query}")
    page.locator("a.md-search-result__link").first.click()
    page.wait_for_url("**/entries/**")
    assert any(urlsplit(page.url).path.endswith(e) for e in expected), href
    assert query in page.locator("dl.ls-facts").inner_text()
    assert watched.errors == []


def test_searching_an_organisation_puts_one_of_its_entries_first(served: str, watched: Watched, survey) -> None:
    expected = {f"entries/{e.id}/" for e in survey.entries if e.organisation == "Anthropic"}
    assert expected
    page = watched.page
    page.goto(served)
    first_search_result(page, "Anthropic", expected)
    page.locator("a.md-search-result__link").first.click()
    page.wait_for_url("**/entries/**")
    assert "Anthropic" in page.locator("dl.ls-facts").inner_text()
    assert watched.errors == []


def test_searching_an_authors_surname_puts_the_entry_first(served: str, watched: Watched, survey) -> None:
    surname = survey.library["stiennon2020learning"].authors[0].surname
    firsts = {
        f"entries/{e.id}/"
        for e in survey.entries
        if e.key in survey.library and survey.library[e.key].authors[:1] and survey.library[e.key].authors[0].surname == surname
    }
    page = watched.page
    page.goto(served)
    first_search_result(page, surname, firsts)
    assert watched.errors == []

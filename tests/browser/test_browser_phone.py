"""The site on a phone (390 CSS px) and the browse table's layout, in a real browser.

No page of any kind scrolls sideways on a survey with contested works; Browse keeps the work and
its quadrant on screen; names in the table break between words, never inside one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from living_survey.model.addresses import BROWSE, CHANGES, CONTESTED, LOCATOR, RECENT, REFERENCES, entry_page_id, quadrant_page_id

from ..conftest import ROOT, SECOND_KEY
from .test_browser import Watched, offline_context, shot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def page_kinds() -> dict[str, str]:
    """Every kind of page, as paths in the contested copy of the survey (which adds a placement of
    :data:`SECOND_KEY` by @someone, so its entry pages list other placements and draw the small map)."""
    from living_survey import load_survey

    survey = load_survey(ROOT, ROOT / "framework.yml", ROOT / "entries", ROOT / "references.bib")
    pages = {"home": "", "references": f"{REFERENCES}/", "browse": f"{BROWSE}/", "recent": f"{RECENT}/"}
    pages |= {"contested": f"{CONTESTED}/", "changes": f"{CHANGES}/", "locator": f"{LOCATOR}/", "404": "404.html"}
    pages |= {f"quadrant {q.id}": f"{quadrant_page_id(q.id)}/" for q in survey.framework.quadrants}
    for entry in survey.entries_for_key(SECOND_KEY):
        pages[f"entry {entry.id}"] = f"{entry_page_id(entry.id)}/"
    pages[f"entry {SECOND_KEY} by @someone"] = f"{entry_page_id(survey.entries_for_key(SECOND_KEY)[0].id)}-someone/"
    return pages


PAGE_KINDS = page_kinds()


@pytest.fixture
def phone(browser: Any) -> Iterator[Watched]:
    # not is_mobile: a mobile browser zooms out to fit a page that is too wide, and innerWidth grows with it
    with offline_context(browser, viewport=PHONE) as ctx:
        page = ctx.new_page()
        yield Watched(page)
        page.close()


@pytest.mark.parametrize("name", list(PAGE_KINDS))
def test_no_page_scrolls_sideways_on_a_phone(served_contested: str, phone: Watched, name: str) -> None:
    page = phone.page
    response = page.goto(served_contested + PAGE_KINDS[name])
    assert response is not None and response.status == 200, name
    page.wait_for_load_state("networkidle")
    if name.startswith("entry"):  # the page that used to scroll: its table of other placements and its small map
        assert page.locator(".ls-placements table").count() == 1 and page.locator("svg.ls-minimap").count() == 1
    width, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    if width > inner:
        shot(page, f"phone-{name.replace(' ', '-').replace('@', '')}")
    assert inner == PHONE["width"] and width <= inner, f"{name}: the page is {width} px wide on a {inner} px screen"


def test_browse_keeps_the_work_and_its_quadrant_on_screen_on_a_phone(served_contested: str, phone: Watched) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = phone.page
    page.goto(served_contested + f"{BROWSE}/")
    page.wait_for_load_state("networkidle")
    headers = page.locator(".ls-browse-table thead th")
    names = [headers.nth(i).inner_text().strip(" ↕↑↓") for i in range(headers.count())]
    work, quadrant = names.index("Work") + 1, names.index("Quadrant") + 1
    inner = page.evaluate("innerWidth")
    for column in (work, quadrant):
        boxes = page.locator(f".ls-browse-table tr > :nth-child({column})")
        assert boxes.count() > 1
        for i in range(boxes.count()):
            box = boxes.nth(i).bounding_box()
            assert box is not None and box["width"] > 0, (column, i)
            assert 0 <= box["x"] and box["x"] + box["width"] <= inner, (names[column - 1], i, box)
    # the rows still filter and link as on a wide screen
    page.select_option("#ls-f-quadrant", index=1)
    assert page.locator(".ls-browse-table tbody tr:visible").count() >= 1
    results = Axe().run(page)
    serious = [f"{v['id']}: {v['help']}" for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert phone.errors == []


MID_WORD = """() => {
  // every place where a table cell's text goes on to a new line, and the characters either side
  const breaks = [];
  for (const cell of document.querySelectorAll('.ls-browse-table td')) {
    if (!cell.getClientRects().length) continue;  // a column hidden at this width
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const text = node.textContent;
      let top = null, before = null;
      for (let i = 0; i < text.length; i++) {
        if (/\\s/.test(text[i])) { before = text[i]; continue; }
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (!rect) continue;
        if (top !== null && rect.top > top + 2) breaks.push([text.slice(0, i), text.slice(i), before]);
        top = rect.top;
        before = text[i];
      }
    }
  }
  return breaks;
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_names_in_the_browse_table_break_between_words_never_inside_one(served_contested: str, browser: Any, width: int) -> None:
    with offline_context(browser, viewport={"width": width, "height": 900}) as ctx:
        page = ctx.new_page()
        page.goto(served_contested + f"{BROWSE}/")
        page.wait_for_load_state("networkidle")
        breaks = page.evaluate(MID_WORD)
        # the table's narrow columns do wrap (so the measurement sees line breaks) ...
        assert breaks, "no cell wraps at this width: the check would prove nothing"
        # ... and only after a space or a hyphen or dash
        inside = [
            f"{head[-12:]}|{tail[:12]}"
            for head, tail, before in breaks
            if before is not None and not before.isspace() and before not in "-‐‑–—/"
        ]
        assert inside == [], inside

"""Figure 1's map in a real browser: on a phone (full screen, tap, text size, touch targets), and
on a synthetic survey of 120 works (zoom reveals labels without overlap, keyboard tooltips, reset,
highlights by URL and by the script API). No request may leave the site's origin.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .test_browser import MAP, Watched, offline_context, shot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}

VISIBLE_TEXT = """(root) => {
    // every text of the map the reader can see: its font size in CSS px and its box
    const svg = document.querySelector(root);
    const scale = svg.getScreenCTM().a;
    const view = svg.getBoundingClientRect();
    return [...svg.querySelectorAll('text')].filter(t => {
        if (t.closest('[style*="display: none"]') || getComputedStyle(t).display === 'none') return false;
        let g = t.parentElement;
        while (g && g !== svg) { if (getComputedStyle(g).display === 'none') return false; g = g.parentElement; }
        const r = t.getBoundingClientRect();
        return r.width > 0 && r.right > view.left && r.left < view.right && r.bottom > view.top && r.top < view.bottom;
    }).map(t => {
        const r = t.getBoundingClientRect();
        return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale, label: !!t.dataset.lsFor,
                box: [r.left, r.top, r.right, r.bottom]};
    });
}"""


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = a["box"], b["box"]
            if ax0 < bx1 - 0.5 and bx0 < ax1 - 0.5 and ay0 < by1 - 0.5 and by0 < ay1 - 0.5:
                found.append((a["text"], b["text"]))
    return found


@pytest.fixture
def phone(browser: Any) -> Iterator[Watched]:
    with offline_context(browser, **PHONE) as ctx:
        yield Watched(ctx.new_page())


@pytest.fixture
def desktop(browser: Any) -> Iterator[Watched]:
    with offline_context(browser, viewport={"width": 1280, "height": 900}) as ctx:
        yield Watched(ctx.new_page())


def test_on_a_phone_the_map_opens_full_screen_with_readable_text_and_a_tap_reaches_an_entry(served: str, phone: Watched) -> None:
    page = phone.page
    page.goto(served)
    page.locator(MAP).wait_for()
    # the list alternative is on the page, not collapsed away
    assert page.locator("#ls-map-as-list a").first.is_visible()
    page.get_by_role("button", name="Open the map full screen").click()
    figure = page.locator("figure.ls-map--open")
    box = figure.bounding_box()
    assert box["width"] >= 389 and box["height"] >= 843
    texts = page.evaluate(VISIBLE_TEXT, MAP)
    assert texts and [t for t in texts if t["px"] < 12] == []
    assert overlapping([t for t in texts if t["label"]]) == []
    shot(page, "map-phone-open")
    # zoom in with the buttons: text stays readable, targets stay at least 24 × 24 CSS px
    page.get_by_role("button", name="Zoom in").click()
    texts = page.evaluate(VISIBLE_TEXT, MAP)
    assert [t for t in texts if t["px"] < 12] == []
    sizes = page.evaluate(f"""() => [...document.querySelectorAll('{MAP} a.ls-marker')].map(a => {{
        const r = a.getBoundingClientRect(); return [r.width, r.height]; }})""")
    assert sizes and min(min(w, h) for w, h in sizes) >= 24
    page.get_by_role("button", name="Reset the view").click()
    marker = page.locator(f'{MAP} a.ls-marker[data-ls-id="stiennon-2020"] .ls-dot')
    b = marker.bounding_box()
    page.touchscreen.tap(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
    page.wait_for_url("**/entries/stiennon-2020/")
    assert phone.errors == []


def test_on_120_works_zooming_into_a_quadrant_reveals_labels_that_never_overlap(served_synthetic: str, desktop: Watched) -> None:
    page = desktop.page
    page.goto(served_synthetic)
    page.locator(MAP).wait_for()
    page.locator(MAP).scroll_into_view_if_needed()
    before = page.evaluate(VISIBLE_TEXT, MAP)
    assert overlapping([t for t in before if t["label"]]) == []
    # wheel over the centre of the upper-left quadrant
    svg = page.locator(MAP).bounding_box()
    x, y = svg["x"] + svg["width"] * 0.3, svg["y"] + svg["height"] * 0.3
    page.mouse.move(x, y)
    for _ in range(3):
        page.mouse.wheel(0, -200)
        page.wait_for_timeout(50)
    zoom = page.evaluate("livingSurveyMap.maps[0].zoom()")
    assert zoom > 2
    after = page.evaluate(VISIBLE_TEXT, MAP)
    labels_before = [t for t in before if t["label"]]
    labels_after = [t for t in after if t["label"]]
    # more works named in the zoomed view than in that quadrant at full view
    quadrant_before = [t for t in labels_before if t["box"][2] < svg["x"] + svg["width"] / 2 and t["box"][3] < svg["y"] + svg["height"] / 2]
    assert len(labels_after) > len(quadrant_before)
    assert overlapping(labels_after) == []
    assert [t for t in labels_after if t["px"] < 10] == []
    shot(page, "map-120-zoomed")
    # reset restores the full view
    page.get_by_role("button", name="Reset the view").click()
    assert page.evaluate(f"document.querySelector('{MAP}').getAttribute('viewBox')") == "0.00 0.00 720.00 620.00"
    assert desktop.errors == []


def test_keyboard_focus_on_a_marker_shows_a_visible_tooltip_naming_the_work(served_synthetic: str, desktop: Watched) -> None:
    page = desktop.page
    page.goto(served_synthetic)
    page.locator(MAP).wait_for()
    page.get_by_role("button", name="Full screen").focus()
    for _ in range(10):  # past the four quadrant titles to the first marker
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('ls-marker')"):
            break
    focused = page.evaluate("[document.activeElement.dataset.lsId, document.activeElement.querySelector('title').textContent]")
    assert focused[0] is not None
    tip = page.locator(".ls-map-tip")
    assert tip.is_visible() and tip.inner_text() == focused[1]
    assert "Synthetic work" in focused[1]
    # the focused marker is clearly outlined
    stroke = page.evaluate("getComputedStyle(document.activeElement.querySelector('.ls-hit')).strokeWidth")
    assert float(stroke.rstrip("px")) >= 2
    # tab order: by quadrant (top row first, left to right), then top to bottom
    order = page.evaluate(f"[...document.querySelectorAll('{MAP} a.ls-marker')].map(a => a.dataset.lsQ)")
    firsts = [q for i, q in enumerate(order) if i == 0 or order[i - 1] != q]
    assert firsts == ["broad-prescriptive", "specific-prescriptive", "broad-descriptive", "specific-descriptive"]
    shot(page, "map-120-focus")
    assert desktop.errors == []


def test_highlights_from_the_url_and_the_script_api(served_synthetic: str, desktop: Watched) -> None:
    page = desktop.page
    page.goto(served_synthetic + "?highlight=syn-0001,syn-0002,nobody,%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    page.locator(MAP).wait_for()
    lit = page.evaluate(f"[...document.querySelectorAll('{MAP} a.ls-marker.ls-hl')].map(a => a.dataset.lsId)")
    assert sorted(lit) == ["syn-0001", "syn-0002"]
    dimmed = page.evaluate(f"getComputedStyle(document.querySelector('{MAP} a.ls-marker:not(.ls-hl)')).opacity")
    assert float(dimmed) < 0.5
    assert desktop.dialogs == []
    # the API other pages use: highlight a set, map data coordinates, draw an extra point
    result = page.evaluate(
        """() => livingSurveyMap.ready.then(map => {
            const n = map.highlight(['syn-0003', 'syn-0004', 'syn-0005', 'gone']);
            const plot = map.svg.getAttribute('data-ls-plot').split(' ').map(Number);
            const low = map.toSvg(-1, -1), high = map.toSvg(1, 1);
            const g = map.addPoint(0.5, -0.5, {label: '<b>mine</b>', id: 'ls-test-point'});
            return {n, plot, low, high, text: g.textContent, bold: g.querySelector('b') !== null,
                    share: map.shareUrl(['syn-0003', 'gone'])};
        })"""
    )
    assert result["n"] == 3
    assert [result["low"]["x"], result["low"]["y"], result["high"]["x"], result["high"]["y"]] == pytest.approx(result["plot"])
    assert result["text"] == "<b>mine</b>" and not result["bold"]
    assert result["share"].endswith("?highlight=syn-0003")
    assert page.locator("#ls-test-point circle").is_visible()
    assert desktop.errors == []

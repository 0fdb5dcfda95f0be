"""The built site in a real browser: search, Figure 1's links, listings, copy buttons, console,
accessibility (axe-core, light and dark), and hostile strings that must never run.

Needs Chromium (Debian's `chromium-headless-shell` or `chromium`, or $LIVING_SURVEY_CHROMIUM). Under CI a missing browser
fails these tests; elsewhere they skip with the reason. Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from living_survey.model.bibliography import parse_bibliography

from ..conftest import PWN, ROOT, SCREENSHOTS

pytestmark = pytest.mark.browser

COPY = "button[data-md-type='copy'], button.md-clipboard"
"""Material's copy button (9.7+ marks it data-md-type=copy; older releases used .md-clipboard)."""
PAGES = {
    "home": "",
    "quadrant": "quadrants/broad-prescriptive/",
    "entry": "entries/stiennon-2020/",
    "browse": "browse/",
    "recent": "recent/",
}


EXTERNAL = re.compile(r"^(?!https?://127\.0\.0\.1[:/])[a-z][a-z0-9+.-]*://")
"""Any request leaving the site's origin (the test server on 127.0.0.1). None may happen: tests
never use the network, so such requests are answered locally, recorded, and fail the test."""


def offline(ctx: Any) -> list[str]:
    """Answer every request for another host locally (with an empty object); return their URLs."""
    seen: list[str] = []

    def answer(route: Any) -> None:
        seen.append(route.request.url)
        route.fulfill(status=200, content_type="application/json", body="{}")

    ctx.route(EXTERNAL, answer)
    return seen


@contextlib.contextmanager
def offline_context(browser: Any, allowed: tuple[str, ...] = (), **options: Any) -> Iterator[Any]:
    """A browser context (service workers blocked) whose requests to other hosts are answered
    locally; leaving it fails if the site made any, except to the ``allowed`` URL prefixes."""
    ctx = browser.new_context(service_workers="block", **options)
    external = offline(ctx)
    yield ctx
    ctx.close()
    assert [u for u in external if not u.startswith(allowed)] == [], "the site requested other hosts"


class Watched:
    """A page with its console errors, uncaught exceptions, failed requests and dialogs recorded."""

    def __init__(self, page: Any):
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"exception: {e}"))
        # ERR_ABORTED is a request cancelled by the next navigation, not a fault of the site
        page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED" and self.errors.append(f"failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.errors.append(f"HTTP {r.status}: {r.url}"))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def context(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    with offline_context(browser, viewport={"width": 1280, "height": 900}, color_scheme=getattr(request, "param", "light")) as ctx:
        yield ctx


@pytest.fixture
def watched(context: Any) -> Iterator[Watched]:
    page = context.new_page()
    yield Watched(page)
    page.close()


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_search_for_a_quote_phrase_reaches_its_entry(served: str, watched: Watched) -> None:
    # the phrase is from a quote of Stiennon et al., and (read from the data) from no other work's
    # quotes, so the one result it must reach is that work's entry; the entry's heading is the
    # work's title as the project's bibliography parser reads it from references.bib
    phrase = "same essence"
    key = yaml.safe_load((ROOT / "entries" / "stiennon-2020.yaml").read_text(encoding="utf-8"))["key"]
    holders = {
        data["key"]
        for path in sorted((ROOT / "entries").glob("*.yaml"))
        for data in [yaml.safe_load(path.read_text(encoding="utf-8"))]
        if any(phrase in str(q.get("text", "")).lower() for q in data.get("quotes") or [])
    }
    assert holders == {key}, f"the phrase {phrase!r} must be in the quotes of {key} only: {holders}"
    title = parse_bibliography((ROOT / "references.bib").read_text(encoding="utf-8"), "references.bib").references[key].title
    page = watched.page
    page.goto(served)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    # typed key by key, as a reader would
    page.locator("input.md-search__input").press_sequentially(phrase, delay=20)
    result = page.locator("a.md-search-result__link[href*='entries/stiennon-2020/']").first
    result.wait_for(timeout=15000)
    shot(page, "search-results")
    result.click()
    page.wait_for_url("**/entries/stiennon-2020/**")
    assert page.locator("h1").inner_text() == title
    assert watched.errors == []


MAP = "figure.ls-map--live svg"
"""The map once the page's script has fetched and inserted it."""


def test_clicking_a_marker_in_figure_1_opens_its_entry(served: str, watched: Watched) -> None:
    page = watched.page
    page.goto(served)
    page.locator(MAP).wait_for()
    marker = page.locator(f'{MAP} a.ls-marker[data-ls-id="stiennon-2020"]')
    marker.scroll_into_view_if_needed()
    box = marker.locator(".ls-dot").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**/entries/stiennon-2020/")
    assert "Learning to summarize" in page.title()
    # and a quadrant title in the figure opens its quadrant page
    page.go_back()
    page.locator(f'{MAP} a.ls-quadrant[data-ls-q="specific-descriptive"] text').click()
    page.wait_for_url("**/quadrants/specific-descriptive/")
    assert watched.errors == []


def test_a_quadrant_page_lists_its_entries(served: str, watched: Watched) -> None:
    page = watched.page
    page.goto(served + PAGES["quadrant"])
    cards = page.locator("li.ls-entry-card")
    assert cards.count() == 4
    hrefs = sorted(cards.nth(i).locator("a").first.get_attribute("href") for i in range(4))
    assert hrefs == ["../../entries/menick-2022/", "../../entries/stiennon-2020/", "../../entries/wu-2021/", "../../entries/ziegler-2019/"]
    # the one map highlights this quadrant and dims the others' markers
    page.locator(MAP).wait_for()
    opacities = page.evaluate(
        """() => [...document.querySelectorAll('a.ls-marker')].map(a => [a.dataset.lsQ, parseFloat(getComputedStyle(a).opacity)])"""
    )
    assert opacities and all((o == 1) == (q == "broad-prescriptive") for q, o in opacities), opacities
    assert watched.errors == []


def test_bibtex_blocks_have_working_copy_buttons(served: str, browser: Any) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    offline(ctx)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.rstrip("/"))
    page = ctx.new_page()
    watched = Watched(page)
    page.goto(served + PAGES["entry"])
    blocks = page.locator(".language-bibtex pre")
    # the work's own record and the cite box's: the living page's, and this version's once there is a release
    assert blocks.count() == 1 + page.locator("section.ls-cite .language-bibtex pre").count() >= 2
    for i in range(blocks.count()):
        assert blocks.nth(i).locator(COPY).count() == 1
    cite = page.locator("section.ls-cite .ls-cite-living .language-bibtex pre")
    cite.hover()
    cite.locator(COPY).click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("@misc{") and "entries/stiennon-2020/" in copied
    assert watched.errors == []
    ctx.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_no_console_errors_or_failed_requests(served: str, watched: Watched, name: str) -> None:
    watched.page.goto(served + PAGES[name])
    watched.page.wait_for_load_state("networkidle")
    assert watched.errors == []


@pytest.mark.parametrize("context", ["light", "dark"], indirect=True)
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_serious_or_critical_violation(
    served: str, context: Any, watched: Watched, name: str, request: pytest.FixtureRequest
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = watched.page
    page.goto(served + PAGES[name])
    page.wait_for_load_state("networkidle")
    scheme = request.node.callspec.params["context"]
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == ("slate" if scheme == "dark" else "default")
    shot(page, f"{name}-{scheme}")
    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], "\n".join(serious)


@pytest.mark.parametrize("path", ["", "entries/hostile/", "quadrants/broad-descriptive/", "references/", "browse/", "recent/"])
def test_hostile_strings_never_run_in_the_browser(served_hostile: str, watched: Watched, path: str) -> None:
    page = watched.page
    page.goto(served_hostile + path)
    page.wait_for_load_state("networkidle")
    # hover and click what a reader would: the figure's points and every link that stays on the page
    for link in page.locator("article a[href^='#']").all()[:20]:
        link.click()
    page.mouse.move(10, 10)
    assert page.evaluate("window.__pwned") is None, f"injected script ran on {path or 'home'}"
    assert watched.dialogs == []
    assert PWN in page.content().replace("&lt;", "<")  # the text is shown, as text
    shot(page, f"hostile-{path.strip('/').replace('/', '-') or 'home'}")


def test_the_version_selector_opens_a_release_and_returns_to_the_living_page(
    served_versions: str, versioned: Any, watched: Watched
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = watched.page
    entry = f"entries/{versioned.moved}/"
    page.goto(served_versions + entry)
    current = page.locator(".md-header__topic .md-version .md-version__current")
    current.wait_for(timeout=15000)
    assert current.inner_text() == "living"
    links = page.locator(".md-version__link")
    assert [links.nth(i).inner_text() for i in range(links.count())] == ["living (current)", "0.2.0 (latest release)", "0.1.0"]
    # by keyboard: the button opens the menu, Tab reaches the release, Enter opens the same page there
    current.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "0.1.0"
    page.keyboard.press("Enter")
    page.wait_for_url(served_versions + "v/0.1/" + entry)
    old_quadrant = page.locator("dl.ls-facts dd a").first.inner_text()
    assert page.locator(".md-version__current").inner_text() == "version 0.1"
    shot(page, "version-selector-release")
    results = Axe().run(page)
    serious = [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    # and by mouse back to the living page, where the entry has moved since
    page.locator(".md-version").hover()  # the open menu covers the button, as Material's does
    page.locator(".md-version__link", has_text="living").click()
    page.wait_for_url(served_versions + entry)
    assert page.locator("dl.ls-facts dd a").first.inner_text() != old_quadrant
    assert watched.errors == []


def test_a_hostile_versions_json_stays_text_in_the_selector(versioned: Any, tmp_path: Any, watched: Watched) -> None:
    """versions.json is read by the browser: HTML in a title stays text, javascript: and odd versions
    never become links (only X.Y folders beside versions.json do), and nothing runs."""
    import json
    import shutil

    from ..conftest import _Quiet

    out = tmp_path / "out"
    shutil.copytree(versioned.out, out)
    hostile = [
        {"version": "0.2", "title": f'<img src=x onerror="{PWN}">', "aliases": ["latest"]},
        {"version": f"javascript:{PWN}//", "title": "js", "aliases": []},
        {"version": "../../evil", "title": "up", "aliases": []},
        {"version": "0.1", "title": f"<script>{PWN}</script>" + "x" * 200, "aliases": "latest"},
        {"version": 7, "title": {"a": 1}},
        None,
    ]
    (out / "v" / "versions.json").write_text(json.dumps(hostile), encoding="utf-8")
    server = _Quiet(out)
    try:
        page = watched.page
        page.goto(server.url + f"entries/{versioned.moved}/")
        page.locator(".md-header__topic .md-version .md-version__current").wait_for(timeout=15000)
        links = page.locator(".md-version__link")
        texts = [links.nth(i).inner_text() for i in range(links.count())]
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        assert texts == [
            "living (current)",
            f'<img src=x onerror="{PWN}">'[:40] + " (latest release)",
            (f"<script>{PWN}</script>" + "x" * 200)[:40],
        ]
        assert hrefs[1:] == [server.url + "v/0.2/", server.url + "v/0.1/"]
        assert page.locator(".md-version img, .md-version script").count() == 0
        page.locator(".md-version").hover()
        page.mouse.move(10, 10)
        assert page.evaluate("window.__pwned") is None and watched.dialogs == []
    finally:
        server.close()


@pytest.mark.parametrize("path", ["contested/", "changes/", "entries/hostile-contra/"])
def test_hostile_strings_never_run_on_the_pages_of_placements(served_hostile: str, watched: Watched, path: str) -> None:
    page = watched.page
    page.goto(served_hostile + path)
    page.wait_for_load_state("networkidle")
    for marker in page.locator("svg.ls-minimap g.ls-minimap-marker").all():
        marker.hover()
    for link in page.locator("article a[href^='#']").all()[:20]:
        link.click()
    assert page.evaluate("window.__pwned") is None, f"injected script ran on {path}"
    assert watched.dialogs == []
    if path != "changes/":
        assert PWN in page.content().replace("&lt;", "<")


# -- many voices: a copy of the survey with a second placement of one work -------------------

CONTESTED_PAGES = {
    "home": "",
    "contested": "contested/",
    "entry": "entries/bai-2022-constitutional-someone/",
    "quadrant": "quadrants/specific-prescriptive/",
}


def test_hovering_or_focusing_a_joined_marker_names_every_placer(served_contested: str, watched: Watched) -> None:
    page = watched.page
    page.goto(served_contested)
    page.locator(MAP).wait_for()
    join = page.locator(f"{MAP} polyline.ls-join[data-ls-work='bai2022constitutional']")
    assert join.count() == 1
    for entry_id in ("bai-2022-constitutional", "bai-2022-constitutional-someone"):
        # after going back the page loads the map file again: wait for it, as a reader would
        page.locator(MAP).wait_for()
        link = page.locator(f"{MAP} a.ls-marker[data-ls-id='{entry_id}'][href$='entries/{entry_id}/']")
        assert link.count() == 1, entry_id
        # the tooltip (and the link's accessible name) names both placers, whichever marker it is
        title = link.locator("title").text_content()
        assert "Kirk et al., 2023b" in title and "@someone" in title
        link.scroll_into_view_if_needed()
        # the pointer at the marker's centre lands on it (a hollow marker is painted, not empty)
        link.hover()
        assert link.evaluate("a => a.matches(':hover')"), f"{entry_id}: the marker does not take the pointer"
        link.focus()
        assert link.evaluate("a => a.matches(':focus')")
        assert page.evaluate("document.activeElement.querySelector('title').textContent") == title
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/entries/{entry_id}/")
        assert page.locator("#placements").count() == 1
        page.go_back()
    assert watched.errors == []


def test_following_a_rationale_link_from_the_contested_page(served_contested: str, watched: Watched) -> None:
    page = watched.page
    page.goto(served_contested + CONTESTED_PAGES["contested"])
    section = page.locator(".ls-placements table").first
    link = section.get_by_role("link", name="Rationale of bai-2022-constitutional-someone")
    link.click()
    page.wait_for_url("**/entries/bai-2022-constitutional-someone/#rationale")
    assert page.locator("h2#rationale").is_visible()
    # and back again, through the entry page's link to the other placement
    page.locator(".ls-placements a[href='../bai-2022-constitutional/']").click()
    page.wait_for_url("**/entries/bai-2022-constitutional/")
    assert "Constitutional AI" in page.locator("h1").inner_text()
    assert watched.errors == []


@pytest.mark.parametrize("context", ["light", "dark"], indirect=True)
@pytest.mark.parametrize("name", list(CONTESTED_PAGES))
def test_axe_is_clean_on_contested_pages(
    served_contested: str, context: Any, watched: Watched, name: str, request: pytest.FixtureRequest
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = watched.page
    page.goto(served_contested + CONTESTED_PAGES[name])
    page.wait_for_load_state("networkidle")
    scheme = request.node.callspec.params["context"]
    shot(page, f"contested-{name}-{scheme}")
    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], "\n".join(serious)
    assert watched.errors == []

"""Every link on the hostile survey's pages, clicked in a real Chromium: none runs a script.

The hostile survey (tests/conftest.py) spells script addresses every way we know
(``SCRIPT_LINKS``: character references with and without ``;``, tabs and newlines inside the
scheme, ``&colon;``, upper case, leading spaces and controls, ``data:``, ``vbscript:``, angle
brackets, reference definitions). A click that would leave the page is answered with
"204 No Content", so the browser stays and the next link is clicked on the same page, while a
``javascript:`` address would run in place and open a dialog.
"""

from __future__ import annotations

from typing import Any

import pytest

from ..conftest import PWN, SCRIPT_LINKS
from .test_browser import EXTERNAL, Watched

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["entries/hostile-links/", "references/"])  # every spelling; every BibTeX link
def test_clicking_every_link_on_a_hostile_page_runs_nothing(served_hostile: str, browser: Any, path: str) -> None:
    context = browser.new_context(service_workers="block")
    context.route(EXTERNAL, lambda route: route.fulfill(status=200, content_type="application/json", body="{}"))
    watched: list[Watched] = []
    context.on("page", lambda p: watched.append(Watched(p)))  # popups are watched too
    page = context.new_page()
    page.goto(served_hostile + path)
    # from now on, leaving the page (or opening another) gets "204 No Content": the browser stays
    context.route("**/*", lambda route: route.fulfill(status=204) if route.request.is_navigation_request() else route.fallback())
    # contributed text is in the article: each of its links gets a real click, one at a time
    links = page.locator("article a")
    visible = page.evaluate("() => [...document.querySelectorAll('article a')].map(a => a.getClientRects().length > 0)")
    assert path != "entries/hostile-links/" or len(visible) >= len(SCRIPT_LINKS)  # every spelling is a link
    for i, shown in enumerate(visible):
        if shown:
            links.nth(i).click(force=True, no_wait_after=True, timeout=5000)
        else:
            links.nth(i).dispatch_event("click")  # in a closed <details>: a synthetic click follows it too
    # the theme's links (menus, header, footer) are clicked by script, which follows a link too
    page.evaluate(
        """async () => {
            for (const a of document.querySelectorAll('a')) {
                if (a.closest('article')) continue;
                a.click();
                await new Promise(r => setTimeout(r, 0));
            }
        }"""
    )
    page.wait_for_timeout(300)  # a javascript: address runs after the click returns
    assert [d for w in watched for d in w.dialogs] == []
    assert page.evaluate("() => window.__pwned") is None, PWN
    assert page.url.startswith(served_hostile + path)
    context.close()

"""The scripts' pure functions in a real Chromium page: the fallback that tests/unit/test_scripts.py
uses when Node is not installed gives what Node gives (a browser test, so it lives here, not in
the unit tests, which run without one)."""

from __future__ import annotations

import pytest

from ..unit import test_scripts
from ..unit.test_scripts import BLANK, BROWSE, FRAMEWORK_AXES, NODE, ORIGIN, PAGE_URL, Runner, _node, js

chromium_runner = test_scripts.chromium_runner
"""The unit tests' page of the session's Chromium (their fallback without Node), a fixture here too."""

# -- the other path: the same cases in a browser page ---------------------------------------------


@pytest.mark.browser
@pytest.mark.skipif(NODE is None, reason="Node is not installed: nothing to compare the browser page with")
def test_a_browser_page_gives_what_node_gives(chromium_runner: Runner) -> None:
    """The fallback without Node runs the same harness: it gives the same results."""
    cases = {
        "rounding": "[0.125, -0.125, 2 / 3].map((v) => m.locator.roundHalfUp(v, 2))",
        "link": f"m.common.siteLink('entries/a/', '../', {js(PAGE_URL)}, {js(ORIGIN)})",
        "answers": f"m.locator.answersFromQuery('?q1=2&q2=5', m.locator.questionsOf({js(FRAMEWORK_AXES)}))",
        "filter": f"m.browse.filterRows(m.browse.prepare(m.browse.fromJson({js(BROWSE)}, '')), {js({**BLANK, 'q': 'feedback', 'sort': 'year'})}).map((r) => r.id)",
    }
    assert chromium_runner(cases) == _node(cases)

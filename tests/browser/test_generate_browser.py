"""The survey built by Zensical from `living-survey generate`'s sources, in a real browser.

The map, the locator and search must work as on the plugin's own site, and no request may leave
the site's origin. Skipped with the reason when Zensical is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import PWN, ROOT, _Quiet, living_survey, write_hostile
from .test_browser import MAP, Watched, offline_context
from .test_locator_browser import ALLOWED_EXTERNAL, place_corner, survey_of

pytestmark = [pytest.mark.browser, pytest.mark.builders]


def _serve_zensical(root: Path, out: Path) -> _Quiet:
    zensical = shutil.which("zensical", path=str(Path(sys.executable).parent)) or shutil.which("zensical")
    if zensical is None:
        pytest.skip("zensical is not installed: pip install -e '.[zensical]' (the range that installs from the package index)")
    done = living_survey("generate", "--out", str(out), root=root)
    assert done.returncode == 0, done.stdout + done.stderr
    built = subprocess.run([zensical, "build", "--clean", "--strict", "-f", str(out / "mkdocs.yml")], capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    return _Quiet(out / "site")


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The repository's survey, generated, built by Zensical and served over HTTP."""
    server = _serve_zensical(ROOT, tmp_path_factory.mktemp("zensical") / "generated")
    yield server.url
    server.close()


@pytest.fixture(scope="module")
def zensical_hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The hostile sample survey, generated, built by Zensical and served over HTTP."""
    folder = tmp_path_factory.mktemp("zensical-hostile")
    server = _serve_zensical(write_hostile(folder / "p"), folder / "generated")
    yield server.url
    server.close()


@pytest.fixture
def desktop(browser: Any) -> Iterator[Watched]:
    with offline_context(browser, allowed=ALLOWED_EXTERNAL, viewport={"width": 1280, "height": 900}) as ctx:
        yield Watched(ctx.new_page())


def test_a_map_marker_reaches_its_entry_page_and_zoom_works(zensical_site: str, desktop: Watched) -> None:
    page = desktop.page
    page.goto(zensical_site)
    page.locator(MAP).wait_for()
    page.locator(MAP).scroll_into_view_if_needed()
    assert page.evaluate("livingSurveyMap.maps[0].zoom()") == 1
    page.get_by_role("button", name="Zoom in").click()
    assert page.evaluate("livingSurveyMap.maps[0].zoom()") > 1
    page.get_by_role("button", name="Reset the view").click()
    assert page.evaluate("livingSurveyMap.maps[0].zoom()") == 1
    marker = page.locator(f"{MAP} a.ls-marker").first
    entry_id = marker.get_attribute("data-ls-id")
    marker.locator(".ls-dot").click()
    page.wait_for_url(f"**/entries/{entry_id}/")
    assert page.locator("h1").first.inner_text()
    assert desktop.errors == []


@pytest.mark.parametrize("sign", [-1, 1])
def test_the_locator_gives_its_estimate(zensical_site: str, desktop: Watched, sign: int) -> None:
    quadrant, _ = place_corner(desktop.page, ROOT, zensical_site, sign)
    assert quadrant.title in desktop.page.locator("#ls-locator-status").inner_text()
    assert desktop.errors == []


def test_searching_for_a_dataset_name_finds_its_entry(zensical_site: str, desktop: Watched) -> None:
    survey = survey_of(ROOT)
    entry = next(e for e in survey.entries if e.datasets)
    name = entry.datasets[0].name
    holders = {e.id for e in survey.entries if any(d.name == name for d in e.datasets)}
    page = desktop.page
    page.goto(zensical_site)
    # Zensical's search is a dialog in a shadow root; Playwright's locators reach into it
    page.locator("button.md-search__button").click()
    page.get_by_role("combobox", name="Search").press_sequentially(name, delay=20)
    results = page.get_by_role("option")
    results.first.wait_for(timeout=15000)
    found = {
        href.split("/entries/", 1)[1].split("/", 1)[0] for href in results.evaluate_all("a => a.map(x => x.href)") if "/entries/" in href
    }
    assert found & holders, (name, found)
    assert desktop.errors == []


def test_hostile_text_stays_text_on_the_page_and_in_zensicals_search(zensical_hostile: str, desktop: Watched) -> None:
    page = desktop.page
    page.goto(zensical_hostile + "entries/hostile/")
    assert "<script>" in page.locator("h1").first.inner_text()
    # the search dialog lists the pages' tags (the survey's search terms, contributed text) as filters
    page.locator("button.md-search__button").click()
    page.get_by_role("combobox", name="Search").press_sequentially("jinja", delay=20)
    page.get_by_role("option").first.wait_for(timeout=15000)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None, PWN
    assert desktop.errors == [] and desktop.dialogs == []

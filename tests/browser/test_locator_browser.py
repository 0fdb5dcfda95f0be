"""Place your dataset in a real browser: answers → estimate, quadrant, point on Figure 1, nearest
works, an entry that validates, a pre-filled proposal; answers shared through the address.

Runs against the repository's own site and against a sample survey on a different framework.
Needs Chromium, like test_browser.py; no request may leave the site.
"""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from living_survey import load_survey
from living_survey.figure import auto_positions, figure_inputs
from living_survey.model.framework import Framework, Quadrant
from living_survey.pages.locator import proposal_choices

from ..builds.test_locator import write_other
from ..conftest import ROOT, _Quiet, write_sample
from .test_browser import Watched, offline, offline_context, shot

pytestmark = pytest.mark.browser

PAGE = "place-your-dataset/"
ALLOWED_EXTERNAL = ("https://api.github.com/repos/",)
"""The theme may ask GitHub's API for the repository's stars (answered locally); nothing else may leave."""
REPOSITORY = "https://github.com/alignment-coordinates/alignment-coordinates"
WORKS = "data/locator.json"
"""The surveyed works, which the locator's script fetches once the reader has answered."""


def survey_of(root: Path) -> Any:
    return load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")


@pytest.fixture(scope="module")
def other(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A sample survey on another framework, built and served: (project root, URL)."""
    root = write_other(tmp_path_factory.mktemp("other") / "p")
    build(load_config(str(root / "mkdocs.yml"), strict=True, site_dir=str(root / "site")))
    server = _Quiet(root / "site")
    yield root, server.url
    server.close()


@pytest.fixture
def context(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    scheme = getattr(request, "param", "light")
    with offline_context(browser, ALLOWED_EXTERNAL, viewport={"width": 1280, "height": 900}, color_scheme=scheme) as ctx:
        yield ctx


@pytest.fixture
def watched(context: Any) -> Iterator[Watched]:
    page = context.new_page()
    yield Watched(page)
    assert page.evaluate("window.__pwned") is None
    page.close()


def corner_answers(framework: Framework, sign: int) -> dict[str, int]:
    """For each question, the index of its option scored furthest toward ``sign``."""
    out = {}
    for axis in (framework.x, framework.y):
        for q in axis.questions:
            scores = [(o.score or 0) * sign for o in q.options]  # None leans neither way, like 0
            out[q.id] = scores.index(max(scores))
    return out


def answer(page: Any, answers: dict[str, int]) -> None:
    for question, index in answers.items():
        page.locator(f"input[type=radio][name='{question}'][value='{index}']").check()


def center(page: Any, selector: str) -> tuple[float, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def assert_point_in(page: Any, framework: Framework, quadrant: Quadrant) -> None:
    """The reader's point is on the quadrant's side of both axes of the drawn figure.

    The axes cross midway between the quadrant titles, which the figure draws symmetrically:
    a check that does not use the mapping the script draws with.
    """
    page.locator("#ls-locator-point").wait_for(state="attached")
    # quadrant titles: matplotlib's groups, or the map's links
    titles = [
        center(page, f"figure.ls-figure svg :is(g[id='ls-quadrant-{q.id}'], a.ls-quadrant[data-ls-q='{q.id}'])")
        for q in framework.quadrants
    ]
    origin_x = sum(t[0] for t in titles) / len(titles)
    origin_y = sum(t[1] for t in titles) / len(titles)
    px, py = center(page, "#ls-locator-point circle")
    assert math.copysign(1, px - origin_x) == quadrant.x
    assert math.copysign(1, origin_y - py) == quadrant.y  # screen y grows downward


def expected_neighbours(root: Path, x: float, y: float, count: int) -> list[str]:
    """The entry ids of the ``count`` works drawn nearest to (x, y), each work once at its nearest placement."""
    survey = survey_of(root)
    drawn = auto_positions(figure_inputs(survey))
    ranked = sorted(drawn, key=lambda i: (math.hypot(round(drawn[i][0], 4) - x, round(drawn[i][1], 4) - y), i))
    out: list[str] = []
    works: set[str] = set()
    for entry_id in ranked:
        key = survey.entry(entry_id).key
        if key not in works:
            works.add(key)
            out.append(entry_id)
    return out[:count]


def place_corner(page: Any, root: Path, url: str, sign: int) -> tuple[Quadrant, dict[str, int]]:
    """Answer every question toward one corner and check the whole result."""
    survey = survey_of(root)
    framework = survey.framework
    answers = corner_answers(framework, sign)
    page.goto(url + PAGE)
    answer(page, answers)
    quadrant = next(q for q in framework.quadrants if (q.x, q.y) == (sign, sign))
    assert page.locator("#ls-estimate-quadrant a").inner_text() == quadrant.title
    status = page.locator("#ls-locator-status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    assert status.inner_text().endswith(f"Quadrant: {quadrant.title}.")
    for axis in (framework.x, framework.y):
        pole = axis.pole(sign).label
        assert f"{axis.name} {'+' if sign > 0 else chr(0x2212)}1.00 ({pole})" in status.inner_text()
    assert_point_in(page, framework, quadrant)
    # the nearest works: as many as asked for (or all), from the survey, nearest first, once the works file is in
    items = page.locator("li.ls-locator-neighbour")
    items.first.wait_for()
    count = min(5, len({e.key for e in survey.entries}))  # works, not placements
    assert items.count() == count
    ids = [items.nth(i).get_attribute("data-entry") for i in range(count)]
    assert ids == expected_neighbours(root, sign, sign, count)
    assert len({survey.entry(i).key for i in ids}) == count  # each work once
    for i, entry_id in enumerate(ids):
        assert items.nth(i).locator("a").first.get_attribute("href") == f"../entries/{entry_id}/"
    # the rationale is one click away, and the full one a link further
    first = items.nth(0)
    assert not first.locator("details p").first.is_visible()
    first.locator("summary").click()
    assert first.locator("details p").first.is_visible() and first.locator("details p").first.inner_text()
    assert first.locator("details a").get_attribute("href") == f"../entries/{ids[0]}/#rationale"
    # answers are in the address
    query = parse_qs(urlsplit(page.url).query)
    assert {k: int(v[0]) for k, v in query.items()} == answers
    return quadrant, answers


def fill_and_validate(text: str, root: Path, key: str) -> subprocess.CompletedProcess[str]:
    """Fill in the key and the quote (its text and page) of a copied entry, add it to the project,
    validate: the template's handle and rationale line are refused at their lines; once the
    contributor has replaced them too, validate again and return that result."""
    from living_survey.model import placeholders

    assert "key:   #" in text and 'text: ""' in text and 'page: ""' in text
    filled = text.replace("key:   #", f"key: {key}   #", 1).replace('text: ""', 'text: "a passage copied verbatim"', 1)
    filled = filled.replace('page: ""', 'page: "3"', 1)
    lines = filled.splitlines()
    handle_line = next(i for i, line in enumerate(lines, 1) if line.startswith("placed_by:"))
    rationale_line = next(i for i, line in enumerate(lines, 1) if line.startswith("rationale:"))
    path = root / "entries" / "placed-here.yaml"

    def validate(content: str) -> subprocess.CompletedProcess[str]:
        path.write_text(content, encoding="utf-8")
        try:
            return subprocess.run([sys.executable, "-m", "living_survey.cli", "validate"], cwd=root, capture_output=True, text=True)
        finally:
            path.unlink()

    refused = validate(filled)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert sorted(refused.stdout.splitlines()) == sorted(
        [
            f"entries/placed-here.yaml:{handle_line}: placed_by: still holds the template's {placeholders.HANDLE!r}; "
            + placeholders.TEXTS[placeholders.HANDLE],
            f"entries/placed-here.yaml:{rationale_line}: rationale: still holds the template's "
            + repr(placeholders.RATIONALE[:39] + "…")
            + "; "
            + placeholders.TEXTS[placeholders.RATIONALE],
        ]
    ), refused.stdout
    assert placeholders.RATIONALE in filled
    filled = filled.replace(placeholders.RATIONALE, "The answers match what the dataset's card says about its annotators.")
    return validate(filled.replace(placeholders.HANDLE, "@octocat"))


@pytest.mark.parametrize("sign", [-1, 1])
def test_a_corner_of_the_real_map(served: str, browser: Any, tmp_path: Path, sign: int) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    external = offline(ctx)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.rstrip("/"))
    page = ctx.new_page()
    watched = Watched(page)
    quadrant, answers = place_corner(page, ROOT, served, sign)
    shot(page, f"locator-corner{sign:+d}")
    # the entry to paste: copied with the button, valid once a key and a quote are filled in
    yaml_text = page.locator("#ls-locator-yaml").inner_text()
    page.locator("#ls-locator-copy").click()
    page.locator("#ls-locator-copied").filter(has_text="Copied").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() == yaml_text.strip()
    assert f"quadrant: {quadrant.id}\n" in copied and f"position: [{sign}, {sign}]\n" in copied
    result = fill_and_validate(copied, write_sample(tmp_path / "p"), "alpha2020open")
    assert result.returncode == 0, result.stdout + result.stderr
    # the proposal opens the repository's issue form with the quadrant and position filled in
    href = page.locator("#ls-locator-propose").get_attribute("href")
    parts = urlsplit(href)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == REPOSITORY + "/issues/new"
    params = parse_qs(parts.query)
    assert params["template"] == ["propose-entry.yml"]
    assert params["quadrant"] == [quadrant.id] and params["position"] == [f"[{sign}, {sign}]"]
    assert quadrant.title in params["rationale"][0]
    # each answer goes into the form's dropdown for its question, as the option's text the form offers
    questions = {q.id: q for axis in survey_of(ROOT).framework.axes for q in axis.questions}
    offered = proposal_choices(ROOT, "propose-entry.yml", survey_of(ROOT).framework)
    assert offered, "the proposal form has a dropdown per question"
    for question, index in answers.items():
        text = questions[question].options[index].text
        assert params.get(question) == ([text] if text in offered.get(question, []) else None), question
    # the shared address reopens the same result
    status = page.locator("#ls-locator-status").inner_text()
    point = page.locator("#ls-locator-point").evaluate("g => [g.dataset.x, g.dataset.y]")
    page.reload()
    for question, index in answers.items():
        assert page.locator(f"input[name='{question}'][value='{index}']").is_checked()
    assert page.locator("#ls-locator-status").inner_text() == status
    assert page.locator("#ls-locator-point").evaluate("g => [g.dataset.x, g.dataset.y]") == point
    assert page.locator("#ls-locator-yaml").inner_text() == yaml_text
    page.locator("li.ls-locator-neighbour").first.wait_for()
    assert page.locator("li.ls-locator-neighbour").count() == min(5, len({e.key for e in survey_of(ROOT).entries}))
    # and a fresh visit to that address does too
    fresh = ctx.new_page()
    fresh.goto(page.url)
    assert fresh.locator("#ls-estimate-quadrant a").inner_text() == quadrant.title
    assert watched.errors == [] and watched.dialogs == []
    ctx.close()
    assert [u for u in external if not u.startswith(ALLOWED_EXTERNAL)] == [], "the site requested other hosts"


@pytest.mark.parametrize("sign", [-1, 1])
def test_a_corner_of_another_framework(other: tuple[Path, str], watched: Watched, sign: int) -> None:
    root, url = other
    page = watched.page
    quadrant, _ = place_corner(page, root, url, sign)
    yaml_text = page.locator("#ls-locator-yaml").inner_text()
    assert f"quadrant: {quadrant.id}\n" in yaml_text
    result = fill_and_validate(yaml_text, root, "source2023map")
    assert result.returncode == 0, result.stdout + result.stderr
    assert page.locator("#ls-locator-propose").count() == 0  # not a GitHub repository
    assert watched.errors == []


def test_an_axis_without_answers_stays_open(served: str, watched: Watched) -> None:
    page = watched.page
    framework = survey_of(ROOT).framework
    page.goto(served + PAGE)
    answer(page, {q.id: 0 for q in framework.x.questions})
    assert "open" in page.locator(f"#ls-estimate-{framework.y.key}").inner_text()
    assert page.locator("#ls-estimate-quadrant").inner_text().startswith("open")
    assert page.locator("#ls-locator-status").inner_text().startswith("Not placed yet.")
    assert page.locator("#ls-locator-point").count() == 0
    assert not page.locator("#ls-locator-neighbours").is_visible()
    assert not page.locator("#ls-locator-yaml").is_visible()
    assert page.locator("#ls-locator-nearest-note").is_visible()
    # one answer on the other axis is enough
    q = framework.y.questions[0]
    answer(page, {q.id: 0})
    assert page.locator("#ls-locator-point").count() == 1
    assert page.locator("#ls-locator-yaml").is_visible()
    # and taking it back opens the axis again, focus staying in its group
    page.locator(f"fieldset#ls-question-{q.id} button[data-ls-clear]").click()
    assert page.locator(f"input[name='{q.id}']:checked").count() == 0
    assert page.evaluate("document.activeElement.name") == q.id
    assert page.locator("#ls-locator-point").count() == 0
    assert q.id not in parse_qs(urlsplit(page.url).query)
    assert not page.locator(f"fieldset#ls-question-{q.id} button[data-ls-clear]").is_visible()
    answer(page, {q.id: 0})
    # clearing every answer empties the address again
    page.locator("#ls-locator-reset").click()
    assert urlsplit(page.url).query == ""
    assert page.locator("#ls-locator-point").count() == 0
    assert page.locator("input[type=radio]:checked").count() == 0
    assert watched.errors == []


def test_the_address_is_validated_before_use(served: str, watched: Watched) -> None:
    page = watched.page
    framework = survey_of(ROOT).framework
    first, second, third = framework.x.questions[:3]
    hostile = "%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D1%22%3E"
    page.goto(
        f"{served}{PAGE}?{first.id}=9&{second.id}=1&{third.id}=01&evil={hostile}&{framework.y.questions[0].id}=-1&constructor=0&__proto__=0"
    )
    checked = page.locator("input[type=radio]:checked")
    assert checked.count() == 1
    assert checked.get_attribute("name") == second.id and checked.get_attribute("value") == "1"
    # the address's <img src=x onerror=…> never becomes an element (the map's own <noscript>
    # fallback image, figure1.png, may be in the page: only the hostile one is looked for)
    html = page.locator("article").inner_html()
    assert "onerror" not in html.replace("onerror%3D", "") and '<img src="x"' not in html
    assert page.locator("article img[src='x']").count() == 0
    assert page.evaluate("window.__pwned") is None
    answer(page, {third.id: 0})
    assert parse_qs(urlsplit(page.url).query) == {second.id: ["1"], third.id: ["0"]}
    assert watched.errors == [] and watched.dialogs == []


def test_answering_with_the_keyboard(served: str, watched: Watched) -> None:
    page = watched.page
    framework = survey_of(ROOT).framework
    q = framework.x.questions[0]
    page.goto(served + PAGE)
    page.locator(f"input[name='{q.id}'][value='0']").focus()
    page.keyboard.press("Space")
    assert page.locator(f"input[name='{q.id}'][value='0']").is_checked()
    page.keyboard.press("ArrowDown")  # moves within the group and selects, as radio groups do
    assert page.locator(f"input[name='{q.id}'][value='1']").is_checked()
    expected = f"{q.options[1].score:+.2f}".replace("-", "\u2212")
    assert page.locator(f"#ls-estimate-{framework.x.key}").inner_text().startswith(expected)
    # Tab leaves the group for its "Clear this answer" button, then the next question's group
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('data-ls-clear')") == q.id
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == framework.x.questions[1].id
    assert watched.errors == []


def test_without_javascript_every_question_and_the_method_are_there(served: str, browser: Any) -> None:
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    offline(ctx)
    page = ctx.new_page()
    page.goto(served + PAGE)
    framework = survey_of(ROOT).framework
    for axis in (framework.x, framework.y):
        for q in axis.questions:
            group = page.locator(f"fieldset#ls-question-{q.id}")
            assert group.locator("legend").inner_text() == q.text
            assert group.locator("input[type=radio]").count() == len(q.options)
            assert group.is_visible()
    assert page.locator(".ls-locator-nojs").is_visible()
    assert page.locator("#how-the-estimate-is-computed").is_visible()
    assert not page.locator("#ls-locator-reset").is_visible()
    skeleton = page.locator(".ls-locator-entry pre.ls-locator-yaml:not([id])")
    assert skeleton.is_visible()
    assert all(q.id in skeleton.inner_text() for q in framework.quadrants)
    assert 'placed_by: "@your-handle"' in skeleton.inner_text()
    ctx.close()


@pytest.mark.parametrize("context", ["light", "dark"], indirect=True)
def test_axe_finds_no_serious_or_critical_violation_on_an_answered_locator(
    served: str, context: Any, watched: Watched, request: pytest.FixtureRequest
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = watched.page
    framework = survey_of(ROOT).framework
    page.goto(served + PAGE)
    page.wait_for_load_state("networkidle")
    empty = Axe().run(page).response["violations"]
    answer(page, corner_answers(framework, -1))
    page.locator("li.ls-locator-neighbour summary").first.click()
    scheme = request.node.callspec.params["context"]
    shot(page, f"locator-{scheme}")
    answered = Axe().run(page).response["violations"]
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in empty + answered
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], "\n".join(serious)
    assert watched.errors == []


def test_hostile_entries_stay_text_among_the_neighbours(served_hostile: str, watched: Watched) -> None:
    from ..conftest import PWN

    page = watched.page
    framework = survey_of(ROOT).framework
    page.goto(served_hostile + PAGE)
    requested: list[str] = []
    page.on("request", lambda r: r.url.endswith(WORKS) and requested.append(r.url))
    answer(page, corner_answers(framework, -1))
    item = page.locator("li.ls-locator-neighbour[data-entry='hostile']")
    item.wait_for()  # the works come from the file the script fetched
    assert requested == [served_hostile + WORKS]
    assert item.count() == 1
    item.locator("summary").click()
    assert PWN in item.inner_text()  # shown, as text
    for link in item.locator("a").all():
        assert not (link.get_attribute("href") or "").lower().startswith("javascript")
    yaml_text = page.locator("#ls-locator-yaml").inner_text()
    assert "quadrant: " in yaml_text
    page.mouse.move(10, 10)
    assert page.evaluate("window.__pwned") is None
    assert watched.dialogs == [] and watched.errors == []


def test_an_estimate_of_zero_sits_on_the_dividing_line(served: str, watched: Watched) -> None:
    page = watched.page
    framework = survey_of(ROOT).framework
    first, second = framework.x.questions[:2]
    lowest = min(range(len(first.options)), key=lambda i: first.options[i].score)
    highest = max(range(len(second.options)), key=lambda i: second.options[i].score)
    assert first.options[lowest].score + second.options[highest].score == 0  # they cancel out
    page.goto(served + PAGE)
    answer(page, {first.id: lowest, second.id: highest, framework.y.questions[0].id: 0})
    assert "on the dividing line" in page.locator(f"#ls-estimate-{framework.x.key}").inner_text()
    assert page.locator("#ls-estimate-quadrant").inner_text().startswith("on a dividing line")
    assert page.locator("#ls-locator-status").inner_text().startswith("On a dividing line.")
    assert page.locator("#ls-locator-point").count() == 0
    assert not page.locator("#ls-locator-yaml").is_visible()
    assert watched.errors == []


def test_rounding_noise_never_picks_a_quadrant(tmp_path: Path, browser: Any, build_site: Any) -> None:
    """0.1 + 0.2 - 0.3 is not 0 in floating point; the estimate is, at the precision shown."""
    root = write_other(tmp_path / "p")
    extra = "".join(
        f"      - id: part-{i}\n        text: Part {i}?\n        options:\n          - {{text: This much, score: {s}}}\n"
        f"          - {{text: Nothing, score: 0}}\n"
        for i, s in enumerate((0.1, 0.2, -0.3))
    )
    text = (root / "framework.yml").read_text(encoding="utf-8").replace("  y:\n", extra + "  y:\n", 1)
    (root / "framework.yml").write_text(text, encoding="utf-8")
    server = _Quiet(build_site(root))
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    external = offline(ctx)
    try:
        page = ctx.new_page()
        watched = Watched(page)
        page.goto(server.url + PAGE)
        assert page.evaluate("0.1 + 0.2 - 0.3") != 0
        answer(page, {"part-0": 0, "part-1": 0, "part-2": 0, "who": 0})
        assert "on the dividing line" in page.locator("#ls-estimate-x").inner_text()
        assert page.locator("#ls-locator-point").count() == 0
        assert watched.errors == []
    finally:
        ctx.close()
        server.close()
    assert external == []


# -- the works file: fetched once, when first needed ------------------------------------------------


def test_the_works_are_fetched_once_and_only_after_an_answer(served: str, watched: Watched) -> None:
    page = watched.page
    framework = survey_of(ROOT).framework
    requested: list[str] = []
    page.on("request", lambda r: r.url.endswith(WORKS) and requested.append(r.url))
    page.goto(served + PAGE)
    page.wait_for_load_state("networkidle")
    assert requested == [], "a bare visit fetched the works"
    assert page.locator("#ls-locator-nearest-note").is_visible()
    # one axis answered: the works are on their way, the list still waits for the other axis
    first = framework.x.questions[0]
    answer(page, {first.id: 0})
    page.wait_for_load_state("networkidle")
    assert requested == [served + WORKS]
    assert not page.locator("#ls-locator-neighbours").is_visible()
    # every axis answered: the nearest works appear, from the one file fetched
    answers = corner_answers(framework, 1)
    answer(page, answers)
    items = page.locator("li.ls-locator-neighbour")
    items.first.wait_for()
    count = min(5, len({e.key for e in survey_of(ROOT).entries}))
    assert items.count() == count
    assert [items.nth(i).get_attribute("data-entry") for i in range(count)] == expected_neighbours(ROOT, 1, 1, count)
    answer(page, corner_answers(framework, -1))
    assert [items.nth(i).get_attribute("data-entry") for i in range(count)] == expected_neighbours(ROOT, -1, -1, count)
    page.wait_for_load_state("networkidle")
    assert requested == [served + WORKS], "the works were fetched more than once"
    assert watched.errors == []


def test_answers_in_the_address_fetch_the_works_at_load(served: str, watched: Watched) -> None:
    page = watched.page
    framework = survey_of(ROOT).framework
    requested: list[str] = []
    page.on("request", lambda r: r.url.endswith(WORKS) and requested.append(r.url))
    query = "&".join(f"{q}={i}" for q, i in corner_answers(framework, -1).items())
    page.goto(f"{served}{PAGE}?{query}")
    page.locator("li.ls-locator-neighbour").first.wait_for()
    count = min(5, len({e.key for e in survey_of(ROOT).entries}))
    ids = [page.locator("li.ls-locator-neighbour").nth(i).get_attribute("data-entry") for i in range(count)]
    assert ids == expected_neighbours(ROOT, -1, -1, count)
    assert requested == [served + WORKS]
    assert watched.errors == []


def test_without_the_works_file_everything_else_still_works(served: str, context: Any, tmp_path: Path) -> None:
    page = context.new_page()
    watched = Watched(page)
    page.route("**/" + WORKS, lambda route: route.abort())
    framework = survey_of(ROOT).framework
    page.goto(served + PAGE)
    answers = corner_answers(framework, -1)
    answer(page, answers)
    quadrant = next(q for q in framework.quadrants if (q.x, q.y) == (-1, -1))
    note = page.locator("#ls-locator-nearest-note")
    note.filter(has_text="could not be loaded").wait_for()
    assert note.is_visible() and note.get_attribute("role") == "status"
    assert not page.locator("#ls-locator-neighbours").is_visible()
    assert page.locator("li.ls-locator-neighbour").count() == 0
    # the estimate, the point on Figure 1, the entry and the proposal do not need the works
    assert page.locator("#ls-estimate-quadrant a").inner_text() == quadrant.title
    assert_point_in(page, framework, quadrant)
    yaml_text = page.locator("#ls-locator-yaml").inner_text()
    assert f"quadrant: {quadrant.id}\n" in yaml_text and "position: [-1, -1]\n" in yaml_text
    result = fill_and_validate(yaml_text, write_sample(tmp_path / "p"), "alpha2020open")
    assert result.returncode == 0, result.stdout + result.stderr
    params = parse_qs(urlsplit(page.locator("#ls-locator-propose").get_attribute("href")).query)
    assert params["quadrant"] == [quadrant.id] and params["position"] == ["[-1, -1]"]
    from axe_playwright_python.sync_playwright import Axe

    serious = [v["id"] for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    # the only faults are the blocked file's
    assert [e for e in watched.errors if WORKS not in e and "Failed to load resource" not in e] == []
    assert watched.dialogs == []
    page.close()


HOSTILE_URLS = [
    "javascript:window.__pwned=1",
    " javascript:window.__pwned=1",
    "\u0001javascript:window.__pwned=1",
    "\u0000javascript:window.__pwned=1",
    "java\tscript:window.__pwned=1",
    "javascript&colon;window.__pwned=1",
    "//evil.example/x",
    "\u0001//evil.example/x",
    "\u001f/evil.example/x",
    "\\\\evil.example/x",
    "/\\evil.example/x",
    "https://evil.example/x",
    "data:text/html,<img src=x onerror=window.__pwned=1>",
    "<img src=x onerror=window.__pwned=1>",
    "%2f%2fevil.example/x",
    "entries/\u0007x/",
]


@pytest.mark.parametrize("root", ["", "../"], ids=["at-root", "one-down"])
def test_a_works_file_never_links_off_the_site(served: str, watched: Watched, root: str) -> None:
    """Whatever a works file says, a neighbour's link is a plain path on this site: no scheme, no
    other host, no control character (the address parser drops some, so they could hide one)."""
    import json as _json
    import urllib.request

    page = watched.page
    framework = survey_of(ROOT).framework
    with urllib.request.urlopen(served + WORKS) as response:  # the local test server
        file = _json.loads(response.read())
    rows = file["entries"]
    file["columns"] = [*file["columns"][: len(rows[0])], "url"]
    file["entry_url"] = None
    for i, row in enumerate(rows):
        row.append(HOSTILE_URLS[i % len(HOSTILE_URLS)])
    body = _json.dumps(file)
    page.route("**/" + WORKS, lambda route: route.fulfill(status=200, content_type="application/json", body=body))

    def with_root(route: Any) -> None:  # the root as a page at the site's root would have it, or one folder down
        html = route.fetch().text()
        assert 'data-ls-root="../"' in html
        route.fulfill(status=200, content_type="text/html", body=html.replace('data-ls-root="../"', f'data-ls-root="{root}"'))

    page.route(served + PAGE, with_root)
    page.goto(served + PAGE)
    assert page.locator("#ls-locator-data").get_attribute("data-ls-root") == root
    answer(page, corner_answers(framework, 1))
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(200)
    hrefs = page.locator("li.ls-locator-neighbour a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    for href in hrefs:
        assert not any(ord(c) < 0x20 or c in " \\" for c in href), repr(href)
        assert ":" not in href.split("#")[0] or href.startswith(served), repr(href)
    resolved = page.locator("li.ls-locator-neighbour a").evaluate_all("as => as.map(a => a.href)")
    assert all(url.startswith(served) for url in resolved), resolved
    assert watched.errors == []


def test_the_entry_to_paste_carries_the_answers(served: str, browser: Any, tmp_path: Path) -> None:
    import yaml

    with offline_context(browser, ALLOWED_EXTERNAL, viewport={"width": 1280, "height": 900}) as ctx:
        page = ctx.new_page()
        quadrant, answers = place_corner(page, ROOT, served, -1)
        text = page.locator("#ls-locator-yaml").inner_text()
    doc = yaml.safe_load(text)
    assert doc["answers"] == {qid: {"option": index, "quote": 0} for qid, index in answers.items()}
    # filled in and without its position, the entry sits where the locator put it
    root = write_sample(tmp_path / "p")
    no_position = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("position:"))
    result = fill_and_validate(no_position, root, "alpha2020open")
    assert result.returncode == 0, result.stdout + result.stderr

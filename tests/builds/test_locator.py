"""Place your dataset: answer options in the framework, the locator page without JavaScript, its data.

The browser half (answers, estimate, Figure 1, neighbours, shared URLs, the entry to paste) is
in test_locator_browser.py.
"""

from __future__ import annotations

import json
import math
import re
import textwrap
from collections.abc import Callable
from html import unescape
from pathlib import Path

import pytest
import yaml
from mkdocs.exceptions import Abort

from living_survey import load_survey
from living_survey.core.problems import SurveyError
from living_survey.figure import auto_positions, display_positions, figure_inputs
from living_survey.figure.style import DODGE
from living_survey.model.addresses import LOCATOR
from living_survey.model.framework import load_framework
from living_survey.pages.kinds import site_pages

from ..conftest import ROOT, SAMPLE_BIB, SAMPLE_ENTRY, write_sample

OTHER_FRAMEWORK = """\
title: A different map
axes:
  x:
    name: Scope
    negative: {label: Narrow, summary: One task only.}
    positive: {label: Wide, summary: Many tasks at once.}
    questions:
      - id: tasks
        text: How many tasks does the data cover?
        options:
          - {text: Exactly one, score: -1}
          - {text: A handful, score: 0.25}
          - {text: As many as we could find, score: 1}
  y:
    name: Authority
    negative: {label: Crowd, summary: Anyone may label.}
    positive: {label: Expert, summary: Only trained experts label.}
    questions:
      - id: who
        text: Who writes the labels?
        hint: Think of the people, not the tool.
        options:
          - {text: Whoever turns up, score: -1}
          - {text: Vetted volunteers, score: -0.5}
          - {text: Paid specialists, score: 1}
      - id: checked
        text: Is every label checked by a second person?
        options:
          - {text: Never, score: -1}
          - {text: Always, score: 1}
quadrants:
  - {id: narrow-expert, title: Narrow and expert, x: -1, y: 1, summary: s, description: d}
  - {id: wide-expert, title: Wide and expert, x: 1, y: 1, summary: s, description: d}
  - {id: narrow-crowd, title: Narrow and crowd, x: -1, y: -1, summary: s, description: d}
  - {id: wide-crowd, title: Wide and crowd, x: 1, y: -1, summary: s, description: d}
"""
OTHER_BIB = SAMPLE_BIB + "".join(
    f"@misc{{{key},\n  author = {{Other, Olga}},\n  title = {{{title}}},\n  year = {{2024}}\n}}\n"
    for key, title in (("other2024one", "One more work"), ("other2024two", "Two more works"), ("other2024three", "Three more works"))
)
OTHER_ENTRIES = {
    "one": ("alpha2020open", "narrow-crowd", "[-0.6, -0.6]"),
    "two": ("delta2021named", "narrow-crowd", "[-0.2, -0.8]"),
    "three": ("source2023map", "wide-expert", "[0.7, 0.7]"),
    "four": ("other2024one", "wide-crowd", "[0.3, -0.4]"),
    "five": ("other2024two", "narrow-expert", "[-0.5, 0.5]"),
    "six": ("other2024three", "wide-expert", "[0.2, 0.9]"),
    # a second placement of the work of "one", nearer its corner: the work is listed once
    "seven": ("alpha2020open", "narrow-crowd", "[-0.7, -0.7]"),
}


def write_other(root: Path) -> Path:
    """A sample survey on a framework with other axes, poles, quadrants and questions."""
    entries = {
        name: SAMPLE_ENTRY.format(key=key, quadrant=quadrant, position=position, quote=f"quoted from {name}")
        for name, (key, quadrant, position) in OTHER_ENTRIES.items()
    }
    # the second placement is a contributor's: a placer places a work once
    entries["seven"] = entries["seven"].replace("placed_by: source2023map", 'placed_by: "@someone"')
    write_sample(root, entries=entries, bib=OTHER_BIB)
    (root / "framework.yml").write_text(OTHER_FRAMEWORK, encoding="utf-8")
    return root


def page_data(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="ls-locator-data"[^>]*>(.*?)</script>', html, re.S)
    assert found, "the locator page embeds its data"
    return json.loads(found.group(1))


def works_file(page: Path, html: str) -> tuple[Path, list[dict]]:
    """The works file the locator page names, and its rows as dicts, each ``url`` as the page links it."""
    attrs = re.search(r'<script type="application/json" id="ls-locator-data"([^>]*)>', html)
    assert attrs, "the locator page embeds its data"
    src = unescape(re.search(r'data-ls-works="([^"]*)"', attrs.group(1)).group(1))
    root = unescape(re.search(r'data-ls-root="([^"]*)"', attrs.group(1)).group(1))
    path = (page.parent / src).resolve()
    data = json.loads(path.read_text(encoding="utf-8"))
    columns = data["columns"]
    rows = []
    for row in data["entries"]:
        assert len(row) == len(columns), row
        item = dict(zip(columns, row, strict=True))
        item["quadrant"] = data["quadrants"][item["quadrant"]]
        relative = item["url"] if "url" in item else data["entry_url"][0] + item["id"] + data["entry_url"][1]
        assert not re.match(r"[a-z][a-z0-9+.-]*:|[/\\]", relative, re.I), relative  # on this site, relative
        item["url"] = root + relative
        rows.append(item)
    return path, rows


# -- the framework's questions ------------------------------------------------------------------


def test_every_question_of_the_shipped_framework_has_scored_options_reaching_both_poles() -> None:
    fw = load_framework(ROOT / "framework.yml", "framework.yml")
    ids = [q.id for axis in (fw.x, fw.y) for q in axis.questions]
    assert ids and len(ids) == len(set(ids))
    for axis in (fw.x, fw.y):
        assert axis.questions, f"{axis.name} has no questions to answer"
        for q in axis.questions:
            scores = [o.score for o in q.options if o.score is not None]  # None: leans neither way
            assert min(scores) == -1 and max(scores) == 1, q.id
            assert scores == sorted(scores), f"{q.id}: options run from one pole to the other"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda t: t.replace("id: checked", "id: tasks"), "axes.y.questions[1].id: 'tasks' is already used by axes.x.questions[0]"),
        (
            lambda t: t.replace("{text: Always, score: 1}", "{text: Never, score: 1}"),
            "axes.y.questions[1].options: 'Never' is listed twice",
        ),
        (
            lambda t: t.replace("{text: Always, score: 1}", "{text: Always, score: 2}"),
            "axes.y.questions[1].options[1].score: 2 is greater than the maximum of 1",
        ),
        (lambda t: t.replace("\n          - {text: Always, score: 1}", ""), "axes.y.questions[1].options: needs at least 2 items"),
        (lambda t: t.replace("id: who", "id: Who?"), "axes.y.questions[0].id: 'Who?' is not in the expected form"),
    ],
)
def test_bad_questions_are_reported_with_their_line(tmp_path: Path, change: Callable[[str], str], expected: str) -> None:
    path = tmp_path / "framework.yml"
    path.write_text(change(OTHER_FRAMEWORK), encoding="utf-8")
    with pytest.raises(SurveyError) as caught:
        load_framework(path, "framework.yml")
    messages = [str(p) for p in caught.value.problems]
    assert any(re.match(r"framework\.yml:\d+: ", m) and expected in m for m in messages), messages
    assert all(not m.startswith("framework.yml:0:") for m in messages)


# -- Figure 1 says where the data lie --------------------------------------------------------------


def _marker_centres(svg: str, inputs: dict) -> dict[str, tuple[float, float]]:
    """Each entry's marker centre in the figure pages show, in SVG units.

    Two drawings share the contract: matplotlib's (a ``<use>`` per ``ls-marker-<quadrant>-<n>``
    group) and the interactive map's (``<a class="ls-marker" data-ls-id>`` around circles).
    """
    out = {}
    for number, entry in enumerate(inputs["entries"], 1):
        mpl = re.search(rf'<g id="ls-marker-{entry["quadrant"]}-{number}">.*?<use [^>]*x="([^"]+)" y="([^"]+)"', svg, re.S)
        live = re.search(rf'data-ls-id="{entry["id"]}"[^>]*>.*?<circle class="ls-dot" cx="([^"]+)" cy="([^"]+)"', svg, re.S)
        found = mpl or live
        assert found, entry["id"]
        out[entry["id"]] = (float(found.group(1)), float(found.group(2)))
    return out


def test_the_figure_says_where_data_lie(real_site: Path) -> None:
    """data-ls-plot on the figure's root puts every marker of the real map where it is drawn
    (to a tenth of an SVG unit: the map writes its coordinates to one decimal)."""
    survey = load_survey(ROOT, ROOT / "framework.yml", ROOT / "entries", ROOT / "references.bib")
    inputs = figure_inputs(survey)
    source = real_site / "assets" / "map.svg"
    svg = (source if source.is_file() else real_site / "index.html").read_text(encoding="utf-8")
    x0, y0, x1, y1 = (float(v) for v in re.search(r'<svg [^>]*data-ls-plot="([^"]+)"', svg).group(1).split())
    # markers of different works at one point are dodged for display: the plot maps where each is
    # drawn, which stays within a few dodges of its true point
    drawn, true = display_positions(inputs), auto_positions(inputs)
    for entry_id, (cx, cy) in _marker_centres(svg, inputs).items():
        x, y = drawn[entry_id]
        assert math.dist((x, y), true[entry_id]) <= 3 * DODGE, entry_id
        assert cx == pytest.approx(x0 + (x + 1) / 2 * (x1 - x0), abs=0.1), entry_id
        assert cy == pytest.approx(y0 + (y + 1) / 2 * (y1 - y0), abs=0.1), entry_id


# -- the page, built by MkDocs ----------------------------------------------------------------------


def _radios(html: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="radio" name="([^"]+)" value="([^"]+)">', html):
        out.setdefault(name, []).append(value)
    return out


def test_the_page_works_without_javascript(real_site: Path) -> None:
    """Every question in its own fieldset and legend, every option with its score, and the method."""
    html = (real_site / "place-your-dataset" / "index.html").read_text(encoding="utf-8")
    fw = load_framework(ROOT / "framework.yml", "framework.yml")
    radios = _radios(html)
    for axis in (fw.x, fw.y):
        assert f">{axis.name}: {axis.negative.label} or {axis.positive.label}?" in html
        for q in axis.questions:
            fieldset = re.search(rf'<fieldset class="ls-question" id="ls-question-{q.id}"[^>]*>(.*?)</fieldset>', html, re.S)
            assert fieldset, q.id
            assert unescape(re.search(r"<legend>(.*?)</legend>", fieldset.group(1)).group(1)) == q.text
            assert radios[q.id] == [str(i) for i in range(len(q.options))]
            for option in q.options:
                assert unescape(fieldset.group(1)).count(option.text) == 1
    assert len(radios) == sum(len(a.questions) for a in (fw.x, fw.y))
    assert "How the estimate is computed" in html and "mean of the scores" in html
    assert "<noscript>" in html
    for q in fw.quadrants:
        assert f"<strong>{q.title}</strong> when" in unescape(html)
    # the script is ours, shipped with the site; the framework's data sit in the page, the works in a file
    assert re.search(r'<script src="\.\./assets/locator\.js" defer></script>', html)
    assert (real_site / "assets" / "locator.js").is_file()
    data = page_data(html)
    assert [a["name"] for a in data["axes"]] == [fw.x.name, fw.y.name]
    assert "entries" not in data
    path, works = works_file(real_site / "place-your-dataset" / "index.html", html)
    assert path == (real_site / "data" / "locator.json").resolve()
    assert len(works) == len(list((ROOT / "entries").glob("*.yaml")))


def test_the_page_is_linked_from_home_framework_quadrants_and_the_nav(real_site: Path) -> None:
    for page, href in (("index.html", "place-your-dataset/"), ("framework/index.html", "../place-your-dataset/")):
        article = (real_site / page).read_text(encoding="utf-8").split('<article class="md-content__inner', 1)[1]
        assert f'<a href="{href}">Place your dataset</a>' in article, page
    fw = load_framework(ROOT / "framework.yml", "framework.yml")
    for q in fw.quadrants:
        html = (real_site / "quadrants" / q.id / "index.html").read_text(encoding="utf-8")
        section = html[html.index('id="is-your-dataset-here"') : html.index('id="entries"')]
        assert '<a href="../../place-your-dataset/">Place your dataset</a>' in section
        assert '<a href="../../place-your-dataset/" class="md-nav__link">' in html


def test_a_different_framework_gives_its_own_locator(tmp_path: Path, build_site: Callable[..., Path]) -> None:
    root = write_other(tmp_path / "p")
    site = build_site(root)
    html = (site / "place-your-dataset" / "index.html").read_text(encoding="utf-8")
    assert _radios(html) == {"tasks": ["0", "1", "2"], "who": ["0", "1", "2"], "checked": ["0", "1"]}
    assert "Scope: Narrow or Wide?" in html and "Authority: Crowd or Expert?" in html
    assert 'aria-describedby="ls-hint-who"' in html and "Think of the people, not the tool." in html
    data = page_data(html)
    assert {q["id"] for q in data["quadrants"]} == {"narrow-expert", "wide-expert", "narrow-crowd", "wide-crowd"}
    _, works = works_file(site / "place-your-dataset" / "index.html", html)
    assert {e["id"] for e in works} == set(OTHER_ENTRIES)
    assert all(e["url"].startswith("../entries/") for e in works)
    assert {e["quadrant"] for e in works} <= {q["id"] for q in data["quadrants"]}
    assert data["proposal"] is None  # the sample repository is not on GitHub
    quadrant = (site / "quadrants" / "wide-crowd" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../../place-your-dataset/">Place your dataset</a>' in quadrant


def test_no_questions_no_locator(tmp_path: Path, build_site: Callable[..., Path]) -> None:
    root = write_other(tmp_path / "p")
    text = (root / "framework.yml").read_text(encoding="utf-8")
    start, end = text.index("    questions:\n      - id: tasks"), text.index("  y:\n")
    (root / "framework.yml").write_text(text[:start] + text[end:], encoding="utf-8")
    survey = load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")
    assert site_pages(survey).get(LOCATOR) is None
    site = build_site(root)
    assert not (site / "place-your-dataset").exists()
    assert "Place your dataset" not in (site / "quadrants" / "wide-crowd" / "index.html").read_text(encoding="utf-8")


def test_hostile_framework_text_stays_text(tmp_path: Path, build_site: Callable[..., Path]) -> None:
    root = write_other(tmp_path / "p")
    evil = "</script><script>window.__pwned=1</script> @alpha2020open <b>x</b>"
    text = (root / "framework.yml").read_text(encoding="utf-8").replace("{text: Never, score: -1}", f"{{text: '{evil}', score: -1}}")
    (root / "framework.yml").write_text(text, encoding="utf-8")
    html = (build_site(root) / "place-your-dataset" / "index.html").read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in html and "<b>x</b>" not in html
    assert "&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt; &#64;alpha2020open" in html
    data = page_data(html)  # the JSON still parses and holds the text as it was written
    assert evil in [o["text"] for q in data["axes"][1]["questions"] for o in q["options"]]
    script = re.search(r'id="ls-locator-data"[^>]*>(.*?)</script>', html, re.S).group(1)
    assert "<" not in script and "@" not in script


def test_the_proposal_form_is_found_on_github_only(tmp_path: Path) -> None:
    from living_survey.pages.locator import proposal_form

    form = proposal_form(ROOT, "https://github.com/alignment-coordinates/alignment-coordinates")
    assert form == {
        "url": "https://github.com/alignment-coordinates/alignment-coordinates/issues/new",
        "template": "propose-entry.yml",
        "fields": ["quadrant", "position", "rationale"],
    }
    assert proposal_form(ROOT, "https://gitlab.com/a/b") is None
    assert proposal_form(tmp_path, "https://github.com/a/b") is None
    folder = tmp_path / ".github" / "ISSUE_TEMPLATE"
    folder.mkdir(parents=True)
    (folder / "bug.yml").write_text("name: Bug\nbody:\n  - type: input\n    id: what\n", encoding="utf-8")
    (folder / "zz-place.yml").write_text(
        textwrap.dedent(
            """\
            name: Place
            body:
              - {type: input, id: position}
              - {type: dropdown, id: quadrant}
            """
        ),
        encoding="utf-8",
    )
    assert proposal_form(tmp_path, "https://github.com/a/b.git") == {
        "url": "https://github.com/a/b/issues/new",
        "template": "zz-place.yml",
        "fields": ["quadrant", "position"],
    }
    assert proposal_form(tmp_path, "https://github.com/a/b/") == proposal_form(tmp_path, "https://github.com/a/b.git")


def test_the_form_dropdowns_that_ask_the_framework_questions_are_prefilled(tmp_path: Path) -> None:
    from living_survey.pages.locator import proposal_choices

    framework = load_framework(ROOT / "framework.yml", "framework.yml", ROOT)
    questions = {q.id: q for axis in framework.axes for q in axis.questions}
    choices = proposal_choices(ROOT, "propose-entry.yml", framework)
    # the shipped form asks every question, offering every option word for word
    assert choices == {qid: [o.text for o in q.options] for qid, q in questions.items()}
    assert proposal_choices(ROOT, "no-such-form.yml", framework) == {}
    qid, question = next(iter(questions.items()))
    folder = tmp_path / ".github" / "ISSUE_TEMPLATE"
    folder.mkdir(parents=True)
    form = {
        "name": "Place",
        "body": [
            {"type": "dropdown", "id": "quadrant", "attributes": {"options": ["a"]}},
            {"type": "input", "id": "position"},
            # an option the framework does not have is never chosen; the others are kept in the form's order
            {
                "type": "dropdown",
                "id": qid,
                "attributes": {"options": [question.options[-1].text, "Something else", question.options[0].text]},
            },
            {"type": "dropdown", "id": "not-a-question", "attributes": {"options": [question.options[0].text]}},
        ],
    }
    (folder / "place.yml").write_text(yaml.safe_dump(form), encoding="utf-8")
    assert proposal_choices(tmp_path, "place.yml", framework) == {qid: [question.options[-1].text, question.options[0].text]}


def test_a_docs_page_in_the_way_of_the_locator_stops_the_build(tmp_path: Path, build_site: Callable[..., Path]) -> None:
    """A docs page of the same name would clash with the generated page: the build says so."""
    root = write_sample(tmp_path / "p")
    (root / "docs" / "place-your-dataset.md").write_text("# Mine\n", encoding="utf-8")
    with pytest.raises(Abort):
        build_site(root)


def test_answer_options_are_our_own_words() -> None:
    """No run of eight words in a question's options is copied from the source paper."""
    from ..conftest import source_text

    text = source_text("the answer options do not copy its wording")

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9']+", text.lower())

    source = " " + " ".join(words(text)) + " "
    fw = load_framework(ROOT / "framework.yml", "framework.yml")
    for axis in (fw.x, fw.y):
        for q in axis.questions:
            for option in q.options:
                w = words(option.text)
                for i in range(len(w) - 7):
                    assert " " + " ".join(w[i : i + 8]) + " " not in source, (q.id, option.text)


def test_every_address_in_the_data_resolves_with_either_url_style(tmp_path: Path, build_site: Callable[..., Path]) -> None:
    for directory_urls in (True, False):
        root = write_other(tmp_path / f"p{directory_urls}")
        config = (root / "mkdocs.yml").read_text(encoding="utf-8")
        (root / "mkdocs.yml").write_text(config + f"use_directory_urls: {str(directory_urls).lower()}\n", encoding="utf-8")
        site = build_site(root)
        page = site / ("place-your-dataset/index.html" if directory_urls else "place-your-dataset.html")
        html = page.read_text(encoding="utf-8")
        data = page_data(html)
        _, works = works_file(page, html)
        urls = [e["url"] for e in works] + [q["url"] for q in data["quadrants"]]
        script = re.search(r'<script src="([^"]+)" defer></script>', html).group(1)
        works_src = unescape(re.search(r'data-ls-works="([^"]+)"', html).group(1))
        for url in [*urls, script, works_src]:
            target = (page.parent / url).resolve()
            assert (target / "index.html" if url.endswith("/") else target).is_file(), (directory_urls, url)


# -- the works file: the page stays light whatever the survey's size ----------------------------------


def test_the_page_does_not_grow_with_the_survey_and_the_works_file_lists_every_entry(
    tmp_path: Path, build_site: Callable[..., Path]
) -> None:
    """The page holds no work; ``data/locator.json`` holds each entry once, with a link on the site."""
    from living_survey.pages.locator import EXCERPT

    from ..conftest import write_synthetic

    sizes = {}
    for count in (8, 240):
        root = write_synthetic(tmp_path / f"p{count}", count)
        site = build_site(root)
        page = site / "place-your-dataset" / "index.html"
        html = page.read_text(encoding="utf-8")
        path, works = works_file(page, html)
        survey = load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")
        assert sorted(e["id"] for e in works) == sorted(e.id for e in survey.entries)  # every entry, once
        by_key: dict[str, set[int]] = {}
        for e in works:
            assert (page.parent / e["url"] / "index.html").resolve().is_file(), e["url"]
            assert e["quadrant"] == survey.entry(e["id"]).quadrant
            assert -1 <= e["x"] <= 1 and -1 <= e["y"] <= 1
            assert 0 < len(e["rationale"]) <= EXCERPT
            by_key.setdefault(survey.entry(e["id"]).key, set()).add(e["work"])
        assert all(len(w) == 1 for w in by_key.values()) and len({w for ws in by_key.values() for w in ws}) == len(by_key)
        for e in works:  # no entry's text is in the page
            assert e["rationale"] not in html
        sizes[count] = (page.stat().st_size, path.stat().st_size)
    (small_page, small_works), (large_page, large_works) = sizes[8], sizes[240]
    assert large_page < 150_000 and abs(large_page - small_page) < 2_000, sizes
    assert large_works > 10 * small_works, sizes
    # the same survey gives the same bytes
    again = build_site(write_synthetic(tmp_path / "again", 8))
    assert (again / "data" / "locator.json").read_bytes() == (tmp_path / "p8" / "site" / "data" / "locator.json").read_bytes()


def test_an_excerpt_is_cut_between_words() -> None:
    from living_survey.pages.locator import EXCERPT, _plain

    survey = load_survey(ROOT, ROOT / "framework.yml", ROOT / "entries", ROOT / "references.bib")
    text = " ".join(f"word{i}" for i in range(EXCERPT))
    excerpt = _plain(text, survey)
    assert len(excerpt) <= EXCERPT and excerpt.endswith("…")
    kept = excerpt[:-1]
    assert text.startswith(kept) and text[len(kept)] == " " and kept.count(" ") > 10
    assert _plain("A *short* rationale, [linked](https://example.org/).", survey) == "A short rationale, linked."


def test_hostile_entries_reach_the_works_file_as_text(hostile_site: Path) -> None:
    from ..conftest import PWN

    page = hostile_site / "place-your-dataset" / "index.html"
    html = page.read_text(encoding="utf-8")
    path, works = works_file(page, html)
    hostile = next(e for e in works if e["id"] == "hostile")
    assert f"<script>{PWN}</script>" in hostile["rationale"]  # kept as written: the script sets it as text
    assert PWN not in html
    assert all(e["url"].startswith("../entries/") for e in works)
    assert json.loads(path.read_text(encoding="utf-8"))["entries"]

"""Answers on the pages: each entry's answers with evidence, disagreement per question, agreement."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from markupsafe import Markup

from living_survey import load_survey
from living_survey.core.problems import SurveyError
from living_survey.model.answers import agreement, differences, evidence_html, evidence_text, nominal_alpha

from ..conftest import SAMPLE_ENTRY, write_sample


def test_alpha_matches_krippendorffs_worked_example() -> None:
    """Krippendorff's own nominal example (four coders, twelve units, alpha 0.743)."""
    coders = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    units = [[row[u] for row in coders if row[u] is not None] for u in range(12)]
    alpha = nominal_alpha(units)
    assert alpha is not None and round(alpha, 3) == 0.743


def test_alpha_is_undefined_without_variation_or_pairs() -> None:
    assert nominal_alpha([]) is None
    assert nominal_alpha([[1], [2]]) is None  # no unit with two values
    assert nominal_alpha([[1, 1], [1, 1]]) is None  # one value throughout
    disagreeing = nominal_alpha([[0, 1], [1, 0]])
    assert disagreeing is not None and disagreeing < 0  # systematic disagreement is worse than chance


def _entry(quote: str, answers: str, placed_by: str = "source2023map") -> str:
    text = SAMPLE_ENTRY.format(key="alpha2020open", quadrant="broad-descriptive", position="[]", quote=quote).replace("position: []\n", "")
    return text.replace("placed_by: source2023map", f'placed_by: "{placed_by}"') + answers


FIRST = """\
answers:
  target:
    option: 0
    quote: 0
  meaning:
    option: 0
    quote: 0
"""
SECOND = """\
answers:
  target:
    option: 1
    page: "7"
    note: the guidelines <b>name</b> fluency as one thing to weigh
  meaning:
    option: 0
    quote: 0
"""


def _project(tmp_path: Path) -> Path:
    return write_sample(
        tmp_path / "p",
        entries={
            "alpha-2020": _entry("which output is better, zanzibar", FIRST),
            "alpha-2020-player": _entry("pick the reply you like", SECOND, placed_by="@player"),
        },
    )


def test_differences_and_agreement_from_two_placements(tmp_path: Path) -> None:
    root = _project(tmp_path)
    survey = load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")
    work = survey.work_of(survey.entry("alpha-2020"))
    rows = differences(work.placements, survey.framework)
    assert [r["id"] for r in rows] == ["target"]  # the other answered question agrees
    sides = {s["entry"]: s for s in rows[0]["sides"]}
    assert sides["alpha-2020"]["evidence"] == "p. 3: \u201cwhich output is better, zanzibar\u201d"
    assert sides["alpha-2020-player"]["evidence"].startswith("p. 7: the guidelines")
    by_id = {a.question.id: a for a in agreement([work.placements], survey.framework)}
    assert by_id["target"].works == 1 and by_id["target"].alpha is not None and by_id["target"].alpha < 1
    assert by_id["meaning"].alpha is None and "same option" in by_id["meaning"].note
    assert by_id["aim"].works == 0


def test_an_answer_may_point_to_the_abstract_or_a_section(tmp_path: Path) -> None:
    """Evidence without a quote may be the abstract or a locator, as a quote's may; a quote read by its
    locator shows the locator, never a missing page."""
    answers = """\
answers:
  target:
    option: 1
    page: abstract
    note: the abstract names fluency
  meaning:
    option: 0
    locator: "§3.2"
    note: no definitions are given to raters
  aim:
    option: 0
    quote: 0
"""
    entry = _entry("pick the reply you like", answers).replace('page: "3"', 'locator: "para. 4"')
    assert 'locator: "para. 4"' in entry
    root = write_sample(tmp_path / "p", entries={"alpha-2020": entry})
    survey = load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")
    placed = survey.entry("alpha-2020")
    by_id = {a.question: a for a in placed.answers}
    assert evidence_text(placed, by_id["target"]) == "abstract: the abstract names fluency"
    assert evidence_text(placed, by_id["meaning"]) == "\u00a73.2: no definitions are given to raters"
    assert evidence_text(placed, by_id["aim"]) == "para. 4: \u201cpick the reply you like\u201d"
    html_text = str(evidence_html(placed, by_id["meaning"], lambda q: Markup("x")))
    assert html_text == "\u00a73.2: no definitions are given to raters"


def test_an_answer_without_a_quote_needs_a_place_and_a_note(tmp_path: Path) -> None:
    answers = """\
answers:
  target:
    option: 1
    locator: "§3.2"
"""
    root = write_sample(tmp_path / "p", entries={"alpha-2020": _entry("pick the reply you like", answers)})
    with pytest.raises(SurveyError) as caught:
        load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")
    assert "answers.target: gives no evidence" in str(caught.value)


def _text(path: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def test_pages_show_answers_evidence_and_differences(tmp_path: Path, build_site: Callable[..., Path]) -> None:
    root = _project(tmp_path)
    site = build_site(root)
    entry = (site / "entries" / "alpha-2020" / "index.html").read_text(encoding="utf-8")
    assert 'id="answers"' in entry
    flat = " ".join(_text(site / "entries" / "alpha-2020" / "index.html").split())
    # the evidence quote carries its author and page, as every quote on the site does
    expected = "Who decides what counts? The people giving feedback. No definitions are given. ( which output is better, zanzibar"
    assert expected + " \u2014 Alpha et al. (2020) , p. 3 )" in flat
    assert "follows from these answers" in flat
    # the other placement answered "What are people asked to judge?" differently: both sides, with evidence
    assert "This placement: An overall verdict, such as better" in flat and "alpha-2020-player: An overall verdict, though" in flat
    contested = (site / "contested" / "index.html").read_text(encoding="utf-8")
    part = contested[contested.index('id="answered-differently"') : contested.index('id="agreement"')]
    flat = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", part)).split())
    assert "What are people asked to judge? (Dimensions)" in flat
    assert (
        "alpha-2020 : An overall verdict, such as better" in flat
        and "( which output is better, zanzibar \u2014 Alpha et al. (2020), p. 3 )" in flat
    )
    assert "alpha-2020-player : An overall verdict, though" in flat and "(p. 7: the guidelines <b>name</b> fluency" in flat
    assert "Who decides what counts?" not in flat  # answered alike: not a difference
    # contributed text is escaped, never markup
    assert "<b>name</b>" not in contested and "&lt;b&gt;name&lt;/b&gt;" in contested


def test_a_placement_without_position_builds_at_its_answers_point(tmp_path: Path, build_site: Callable[..., Path]) -> None:
    import json

    from living_survey.model.scoring import point

    root = _project(tmp_path)
    site = build_site(root)
    survey = load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")
    works = json.loads((site / "data" / "locator.json").read_text(encoding="utf-8"))
    at = {name: i for i, name in enumerate(works["columns"])}
    drawn = {row[at["id"]]: (row[at["x"]], row[at["y"]]) for row in works["entries"]}
    for entry in survey.entries:
        assert entry.computed
        assert drawn[entry.id] == point(survey.framework, {a.question: a.option for a in entry.answers})

"""The shipped survey against its source: every placed work, every quote verbatim."""

from __future__ import annotations

import re
import unicodedata

import pytest

from living_survey import load_survey

from .conftest import ROOT, SEED

SOURCE_KEY = "kirk2023empty"
# Table 1 of the source, by quadrant: the works it situates there.
TABLE_1 = {
    "broad-prescriptive": {"stiennon2020learning", "wu2021recursively", "ziegler2019fine", "menick2022teaching"},
    "specific-prescriptive": {"openai2023snapshot", "lu2022towards", "thoppilan2022lamda", "nakano2021webgpt"},
    "broad-descriptive": {"zheng2023lmsys", "stanfordnlp2023stanford", "bakker2022fine", "liu2022aligning", "liu2023second"},
    "specific-descriptive": {"openai2023gpt", "ganguli2022red", "askell2021general", "bai2022training", "bai2022constitutional"},
}


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    for a, b in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'"), ("–", "-"), ("—", "-")):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def survey():
    return load_survey(ROOT, ROOT / "framework.yml", ROOT / "entries", ROOT / "references.bib")


def test_every_work_of_table_1_is_in_its_quadrant(survey) -> None:
    placed = {q: {e.key for e in survey.entries if e.quadrant == q} for q in TABLE_1}
    assert placed == TABLE_1
    assert len(survey.entries) == 18


def test_entries_are_placed_by_the_source_with_rationale_and_signal(survey) -> None:
    for entry in survey.entries:
        assert entry.placed_by == SOURCE_KEY
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", entry.rationale.strip()) if s]
        assert 2 <= len(sentences) <= 5, entry.id
        assert entry.position is not None and entry.signal, entry.id


def test_every_quote_is_verbatim_in_the_source() -> None:
    if not SEED.is_file():
        pytest.skip(f"the source paper's text is not at {SEED}; quotes cannot be checked here")
    source = normalise(SEED.read_text(encoding="utf-8"))
    survey = load_survey(ROOT, ROOT / "framework.yml", ROOT / "entries", ROOT / "references.bib")
    for entry in survey.entries:
        for quote in entry.quotes:
            assert normalise(quote.text) in source, (entry.id, quote.text)


def test_hedged_placements_sit_near_a_divider_and_extremes_deep(survey) -> None:
    for entry in survey.entries:
        if entry.edge_case:
            assert min(abs(entry.position[0]), abs(entry.position[1])) <= 0.5, entry.id
    extreme = survey.entry("liu-2023")
    assert extreme.position == (-0.95, -0.95)

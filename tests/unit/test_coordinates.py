"""The launch placements' coordinates follow from their answers, and the answers from the source.

Table 1 of the source is read from its text (the seed file): each cell's works are its numbered
citations, matched to our bibliography by title through the source's reference list. Every work
the source situates must be placed by the source's placement with answers on both axes, and the
point its answers give must lie in the quadrant of its cell. Tests that need the source's text skip
with the reason when it is absent. Nothing here counts entries: a contribution adds placements of
its own (placed by someone else), which these rules leave alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from living_survey import load_survey
from living_survey.model.scoring import point

from ..conftest import ROOT, SEED
from .test_content import SOURCE_KEY, normalise

CITATION = re.compile(r"\[(?:p\.[0-9-]+,\s*)?([1-9][0-9]*)\]")
"""A numbered citation in the source: "[62]", or "[p.21, 62]" with a page of the cited work ("[0]ur", a
slip for "[O]ur", is none)."""
REFERENCE = re.compile(r"^- (?:\[([0-9]+)\] )?(.*)$")


@pytest.fixture(scope="module")
def seed() -> str:
    if not SEED.is_file():
        pytest.skip(f"the source paper's text is not at {SEED}; Table 1 cannot be read here")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def survey():
    return load_survey(ROOT, ROOT / "framework.yml", ROOT / "entries", ROOT / "references.bib")


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", normalise(text).lower()))


def table_1(seed: str) -> dict[tuple[str, str], set[int]]:
    """{(column label, row label): reference numbers} for the four cells of Table 1."""
    table = seed[seed.index("Table 1:") : seed.index("\n3 Discussion")]
    header = next(line for line in table.splitlines() if line.startswith("\t") and "Broad" in line and "Specific" in line)
    columns = [cell.strip() for cell in header.split("\t") if cell.strip()]
    cells: dict[tuple[str, str], set[int]] = {}
    for line in table.splitlines():
        parts = line.split("\t")
        if len(parts) != 1 + len(columns) or not parts[0].strip():
            continue
        row = parts[0].split()[0]
        for column, cell in zip(columns, parts[1:], strict=True):
            cells[(column, row)] = {int(n) for n in CITATION.findall(cell)}
    return cells


def references(seed: str) -> dict[int, str]:
    """The source's reference list by number (the first entry lost its number in the text: [1])."""
    out = {}
    for line in seed[seed.index("\nReferences\n") :].splitlines():
        match = REFERENCE.match(line)
        if match:
            out[int(match.group(1)) if match.group(1) else 1] = _words(match.group(2))
    return out


def quadrant_of(survey, column: str, row: str) -> str:
    """The framework's quadrant whose poles are named as Table 1 names its column and row."""
    fw = survey.framework
    sx = -1 if fw.x.negative.label == column else 1 if fw.x.positive.label == column else 0
    sy = -1 if fw.y.negative.label == row else 1 if fw.y.positive.label == row else 0
    assert sx and sy, f"Table 1's {column!r} and {row!r} are not poles of the framework"
    return next(q.id for q in fw.quadrants if (q.x, q.y) == (sx, sy))


def test_table_1_is_read_from_the_source(seed: str, survey) -> None:
    cells = table_1(seed)
    assert len(cells) == 4 and all(cells.values())
    assert {quadrant_of(survey, c, r) for c, r in cells} == set(survey.framework.quadrant_ids)


def test_every_work_of_table_1_has_answers_whose_point_is_in_its_quadrant(seed: str, survey) -> None:
    refs = references(seed)
    # a work is matched by its title, or by its arXiv number where our record's title is the published one
    titles = {key: (_words(ref.title), _words(ref.arxiv)) for key, ref in survey.library.references.items()}
    launch = {e.key: e for e in survey.entries if e.placed_by == SOURCE_KEY}
    checked = 0
    for (column, row), numbers in table_1(seed).items():
        quadrant = survey.framework.quadrant(quadrant_of(survey, column, row))
        for number in sorted(numbers):
            keys = [key for key, (title, arxiv) in titles.items() if (title and title in refs[number]) or (arxiv and arxiv in refs[number])]
            assert len(keys) == 1, (number, refs[number][:80], keys)
            entry = launch.get(keys[0])
            assert entry is not None, f"[{number}] ({keys[0]}) has no placement by the source"
            assert entry.quadrant == quadrant.id, entry.id
            chosen = {a.question: a.option for a in entry.answers}
            x, y = point(survey.framework, chosen)
            assert x is not None and y is not None, f"{entry.path}: answers do not cover both axes"
            assert (x * quadrant.x > 0, y * quadrant.y > 0) == (True, True), (entry.id, (x, y), quadrant.id)
            checked += 1
    assert checked == len({n for ns in table_1(seed).values() for n in ns})


def test_every_answer_of_the_source_placements_cites_a_quote_of_the_source(survey) -> None:
    """The launch answers rest on the source's words: each cites a quote read in the source."""
    for entry in survey.entries:
        if entry.placed_by != SOURCE_KEY:
            continue
        assert entry.answers, entry.id
        for answer in entry.answers:
            assert answer.quote is not None, (entry.id, answer.question)
            quote = entry.quotes[answer.quote]
            assert SOURCE_KEY in (quote.cite, quote.via), (entry.id, answer.question)


def test_answers_settle_the_disputed_positions(survey) -> None:
    """Works the source describes in the same sentences answer alike; where it hedges nothing, no hedge."""

    def answers(entry_id: str) -> dict[str, int]:
        return {a.question: a.option for a in survey.entry(entry_id).answers}

    fw = survey.framework
    # Stiennon et al. and Wu et al. share their sentences in the source: the same answers, the same point
    assert answers("stiennon-2020") == answers("wu-2021")
    assert point(fw, answers("stiennon-2020")) == point(fw, answers("wu-2021"))
    # nothing in the source separates the two Liu et al. evaluations on Definitions
    assert point(fw, answers("liu-2022"))[1] == point(fw, answers("liu-2022-second"))[1]
    # SHP: "a very broad and descriptive signal of preference"; no edge-case hedge
    x, y = point(fw, answers("stanfordnlp-2023"))
    assert x == -1 and y == -1 and survey.entry("stanfordnlp-2023").edge_case is None
    # wu-2021 is no nearer the line than the work it shares its sentences with
    assert abs(survey.entry("wu-2021").position[0]) >= abs(survey.entry("stiennon-2020").position[0])


def test_a_given_position_stays_within_the_nudge(survey) -> None:
    nudge = survey.framework.scoring.nudge
    for entry in survey.entries:
        if not entry.answers or entry.computed or entry.position is None:
            continue
        computed = point(survey.framework, {a.question: a.option for a in entry.answers})
        for given, value in zip(entry.position, computed, strict=True):
            assert value is None or abs(given - value) <= nudge + 1e-9, entry.id


def test_the_seed_reader_finds_the_citation_forms(tmp_path: Path) -> None:
    assert CITATION.findall("seek [62] and [p.21, 62] and [p.8-9, 19]") == ["62", "62", "19"]


# -- corrections found in the review, each against the source where it settles them --------------


def test_references_corrected(survey) -> None:
    lib = survey.library
    assert "christiano2021clarifying" not in lib and lib["christiano2018clarifying"].get("year") == "2018"
    second = lib["liu2022second"]
    assert second.get("year") == "2022" and "Neural Information Processing Systems" in second.venue
    assert second.label == "Liu et al., 2022b" and "liu2023second" not in lib
    turing = lib["turing1947lecture"]
    assert turing.get("pages") in ("", None) and turing.get("booktitle") == "The Essential Turing" and "2004" in turing.get("note")
    for key in ("bakker2022fine", "stiennon2020learning"):
        assert "Neural Information Processing Systems" in lib[key].venue, key
    assert lib["stiennon2020learning"].title == "Learning to summarize with human feedback"


def test_the_old_liu_id_resolves_through_a_redirect(survey) -> None:
    import yaml

    assert survey.entry("liu-2022-second").key == "liu2022second"
    listed = (ROOT / "permanent-ids.txt").read_text(encoding="utf-8").split()
    assert "entries/liu-2023" in listed and "entries/liu-2022-second" in listed
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    plugins = yaml.load(config, Loader=yaml.SafeLoader)["plugins"]  # noqa: S506 - SafeLoader
    maps = next(p["redirects"]["redirect_maps"] for p in plugins if isinstance(p, dict) and "redirects" in p)
    assert maps["entries/liu-2023.md"] == "entries/liu-2022-second.md"


def test_stiennon_and_wu_share_the_sentences_the_source_gives_both(seed: str, survey) -> None:
    shared = 'Stiennon et al. [62] and Wu et al. [67] very generally seek "good" summaries, asking annotators "which summary is best".'
    assert normalise(shared) in normalise(seed)
    for entry_id in ("stiennon-2020", "wu-2021"):
        entry = survey.entry(entry_id)
        texts = [q.text for q in entry.quotes]
        assert shared in texts, entry_id
        # no quote gives the shared words to one of the two works alone
        for quote in entry.quotes:
            if "which summary is best" in quote.text or "given it is X words long" in quote.text:
                assert quote.cite == SOURCE_KEY, (entry_id, quote.text)


def test_a_slip_in_the_source_is_marked_sic(seed: str, survey) -> None:
    assert "[0]ur goal" in seed  # the source prints a zero for the capital O
    for entry in survey.entries:
        for quote in entry.quotes:
            if "[0]ur" in quote.text:
                assert "[0]ur [sic]" in quote.text, entry.id


def test_every_second_hand_quote_gives_the_page_the_source_prints(seed: str, survey) -> None:
    from .test_content import as_printed, mark_near, occurrences

    lines = [normalise(line) for line in seed.splitlines()]
    for entry in survey.entries:
        if entry.placed_by != SOURCE_KEY:
            continue
        for quote in entry.quotes:
            if quote.via != SOURCE_KEY:
                continue
            words = normalise(as_printed(quote.text))
            given = {mark_near(line, at, at + len(words)) for line in lines for at in occurrences(line, words)} - {None}
            if given:
                assert quote.cited_page in given, (entry.id, quote.text[:40], given)


def test_overreach_is_reworded() -> None:
    framework = (ROOT / "framework.yml").read_text(encoding="utf-8")
    docs = (ROOT / "docs" / "framework.md").read_text(encoding="utf-8")
    for text in (framework, docs):
        flat = " ".join(text.split())
        for phrase in (
            "on those traits alone",
            "on those alone",
            "the most top-down position",
            "makes the designers' priorities explicit",
            "depends entirely on who happens",
            "disagreement becomes something to study",
            "the safer",
            "aligned with almost anything",
            "argue only that",
            "sign up to precisely because",
        ):
            assert phrase not in flat, phrase


def test_hedge_notes_follow_the_source(survey) -> None:
    assert "a bit of an edge case" in survey.entry("wu-2021").edge_case
    assert "length" in (survey.entry("stiennon-2020").edge_case or "")


def test_cards_lead_with_evidence_for_the_placement(survey) -> None:
    from living_survey.pages.page_content import card_quote

    for entry in survey.entries:
        cited = {a.quote for a in entry.answers if a.quote is not None}
        if cited and entry.placed_by == SOURCE_KEY:
            assert entry.quotes.index(card_quote(entry)) in cited, entry.id

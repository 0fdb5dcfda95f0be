"""The shipped survey against its source: every placed work, every quote verbatim."""

from __future__ import annotations

import re
import unicodedata

import pytest
import yaml

from living_survey import load_survey
from living_survey.model.bibliography import name_list, parse_bibliography

from ..conftest import ROOT, source_text

SOURCE_KEY = "kirk2023empty"
# Table 1 of the source, by quadrant: the works it situates there.
TABLE_1 = {
    "broad-prescriptive": {"stiennon2020learning", "wu2021recursively", "ziegler2019fine", "menick2022teaching"},
    "specific-prescriptive": {"openai2023snapshot", "lu2022towards", "thoppilan2022lamda", "nakano2021webgpt"},
    "broad-descriptive": {"zheng2023lmsys", "stanfordnlp2023stanford", "bakker2022fine", "liu2022aligning", "liu2022second"},
    "specific-descriptive": {"openai2023gpt", "ganguli2022red", "askell2021general", "bai2022training", "bai2022constitutional"},
}


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    for a, b in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'"), ("–", "-"), ("—", "-")):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip()


SIC = " [sic]"
"""Our mark after a slip the source prints (its "[0]ur"), left out when a quote is compared with it."""


def as_printed(quote: str) -> str:
    """A quote as the source prints it: without our [sic] marks."""
    return quote.replace(SIC, "")


def source_placements(survey) -> list:
    """The launch content: the placements the source paper made itself (contributions add others)."""
    return [e for e in survey.entries if e.placed_by == SOURCE_KEY]


def check_table_1(survey) -> None:
    """The source's placements are exactly the works of its Table 1, each in its quadrant, once."""
    launch = source_placements(survey)
    placed = {q: {e.key for e in launch if e.quadrant == q} for q in TABLE_1}
    assert placed == TABLE_1
    assert sorted(e.key for e in launch) == sorted(key for keys in TABLE_1.values() for key in keys)


def check_source_placements_are_complete(survey) -> None:
    for entry in source_placements(survey):
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", entry.rationale.strip()) if s]
        assert 2 <= len(sentences) <= 5, entry.id
        assert entry.position is not None and entry.signal, entry.id


def check_hedged_placements(survey) -> None:
    for entry in source_placements(survey):
        if entry.edge_case:
            assert min(abs(entry.position[0]), abs(entry.position[1])) <= 0.5, entry.id
    extreme = survey.entry("liu-2022-second")
    assert extreme.placed_by == SOURCE_KEY and extreme.position == (-0.95, -0.95)


def check_quotes_are_verbatim(survey) -> None:
    """Every quote of the source's placements is in the source's text (read from the seed)."""
    source = normalise(source_text("the source's placements quote it verbatim"))
    for entry in source_placements(survey):
        for quote in entry.quotes:
            assert normalise(as_printed(quote.text)) in source, (entry.id, quote.text)


def check_launch_content(survey) -> None:
    """Every rule about the launch content, for a survey that may have grown since."""
    check_table_1(survey)
    check_source_placements_are_complete(survey)
    check_hedged_placements(survey)


@pytest.fixture(scope="module")
def survey():
    return load_survey(ROOT, ROOT / "framework.yml", ROOT / "entries", ROOT / "references.bib")


def test_every_work_of_table_1_is_in_its_quadrant(survey) -> None:
    check_table_1(survey)


def test_entries_are_placed_by_the_source_with_rationale_and_signal(survey) -> None:
    assert source_placements(survey)
    check_source_placements_are_complete(survey)


def test_every_quote_is_verbatim_in_the_source(survey) -> None:
    check_quotes_are_verbatim(survey)


def test_hedged_placements_sit_near_a_divider_and_extremes_deep(survey) -> None:
    check_hedged_placements(survey)


# -- pages of the source ---------------------------------------------------------------------
#
# The source's text is plain text with no page markers or form feeds, but four traces of the
# PDF's layout survive in it, and each shows where a page ends (checked by reading the text):
# - p. 1 ends with the NeurIPS style's first-page footer ("37th Conference on Neural Information
#   Processing Systems"), set under footnote 1; the sentence it cuts ("... appeal") goes on with
#   "to vague and fuzzy ideals", the first words of p. 2.
# - p. 2 ends in mid-sentence at "suffers from incompleteness": the empty figure block and the
#   caption of Figure 1 come next, then the rest of the sentence ("in ways that alignment datasets
#   ..."), so Figure 1 heads p. 3.
# - p. 3 ends with footnotes 2 and 3, which cut "The first level of our framework contends with"
#   from "the one or more dimensions": footnotes sit at the foot of a page, so p. 4 starts there.
# - p. 4 ends with footnotes 4-6, under the last paragraph of Section 2.2; Table 1 comes next in the
#   text, ahead of Section 3, so it is on p. 5 (about 1,000 words of small print: a page of its own).
# From "3 Discussion" on nothing in the text marks a page end, so a page there cannot be checked.
# The word counts per page this gives (about 500, 780, 430 beside Figure 1, 770, 990) fit a
# NeurIPS page.
PAGE_STARTS = (
    (2, "to vague and fuzzy ideals"),
    (3, "Figure 1: A mapping"),
    (4, "the one or more *dimensions*"),
    (5, "Table 1: Empirical literature"),
    (None, "3 Discussion"),
)
PAGE_MARK = re.compile(r"\bp\.\s?(\d+(?:-\d+)?)")
"""How the source gives a page of the work it quotes: "(p.4)", "[p.21, 62]", "(p.8-9)"."""
NEAR = 200
"""How far (in characters) a page mark may sit from the quote it belongs to."""


def source_pages(text: str) -> list[tuple[int, int | None]]:
    """(offset where a page starts, its number or None when unknown) in the normalised text."""
    starts = [(0, 1)]
    for number, anchor in PAGE_STARTS:
        at = text.find(normalise(anchor))
        assert at > starts[-1][0], f"page anchor {anchor!r} is missing or out of order in the source's text"
        starts.append((at, number))
    return starts


def page_at(starts: list[tuple[int, int | None]], offset: int) -> int | None:
    return [number for at, number in starts if at <= offset][-1]


def occurrences(text: str, quote: str) -> list[int]:
    found, at = [], text.find(quote)
    while at >= 0:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def mark_near(line: str, start: int, end: int) -> str | None:
    """The page mark nearest to a quote in its paragraph, if one is within NEAR characters."""
    best = None
    for mark in PAGE_MARK.finditer(line):
        distance = mark.start() - end if mark.start() >= end else start - mark.end()
        if 0 <= distance <= NEAR and (best is None or distance < best[0]):
            best = (distance, mark.group(1))
    return best[1] if best else None


@pytest.fixture(scope="module")
def seed() -> str:
    return source_text("each quote is on the page it claims")


def test_the_page_anchors_split_the_source_where_its_layout_shows(seed: str) -> None:
    text = normalise(seed)
    starts = source_pages(text)
    # each anchor opens its page: the footer, the figure and the footnotes come just before it
    assert text.rfind("Neural Information Processing Systems", 0, starts[1][0]) > starts[0][0]
    assert text[: starts[2][0]].rstrip().endswith("suffers from incompleteness")
    page_3 = text[starts[2][0] : starts[3][0]]
    assert page_3.index("our framework contends with") < page_3.index("There are established norms")  # footnote 2
    assert page_3.rstrip().endswith("(p.18).")  # the end of footnote 3
    assert text[starts[3][0] : starts[4][0]].rstrip().endswith('resolve all the practical difficulties with ambiguity" (*Prescriptive*).')


def test_every_shipped_quote_has_a_page() -> None:
    for path in sorted((ROOT / "entries").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, quote in enumerate(data["quotes"]):
            assert str(quote.get("page", "")).strip(), f"{path.name}: quotes[{i}] has no page"


def test_every_quote_is_on_the_page_it_claims(survey, seed: str) -> None:
    """Every quote of the source's placements was read in the source: its own words, or a work it
    quotes (with via). Each is on the source page it claims, and a cited_page is the page the
    source gives next to the quote."""
    text = normalise(seed)
    starts = source_pages(text)
    lines = [normalise(line) for line in seed.splitlines()]
    checked = 0
    for entry in survey.entries:
        if entry.placed_by != SOURCE_KEY:
            continue
        for quote in entry.quotes:
            words = normalise(as_printed(quote.text))
            page = quote.page.replace("–", "-")
            where = (entry.id, quote.text[:50], page)
            assert SOURCE_KEY in (quote.cite, quote.via), (*where, "was read in the source: say so with via")
            pages = {page_at(starts, at) for at in occurrences(text, words)}
            assert pages, where
            known = pages - {None}
            if known:
                assert int(page) in known, (*where, "found on", sorted(known))
            else:  # only past the last page the text lets us tell apart
                assert int(page) > max(n for _, n in starts if n), where
            if quote.cited_page:
                given = {mark_near(line, at, at + len(words)) for line in lines for at in occurrences(line, words)}
                assert quote.cited_page in given, (*where, "the source gives", given)
            checked += 1
    assert checked == sum(len(e.quotes) for e in survey.entries if e.placed_by == SOURCE_KEY)


# -- our own words ---------------------------------------------------------------------------

RUN = 8
"""A run of this many words shared with the source counts as copied."""


def prose_words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", normalise(text).lower())


def test_no_prose_repeats_eight_words_of_the_source(seed: str, survey) -> None:
    # only the source's own prose counts: its title, authors, footer and reference list are
    # bibliographic data that our pages rightly repeat
    body = seed[seed.index("Abstract") : seed.index("\nReferences\n")]
    body = "\n".join(line for line in body.splitlines() if "Neural Information Processing Systems" not in line)
    words = prose_words(body)
    runs = {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md"))}
    texts["framework.yml"] = (ROOT / "framework.yml").read_text(encoding="utf-8")
    for entry in survey.entries:
        texts[f"{entry.path}: rationale"] = entry.rationale
        texts[f"{entry.path}: edge_case"] = entry.edge_case or ""
    copied = []
    for name, text in texts.items():
        mine = prose_words(text)
        copied += [f"{name}: {' '.join(mine[i : i + RUN])}" for i in range(len(mine) - RUN + 1) if tuple(mine[i : i + RUN]) in runs]
    assert not copied, copied


# -- people's names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "family", "given", "suffix", "full"),
    [
        # the source's reference list misspells, swaps or mis-splits these; our records do not
        ("durmus2023towards", "Nguyen", "Karina", "", "Nguyen, Karina"),
        ("koster2022human", "Balaguer", "Jan", "", "Balaguer, Jan"),
        ("bai2022constitutional", "Lukošiūtė", "Kamilė", "", "Lukošiūtė, Kamilė"),
        ("bowman2022measuring", "Lukošiūtė", "Kamilė", "", "Lukošiūtė, Kamilė"),
        ("gebru2021datasheets", "Daumé", "Hal", "III", "Daumé, Hal, III"),
        ("scheurer2022training", "Campos", "Jon Ander", "", "Campos, Jon Ander"),
    ],
)
def test_people_are_named_right(key: str, family: str, given: str, suffix: str, full: str) -> None:
    library = parse_bibliography((ROOT / "references.bib").read_text(encoding="utf-8"), "references.bib")
    people = library[key].authors
    person = next(n for n in people if n.surname == family)
    assert (person.first, person.jr, person.full_form()) == (given, suffix, full)
    assert not {n.surname for n in people} & {"Nyugen", "Jan", "Lukosuite", "Iii", "Daumé Iii", "Ander Campos"}


def test_a_name_suffix_is_printed_after_the_initials() -> None:
    library = parse_bibliography((ROOT / "references.bib").read_text(encoding="utf-8"), "references.bib")
    assert "Wallach, H., Daumé, H., III, & Crawford, K." in name_list(library["gebru2021datasheets"].authors)


def test_every_work_the_source_placed_links_to_the_work(survey) -> None:
    for entry in survey.entries:
        if entry.placed_by == SOURCE_KEY:
            assert survey.library[entry.key].link.startswith("https://"), entry.key


def test_the_source_is_cited_as_the_workshop_paper_it_is(survey) -> None:
    venue = survey.library[SOURCE_KEY].venue
    assert "Socially Responsible Language Modelling Research" in venue and "SoLaR" in venue and "NeurIPS 2023" in venue
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    (source,) = [r for r in cff["references"] if r["url"].endswith("2310.02457")]
    assert "SoLaR" in source["conference"]["name"] and "Workshop" in source["conference"]["name"]

"""Hostile contributions, round 3, as real builds: the search index holds text and never markup,
the CSV downloads cannot pair a quote with the wrong page or work, and a GitHub handle is one
person whatever its case. (The browser side is tests/browser/test_hostile_search_browser.py.)"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from ..hostile_search import FIELDS

KEPT = {"p", "code", "pre", "li", "ol", "ul", "sub", "sup"}
"""The only elements Material's own indexer keeps in a section's text, never with attributes."""


@pytest.fixture(scope="module")
def search_site(search_hostile_site: Path) -> Path:
    # the session's one build, which the browser tests serve too
    return search_hostile_site


class Elements(HTMLParser):
    """Every element and comment a browser would make of a string inserted as HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append(f"<{tag}{''.join(' ' + name for name, _ in attrs)}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.found.append("<!--")

    def handle_decl(self, decl: str) -> None:
        self.found.append("<!")

    def unknown_decl(self, data: str) -> None:
        self.found.append("<![")


def elements(text: str) -> list[str]:
    parser = Elements()
    parser.feed(text)
    parser.close()
    return parser.found


def index_strings(site: Path) -> list[tuple[str, str, str]]:
    """(location, field, string) of every title, text and tag in the search index."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    out = []
    for doc in index["docs"]:
        for field in ("title", "text"):
            out.append((doc["location"], field, doc.get(field, "")))
        out.extend((doc["location"], "tags", tag) for tag in doc.get("tags", ()))
    return out


def test_the_search_index_holds_no_markup_from_any_field(search_site: Path) -> None:
    strings = index_strings(search_site)
    for location, field, text in strings:
        if field == "tags":  # a tag is text: not even the elements the theme keeps in page text
            assert "<" not in text and ">" not in text, (location, text)
        else:
            stray = [e for e in elements(text) if e.strip("<>") not in KEPT]
            assert stray == [], (location, field, stray)


def test_the_hostile_survey_of_the_corpus_leaves_no_markup_in_the_index(hostile_site: Path) -> None:
    """The older hostile survey (tests/conftest.py: every free-text field of entries and BibTeX)."""
    strings = index_strings(hostile_site)
    assert any("&lt;script&gt;window.__pwned=1" in text for _, field, text in strings if field == "tags")
    for location, field, text in strings:
        assert [e for e in elements(text) if field == "tags" or e.strip("<>") not in KEPT] == [], (location, field)


@pytest.mark.parametrize("field", list(FIELDS))
def test_every_contributed_field_reaches_the_index_as_escaped_text(search_site: Path, field: str) -> None:
    word = FIELDS[field]
    hits = [(location, kind, text) for location, kind, text in index_strings(search_site) if word in text]
    assert hits, f"{field}: {word} is not searchable"
    for location, kind, text in hits:
        after = text[text.index(word) + len(word) :]
        # escaped as the theme escapes page text: a browser shows "<img …>" and makes no element
        assert after.startswith(" &lt;img src=x onerror="), (location, kind, after[:40])
        assert "&lt;script&gt;window.__pwned_search=2&lt;/script&gt;" in after, (location, kind)


def test_an_entry_is_tagged_with_its_organisation_datasets_and_first_creator_as_text(search_site: Path) -> None:
    index = json.loads((search_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    tags: dict[str, Any] = {d["location"]: d.get("tags") for d in index["docs"]}
    words = [tag.split(" ", 1)[0] for tag in tags["entries/qwz/"]]
    assert words == [FIELDS["organisation"], FIELDS["datasets"], FIELDS["author"]]
    assert [tag.split(" ", 1)[0] for tag in tags["entries/qwz-edited/"]] == [FIELDS["editor"]]  # editors when no authors
    assert all("&lt;img" in tag for tag in tags["entries/qwz/"])


# -- CSV downloads: a quote stays with its own page and work ----------------------------------

AWKWARD = (
    "first half | second half",
    'she said "yes, | no" , then left',
    "a line\nand another, with a comma",
    '=HYPERLINK("https://example.org") | @cmd',
    "ends with a backslash \\",
    "\\| looks escaped already |",
)
"""Quote texts that a naive join would split, or a spreadsheet would run."""


def write_awkward(root: Path) -> Path:
    from ..conftest import SAMPLE_ENTRY, write_sample

    def yaml_text(text: str) -> str:
        return json.dumps(text)  # JSON strings are YAML double-quoted scalars

    quotes = "".join(f"  - text: {yaml_text(t)}\n    page: {yaml_text(str(10 + i))}\n" for i, t in enumerate(AWKWARD))
    quotes += '  - text: "read elsewhere"\n    page: "9"\n    cite: delta2021named\n    via: source2023map\n    cited_page: "2-3"\n'
    entry = SAMPLE_ENTRY.format(key="alpha2020open", quadrant="broad-descriptive", position="[-0.5, -0.5]", quote="plain")
    entry = entry.replace('quotes:\n  - text: "plain"\n    page: "3"\n', "quotes:\n" + quotes)
    entry += 'organisation: "=Acme | Labs, \\"Inc\\""\n'
    entry += 'datasets:\n  - name: "Set | one"\n    url: https://example.org/a\n  - name: "Set, two"\n'
    entry = entry.replace('added: "2024-01-15"', 'added: "2024-03-04"')
    delta = SAMPLE_ENTRY.format(key="delta2021named", quadrant="specific-prescriptive", position="[0.5, 0.5]", quote="plain")
    return write_sample(root, entries={"alpha-2020": entry, "delta-2021": delta})


@pytest.fixture(scope="module")
def awkward_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = write_awkward(tmp_path_factory.mktemp("awkward") / "p")
    build(load_config(str(root / "mkdocs.yml"), strict=True, site_dir=str(root / "site")))
    return root / "site"


def read_csv(path: Path) -> list[dict[str, str]]:
    import csv
    import io

    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(io.StringIO(f.read())))


def unformula(cell: str) -> str:
    """A cell as written, without the ``'`` that keeps a spreadsheet from running it."""
    return cell[1:] if cell[:2] in ("'=", "'+", "'-", "'@") else cell


def test_quotes_csv_has_one_row_per_quote_that_round_trips(awkward_site: Path) -> None:
    rows = read_csv(awkward_site / "data" / "quotes.csv")
    mine = [r for r in rows if r["entry"] == "alpha-2020"]
    assert [unformula(r["text"]) for r in mine] == [*AWKWARD, "read elsewhere"]
    assert [r["page"] for r in mine] == [str(10 + i) for i in range(len(AWKWARD))] + ["9"]
    assert [r["n"] for r in mine] == [str(i) for i in range(1, len(AWKWARD) + 2)]
    assert {r["work"] for r in mine} == {"alpha2020open"}
    assert mine[3]["text"].startswith("'=")  # still kept from spreadsheets' formulas
    last = mine[-1]
    assert (last["cite"], last["via"], last["cited_page"]) == ("delta2021named", "source2023map", "2-3")
    assert all(r["cite"] == "alpha2020open" and r["via"] == "" for r in mine[:-1])
    assert {r["url"] for r in mine} == {"https://example.org/survey/entries/alpha-2020/"}
    # every entry's every quote, no more
    assert [(r["entry"], r["n"], r["text"]) for r in rows if r["entry"] != "alpha-2020"] == [("delta-2021", "1", "plain")]


def test_the_entries_csv_quote_columns_split_back_into_the_quotes_as_written(awkward_site: Path) -> None:
    from living_survey.pages.exports import split_cell

    row = next(r for r in read_csv(awkward_site / "data" / "entries.csv") if r["id"] == "alpha-2020")
    quotes = split_cell(row["quotes"])
    assert [unformula(q) for q in quotes] == [*AWKWARD, "read elsewhere"]
    assert split_cell(row["pages"]) == [str(10 + i) for i in range(len(AWKWARD))] + ["9"]
    assert split_cell(row["quote_cites"]) == ["alpha2020open"] * len(AWKWARD) + ["delta2021named"]
    assert split_cell(row["quote_vias"]) == [""] * len(AWKWARD) + ["source2023map"]
    assert split_cell(row["quote_cited_pages"]) == [""] * len(AWKWARD) + ["2-3"]
    # a reader who splits on " | " alone still gets one cell per quote, never half of one
    assert len(row["quotes"].split(" | ")) == len(AWKWARD) + 1


def test_entries_csv_has_organisation_datasets_and_added(awkward_site: Path) -> None:
    from living_survey.pages.exports import split_cell

    row = next(r for r in read_csv(awkward_site / "data" / "entries.csv") if r["id"] == "alpha-2020")
    assert row["organisation"] == '\'=Acme | Labs, "Inc"'
    assert split_cell(row["datasets"]) == ["Set | one", "Set, two"]
    assert split_cell(row["dataset_urls"]) == ["https://example.org/a", ""]
    assert row["added"] == "2024-03-04"
    other = next(r for r in read_csv(awkward_site / "data" / "entries.csv") if r["id"] == "delta-2021")
    assert (other["organisation"], other["datasets"], other["added"]) == ("", "", "2024-01-15")


@pytest.mark.parametrize("items", [[], ["a"], ["a | b", "c"], ["x\\", "|", ""], ["\\|", "\\\\ | \\"], ["line\nbreak", '"quoted", comma']])
def test_join_and_split_round_trip(items: list[str]) -> None:
    from living_survey.pages.exports import join_cell, split_cell

    joined = join_cell(items)
    assert split_cell(joined) == items
    assert joined.count(" | ") == max(len(items) - 1, 0)


def test_the_downloads_list_and_the_dataset_metadata_offer_quotes_csv(awkward_site: Path) -> None:
    home = (awkward_site / "index.html").read_text(encoding="utf-8")
    assert 'href="data/quotes.csv"' in home and 'href="data/entries.csv"' in home
    quadrant = (awkward_site / "quadrants" / "broad-descriptive" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../data/quotes.csv"' in quadrant
    import re

    jsonld = json.loads(re.findall(r'<script type="application/ld\+json">(.*?)</script>', home, re.S)[0])
    urls = {d["contentUrl"]: d.get("encodingFormat") for d in jsonld["distribution"]}
    assert urls.get("https://example.org/survey/data/quotes.csv") == "text/csv"


# -- one person, one voice: GitHub handles ignore case -------------------------------------------

SPELLINGS = ("@Octo-Cat", "@octo-cat", "@OCTO-cat")


def placed_by(handle: str, quadrant: str, position: str) -> str:
    from ..conftest import SAMPLE_ENTRY

    entry = SAMPLE_ENTRY.format(key="alpha2020open", quadrant=quadrant, position=position, quote="which output is better")
    return entry.replace("placed_by: source2023map", f'placed_by: "{handle}"')


def write_one_voice(root: Path) -> Path:
    """The sample survey, plus the first sample work placed three times by one account, spelt three ways."""
    from ..conftest import write_sample

    write_sample(root)
    where = (("broad-descriptive", "[-0.4, -0.4]"), ("specific-prescriptive", "[0.5, 0.5]"), ("broad-prescriptive", "[-0.5, 0.5]"))
    for i, (handle, (quadrant, position)) in enumerate(zip(SPELLINGS, where, strict=True)):
        name = "alpha-2020-octo-cat" + (f"-{i + 1}" if i else "")
        (root / "entries" / f"{name}.yaml").write_text(placed_by(handle, quadrant, position), encoding="utf-8")
    return root


def test_one_account_spelt_three_ways_places_a_work_once(tmp_path: Path, build_site, caplog) -> None:
    import contextlib
    import io

    from mkdocs.exceptions import Abort, PluginError

    from living_survey.cli import main

    root = write_one_voice(tmp_path / "p")
    line = placed_by("@x", "broad-descriptive", "[0, 0]").splitlines().index('placed_by: "@x"') + 1
    expected = [
        f"entries/alpha-2020-octo-cat-{n}.yaml:{line}: placed_by: {handle!r} already placed 'alpha2020open' in "
        "entries/alpha-2020-octo-cat.yaml (as '@Octo-Cat': GitHub handles ignore case)"
        for n, handle in ((2, "@octo-cat"), (3, "@OCTO-cat"))
    ]
    with pytest.raises((Abort, PluginError)):
        build_site(root)
    for message in expected:
        assert message in caplog.text, caplog.text
    assert "alpha-2020-octo-cat.yaml:" not in caplog.text  # the first placement is not the one at fault
    assert not (root / "site").exists()
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(["validate", "--root", str(root)]) == 1
    for message in expected:
        assert any(m.startswith(message) for m in out.getvalue().splitlines()), out.getvalue()


def test_one_account_in_two_quadrants_contests_nothing_and_is_shown_as_written(tmp_path: Path) -> None:
    from living_survey import load_survey
    from living_survey.pages.page_content import PageBuilder

    root = write_one_voice(tmp_path / "p")
    (root / "entries" / "alpha-2020-octo-cat-2.yaml").unlink()
    (root / "entries" / "alpha-2020.yaml").unlink()  # the work's placements are now this one person's
    survey = load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")
    work = survey.works["alpha2020open"]
    assert len(work.quadrants) == 2 and work.placers == ("@octo-cat",)
    assert not work.contested and survey.works.contested == ()
    assert "No work is contested" in PageBuilder(survey).contested_markdown(lambda page: page)
    assert [e.placed_by for e in work.placements] == ["@Octo-Cat", "@OCTO-cat"]  # as written
    assert [p.field for p in survey.warnings] == ["placed_by"]  # and the second spelling is reported


def test_a_second_account_still_contests_and_every_spelling_is_shown(tmp_path: Path) -> None:
    from living_survey import load_survey
    from living_survey.pages.page_content import PageBuilder

    root = write_one_voice(tmp_path / "p")
    (root / "entries" / "alpha-2020-octo-cat-2.yaml").unlink()
    survey = load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")
    work = survey.works["alpha2020open"]
    assert work.placers == ("source2023map", "@octo-cat") and work.contested
    page = PageBuilder(survey).contested_markdown(lambda page: page)
    # each spelling as written (the page escapes "@", so that no later pass reads it as a citation)
    assert "&#64;Octo-Cat (contributor)" in page and "&#64;OCTO-cat (contributor)" in page


def test_new_refuses_a_second_placement_by_the_same_account_in_another_case(tmp_path: Path) -> None:
    from ..conftest import living_survey, write_sample

    root = write_sample(tmp_path / "p")
    (root / "entries" / "alpha-2020-octo-cat.yaml").write_text(
        placed_by("@Octo-Cat", "broad-descriptive", "[-0.4, -0.4]"), encoding="utf-8"
    )
    made = living_survey("new", "alpha2020open", "--placed-by", "@OCTO-cat", root=root)
    assert made.returncode == 1 and "already placed 'alpha2020open' in entries/alpha-2020-octo-cat.yaml" in made.stderr
    assert sorted(p.name for p in (root / "entries").iterdir()) == ["alpha-2020-octo-cat.yaml", "alpha-2020.yaml", "delta-2021.yaml"]

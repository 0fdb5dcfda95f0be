"""Citing and reusing the survey: cite boxes, permanent URLs, downloads, metadata, sitemap."""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
import subprocess
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import yaml

from living_survey import load_survey
from living_survey.model.addresses import entry_page_id, quadrant_page_id
from living_survey.pages.cite_survey import json_for_html

from ..conftest import MKDOCS_YML, ROOT, SAMPLE_ENTRY, living_survey, write_sample

SITE_URL = "https://alignment-coordinates.github.io/alignment-coordinates/"


@pytest.fixture(scope="module")
def survey():
    return load_survey(ROOT, ROOT / "framework.yml", ROOT / "entries", ROOT / "references.bib")


def bib_keys(text: str) -> list[str]:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return sorted(e.key for e in library.entries)


def cite_box(page: str) -> tuple[str, str, str]:
    """(permanent URL, formatted line, BibTeX) of the living page's part of a "Cite this page" section."""
    section = re.search(r'<section class="ls-cite".*?</section>', page, re.S)
    assert section, "no cite box"
    living = section.group(0)[section.group(0).index('<div class="ls-cite-living">') :]
    url = re.search(r'Permanent URL: <a href="([^"]+)"', living).group(1)
    codes = [html.unescape(c) for c in re.findall(r"<code>(.*?)</code>", living, re.S)]
    return html.unescape(url), codes[0], codes[1]


# -- downloads --------------------------------------------------------------------------------


def check_entries_json(site: Path, survey) -> None:
    """entries.json validates against its published schema and holds every entry, as it is."""
    data = json.loads((site / "data" / "entries.json").read_text(encoding="utf-8"))
    schema = json.loads((site / "data" / "entries.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.Draft7Validator(schema).validate(data)
    placements = [p for w in data["works"] for p in w["placements"]]
    assert data["survey"]["count"] == len(placements) == len(survey.entries)
    assert data["survey"]["works"] == len(data["works"]) == len({e.key for e in survey.entries})
    assert sorted(p["id"] for p in placements) == sorted(e.id for e in survey.entries)
    by_id = {p["id"]: (w, p) for w in data["works"] for p in w["placements"]}
    for entry in survey.entries:
        work, record = by_id[entry.id]
        assert record["url"] == f"{SITE_URL}{entry_page_id(entry.id)}/"
        assert record["quadrant"]["id"] == entry.quadrant
        assert record["key"] == work["key"] == entry.key
        assert work["reference"]["title"] == survey.library[entry.key].title
        # each quote carries whose words it is, the work it was read in and the page (or where else it was read)
        assert record["quotes"] == [
            {"text": q.text, "page": q.page, "cite": q.cite, "via": q.via, "cited_page": q.cited_page, "locator": q.locator}
            for q in entry.quotes
        ]
        assert record["position"] == (list(entry.position) if entry.position else None)


def test_entries_json_validates_against_its_published_schema_and_matches_the_entries(real_site: Path, survey) -> None:
    check_entries_json(real_site, survey)


def test_entries_json_carries_the_answers_and_the_rule_that_scores_them(real_site: Path, survey) -> None:
    """A reader of entries.json alone can check every computed point: the framework's questions, their
    options' scores and the scoring rule are exported, and each placement's answers with their evidence."""
    data = json.loads((real_site / "data" / "entries.json").read_text(encoding="utf-8"))
    questions = {q["id"]: q for q in data["framework"]["questions"]}
    fw = survey.framework
    assert list(questions) == [q.id for axis in fw.axes for q in axis.questions]
    scoring = data["framework"]["scoring"]
    assert scoring == {"rule": fw.scoring.rule, "decimals": fw.scoring.decimals, "nudge": fw.scoring.nudge}
    assert scoring["rule"] == "mean"  # the rule this test re-applies; a new rule needs its own check here
    placements = {p["id"]: p for w in data["works"] for p in w["placements"]}
    computed = 0
    for entry in survey.entries:
        record = placements[entry.id]
        assert [(a["question"], a["option"]) for a in record["answers"]] == [(a.question, a.option) for a in entry.answers]
        for exported, answer in zip(record["answers"], entry.answers, strict=True):
            assert exported.get("quote") == answer.quote and exported.get("page") == answer.page
            assert exported.get("note") == answer.note
        assert record["position_computed"] is entry.computed
        if not record["position_computed"]:
            continue
        computed += 1
        point = []
        for axis in ("x", "y"):
            scores = [
                questions[a["question"]]["options"][a["option"]]["score"]
                for a in record["answers"]
                if questions[a["question"]]["axis"] == axis
            ]
            counted = [s for s in scores if s is not None]
            scale = 10 ** scoring["decimals"]
            point.append(math.floor(sum(counted) / len(counted) * scale + 0.5) / scale + 0.0)
        assert point == record["position"], entry.id
    if any(e.computed for e in survey.entries):
        assert computed


def test_the_export_schema_rejects_a_broken_record(real_site: Path) -> None:
    data = json.loads((real_site / "data" / "entries.json").read_text(encoding="utf-8"))
    schema = json.loads((real_site / "data" / "entries.schema.json").read_text(encoding="utf-8"))
    record = data["works"][0]["placements"][0]
    position = record["position"]
    record["position"] = [2, 0]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
    record["position"] = position
    jsonschema.validate(data, schema)
    record["quotes"][0].pop("cite")  # a quote must say whose words it is
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def check_entries_csv(site: Path, survey) -> None:
    """entries.csv has one row per entry with the same values."""
    rows = list(csv.DictReader(io.StringIO((site / "data" / "entries.csv").read_text(encoding="utf-8"))))
    assert sorted(r["id"] for r in rows) == sorted(e.id for e in survey.entries)

    def cells(text: str) -> list[str]:
        return text.split(" | ") if text else []

    for row in rows:
        entry = survey.entry(row["id"])
        assert row["key"] == entry.key and row["quadrant"] == entry.quadrant
        assert ((float(row["x"]), float(row["y"])) if row["x"] else None) == entry.position
        # one cell per quote, joined (a quote with no via leaves its part empty)
        assert row["quotes"].split(" | ") == [q.text for q in entry.quotes]
        assert row["pages"].split(" | ") == [q.page or "" for q in entry.quotes]
        assert row["quote_locators"].split(" | ") == [q.locator or "" for q in entry.quotes]
        assert row["quote_cites"].split(" | ") == [q.cite for q in entry.quotes]
        assert row["quote_vias"].split(" | ") == [q.via or "" for q in entry.quotes]
        assert row["quote_cited_pages"].split(" | ") == [q.cited_page or "" for q in entry.quotes]
        assert row["rationale"] == entry.rationale
        assert cells(row["signal"]) == list(entry.signal)
        assert cells(row["answers"]) == [f"{a.question}={a.option}" for a in entry.answers]
        assert row["position_computed"] == ("yes" if entry.computed else "no")


def check_bib_downloads(site: Path, survey) -> None:
    """The .bib downloads parse back to exactly the surveyed works, overall and per quadrant."""
    data = site / "data"
    assert bib_keys((data / "references.bib").read_text(encoding="utf-8")) == sorted({e.key for e in survey.entries})
    for quadrant in survey.framework.quadrants:
        expected = sorted({e.key for e in survey.entries_in(quadrant.id)})
        assert bib_keys((data / f"{quadrant.id}.bib").read_text(encoding="utf-8")) == expected, quadrant.id


def check_entry_schema(site: Path, entries: Path) -> None:
    """The published entry schema accepts every entry file and rejects a broken one."""
    schema = json.loads((site / "data" / "entry.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    paths = sorted(entries.glob("*.yaml"))
    for path in paths:
        validator.validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    bad = yaml.safe_load(paths[0].read_text(encoding="utf-8"))
    bad["quadrant"] = "nowhere"
    assert not validator.is_valid(bad)


def check_download_links(site: Path, survey) -> None:
    """The home page and every quadrant page link the downloads."""
    home = (site / "index.html").read_text(encoding="utf-8")
    for name in ("entries.json", "entries.csv", "references.bib", "entry.schema.json"):
        assert f'href="data/{name}"' in home
    for quadrant in survey.framework.quadrants:
        page = (site / "quadrants" / quadrant.id / "index.html").read_text(encoding="utf-8")
        assert f'href="../../data/{quadrant.id}.bib"' in page and 'href="../../data/entries.csv"' in page


def test_entries_csv_has_one_row_per_entry_with_the_same_values(real_site: Path, survey) -> None:
    check_entries_csv(real_site, survey)


def test_bib_downloads_parse_back_to_exactly_the_expected_keys(real_site: Path, survey) -> None:
    check_bib_downloads(real_site, survey)


def test_published_entry_schema_accepts_every_entry_and_rejects_a_bad_one(real_site: Path) -> None:
    check_entry_schema(real_site, ROOT / "entries")


def test_home_and_quadrant_pages_link_the_downloads(real_site: Path, survey) -> None:
    check_download_links(real_site, survey)


def test_csv_text_cells_cannot_become_spreadsheet_formulas(tmp_path: Path, build_site) -> None:
    entry = SAMPLE_ENTRY.format(
        key="alpha2020open", quadrant="broad-descriptive", position="[-0.5, -0.5]", quote='=HYPERLINK(\\"http://x\\")'
    )
    site = build_site(write_sample(tmp_path / "p", entries={"alpha-2020": entry}))
    row = next(csv.DictReader(io.StringIO((site / "data" / "entries.csv").read_text(encoding="utf-8"))))
    assert row["quotes"] == '\'=HYPERLINK("http://x")'
    assert row["x"] == "-0.5"  # numbers are left alone


# -- citing -----------------------------------------------------------------------------------


def check_cite_boxes(site: Path, survey) -> None:
    """The home, quadrant and entry pages each cite their own absolute URL under a key of their own."""
    pages = {"": site / "index.html"}
    for page_id in [quadrant_page_id(q.id) for q in survey.framework.quadrants] + [entry_page_id(e.id) for e in survey.entries]:
        pages[page_id + "/"] = site / page_id / "index.html"
    keys = set()
    for path, file in pages.items():
        url, text, bibtex = cite_box(file.read_text(encoding="utf-8"))
        assert url == SITE_URL + path
        assert url in text and "(accessed " in text
        record = bibtexparser.parse_string(bibtex)
        assert not record.failed_blocks and len(record.entries) == 1
        entry = record.entries[0]
        assert entry.entry_type == "misc" and entry["url"] == url
        assert entry["author"] == "{The Alignment Coordinates contributors}"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["urldate"]) and entry["note"].startswith("Version ")
        keys.add(entry.key)
    assert len(keys) == len(pages)  # every page has its own citation key


def test_every_quadrant_entry_and_home_page_cites_its_own_absolute_url(real_site: Path, survey) -> None:
    check_cite_boxes(real_site, survey)
    title = bibtexparser.parse_string(cite_box((real_site / "quadrants/specific-descriptive/index.html").read_text())[2]).entries[0][
        "title"
    ]
    assert title == "{Specific–Descriptive — Alignment Coordinates}"


def test_cite_box_escapes_hostile_titles_for_bibtex_and_html(tmp_path: Path, build_site) -> None:
    bib = r"""@misc{evil2020, author = {Evil, Eve}, title = {100\% \$x\$ \& \{y\} </code><script>alert(1)</script>}, year = {2020}}
@misc{source2023map, author = {{Survey Group}}, title = {A map}, year = {2023}}"""
    entry = SAMPLE_ENTRY.format(key="evil2020", quadrant="broad-descriptive", position="[-0.5, -0.5]", quote="q")
    site = build_site(write_sample(tmp_path / "p", entries={"evil": entry}, bib=bib))
    page = (site / "entries" / "evil" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    _, _, bibtex = cite_box(page)
    record = bibtexparser.parse_string(bibtex)
    assert not record.failed_blocks
    assert record.entries[0]["title"].startswith(r"{100\% \$x\$ \& \{y\}")


# -- metadata ---------------------------------------------------------------------------------


def check_scholar_meta(site: Path, survey) -> None:
    """Every entry page carries the surveyed work's meta tags for Google Scholar and Zotero."""
    for entry in survey.entries:
        page = (site / entry_page_id(entry.id) / "index.html").read_text(encoding="utf-8")
        head = page.split("</head>", 1)[0]
        ref = survey.library[entry.key]
        titles = re.findall(r'<meta name="citation_title" content="([^"]*)">', head)
        assert [html.unescape(t) for t in titles] == [ref.title]
        authors = re.findall(r'<meta name="citation_author" content="([^"]*)">', head)
        assert len(authors) == len([a for a in ref.authors if not a.is_others]) or ref.get("organization")
        assert re.search(r'<meta name="citation_publication_date" content="\d{4}">', head)


def test_entry_pages_carry_scholar_meta_tags_for_the_surveyed_work(real_site: Path, survey) -> None:
    check_scholar_meta(real_site, survey)
    stiennon = (real_site / "entries" / "stiennon-2020" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="citation_author" content="Stiennon, Nisan">' in stiennon
    assert '<meta name="citation_arxiv_id" content="2009.01325">' in stiennon


def check_json_ld(site: Path, survey) -> None:
    """The home page describes the dataset in JSON-LD, its size counted from the data."""
    home = (site / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', home, re.S)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["@type"] == "Dataset" and data["url"] == SITE_URL and data["size"] == f"{len(survey.entries)} entries"
    assert data["license"].endswith("CC-BY-4.0.html")
    for download in data["distribution"]:
        assert download["contentUrl"].startswith(SITE_URL)
        assert (site / download["contentUrl"][len(SITE_URL) :]).is_file()


def test_home_page_describes_the_dataset_in_json_ld(real_site: Path, survey) -> None:
    check_json_ld(real_site, survey)


def test_json_for_html_cannot_close_its_script_element() -> None:
    text = json_for_html({"name": "</script><script>alert(1)</script><!--"})
    assert "</script" not in text and "<!--" not in text
    assert json.loads(text) == {"name": "</script><script>alert(1)</script><!--"}


def check_sitemap(site: Path) -> set[str]:
    """The sitemap lists every page (redirect stubs excepted)."""
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    pages = {
        SITE_URL + ("" if p.parent == site else p.parent.relative_to(site).as_posix() + "/")
        for p in site.rglob("index.html")
        if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")[:2000]
    }
    assert pages == listed
    return listed


def check_exports(site: Path, survey, entries: Path) -> None:
    """Every rule about the downloads, the citations and the metadata, for a built site."""
    check_entries_json(site, survey)
    check_entries_csv(site, survey)
    check_bib_downloads(site, survey)
    check_entry_schema(site, entries)
    check_download_links(site, survey)
    check_cite_boxes(site, survey)
    check_scholar_meta(site, survey)
    check_json_ld(site, survey)
    check_sitemap(site)


def test_sitemap_lists_every_page(real_site: Path) -> None:
    assert SITE_URL + "entries/stiennon-2020/" in check_sitemap(real_site)


# -- permanent URLs ---------------------------------------------------------------------------


def permanence_project(tmp_path: Path, redirects: dict[str, str] | None = None) -> Path:
    root = write_sample(tmp_path / "p")
    config = MKDOCS_YML.replace(
        "      entry_edit_uri: edit/main/\n", "      entry_edit_uri: edit/main/\n      permanent_ids: permanent-ids.txt\n"
    )
    config += "  - redirects:\n      redirect_maps:\n" + "".join(f"        {k}: {v}\n" for k, v in (redirects or {}).items())
    if not redirects:
        config = config.replace("      redirect_maps:\n", "      redirect_maps: {}\n")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    ids = ["quadrants/" + q for q in ("broad-prescriptive", "specific-prescriptive", "broad-descriptive", "specific-descriptive")]
    published = [*ids, "entries/alpha-2020", "entries/delta-2021", "place-your-dataset", "browse", "recent"]
    (root / "permanent-ids.txt").write_text("# published\n" + "\n".join(published) + "\n")
    return root


def validate(root: Path) -> subprocess.CompletedProcess[str]:
    return living_survey("validate", root=root)


def test_the_repository_lists_every_published_id() -> None:
    result = validate(ROOT)
    assert result.returncode == 0, result.stdout
    listed = (ROOT / "permanent-ids.txt").read_text()
    assert "quadrants/specific-descriptive" in listed and "entries/stiennon-2020" in listed


def test_removing_an_entry_without_a_redirect_fails(tmp_path: Path, build_site, caplog) -> None:
    root = permanence_project(tmp_path)
    assert validate(root).returncode == 0
    (root / "entries" / "alpha-2020.yaml").rename(root / "entries" / "alpha-2020-open.yaml")
    result = validate(root)
    assert result.returncode == 1
    assert "permanent-ids.txt:6: 'entries/alpha-2020' was published but no longer exists" in result.stdout
    assert "'entries/alpha-2020-open' is not listed yet" in result.stdout
    from mkdocs.exceptions import Abort

    with pytest.raises(Abort):
        build_site(root)
    assert "no longer exists" in caplog.text


def test_a_declared_redirect_keeps_the_old_url_working(tmp_path: Path, build_site) -> None:
    root = permanence_project(tmp_path, {"entries/alpha-2020.md": "entries/alpha-2020-open.md"})
    (root / "entries" / "alpha-2020.yaml").rename(root / "entries" / "alpha-2020-open.yaml")
    with (root / "permanent-ids.txt").open("a") as ids:
        ids.write("entries/alpha-2020-open\n")
    assert validate(root).returncode == 0
    site = build_site(root)
    old = (site / "entries" / "alpha-2020" / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh"' in old and "alpha-2020-open/" in old
    assert (site / "entries" / "alpha-2020-open" / "index.html").is_file()


def test_scaffold_adds_its_id_to_the_permanent_list(tmp_path: Path) -> None:
    root = permanence_project(tmp_path)
    result = living_survey("new", "source2023map", root=root)
    assert result.returncode == 0, result.stderr
    assert (root / "permanent-ids.txt").read_text().splitlines()[-1] == "entries/survey-group-2023"

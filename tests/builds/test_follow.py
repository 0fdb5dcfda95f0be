"""Browse and follow: the browse table without JavaScript, "Recently added", the Atom and JSON
feeds (read with feed libraries, as a reader's app would), autodiscovery, search terms."""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
from pathlib import Path

import feedparser
import jsonfeed
import pytest

from living_survey.model.survey import load_survey
from living_survey.pages.browse_data import browse_rows, recent_entries, search_terms
from living_survey.pages.feeds import feed_specs

from ..conftest import ROOT, SAMPLE_BIB, SAMPLE_ENTRY, build_project, write_sample

SITE_URL = "https://example.org/survey/"


def survey_of(root: Path):
    return load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")


def dated(key: str, quadrant: str, position: str, added: str, **extra: str) -> str:
    text = SAMPLE_ENTRY.format(key=key, quadrant=quadrant, position=position, quote="q").replace('added: "2024-01-15"', f'added: "{added}"')
    return text + "".join(f"{k}: {v}\n" for k, v in extra.items())


def write_dated(root: Path) -> Path:
    """A sample survey whose entries were added on different days."""
    return write_sample(
        root,
        entries={
            "alpha-2020": dated("alpha2020open", "broad-descriptive", "[-0.5, -0.5]", "2023-03-01"),
            "delta-2021": dated("delta2021named", "specific-prescriptive", "[0.5, 0.5]", "2024-06-30"),
            "map-2023": dated("source2023map", "broad-descriptive", "[-0.2, -0.7]", "2024-01-10").replace(
                "placed_by: source2023map", 'placed_by: "@octocat"'
            ),
        },
    )


@pytest.fixture
def dated_sample(tmp_path: Path) -> Path:
    """A sample survey whose entries were added on different days."""
    return write_dated(tmp_path / "p")


@pytest.fixture(scope="module")
def dated_built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The dated sample and its site, built once for the tests that only read them (tests that
    change the project or the build build their own)."""
    root = write_dated(tmp_path_factory.mktemp("dated") / "p")
    return root, build_project(root)


def item_links(feed: feedparser.FeedParserDict) -> list[str]:
    return [e.link for e in feed.entries]


def expected_order(root: Path, quadrant: str | None = None) -> list[str]:
    """Entry ids by added date, newest first (ids break ties), derived from the files."""
    survey = survey_of(root)
    pool = [e for e in survey.entries if quadrant is None or e.quadrant == quadrant]
    return [e.id for e in sorted(pool, key=lambda e: (-datetime.date.fromisoformat(e.added).toordinal(), e.id))]


def test_atom_and_json_feeds_validate_and_list_the_newest_first_with_permanent_urls(dated_built: tuple[Path, Path]) -> None:
    dated_sample, site = dated_built
    survey = survey_of(dated_sample)
    for spec in feed_specs(survey, "Sample survey"):
        order = expected_order(dated_sample, spec.quadrant)
        permanent = [f"{SITE_URL}entries/{i}/" for i in order]
        atom = feedparser.parse((site / spec.atom).read_bytes())
        assert atom.bozo == 0, atom.get("bozo_exception")
        assert atom.version == "atom10"
        assert item_links(atom) == permanent
        assert [e.id for e in atom.entries] == permanent
        newest = max((e.added for e in survey.entries if spec.quadrant in (None, e.quadrant)), default=None)
        if newest:
            assert atom.feed.updated.startswith(newest) and atom.entries[0].published.startswith(newest)
        assert any(link.rel == "self" and link.href == SITE_URL + spec.atom for link in atom.feed.links)

        text = (site / spec.json).read_text(encoding="utf-8")
        parsed = jsonfeed.Feed.parse_string(text)  # raises on a missing required field
        data = json.loads(text)
        assert data["version"] == "https://jsonfeed.org/version/1.1"
        assert data["feed_url"] == SITE_URL + spec.json and parsed.title == data["title"]
        assert [i["url"] for i in data["items"]] == permanent == [i.id for i in parsed.items]
        for item in data["items"]:
            assert item.get("content_text") or item.get("content_html")
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00Z", item["date_published"])
    # each quadrant's feed holds exactly the works placed there
    for q in survey.framework.quadrants:
        spec = next(s for s in feed_specs(survey, "x") if s.quadrant == q.id)
        atom = feedparser.parse((site / spec.atom).read_bytes())
        assert {e.link for e in atom.entries} == {f"{SITE_URL}entries/{e.id}/" for e in survey.entries_in(q.id)}


def test_every_page_announces_the_feeds_and_a_quadrant_page_its_own(dated_built: tuple[Path, Path]) -> None:
    dated_sample, site = dated_built
    link = re.compile(r'<link rel="alternate" type="(application/(?:atom\+xml|feed\+json))" title="[^"]*" href="([^"]+)">')
    for page in ("index.html", "browse/index.html", "recent/index.html", "entries/alpha-2020/index.html", "references/index.html"):
        found = link.findall((site / page).read_text(encoding="utf-8"))
        assert {t for t, _ in found} == {"application/atom+xml", "application/feed+json"}, page
        for _, href in found:  # each resolves to the file, relative to the page
            assert (site / page).parent.joinpath(href).resolve().is_file(), (page, href)
    quadrant = link.findall((site / "quadrants" / "broad-descriptive" / "index.html").read_text(encoding="utf-8"))
    assert any(h.endswith("feed-broad-descriptive.xml") for _, h in quadrant)
    assert not any("specific-prescriptive" in h for _, h in quadrant)


def test_recently_added_lists_the_newest_first(dated_built: tuple[Path, Path]) -> None:
    dated_sample, site = dated_built
    html = (site / "recent" / "index.html").read_text(encoding="utf-8")
    listed = re.findall(r'<li><time datetime="[^"]+">[^<]+</time> — <a href="\.\./entries/([^/]+)/"', html)
    assert listed == expected_order(dated_sample)


def test_an_entry_scaffolded_today_comes_first_on_recently_added_and_in_the_feeds(dated_sample: Path, build_site) -> None:
    root = dated_sample
    (root / "references.bib").write_text(
        (root / "references.bib").read_text() + "@misc{zeta2025new, author = {Zeta, Zoe}, title = {New work}, year = {2025}}\n"
    )
    made = subprocess.run(
        [sys.executable, "-m", "living_survey.cli", "new", "zeta2025new", "--placed-by", "octocat"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    path = root / made.stdout.strip()
    today = datetime.date.today().isoformat()
    text = path.read_text()
    assert f'added: "{today}"' in text
    path.write_text(
        text.replace('quadrant: ""', "quadrant: specific-prescriptive")
        .replace('  - text: ""', '  - text: "A new work"')
        .replace('    page: ""', '    page: "1"')
        .replace('rationale: ""', 'rationale: "Named traits with fixed meanings."')
    )
    site = build_site(root)
    new_url = f"{SITE_URL}entries/{path.stem}/"
    html = (site / "recent" / "index.html").read_text(encoding="utf-8")
    first = re.search(r'<ol class="ls-recent">\s*<li><time datetime="([^"]+)">[^<]+</time> — <a href="\.\./entries/([^/]+)/"', html)
    assert first.groups() == (today, path.stem)
    for feed in ("feed.xml", "feed-specific-prescriptive.xml"):
        atom = feedparser.parse((site / feed).read_bytes())
        assert atom.bozo == 0 and atom.entries[0].link == new_url and atom.feed.updated.startswith(today)
    data = json.loads((site / "feed.json").read_text())
    assert data["items"][0]["id"] == new_url and data["items"][0]["date_published"].startswith(today)


def test_same_inputs_give_byte_identical_feeds_and_browse_files(dated_sample: Path, build_site) -> None:
    files = ["feed.xml", "feed.json", "data/browse.json", "browse/index.html", "recent/index.html"]
    first = {f: (build_site(dated_sample) / f).read_bytes() for f in files}
    second = {f: (build_site(dated_sample) / f).read_bytes() for f in files}
    assert first == second


def test_the_browse_table_is_complete_without_javascript(dated_built: tuple[Path, Path]) -> None:
    dated_sample, site = dated_built
    html = (site / "browse" / "index.html").read_text(encoding="utf-8")
    survey = survey_of(dated_sample)
    table = re.search(r'<table class="ls-browse-table">.*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr data-quadrants=.*?</tr>", table, re.S)
    assert len(rows) == len(survey.entries)
    headings = re.findall(r'<th scope="col" data-key="([a-z_]+)">([^<]+)</th>', table)
    assert [k for k, _ in headings] == ["label", "title", "year", "quadrants", "signal", "datasets", "placed_by", "added"]
    for r in browse_rows(survey):
        assert f'href="../entries/{r.id}/"' in table and f'<time datetime="{r.added}">' in table
    # the placer column tells a published source from a contributor
    assert 'data-placer="contributor"' in table and 'data-placer="published"' in table
    assert "ls-browse-fallback" not in html
    # the filters appear only with the script, which the plugin ships with the site
    assert re.search(r'<form class="ls-browse-filters"[^>]* hidden>', html)
    script = re.search(r'<script src="([^"]+browse\.js)" defer>', html).group(1)
    assert (site / "browse").joinpath(script).resolve().is_file()
    # the table is left out of the search index: each work is found through its own page
    index = json.loads((site / "search" / "search_index.json").read_text())
    assert not any(d["location"].startswith("browse/") and "ls-browse" in d["text"] for d in index["docs"])


def test_above_the_limit_the_page_stays_small_and_points_to_the_data(dated_sample: Path, build_site, monkeypatch) -> None:
    import living_survey.pages.browse_data

    monkeypatch.setattr(living_survey.pages.browse_data, "FULL_TABLE_LIMIT", 1)
    site = build_site(dated_sample)
    html = (site / "browse" / "index.html").read_text(encoding="utf-8")
    assert "<tr data-quadrants=" not in html
    fallback = re.search(r'<p class="ls-browse-fallback">.*?</p>', html, re.S).group(0)
    assert 'href="../data/entries.csv"' in fallback and 'href="../data/entries.json"' in fallback
    data = json.loads((site / "data" / "browse.json").read_text())
    assert len(data["rows"]) == len(survey_of(dated_sample).entries)
    assert data["fields"][:2] == ["id", "url"] and all(r[1] == f"entries/{r[0]}/" for r in data["rows"])


def test_entry_pages_show_organisation_datasets_and_date_and_are_found_by_them(tmp_path: Path, build_site) -> None:
    extra = 'organisation: "Acme <Labs>"\ndatasets:\n  - name: "ACME-PREFS"\n    url: https://example.org/acme\n  - name: "Plain set"\n'
    entry = dated("alpha2020open", "broad-descriptive", "[-0.5, -0.5]", "2023-03-01") + extra
    root = write_sample(tmp_path / "p", entries={"alpha-2020": entry})
    site = build_site(root)
    html = (site / "entries" / "alpha-2020" / "index.html").read_text(encoding="utf-8")
    assert "<dt>Organisation</dt>\n<dd>Acme &lt;Labs&gt;</dd>" in html
    assert '<a href="https://example.org/acme">ACME-PREFS</a>, Plain set' in html
    assert '<time datetime="2023-03-01">2023-03-01</time>' in html
    index = json.loads((site / "search" / "search_index.json").read_text())
    tags = {tuple(d.get("tags", ())) for d in index["docs"] if d["location"].startswith("entries/alpha-2020/")}
    # the index holds HTML: a tag arrives escaped, as the theme escapes page text
    assert tags == {("Acme &lt;Labs&gt;", "ACME-PREFS", "Plain set", "Alpha")}


def test_search_terms_are_organisation_datasets_and_first_author() -> None:
    survey = survey_of(ROOT)
    for entry in survey.entries:
        terms = search_terms(survey, entry)
        assert all(d.name in terms for d in entry.datasets)
        assert entry.organisation is None or entry.organisation in terms


def test_the_references_page_is_indexed_one_record_at_a_time(real_site: Path) -> None:
    index = json.loads((real_site / "search" / "search_index.json").read_text())
    records = [d for d in index["docs"] if d["location"].startswith("references/#")]
    survey = survey_of(ROOT)
    assert len(records) == len(survey.library.references)
    stiennon = next(d for d in records if d["location"] == "references/#stiennon2020learning")
    assert stiennon["title"] == survey.library["stiennon2020learning"].label
    assert stiennon["text"].startswith("<p>Stiennon")  # its own record, not the one before it
    html = (real_site / "references" / "index.html").read_text(encoding="utf-8")
    assert 'id="stiennon2020learning"' in html


def test_each_entry_is_dated_no_later_than_it_entered_the_repository() -> None:
    survey = survey_of(ROOT)
    for entry in survey.entries:
        first = subprocess.run(
            ["git", "log", "--diff-filter=A", "--format=%cs", "--", entry.path], cwd=ROOT, capture_output=True, text=True
        ).stdout.split()
        if first:  # files not committed yet have no date to compare
            # dated when scaffolded, so never after the commit that brought the file in
            assert entry.added <= first[-1], entry.path
        # the field is there, on a line of its own, wherever the contributor's editor put it
        assert entry.lines.get("added", 0) >= 1, entry.path


def test_recent_entries_break_ties_by_id(dated_sample: Path) -> None:
    survey = survey_of(dated_sample)
    order = [e.id for e in recent_entries(survey)]
    assert order == expected_order(dated_sample)


def test_the_streamed_browse_file_equals_the_whole_document(dated_built: tuple[Path, Path]) -> None:
    from living_survey.pages.browse_data import browse_json

    dated_sample, site = dated_built
    survey = survey_of(dated_sample)
    assert json.loads((site / "data" / "browse.json").read_text()) == browse_json(survey, lambda i: f"entries/{i}/")


def test_feeds_name_a_work_by_the_byline_its_page_shows_and_the_data_keeps_every_author(tmp_path: Path, build_site) -> None:
    many = " and ".join(f"Author{i}, Ann{i}" for i in range(1, 52))  # 51 authors, as Constitutional AI has
    bib = "@misc{many2022work,\n  author = {" + many + "},\n  title = {A work with many authors},\n  year = {2022}\n}\n"
    root = write_sample(
        tmp_path / "p",
        entries={
            "many-2022": dated("many2022work", "broad-descriptive", "[-0.5, -0.5]", "2024-02-01"),
            "alpha-2020": dated("alpha2020open", "broad-descriptive", "[-0.4, -0.5]", "2024-02-02"),
        },
        bib=SAMPLE_BIB + bib,
    )
    site = build_site(root)
    shown = "Author1, A., Author2, A., Author3, A., et al."
    page = (site / "entries" / "many-2022" / "index.html").read_text(encoding="utf-8")
    byline = re.search(r'<p class="ls-byline">\s*(.*?) \(', page, re.S).group(1)
    assert byline == shown
    atom = feedparser.parse((site / "feed.xml").read_bytes())
    item = next(e for e in atom.entries if e.link.endswith("/entries/many-2022/"))
    assert [a.name for a in item.authors] == [shown]
    data = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    json_item = next(i for i in data["items"] if i["url"].endswith("/entries/many-2022/"))
    assert [a["name"] for a in json_item["authors"]] == [shown]
    assert jsonfeed.Feed.parse_string(json.dumps(data)).items
    # the data files keep the full list
    export = json.loads((site / "data" / "entries.json").read_text(encoding="utf-8"))
    work = next(w for w in export["works"] if w["key"] == "many2022work")
    assert len(work["reference"]["authors"]) == 51
    # a work with three authors or fewer is named in full
    alpha = next(e for e in atom.entries if e.link.endswith("/entries/alpha-2020/"))
    assert [a.name for a in alpha.authors] == ["Alpha, A., Beta, B., & Gamma, G."]

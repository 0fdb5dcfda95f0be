"""Many voices, end to end: a second placement of a work is shown, joined, listed and exported.

The contested survey is a copy of the repository's own with a contributor's second placement of
Constitutional AI (Bai et al., 2022a) in Specific–Prescriptive, made with ``living-survey new``
and built strictly (see ``conftest.write_contested``); the shipped entries/ are never changed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.dom.minidom
from pathlib import Path

import bibtexparser
import jsonschema

from living_survey import load_survey

from ..conftest import ROOT, SECOND_KEY, write_sample

FIRST, SECOND = "bai-2022-constitutional", "bai-2022-constitutional-someone"
HERE, THERE = "specific-descriptive", "specific-prescriptive"


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def article(html: str) -> str:
    return html[html.index("<article") : html.index("</article>")]


def survey_of_site(site: Path):
    root = site.parent
    return load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")


def test_both_entry_pages_show_and_link_the_other_placement(contested_site: Path) -> None:
    # the survey may hold other placements of the work (a grown survey): expectations come from it
    survey = survey_of_site(contested_site)
    work = survey.works[SECOND_KEY]
    disputed = " and ".join(axis.name for axis in work.disputed)
    for this, other, quadrant in ((FIRST, SECOND, THERE), (SECOND, FIRST, HERE)):
        html = article(page(contested_site, f"entries/{this}"))
        section = html[html.index('id="placements"') : html.index('id="quotes"')]
        assert f'href="../{other}/"' in section
        assert f'href="../../quadrants/{quadrant}/"' in section
        # the axes they disagree on, by the framework's own names: this pair at least on the vertical one
        assert survey.framework.y in work.disputed
        assert f"<strong>{disputed}</strong>" in section
        assert 'href="../../contested/#work-' in section
        # a small map of both placements, this page's ringed, the contributor's hollow
        svg = re.search(r"<svg class=\"ls-minimap\".*?</svg>", section, re.S).group(0)
        dom = xml.dom.minidom.parseString(svg)
        assert len(dom.getElementsByTagName("polyline")) == 1
        shown = work.shown_others(survey.entry(this))
        assert survey.entry(other) in shown
        assert svg.count("ls-minimap-marker") == len(shown) + 1 and svg.count("ls-current") == 1
        assert "var(--md-default-bg-color" in svg
    first = article(page(contested_site, f"entries/{FIRST}"))
    assert "Placed by" in first and "(a published work)" in first
    second = article(page(contested_site, f"entries/{SECOND}"))
    assert "&#64;someone" in second and "(a contributor)" in second


def test_contested_page_lists_the_work_with_the_disputed_axis_and_links_each_rationale(contested_site: Path) -> None:
    survey = survey_of_site(contested_site)
    html = article(page(contested_site, "contested"))
    work = survey.works[SECOND_KEY]
    assert work.contested
    section = re.search(r'<h2 id="work-bai2022constitutional".*?</table>', html, re.S).group(0)
    # the disputed axes (the vertical one at least, by the contributor's placement), and no other
    assert survey.framework.y in work.disputed
    assert f"<strong>{' and '.join(axis.name for axis in work.disputed)}</strong>" in section
    for axis in (survey.framework.x, survey.framework.y):
        if axis not in work.disputed:
            assert axis.name + "</strong>" not in section and "<strong>" + axis.name not in section
    assert f"{work.distance:.2f} apart" in section
    assert f'href="../entries/{FIRST}/#rationale"' in section and f'href="../entries/{SECOND}/#rationale"' in section
    assert "Kirk et al., 2023b (published work)" in section and "&#64;someone (contributor)" in section
    # only contested works are listed
    assert html.count('<h2 id="work-') == len(survey.works.contested)


def test_quadrant_pages_list_the_work_once_each_marked_contested(contested_site: Path) -> None:
    survey = survey_of_site(contested_site)
    for quadrant, other in ((THERE, FIRST), (HERE, SECOND)):
        html = article(page(contested_site, f"quadrants/{quadrant}"))
        cards = re.findall(r'<li class="ls-entry-card">.*?</li>', html, re.S)
        mine = [c for c in cards if "Constitutional AI" in c]
        assert len(mine) == 1 and 'class="ls-badge ls-contested">contested' in mine[0]
        assert f'href="../../entries/{other}/"' in mine[0]
        assert len(cards) == len(survey.works.in_quadrant(quadrant))
        assert 'href="../../contested/"' in html
        assert all("Placed by" in c for c in cards)


def test_home_page_links_the_contested_list(contested_site: Path) -> None:
    home = article(page(contested_site, ""))
    count = len(survey_of_site(contested_site).works.contested)
    counted = "1 work is" if count == 1 else f"{count} works are"
    assert re.search(rf'<p class="ls-contested-note">{counted} placed in different quadrants.*?href="contested/"', home)


def test_figure_joins_the_two_markers_and_tells_the_placers_apart(contested_site: Path) -> None:
    svg = (contested_site / "assets" / "figure1.svg").read_text(encoding="utf-8")
    dom = xml.dom.minidom.parseString(svg)
    ids = {g.getAttribute("id"): g for g in dom.getElementsByTagName("g") if g.getAttribute("id")}
    assert "ls-join-bai2022constitutional" in ids and "ls-legend" in ids
    joins = [i for i in ids if i.startswith("ls-join-")]
    # one join per work placed more than once (this one, and any other the survey holds)
    placed_again = [w.key for w in survey_of_site(contested_site).works if len(w.placements) > 1]
    assert SECOND_KEY in placed_again
    assert sorted(joins) == sorted(f"ls-join-{key}" for key in placed_again)
    markers = {i: g.toxml() for i, g in ids.items() if i.startswith("ls-marker-")}
    first = [m for m in markers.values() if f"entries/{FIRST}/" in m]
    second = [m for m in markers.values() if f"entries/{SECOND}/" in m]
    assert len(first) == len(second) == 1
    assert "var(--md-default-bg-color" in second[0] and "var(--md-default-bg-color" not in first[0]
    for marker in first + second:
        assert "Kirk et al., 2023b" in marker and "@someone" in marker


def test_exports_group_the_placements_by_work(contested_site: Path) -> None:
    data = json.loads((contested_site / "data" / "entries.json").read_text(encoding="utf-8"))
    schema = json.loads((contested_site / "data" / "entries.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(data)
    works = [w for w in data["works"] if w["key"] == SECOND_KEY]
    assert len(works) == 1
    work = works[0]
    # every placement of the work, published first, the source's and the contributor's among them
    placed = survey_of_site(contested_site).works[SECOND_KEY]
    ids = [e.id for e in placed.placements]
    assert [p["id"] for p in work["placements"]] == ids and ids[0] == FIRST and SECOND in ids
    kinds = [p["placer_kind"] for p in work["placements"]]
    assert kinds[0] == "published" and kinds[ids.index(SECOND)] == "contributor"
    assert kinds == sorted(kinds, key=lambda kind: kind != "published")
    assert work["agreement"]["same_quadrant"] is False and "y" in work["agreement"]["disputed_axes"]
    assert work["agreement"]["disputed_axes"] == [axis.key for axis in placed.disputed]
    assert work["agreement"]["quadrants"] == list(placed.quadrants) and {THERE, HERE} <= set(placed.quadrants)
    # works are counted once, placements each time: the contributor's placement (and any other
    # second placement the survey holds) adds to the count, not to the works
    survey = survey_of_site(contested_site)
    assert data["survey"]["works"] == len(data["works"]) == len(survey.works)
    assert data["survey"]["count"] == len(survey.entries)
    assert data["survey"]["count"] - data["survey"]["works"] == sum(len(w.placements) - 1 for w in survey.works) >= 1
    rows = list(csv.DictReader(io.StringIO((contested_site / "data" / "entries.csv").read_text(encoding="utf-8"))))
    mine = [r for r in rows if r["work"] == SECOND_KEY]
    assert sorted(r["id"] for r in mine) == sorted(ids) and {r["contested"] for r in mine} == {"yes"}
    assert len(rows) == data["survey"]["count"]
    # each quadrant's BibTeX holds the work once
    for quadrant in (HERE, THERE):
        bib = bibtexparser.parse_string((contested_site / "data" / f"{quadrant}.bib").read_text(encoding="utf-8"))
        assert [e.key for e in bib.entries].count(SECOND_KEY) == 1
    both = bibtexparser.parse_string((contested_site / "data" / "references.bib").read_text(encoding="utf-8"))
    assert [e.key for e in both.entries].count(SECOND_KEY) == 1


def test_the_shipped_entries_are_untouched() -> None:
    assert not (ROOT / "entries" / f"{SECOND}.yaml").exists()


def test_one_placement_per_work_shows_no_contested_section(tmp_path: Path, build_site) -> None:
    root = write_sample(tmp_path / "p")
    index = root / "docs" / "index.md"
    index.write_text(index.read_text() + "\n<!-- living-survey:contested -->\n")
    site = build_site(root)
    assert "ls-contested" not in page(site, "") and "living-survey:contested" not in page(site, "")
    for quadrant in ("broad-descriptive", "specific-prescriptive"):
        html = article(page(site, f"quadrants/{quadrant}"))
        listing = html[html.index('<p class="ls-count">') : html.index("</ul>", html.index('class="ls-entry-list"'))]
        assert "contested" not in listing.lower() and "placements" not in listing
        assert re.search(r'<p class="ls-count">\d+ works? placed here\.</p>', listing)
    contested = article(page(site, "contested"))
    assert "No work is contested" in contested and '<h2 id="work-' not in contested
    entry = article(page(site, "entries/alpha-2020"))
    assert 'id="placements"' not in entry and "ls-minimap" not in entry


def test_hostile_placers_stay_text_in_the_small_map_and_the_contested_list(tmp_path: Path, build_site) -> None:
    from ..conftest import HOSTILE, PWN, write_hostile

    root = write_hostile(tmp_path / "p")
    first = (root / "entries" / "hostile.yaml").read_text(encoding="utf-8")
    second = first.replace("quadrant: broad-descriptive", "quadrant: specific-prescriptive").replace("[-0.4, -0.6]", "[0.4, 0.6]")
    # another placer: a handle (placed_by is a key or an @handle; free text is refused at load)
    second = second.replace('placed_by: "@mallory"', 'placed_by: "@x-mallory"', 1)
    (root / "entries" / "hostile-x.yaml").write_text(second, encoding="utf-8")
    site = build_site(root)
    from html.parser import HTMLParser

    class Elements(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.bad: list[str] = []

        def handle_starttag(self, tag: str, attrs: list) -> None:
            if tag == "script" or any(name.startswith("on") for name, _ in attrs):
                self.bad.append(tag)

    for path in ("entries/hostile", "entries/hostile-x", "contested", "quadrants/specific-prescriptive"):
        html = article(page(site, path))
        parser = Elements()
        parser.feed(html)
        assert parser.bad == [] and PWN in html, path
    entry = article(page(site, "entries/hostile"))
    svg = re.search(r'<svg class="ls-minimap".*?</svg>', entry, re.S).group(0)
    dom = xml.dom.minidom.parseString(svg)  # well-formed, the placers' names inside <title> as text
    assert dom.getElementsByTagName("script") == []
    titles = [t.firstChild.data for t in dom.getElementsByTagName("title") if t.firstChild]
    assert any(HOSTILE.replace("&#64;", "@") in t.replace("&#64;", "@") or f"<script>{PWN}</script>" in t for t in titles)
    figure = (site / "assets" / "figure1.svg").read_text(encoding="utf-8")
    assert "ls-join-hostile2020" in xml.dom.minidom.parseString(figure).toxml()


def test_past_the_label_limit_a_work_placed_twice_is_keyed_once(tmp_path: Path, build_site) -> None:
    from living_survey.figure import LABEL_LIMIT

    from ..conftest import SAMPLE_BIB, SAMPLE_ENTRY

    works = LABEL_LIMIT  # plus one second placement: LABEL_LIMIT + 1 markers, numbered
    bib = SAMPLE_BIB + "".join(
        f"@misc{{w{i:03d}, author = {{Writer{i:03d}, Ann}}, title = {{Work {i}}}, year = {{2020}}}}\n" for i in range(works)
    )
    entries = {
        f"w-{i:03d}": SAMPLE_ENTRY.format(
            key=f"w{i:03d}", quadrant="broad-descriptive", position=f"[-0.{i % 9 + 1}, -0.{(i * 7) % 9 + 1}]", quote="q"
        )
        for i in range(works)
    }
    entries["w-000-someone"] = SAMPLE_ENTRY.format(key="w000", quadrant="specific-prescriptive", position="[0.5, 0.5]", quote="q").replace(
        "placed_by: source2023map", 'placed_by: "@someone"'
    )
    root = write_sample(tmp_path / "p", entries=entries, bib=bib)
    site = build_site(root)
    from living_survey import load_survey
    from living_survey.figure import numbered_key

    # the key typeset beside the numbered figure numbers each work once, by its first placement
    key = numbered_key(load_survey(root, root / "framework.yml", root / "entries", root / "references.bib"))
    assert [n for n, _, _ in key] == list(range(1, works + 1))
    assert "w-000-someone" not in [i for _, i, _ in key]
    svg = (site / "assets" / "figure1.svg").read_text(encoding="utf-8")
    assert "ls-join-w000" in svg and "../entries/w-000-someone/" in svg
    # the map pages show joins the two placements too
    map_svg = (site / "assets" / "map.svg").read_text(encoding="utf-8")
    assert 'data-ls-work="w000"' in map_svg and "../entries/w-000-someone/" in map_svg


def test_every_link_on_the_contested_site_pages_reaches_a_file(contested_site: Path) -> None:
    from .test_routes import _internal_targets

    checked = 0
    for path in ("", "contested", f"entries/{FIRST}", f"entries/{SECOND}", f"quadrants/{HERE}", f"quadrants/{THERE}", "references"):
        html = contested_site / path / "index.html"
        for target in _internal_targets(contested_site, html):
            assert target.is_file(), f"{path or 'home'} links to missing {target}"
            checked += 1
    assert checked > 50
    refs = article(page(contested_site, "references"))
    # each record is its own section: the heading with its anchor, then the reference
    item = re.search(r'<h2 class="ls-ref-label" id="bai2022constitutional">.*?</p>', refs, re.S).group(0)
    assert f"{FIRST}</a> (placed by Kirk et al., 2023b)" in item and f"{SECOND}</a> (placed by &#64;someone)" in item


def test_a_work_placed_many_times_keeps_each_entry_page_short(tmp_path: Path, build_site) -> None:
    """Each entry page lists at most SHOWN other placements (the rest counted, with links to the
    quadrant pages that name every placer), so pages do not grow with the number of placements."""
    from living_survey.model.works import SHOWN

    from ..conftest import SAMPLE_ENTRY

    corners = (("broad-descriptive", -1, -1), ("specific-prescriptive", 1, 1), ("specific-descriptive", 1, -1))
    count = 3 * SHOWN + 2
    entries = {}
    for i in range(count):
        quadrant, sx, sy = corners[i % len(corners)]
        text = SAMPLE_ENTRY.format(key="alpha2020open", quadrant=quadrant, position=f"[{sx * (0.1 + i / 100)}, {sy * 0.5}]", quote="q")
        entries[f"alpha-2020-u{i:02d}"] = text.replace("placed_by: source2023map", f'placed_by: "@user{i:02d}"')
    root = write_sample(tmp_path / "p", entries=entries)
    site = build_site(root)
    survey = survey_of_site(site)
    work = survey.works["alpha2020open"]
    assert len(work.placements) == count
    for entry in work.placements:
        html = article(page(site, f"entries/{entry.id}"))
        rows = re.findall(r"<tr><td>", html)
        assert len(rows) == SHOWN, entry.id
        more = re.search(r'<p class="ls-more-placements">(\d+) more placements are not listed here.*?</p>', html, re.S)
        assert more and int(more.group(1)) == count - 1 - SHOWN
        for quadrant in work.quadrants:
            assert f'href="../../quadrants/{quadrant}/"' in more.group(0)
        svg = re.search(r'<svg class="ls-minimap".*?</svg>', html, re.S).group(0)
        assert svg.count("ls-minimap-marker") == SHOWN + 1 and svg.count("ls-current") == 1
        assert f"of the {count} placements" in svg
        # the shortlist shows the disagreement first: every other quadrant is represented
        listed = set(re.findall(r'<td><a href="../../quadrants/([a-z-]+)/">', html))
        assert set(work.quadrants) - {entry.quadrant} <= listed
    # every placer is still named, once, on the quadrant pages
    for quadrant in work.quadrants:
        cards = article(page(site, f"quadrants/{quadrant}"))
        for entry in work.in_quadrant(quadrant):
            assert f"{entry.placed_by.replace('@', '&#64;')}</a>" in cards
    # each figure marker names at most SHOWN placers
    figure = (site / "assets" / "figure1.svg").read_text(encoding="utf-8")
    titles = [t.firstChild.data for t in xml.dom.minidom.parseString(figure).getElementsByTagName("title") if t.firstChild]
    placed = [t for t in titles if "placed by" in t]
    assert placed and all(t.count("@user") == SHOWN and t.endswith(f"; and {count - SHOWN} more") for t in placed)


def test_keys_that_differ_only_in_punctuation_keep_their_own_anchors(tmp_path: Path, build_site) -> None:
    from ..conftest import SAMPLE_BIB, SAMPLE_ENTRY

    keys = ("smith:2020", "smith/2020", "smith-2020")
    bib = SAMPLE_BIB + "".join(
        f"@misc{{{k}, author = {{Smith, Sam}}, title = {{Work number {i}}}, year = {{2020}}}}\n" for i, k in enumerate(keys)
    )
    entries = {}
    for i, key in enumerate(keys):
        entries[f"smith-{i}"] = SAMPLE_ENTRY.format(key=key, quadrant="broad-descriptive", position="[-0.5, -0.5]", quote="q")
        other = SAMPLE_ENTRY.format(key=key, quadrant="specific-prescriptive", position="[0.5, 0.5]", quote="q")
        entries[f"smith-{i}-someone"] = other.replace("placed_by: source2023map", 'placed_by: "@someone"')
    site = build_site(write_sample(tmp_path / "p", entries=entries, bib=bib))
    contested = article(page(site, "contested"))
    ids = re.findall(r'<h2 id="(work-[^"]+)"', contested)
    assert len(ids) == len(set(ids)) == len(keys)
    for i, key in enumerate(keys):
        link = re.search(r'href="\.\./\.\./contested/#(work-[^"]+)"', article(page(site, f"entries/smith-{i}"))).group(1)
        heading = re.search(rf'<h2 id="{re.escape(link)}">(.*?)</h2>', contested).group(1)
        assert f"Work number {i}" in heading, (key, link)
    references = page(site, "references")
    ref_ids = re.findall(r'<li id="([^"]+)"', references)
    assert len(ref_ids) == len(set(ref_ids))
    figure = (site / "assets" / "figure1.svg").read_text(encoding="utf-8")
    joins = re.findall(r'id="(ls-join-[^"]+)"', figure)
    assert len(joins) == len(set(joins)) == len(keys)

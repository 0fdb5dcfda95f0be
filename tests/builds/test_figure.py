"""Figure 1: deterministic bytes, one link per entry and quadrant, cache hits without matplotlib."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from living_survey import load_survey
from living_survey.figure import (
    LABEL_LIMIT,
    auto_positions,
    ensure_figure,
    figure_inputs,
    numbering,
)
from living_survey.figure.figure1 import draw_figure1 as _draw
from living_survey.figure.figure1 import layout_collisions

from ..conftest import ROOT, SAMPLE_BIB, SAMPLE_ENTRY, write_sample


def survey_of(root: Path):
    return load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")


def test_two_renders_are_byte_identical_and_link_every_entry() -> None:
    inputs = figure_inputs(survey_of(ROOT))
    first, second = _draw(inputs), _draw(inputs)
    assert first == second
    svg = first["figure1.svg"].decode()
    entry_links = re.findall(r'xlink:href="@@ls:entries/([^@/]+)@@"', svg)
    # each entry links twice, its marker and its label, when it carries its work's label (or its
    # number, past the label limit); a work's other placements link once, by their marker
    numbered = len(inputs["entries"]) > LABEL_LIMIT
    links = {e["id"]: 2 if numbered or e["labelled"] else 1 for e in inputs["entries"]}
    assert sorted(set(entry_links)) == sorted(links)
    assert all(entry_links.count(i) == n for i, n in links.items())
    assert sum(1 for e in inputs["entries"] if e["labelled"]) == len({e["work"] for e in inputs["entries"]})
    assert len(set(re.findall(r'xlink:href="@@ls:quadrants/([^@/]+)@@"', svg))) == 4
    assert svg.count("<title>") >= sum(links.values()) + 4
    assert first["figure1.png"].startswith(b"\x89PNG") and first["figure1.pdf"].startswith(b"%PDF")


def test_cache_hit_does_not_import_matplotlib(tmp_path: Path) -> None:
    root = write_sample(tmp_path / "p")
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from living_survey import load_survey
        from living_survey.figure import ensure_figure
        root = Path({str(root)!r})
        survey = load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")
        files = ensure_figure(survey, root / ".cache")
        print("matplotlib" in sys.modules, len(files))
        """
    )
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split() for _ in range(2)]
    assert runs[0][0] == "True" and runs[1][0] == "False"
    assert runs[0][1] == runs[1][1] and int(runs[0][1]) >= 4  # the same files: three downloads and the map at least


def test_hostile_labels_stay_plain_text(tmp_path: Path) -> None:
    bib = r"""@misc{evil2020, author = {{$\frac{<script>}{x}$ \& </svg>}}, title = {$x^2$ <a href="javascript:x"> ]]>}, year = {2020}}"""
    entry = SAMPLE_ENTRY.format(key="evil2020", quadrant="broad-descriptive", position="[-0.5, -0.5]", quote="q")
    root = write_sample(tmp_path / "p", entries={"evil": entry}, bib=bib)
    files = ensure_figure(survey_of(root), tmp_path / "cache")
    svg = files["figure1.svg"].decode()
    import xml.dom.minidom

    dom = xml.dom.minidom.parseString(svg)  # still well-formed
    assert dom.getElementsByTagName("script") == []
    hrefs = [a.getAttribute("xlink:href") for a in dom.getElementsByTagName("a")]
    assert hrefs and all(h.startswith("@@ls:") and h.endswith("@@") for h in hrefs)
    titles = [t.firstChild.data for t in dom.getElementsByTagName("title")]
    # the work's title, then who placed it: both as plain text
    assert any(t.startswith('$x^2$ <a href="javascript:x"> ]]> — placed by ') for t in titles)


def test_entries_without_position_get_free_slots_inside_their_quadrant(tmp_path: Path) -> None:
    entries = {
        f"e{i}": SAMPLE_ENTRY.format(key="alpha2020open", quadrant="specific-prescriptive", position="[0.5, 0.5]", quote="q")
        .replace("position: [0.5, 0.5]\n", "")
        .replace("placed_by: source2023map", f'placed_by: "@placer{i}"')  # one placement per placer
        for i in range(7)
    }
    root = write_sample(tmp_path / "p", entries=entries)
    positions = auto_positions(figure_inputs(survey_of(root)))
    assert len(set(positions.values())) == 7
    assert all(x > 0 and y > 0 for x, y in positions.values())


def synthetic_inputs(count: int, seed: int, spread: float = 1.0) -> dict:
    """A figure's inputs with ``count`` entries at seeded random positions, long labels included."""
    import random

    base = figure_inputs(survey_of(ROOT))
    rng = random.Random(seed)
    entries = []
    for i in range(count):
        q = base["quadrants"][rng.randrange(4)]
        x, y = q["x"] * rng.uniform(0.05, spread), q["y"] * rng.uniform(0.05, spread)
        label = f"{rng.choice(['Wu', 'Stiennon', 'Organisation for Long Names'])} et al., {2000 + i % 24}{'abc'[i % 3]}"
        entries.append({"id": f"e{i:04d}", "quadrant": q["id"], "position": [x, y], "label": label, "title": f"T{i}"})
    return dict(base, entries=entries)


def test_labels_never_overlap_labels_markers_or_titles_on_the_real_map() -> None:
    assert layout_collisions(figure_inputs(survey_of(ROOT))) == []


@pytest.mark.parametrize("seed", [1, 2, 3, 23])
def test_labels_never_overlap_at_the_label_limit(seed: int) -> None:
    # LABEL_LIMIT entries, some quadrants crowded: the most the figure labels
    inputs = synthetic_inputs(LABEL_LIMIT, seed)
    assert layout_collisions(inputs) == []


def test_crowded_corner_still_has_no_overlap() -> None:
    # twenty entries packed into one small corner: labels must move out, with leader lines
    inputs = synthetic_inputs(20, 7, spread=0.25)
    assert layout_collisions(inputs) == []


def test_past_the_label_limit_markers_are_numbered_and_linked() -> None:
    inputs = synthetic_inputs(LABEL_LIMIT + 1, 5)
    svg = _draw(inputs)["figure1.svg"].decode()
    links = re.findall(r'xlink:href="@@ls:entries/([^@/]+)@@"', svg)
    assert sorted(set(links)) == sorted(e["id"] for e in inputs["entries"])
    # numbered: no author–year label is drawn, each number's link goes to its entry
    assert "et al." not in svg
    assert [n for n, _ in numbering(inputs)] == list(range(1, LABEL_LIMIT + 2))


def test_cache_key_follows_only_what_the_figure_draws(tmp_path: Path) -> None:
    from living_survey.figure import cache_key

    root = write_sample(tmp_path / "p")
    entry = root / "entries" / "alpha-2020.yaml"
    base = cache_key(survey_of(root))

    def key_after(path: Path, old: str, new: str) -> str:
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new))
        try:
            return cache_key(survey_of(root))
        finally:
            path.write_text(text)

    # not drawn: the rationale, a quote, the signal
    assert key_after(entry, "because of its open question", "for another reason") == base
    assert key_after(entry, "which output is better", "which reply is better") == base
    # drawn: position, quadrant, the work's title and label, the framework's names
    assert key_after(entry, "[-0.5, -0.5]", "[-0.4, -0.5]") != base
    assert key_after(root / "references.bib", "Open preferences at scale", "Open preferences") != base
    assert key_after(root / "references.bib", "Alpha, Ann and", "Aleph, Ann and") != base
    assert key_after(root / "framework.yml", "Broad–Descriptive", "Open–Descriptive") != base
    # drawn: who placed it (marker style and tooltip) and which work it places (joins, labels)
    assert key_after(entry, "placed_by: source2023map", 'placed_by: "@octocat"') != base
    # (a work not yet placed: source2023map may not place delta2021named twice)
    assert key_after(entry, "key: alpha2020open", "key: source2023map") != base


def second_placement(root: Path, key: str = "alpha2020open", quadrant: str = "specific-prescriptive", position: str = "[0.6, 0.5]") -> Path:
    text = SAMPLE_ENTRY.format(key=key, quadrant=quadrant, position=position, quote="q").replace(
        "placed_by: source2023map", 'placed_by: "@someone"'
    )
    (root / "entries" / "alpha-2020-someone.yaml").write_text(text)
    return root


def test_placements_of_one_work_are_joined_labelled_once_and_told_apart(tmp_path: Path) -> None:
    import xml.dom.minidom

    root = second_placement(write_sample(tmp_path / "p"))
    inputs = figure_inputs(survey_of(root))
    assert layout_collisions(inputs) == []
    svg = _draw(inputs)["figure1.svg"].decode()
    dom = xml.dom.minidom.parseString(svg)
    groups = {g.getAttribute("id"): g for g in dom.getElementsByTagName("g") if g.getAttribute("id").startswith("ls-")}
    # one thin line joins the work's two markers
    assert "ls-join-alpha2020open" in groups and "ls-join-delta2021named" not in groups

    # the source's marker is filled, the contributor's hollow (the page's background shows through)
    def marker(entry_id: str) -> str:
        found = [g for g in groups.values() if g.getAttribute("id").startswith("ls-marker-") and f"entries/{entry_id}@@" in g.toxml()]
        assert len(found) == 1, entry_id
        return found[0].toxml()

    assert "var(--md-default-bg-color" not in marker("alpha-2020")
    assert "fill: var(--md-default-bg-color" in marker("alpha-2020-someone")
    # a legend explains both marker styles and the line
    assert "ls-legend" in groups
    # the work is labelled once: its marker links twice (marker and label), the other placement once
    links = re.findall(r'xlink:href="@@ls:entries/([^@/]+)@@"', svg)
    assert links.count("alpha-2020") + links.count("alpha-2020-someone") == 3
    # hovering either marker names every placer
    titles = [t.firstChild.data for t in dom.getElementsByTagName("title") if t.firstChild]
    both = [t for t in titles if t.startswith("Open preferences at scale")]
    assert both and all("Survey Group, 2023" in t and "@someone" in t for t in both)
    ids = [g.getAttribute("id") for g in dom.getElementsByTagName("g") if g.getAttribute("id")]
    assert len(ids) == len(set(ids))


def test_one_placement_per_work_draws_no_join_and_no_legend(tmp_path: Path) -> None:
    svg = _draw(figure_inputs(survey_of(write_sample(tmp_path / "p"))))["figure1.svg"].decode()
    assert "ls-join-" not in svg and "ls-legend" not in svg and "var(--md-default-bg-color" not in svg


def test_numbered_markers_number_a_work_once(tmp_path: Path) -> None:
    inputs = synthetic_inputs(LABEL_LIMIT + 1, 5)
    a, b = inputs["entries"][0], inputs["entries"][1]
    inputs["entries"][1] = dict(b, work="shared", placer="contributor")
    inputs["entries"][0] = dict(a, work="shared", placer="published")
    numbers = [n for n, _ in numbering(inputs)]
    assert numbers[0] == numbers[1] == 1 and numbers[2:] == list(range(2, LABEL_LIMIT + 1))
    svg = _draw(inputs)["figure1.svg"].decode()
    assert "ls-join-shared" in svg and "ls-legend" in svg


def test_labels_in_other_scripts_draw_and_undrawable_ones_stop_the_build(tmp_path: Path, build_site, caplog) -> None:
    from mkdocs.exceptions import Abort

    from living_survey.figure.fonts import missing_glyphs

    # DejaVu Sans (shipped with matplotlib) covers Hebrew, Arabic, Greek and Cyrillic
    assert missing_glyphs("שלום مرحبا Ελληνικά Привет") == []
    # a private-use character: no font draws it, so the build stops at the record, naming the entry
    bib = SAMPLE_BIB.replace("Alpha, Ann and Beta", "Alpha\ue000, Ann and Beta")
    root = write_sample(tmp_path / "p", bib=bib)
    line = next(i for i, text in enumerate(bib.splitlines(), 1) if "@misc{alpha2020open" in text)
    with pytest.raises(Abort):
        build_site(root)
    message = caplog.text
    assert f"references.bib:{line}: @misc{{alpha2020open: " in message
    assert "U+E000" in message and "entries/alpha-2020.yaml" in message
    assert not (root / "site" / "index.html").exists()


@pytest.mark.parametrize("count", [120, 500])
def test_each_quadrant_figure_labels_every_work_readably_without_overlap(count: int) -> None:
    from living_survey.figure.printable import quadrant_collisions

    inputs = synthetic_inputs(count, 3)
    for q in inputs["quadrants"]:
        found, smallest = quadrant_collisions(inputs, q["id"])
        assert found == [], (q["id"], found[:5])
        assert smallest >= 7


def test_printable_figures_are_cached_and_offered_up_to_the_print_limit(tmp_path: Path) -> None:
    from living_survey.figure import PRINT_LIMIT, downloads

    root = write_sample(tmp_path / "p")
    survey = survey_of(root)
    files = ensure_figure(survey, tmp_path / "cache")
    quadrants = [q.id for q in survey.framework.quadrants]
    expected = {"figure1-keyed.png", "figure1-keyed.pdf"} | {f"figure1-{q}.{ext}" for q in quadrants for ext in ("png", "pdf")}
    assert expected <= set(files)
    assert all(files[n].startswith(b"\x89PNG") for n in expected if n.endswith(".png"))
    assert all(files[n].startswith(b"%PDF") for n in expected if n.endswith(".pdf"))
    offered = {name for _, group in downloads(survey) for name, _ in group}
    assert expected <= offered and len(survey.entries) <= PRINT_LIMIT
    # the same files again from the cache
    assert ensure_figure(survey, tmp_path / "cache") == files


def test_map_places_labels_per_zoom_level_without_overlap_and_keeps_landmarks() -> None:
    from living_survey.figure.layout import ASCENT, DESCENT, MARKER, place_layer
    from living_survey.figure.layout import Measure as _Measure
    from living_survey.figure.mapsvg import DEFAULT_LAYER, LAYERS, _order

    inputs = synthetic_inputs(300, 5)
    for i, e in enumerate(inputs["entries"]):
        e["landmark"] = i % 25 == 0
    items = _order(inputs)
    measure = _Measure()
    counts = []
    for size in LAYERS:
        placed = place_layer(items, size, [], measure)
        boxes = [(x, y - ASCENT * size, x + w, y + DESCENT * size) for _, x, y, w in placed]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), size
        ids = {p[0] for p in placed}
        # landmarks go first: labelled at the default size and every smaller one (larger sizes,
        # shown only on a small screen at full view, hold what room allows); other labels never cover a marker
        landmarks = {e["id"] for e in items if e["landmark"]}
        if size <= DEFAULT_LAYER:
            assert landmarks <= ids, (size, landmarks - ids)
        else:
            assert ids & landmarks or not ids
        r = MARKER * size
        for (eid, *_), box in zip(placed, boxes, strict=True):
            if any(e["id"] == eid and e["landmark"] for e in items):
                continue
            assert not any(box[0] < e["cx"] + r and e["cx"] - r < box[2] and box[1] < e["cy"] + r and e["cy"] - r < box[3] for e in items)
        counts.append(len(ids))
    # zooming in (smaller labels) names more works, until all are named
    assert counts == sorted(counts) and counts[-1] == len(items)


def test_no_two_works_markers_overlap_on_the_shipped_map() -> None:
    """Works placed at one point are dodged for display: measured on the map file itself, the dots
    of any two different works are at least a dot's diameter apart (centre to centre)."""
    import xml.etree.ElementTree as ET

    from living_survey.figure.mapsvg import map_svg

    inputs = figure_inputs(survey_of(ROOT))
    work_of = {e["id"]: e["work"] for e in inputs["entries"]}
    ns = {"s": "http://www.w3.org/2000/svg"}
    root = ET.fromstring(map_svg(inputs))
    dots = []
    for marker in root.iterfind(".//s:a[@class]", ns):
        if "ls-marker" not in marker.get("class", "").split():
            continue
        dot = marker.find("s:circle[@class='ls-dot']", ns)
        assert dot is not None
        dots.append((marker.get("data-ls-id"), float(dot.get("cx")), float(dot.get("cy")), float(dot.get("r"))))
    assert sorted(d[0] for d in dots) == sorted(work_of)
    overlapping = [
        (a, b, round(((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5, 1))
        for i, (a, ax, ay, ar) in enumerate(dots)
        for b, bx, by, br in dots[i + 1 :]
        if work_of[a] != work_of[b] and ((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5 < ar + br
    ]
    assert overlapping == []

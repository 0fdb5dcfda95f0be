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
    _draw,
    auto_positions,
    ensure_figure,
    figure_inputs,
    layout_collisions,
    numbering,
)

from .conftest import ROOT, SAMPLE_ENTRY, write_sample


def survey_of(root: Path):
    return load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")


def test_two_renders_are_byte_identical_and_link_every_entry() -> None:
    inputs = figure_inputs(survey_of(ROOT))
    first, second = _draw(inputs), _draw(inputs)
    assert first == second
    svg = first["figure1.svg"].decode()
    entry_links = re.findall(r'xlink:href="@@ls:entries/([^@/]+)@@"', svg)
    # each entry links twice: its marker and its label
    assert sorted(set(entry_links)) == sorted(e["id"] for e in inputs["entries"])
    assert all(entry_links.count(i) == 2 for i in set(entry_links))
    assert len(set(re.findall(r'xlink:href="@@ls:quadrants/([^@/]+)@@"', svg))) == 4
    assert svg.count("<title>") >= 2 * len(inputs["entries"]) + 4
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
    assert runs == [["True", "3"], ["False", "3"]]


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
    assert '$x^2$ <a href="javascript:x"> ]]>' in titles


def test_entries_without_position_get_free_slots_inside_their_quadrant(tmp_path: Path) -> None:
    entries = {
        f"e{i}": SAMPLE_ENTRY.format(key="alpha2020open", quadrant="specific-prescriptive", position="[0.5, 0.5]", quote="q").replace("position: [0.5, 0.5]\n", "")
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

"""Labels a reader can follow, measured on the map pages fetch (``map.svg``).

The geometry is read back from the SVG the build writes: the axes (``ls-axis`` lines), each
marker (``ls-dot`` circle and its ``data-ls-id``), each layer's labels (``<text>`` x and baseline,
its box from the placer's own text metric and the layer's font size) and leader lines. Rules:

- up to :data:`EVERY_WORK` works, every work is labelled in the layer shown at the default zoom;
- in every layer, no label touches an axis or lies in another quadrant than its marker;
- in every layer, no leader crosses another leader or an axis.
"""

from __future__ import annotations

import random
import xml.dom.minidom
from pathlib import Path
from typing import Any

import pytest

from living_survey import load_survey
from living_survey.figure import figure_inputs

from ..conftest import ROOT

EVERY_WORK = 40
"""Up to this many works, the default zoom names every one."""

Box = tuple[float, float, float, float]
Segment = tuple[float, float, float, float]


def shipped_inputs() -> dict[str, Any]:
    return figure_inputs(load_survey(ROOT, ROOT / "framework.yml", ROOT / "entries", ROOT / "references.bib"))


def grown_inputs() -> dict[str, Any]:
    """The launch survey as a new contributor grows it: three papers placed by contributors (hollow
    markers, each its work's first placement) and a dissenting second placement of a shipped work."""
    inputs = shipped_inputs()
    entries = list(inputs["entries"])
    quadrant = {q["id"]: q for q in inputs["quadrants"]}
    by_sign = {(q["x"], q["y"]): q["id"] for q in inputs["quadrants"]}
    added = [
        ("kirk-2024-prism", "Kirk et al., 2024", (-0.3, 0.55)),
        ("ji-2023-beavertails", "Ji et al., 2023", (0.6, -0.4)),
        ("cui-2023-ultrafeedback", "Cui et al., 2023", (0.62, 0.5)),
    ]
    for entry_id, label, (x, y) in added:
        entries.append(
            {
                "id": entry_id,
                "quadrant": by_sign[(1 if x > 0 else -1, 1 if y > 0 else -1)],
                "position": [x, y],
                "label": label,
                "title": f"{label} — placed by @newcomer",
                "work": entry_id,
                "placer": "contributor",
                "labelled": True,
                "landmark": False,
            }
        )
    # a dissent: the first shipped work placed again, by a contributor, in the opposite quadrant
    first = entries[0]
    signs = quadrant[first["quadrant"]]
    opposite = by_sign[(-signs["x"], -signs["y"])]
    px, py = first["position"] or (0.5 * signs["x"], 0.5 * signs["y"])
    entries.append(
        dict(
            first,
            id=first["id"] + "-newcomer",
            quadrant=opposite,
            position=[-px, -py],
            placer="contributor",
            labelled=False,
            landmark=False,
        )
    )
    return dict(inputs, entries=sorted(entries, key=lambda e: e["id"]))


NAMES = ["Wu", "Stiennon", "Bai", "Ganguli", "Ouyang", "Organisation for Long Names", "OpenAI", "Thoppilan"]


def synthetic_inputs(count: int, seed: int) -> dict[str, Any]:
    """``count`` works at seeded positions in the shipped framework, a quarter placed by contributors."""
    base = shipped_inputs()
    rng = random.Random(seed)
    entries = []
    for i in range(count):
        q = base["quadrants"][i % len(base["quadrants"])]
        x, y = q["x"] * rng.uniform(0.05, 1.0), q["y"] * rng.uniform(0.05, 1.0)
        label = f"{rng.choice(NAMES)} et al., {2000 + i % 24}{'abc'[i % 3]}"
        entries.append(
            {
                "id": f"e{i:04d}",
                "quadrant": q["id"],
                "position": [x, y],
                "label": label,
                "title": f"T{i}",
                "work": f"w{i:04d}",
                "placer": "contributor" if i % 4 == 0 else "published",
                "labelled": True,
                "landmark": i % 9 == 0,
            }
        )
    return dict(base, entries=entries)


def _crosses(a: Segment, b: Segment) -> bool:
    """Whether two segments share a point (touching ends count only where they are not shared)."""

    def orient(p: tuple[float, float], q: tuple[float, float], r: tuple[float, float]) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    p1, p2, p3, p4 = (a[0], a[1]), (a[2], a[3]), (b[0], b[1]), (b[2], b[3])
    d1, d2, d3, d4 = orient(p3, p4, p1), orient(p3, p4, p2), orient(p1, p2, p3), orient(p1, p2, p4)
    return ((d1 > 0 > d2) or (d1 < 0 < d2)) and ((d3 > 0 > d4) or (d3 < 0 < d4))


def map_geometry(svg: str) -> dict[str, Any]:
    """Axes, markers and, per layer, label boxes and leader segments, as the SVG holds them."""
    from living_survey.figure.layout import ASCENT, DESCENT, Measure

    measure = Measure()
    dom = xml.dom.minidom.parseString(svg)
    axes = [
        tuple(float(line.getAttribute(k)) for k in ("x1", "y1", "x2", "y2"))
        for line in dom.getElementsByTagName("line")
        if "ls-axis" in line.getAttribute("class")
    ]
    horizontal = next(a for a in axes if a[1] == a[3])
    vertical = next(a for a in axes if a[0] == a[2])
    markers = {}
    for link in dom.getElementsByTagName("a"):
        if link.getAttribute("data-ls-id"):
            dot = next(c for c in link.getElementsByTagName("circle") if "ls-dot" in c.getAttribute("class"))
            markers[link.getAttribute("data-ls-id")] = (float(dot.getAttribute("cx")), float(dot.getAttribute("cy")))
    layers = {}
    for group in dom.getElementsByTagName("g"):
        if "ls-layer" not in group.getAttribute("class"):
            continue
        size = float(group.getAttribute("data-ls-size"))
        labels = {}
        for text in group.getElementsByTagName("text"):
            x, y = float(text.getAttribute("x")), float(text.getAttribute("y"))
            w = measure.width(text.firstChild.data) * size
            labels[text.getAttribute("data-ls-for")] = (x, y - ASCENT * size, x + w, y + DESCENT * size)
        leaders = [tuple(float(line.getAttribute(k)) for k in ("x1", "y1", "x2", "y2")) for line in group.getElementsByTagName("line")]
        layers[size] = (labels, leaders)
    return {"h": horizontal, "v": vertical, "markers": markers, "layers": layers}


def faults(svg: str, inputs: dict[str, Any], default_layer: float) -> list[str]:
    """Every broken rule, each named (empty when the map reads well)."""
    geo = map_geometry(svg)
    ax_y, ax_x = geo["h"][1], geo["v"][0]
    found = []

    def side(x: float, y: float) -> tuple[bool, bool]:
        return (x > ax_x, y < ax_y)

    works = {e.get("work", e["id"]) for e in inputs["entries"]}
    labelled_ids = {e["id"] for e in inputs["entries"] if e.get("labelled", True)}
    for size, (labels, leaders) in sorted(geo["layers"].items()):
        for entry_id, (x0, y0, x1, y1) in labels.items():
            mx, my = geo["markers"][entry_id]
            if x0 <= ax_x <= x1 or y0 <= ax_y <= y1:
                found.append(f"{size:g}: label of {entry_id} touches an axis")
            elif side(x0, y0) != side(mx, my) or side(x1, y1) != side(mx, my):
                found.append(f"{size:g}: label of {entry_id} lies in another quadrant than its marker")
        for i, a in enumerate(leaders):
            if _crosses(a, geo["h"]) or _crosses(a, geo["v"]):
                found.append(f"{size:g}: leader {a} crosses a quadrant boundary")
            for b in leaders[i + 1 :]:
                if _crosses(a, b):
                    found.append(f"{size:g}: leaders {a} and {b} cross")
        if size == default_layer and len(works) <= EVERY_WORK:
            missing = sorted(labelled_ids - set(labels))
            if missing:
                found.append(f"{size:g}: works without a label at the default zoom: {missing}")
    return found


def map_of(inputs: dict[str, Any]) -> str:
    from living_survey.figure.mapsvg import map_svg

    return map_svg(inputs)


def test_the_checker_sees_a_label_on_an_axis_crossing_leaders_and_a_missing_label() -> None:
    from living_survey.figure.mapsvg import DEFAULT_LAYER

    inputs = shipped_inputs()
    svg = map_of(inputs)
    assert faults(svg, inputs, DEFAULT_LAYER) == []
    geo = map_geometry(svg)
    ax_x, ax_y = geo["v"][0], geo["h"][1]
    labels, _ = geo["layers"][DEFAULT_LAYER]
    entry_id = sorted(labels)[0]
    # move one label onto the horizontal axis, add two crossing leaders, drop another label
    marker = f'data-ls-for="{entry_id}"'
    start = svg.index(f'<g class="ls-layer" data-ls-size="{DEFAULT_LAYER:g}"')
    at = svg.index(marker, start)
    tag = svg.rindex("<text ", 0, at)
    broken = svg[:tag] + f'<text x="{ax_x - 30:.1f}" y="{ax_y + 4:.1f}" ' + svg[at:]
    broken = broken.replace(
        f'<g class="ls-layer" data-ls-size="{DEFAULT_LAYER:g}" font-size="{DEFAULT_LAYER:g}">',
        f'<g class="ls-layer" data-ls-size="{DEFAULT_LAYER:g}" font-size="{DEFAULT_LAYER:g}">'
        f'<line class="ls-leader" x1="{ax_x + 10}" y1="{ax_y - 100}" x2="{ax_x + 90}" y2="{ax_y - 20}"/>'
        f'<line class="ls-leader" x1="{ax_x + 10}" y1="{ax_y - 20}" x2="{ax_x + 90}" y2="{ax_y - 100}"/>'
        f'<line class="ls-leader" x1="{ax_x - 10}" y1="{ax_y - 20}" x2="{ax_x + 10}" y2="{ax_y - 20}"/>',
        1,
    )
    other = sorted(labels)[1]
    cut = broken.index(f'data-ls-for="{other}"', broken.index(f'<g class="ls-layer" data-ls-size="{DEFAULT_LAYER:g}"'))
    broken = broken[: broken.rindex("<text ", 0, cut)] + broken[broken.index("</text>", cut) + len("</text>") :]
    found = faults(broken, inputs, DEFAULT_LAYER)
    assert any(f"label of {entry_id} touches an axis" in f for f in found), found
    assert any("cross a quadrant boundary" in f or "crosses a quadrant boundary" in f for f in found), found
    assert any("and" in f and "cross" in f and f.startswith(f"{DEFAULT_LAYER:g}: leaders") for f in found), found
    assert any(other in f and "without a label" in f for f in found), found


@pytest.mark.parametrize("name", ["shipped", "grown"])
def test_every_work_of_a_small_survey_is_labelled_and_labels_keep_to_their_quadrant(name: str) -> None:
    from living_survey.figure.mapsvg import DEFAULT_LAYER

    inputs = shipped_inputs() if name == "shipped" else grown_inputs()
    assert faults(map_of(inputs), inputs, DEFAULT_LAYER) == []


@pytest.mark.parametrize(("count", "seed"), [(EVERY_WORK, 1), (EVERY_WORK, 2), (120, 3), (120, 4)])
def test_labels_keep_to_their_quadrant_on_a_larger_survey(count: int, seed: int) -> None:
    from living_survey.figure.mapsvg import DEFAULT_LAYER

    inputs = synthetic_inputs(count, seed)
    assert faults(map_of(inputs), inputs, DEFAULT_LAYER) == []


def test_the_grown_fixture_is_the_launch_survey_plus_three_papers_and_a_dissent() -> None:
    shipped, grown = shipped_inputs(), grown_inputs()
    before = {e["id"] for e in shipped["entries"]}
    added = [e for e in grown["entries"] if e["id"] not in before]
    assert len(grown["entries"]) == len(shipped["entries"]) + 4 and len(added) == 4
    papers = [e for e in added if e["labelled"]]
    assert len(papers) == 3 and all(e["placer"] == "contributor" and e["work"] == e["id"] for e in papers)
    dissent = [e for e in added if not e["labelled"]]
    assert len(dissent) == 1 and dissent[0]["work"] in {e["work"] for e in shipped["entries"]}


def test_geometry_reader_reads_files_it_is_given(tmp_path: Path) -> None:
    # the checker reads the SVG the cache holds, the file pages fetch
    from living_survey.figure.mapsvg import DEFAULT_LAYER

    inputs = shipped_inputs()
    path = tmp_path / "map.svg"
    path.write_text(map_of(inputs), encoding="utf-8")
    geo = map_geometry(path.read_text(encoding="utf-8"))
    assert set(geo["markers"]) == {e["id"] for e in inputs["entries"]}
    assert DEFAULT_LAYER in geo["layers"]


def drawn_faults(fig: Any, ax: Any, texts: list[Any], points: list[tuple[float, float]]) -> list[str]:
    """The same rules on a matplotlib figure, in display pixels: label boxes as drawn, leader lines
    (``ls-leader-*``) and the axes crossing at data (0, 0)."""
    from living_survey.figure.layout import axes_crossing, box_of

    renderer = fig.canvas.get_renderer()
    ax_x, ax_y = axes_crossing(ax)
    found = []
    for text, point in zip(texts, points, strict=True):
        x0, y0, x1, y1 = box_of(text, renderer)
        mx, my = ax.transData.transform(point)
        if x0 <= ax_x <= x1 or y0 <= ax_y <= y1:
            found.append(f"label {text.get_text()!r} touches an axis")
        elif (x0 > ax_x, y0 > ax_y) != (mx > ax_x, my > ax_y):
            found.append(f"label {text.get_text()!r} lies in another quadrant than its marker")
    lines = [line for line in ax.lines if (line.get_gid() or "").startswith("ls-leader-")]
    segments = [tuple(ax.transData.transform(line.get_xydata()).ravel()) for line in lines]
    (left, bottom), (right, top) = ax.transData.transform((-1.12, -1.12)), ax.transData.transform((1.12, 1.12))
    axes = [(left, ax_y, right, ax_y), (ax_x, bottom, ax_x, top)]
    for i, a in enumerate(segments):
        if any(_crosses(a, b) for b in axes):
            found.append(f"leader {i + 1} crosses a quadrant boundary")
        found += [f"leaders {i + 1} and {j + 1} cross" for j, b in enumerate(segments[i + 1 :], i + 1) if _crosses(a, b)]
    return found


@pytest.mark.parametrize("name", ["shipped", "grown", "40", "crowded"])
def test_figure_one_keeps_labels_to_their_quadrant_and_leaders_apart(name: str) -> None:
    import matplotlib
    from matplotlib import pyplot as plt

    from living_survey.figure.figure1 import layout_figure
    from living_survey.figure.style import style

    inputs = {"shipped": shipped_inputs, "grown": grown_inputs}.get(name, lambda: synthetic_inputs(EVERY_WORK, 5))()
    if name == "crowded":  # twenty works packed into one corner of each quadrant
        inputs = synthetic_inputs(20, 7)
        for e in inputs["entries"]:
            e["position"] = [v * 0.25 for v in e["position"]]
    with matplotlib.rc_context(style()):
        fig, ax, texts, points, _, _ = layout_figure(inputs)
        try:
            assert len(texts) == len({e.get("work", e["id"]) for e in inputs["entries"]})
            assert drawn_faults(fig, ax, texts, points) == []
        finally:
            plt.close(fig)


def test_a_crowded_corner_on_the_map_still_names_every_work() -> None:
    from living_survey.figure.mapsvg import DEFAULT_LAYER

    inputs = synthetic_inputs(20, 7)
    for e in inputs["entries"]:
        e["position"] = [v * 0.25 for v in e["position"]]
    assert faults(map_of(inputs), inputs, DEFAULT_LAYER) == []

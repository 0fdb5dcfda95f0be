"""Drawing Figure 1 with matplotlib: markers, labels placed without overlap, the overlap checker.

Imported only when the figure must be drawn (a cache miss). Links in the SVG are tokens naming
page ids (:func:`..routes.token`), which the router resolves for each page that shows the figure.
"""

from __future__ import annotations

import math
from typing import Any

from ..routes import entry_page_id, key_anchor, quadrant_page_id, token
from ..works import CONTRIBUTOR
from .fonts import available_families
from .model import INK, LABEL_LIMIT, MAP, PRINT_LIMIT, auto_positions, numbering, quadrant_colours

HOLLOW = "#ffffff"
"""Fill of a contributor's (hollow) marker; in the SVG it becomes the page's background colour."""


Point = tuple[float, float]
Box = tuple[float, float, float, float]
"""A rectangle in display pixels: x0, y0, x1, y1."""


def style() -> Any:
    """Fixed rc settings: a fixed hash salt and paths for glyphs keep the SVG byte-identical; the
    font list falls back glyph by glyph (see :mod:`.fonts`)."""
    families = list(available_families()) or ["DejaVu Sans"]
    # one family: the plain name, which matplotlib lays out faster than a fallback list
    family: str | list[str] = families[0] if len(families) == 1 else families
    return {"svg.hashsalt": "living-survey", "svg.fonttype": "path", "font.family": family, "path.simplify": False}


MARKER_AREA = 46
"""Marker area in points²."""
NUMBERED_AREA = 30
"""Marker area of numbered markers (past LABEL_LIMIT)."""


def _overlap(a: Box, b: Box, pad: float = 0.0) -> bool:
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def _box(artist: Any, renderer: Any) -> Box:
    extent = artist.get_window_extent(renderer)
    return (extent.x0, extent.y0, extent.x1, extent.y1)


def _marker_boxes(fig: Any, ax: Any, points: list[tuple[float, float]]) -> list[Box]:
    radius = (MARKER_AREA**0.5) / 2 * fig.dpi / 72 + 1
    out = []
    for px, py in points:
        cx, cy = ax.transData.transform((px, py))
        out.append((cx - radius, cy - radius, cx + radius, cy + radius))
    return out


def _candidates(cx: float, cy: float, width: float, height: float) -> Any:
    """Candidate label boxes around a marker, nearest first: rings of growing radius, three anchors."""
    import numpy as np

    radii = np.arange(10, 1400, 6, dtype=float)  # out to the far side of the axes if need be
    angles = np.radians(np.arange(90, 450, 15, dtype=float))  # start above the marker, then go round
    r, a = (m.ravel() for m in np.meshgrid(radii, angles, indexing="ij"))
    px, py = cx + r * np.cos(a), cy + r * np.sin(a)
    # the label centred on the ring point, or starting or ending there (for long labels near an edge)
    lefts = np.stack([px - width / 2, px, px - width], axis=1).ravel()
    bottoms = np.repeat(py - height / 2, 3)
    return np.stack([lefts, bottoms, lefts + width, bottoms + height], axis=1)


def _repair(fig: Any, ax: Any, texts: list[Any], points: list[Point], fixed: list[Any], markers: list[Point] | None = None) -> None:
    """Move any label that still touches another label, a marker or a title to the nearest free spot.

    textalloc places almost every label; this deterministic pass guarantees the rest. Candidate
    boxes ring the label's own marker at growing distances; the first free one wins.
    """
    import numpy as np

    renderer = fig.canvas.get_renderer()
    # markers without a label of their own (a work's other placements) are obstacles too
    marks = points if markers is None else markers
    statics = np.array(_marker_boxes(fig, ax, marks) + [_box(t, renderer) for t in fixed], dtype=float).reshape(-1, 4)
    inside = ax.get_window_extent(renderer)
    boxes = np.array([_box(t, renderer) for t in texts], dtype=float).reshape(-1, 4)
    pad = 1.0

    def free(i: int, cands: Any) -> Any:
        """For each candidate row, whether it is inside the axes and touches nothing."""
        others = np.concatenate([statics, np.delete(boxes, i, axis=0)])
        ok = (cands[:, 0] >= inside.x0) & (cands[:, 2] <= inside.x1) & (cands[:, 1] >= inside.y0) & (cands[:, 3] <= inside.y1)
        hit = (
            (cands[:, None, 0] < others[None, :, 2] + pad)
            & (others[None, :, 0] < cands[:, None, 2] + pad)
            & (cands[:, None, 1] < others[None, :, 3] + pad)
            & (others[None, :, 1] < cands[:, None, 3] + pad)
        )
        return ok & ~hit.any(axis=1)

    to_data = ax.transData.inverted()
    for i, text in enumerate(texts):
        if free(i, boxes[i : i + 1])[0]:
            continue
        width, height = boxes[i, 2] - boxes[i, 0], boxes[i, 3] - boxes[i, 1]
        cx, cy = ax.transData.transform(points[i])
        cands = _candidates(cx, cy, width, height)
        good = np.flatnonzero(free(i, cands))
        if not len(good):
            continue  # nowhere free: the collision test reports it
        box = cands[good[0]]
        text.set_ha("left")
        text.set_va("bottom")
        # the anchor is the box's lower left; place, then correct for the drawn extent's offset
        text.set_position(to_data.transform((box[0], box[1])))
        drawn = _box(text, renderer)
        text.set_position(to_data.transform((2 * box[0] - drawn[0], 2 * box[1] - drawn[1])))
        boxes[i] = _box(text, renderer)


def _leaders(fig: Any, ax: Any, texts: list[Any], points: list[tuple[float, float]]) -> None:
    """A thin line from each marker to its label where the label had to move away from it."""
    renderer = fig.canvas.get_renderer()
    to_data = ax.transData.inverted()
    for text, point in zip(texts, points, strict=True):
        box = _box(text, renderer)
        cx, cy = ax.transData.transform(point)
        nx, ny = min(max(cx, box[0]), box[2]), min(max(cy, box[1]), box[3])  # nearest point of the label
        if math.hypot(nx - cx, ny - cy) < 14:
            continue
        (x0, y0), (x1, y1) = to_data.transform((cx, cy)), to_data.transform((nx, ny))
        ax.plot([x0, x1], [y0, y1], color=INK, lw=0.4, alpha=0.6, zorder=2)


def collisions(fig: Any, ax: Any, texts: list[Any], points: list[Point], fixed: list[Any], markers: list[Point] | None = None) -> list[str]:
    """Every pair of label–label, label–marker and label–title boxes that overlap (should be none).

    ``points`` are the labels' markers; ``markers`` every marker, labelled or not (default: ``points``).
    """
    renderer = fig.canvas.get_renderer()
    labels = [_box(t, renderer) for t in texts]
    found = []
    for i, a in enumerate(labels):
        for j in range(i + 1, len(labels)):
            if _overlap(a, labels[j]):
                found.append(f"label {texts[i].get_text()!r} overlaps label {texts[j].get_text()!r}")
        for j, m in enumerate(_marker_boxes(fig, ax, points if markers is None else markers)):
            if _overlap(a, m):
                found.append(f"label {texts[i].get_text()!r} overlaps marker {j + 1}")
        for t in fixed:
            if _overlap(a, _box(t, renderer)):
                found.append(f"label {texts[i].get_text()!r} overlaps title {t.get_text()!r}")
    return found


def frame(ax: Any, inputs: dict[str, Any], *, line_width: float, font_size: float, title_size: float) -> list[Any]:
    """The map's frame: both axes from -1.12 to 1.12, the dividing lines, the axis names and poles,
    and each quadrant's title in its colour. Returns the titles, in framework order."""
    ax.set_xlim(-1.12, 1.12)
    ax.set_ylim(-1.12, 1.12)
    ax.axhline(0, color=INK, lw=line_width)
    ax.axvline(0, color=INK, lw=line_width)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xticks([])
    ax.set_yticks([])
    x, y = inputs["x"], inputs["y"]
    ax.set_xlabel(f"{x['name']}:  {x['neg']}  ←→  {x['pos']}", color=INK, fontsize=font_size)
    ax.set_ylabel(f"{y['name']}:  {y['neg']}  ←→  {y['pos']}", color=INK, fontsize=font_size)
    colour = quadrant_colours(inputs)
    return [
        ax.text(
            q["x"] * 0.55,
            q["y"] * 1.06,
            q["title"],
            ha="center",
            va="center",
            fontsize=title_size,
            fontweight="bold",
            color=colour[q["id"]],
            parse_math=False,
        )
        for q in inputs["quadrants"]
    ]


def _layout(inputs: dict[str, Any]) -> tuple[Any, Any, list[Any], list[tuple[float, float]], list[Any], list[tuple[float, float]]]:
    """Draw the figure; return it with its labels, their markers' points, quadrant titles and every marker's point."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    positions = auto_positions(inputs)
    entries = inputs["entries"]
    numbered = len(entries) > LABEL_LIMIT
    colour = quadrant_colours(inputs)
    # about the width of Material's content column at 1:1, so labels stay legible inline; a
    # crowded map grows (up to 1.4× at LABEL_LIMIT entries) so that every label still finds room
    grow = 1 + 0.4 * min(max((len(entries) - 20) / (LABEL_LIMIT - 20), 0), 1)
    fig, ax = plt.subplots(figsize=(6.6 * grow, 5.4 * grow), dpi=150)
    titles = frame(ax, inputs, line_width=1, font_size=10, title_size=11)
    for q, text in zip(inputs["quadrants"], titles, strict=True):
        text.set_url(token(quadrant_page_id(q["id"])))
        text.set_gid(f"ls-quadrant-{q['id']}")
    texts: list[Any] = []
    points: list[tuple[float, float]] = []
    groups: dict[str, list[tuple[int, dict[str, Any], tuple[float, float]]]] = {}
    for number, e in numbering(inputs):
        point = positions[e["id"]]
        points.append(point)
        groups.setdefault(e["quadrant"], []).append((number, e, point))
    markers = list(points)
    # element ids count markers, not works: a work's placements share a number but not an id
    serial = {e["id"]: i for i, e in enumerate(entries, 1)}
    _joins(ax, inputs, positions)

    def hollow(e: dict[str, Any]) -> bool:
        return e.get("placer") == CONTRIBUTOR

    for quadrant, members in groups.items():
        if numbered:
            # past the threshold: one collection of markers per quadrant, numbered; the key is on the page
            dots = ax.scatter(
                [p[0] for _, _, p in members],
                [p[1] for _, _, p in members],
                s=NUMBERED_AREA,
                facecolors=[HOLLOW if hollow(e) else colour[quadrant] for _, e, _ in members],
                edgecolors=[colour[quadrant] if hollow(e) else INK for _, e, _ in members],
                linewidths=[1.2 if hollow(e) else 0.4 for _, e, _ in members],
                zorder=3,
            )
            dots.set_urls([token(entry_page_id(e["id"])) for _, e, _ in members])
            dots.set_gid(f"ls-marker-{quadrant}-all")
        for number, e, (px, py) in members:
            url = token(entry_page_id(e["id"]))
            if numbered:
                text = ax.text(px, py, str(number), fontsize=3.5, ha="center", va="center", color=INK, parse_math=False, zorder=4)
                text.set_url(url)
                text.set_gid(f"ls-label-{quadrant}-{serial[e['id']]}")
                continue
            if hollow(e):  # a contributor's placement: hollow, ringed in its quadrant's colour
                dot = ax.scatter([px], [py], s=MARKER_AREA, facecolors=HOLLOW, edgecolors=colour[quadrant], linewidths=1.8, zorder=3)
            else:
                dot = ax.scatter([px], [py], s=MARKER_AREA, color=colour[quadrant], edgecolors=INK, linewidths=0.6, zorder=3)
            dot.set_urls([url])
            dot.set_gid(f"ls-marker-{quadrant}-{serial[e['id']]}")
    # fixed margins rather than tight_layout: cheaper, and the same for every survey
    fig.subplots_adjust(left=0.07, right=0.99, bottom=0.08, top=0.99)
    _legend(fig, inputs)
    if not numbered and entries:
        import textalloc

        # one label per work, on its first placement; the others are joined to it by a line
        order = [(number, e, positions[e["id"]]) for q in groups for number, e, _ in groups[q] if e.get("labelled", True)]
        _, _, placed_texts, _ = textalloc.allocate(
            ax,
            [p[0] for _, _, p in order],
            [p[1] for _, _, p in order],
            [e["label"] for _, e, _ in order],
            x_scatter=[p[0] for p in points],
            y_scatter=[p[1] for p in points],
            x_lines=[[-1.12, 1.12], [0, 0]],
            y_lines=[[0, 0], [-1.12, 1.12]],
            textsize=8,
            margin=0.008,
            min_distance=0.01,
            max_distance=0.25,
            draw_lines=False,  # drawn after the repair pass, which may move a label
            textcolor=INK,
            parse_math=False,
            zorder=4,
        )
        texts = list(placed_texts)
        points = [p for _, _, p in order]
        for (_, e, _), text in zip(order, texts, strict=True):
            text.set_url(token(entry_page_id(e["id"])))
            text.set_gid(f"ls-label-{e['quadrant']}-{serial[e['id']]}")
        _repair(fig, ax, texts, points, titles, markers)
        _leaders(fig, ax, texts, points)
    return fig, ax, texts, points, titles, markers


def _joins(ax: Any, inputs: dict[str, Any], positions: dict[str, tuple[float, float]]) -> None:
    """A thin line through the placements of each work placed more than once, under the markers."""
    works: dict[str, list[str]] = {}
    for e in inputs["entries"]:
        works.setdefault(e.get("work", e["id"]), []).append(e["id"])
    for work, ids in works.items():
        if len(ids) < 2:
            continue
        xs, ys = [positions[i][0] for i in ids], [positions[i][1] for i in ids]
        (line,) = ax.plot(xs, ys, color=INK, lw=0.8, ls=(0, (4, 2)), alpha=0.7, zorder=2)
        line.set_gid("ls-join-" + key_anchor(work))


def _legend(fig: Any, inputs: dict[str, Any]) -> None:
    """Explain the marker styles and the joining line, when the figure has either; below the axes."""
    entries = inputs["entries"]
    contributors = any(e.get("placer") == CONTRIBUTOR for e in entries)
    joined = len({e.get("work", e["id"]) for e in entries}) < len(entries)
    if not (contributors or joined):
        return  # every placement by a published work, one per work: the figure as it always was
    from matplotlib.lines import Line2D

    grey = "#777777"
    handles = [
        Line2D([], [], ls="none", marker="o", ms=6, mfc=grey, mec=INK, mew=0.6, label="Placed by a published work"),
        Line2D([], [], ls="none", marker="o", ms=6, mfc=HOLLOW, mec=grey, mew=1.6, label="Placed by a contributor"),
    ]
    if joined:
        handles.append(Line2D([], [], color=INK, lw=0.8, ls=(0, (4, 2)), alpha=0.7, label="Placements of one work"))
    fig.subplots_adjust(bottom=0.115)
    legend = fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.53, 0.0),
        ncol=len(handles),
        fontsize=7.5,
        frameon=False,
        labelcolor=INK,
        handletextpad=0.3,
        columnspacing=1.6,
    )
    legend.set_gid("ls-legend")


def layout_collisions(inputs: dict[str, Any]) -> list[str]:
    """Lay the figure out and report any overlap left (for tests and diagnostics)."""
    import matplotlib
    from matplotlib import pyplot as plt

    with matplotlib.rc_context(style()):
        fig, ax, texts, points, titles, markers = _layout(inputs)
    try:
        return collisions(fig, ax, texts, points, titles, markers)
    finally:
        plt.close(fig)


def _draw(inputs: dict[str, Any]) -> dict[str, bytes]:
    import io

    import matplotlib

    with matplotlib.rc_context(style()):
        from matplotlib import pyplot as plt

        fig, ax, *_ = _layout(inputs)
        plot = _plot_area(fig, ax)
        out = {}
        for name, fmt, meta in (
            ("figure1.svg", "svg", {"Date": None, "Creator": None}),
            ("figure1.png", "png", {"Software": None}),
            ("figure1.pdf", "pdf", {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}),
        ):
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, metadata=meta, transparent=fmt == "svg")
            out[name] = buffer.getvalue()
        plt.close(fig)
    from .embed import svg_titles

    svg = svg_titles(out["figure1.svg"].decode("utf-8"), inputs).replace("<svg ", f"<svg {plot} ", 1)
    out["figure1.svg"] = svg.encode("utf-8")
    return out


def _plot_area(fig: Any, ax: Any) -> str:
    """``data-ls-plot="x0 y0 x1 y1"``: data (-1, -1) and (1, 1) in the SVG's user units, for its root.

    A script drawing on the figure (the locator's point) maps data to the SVG with these, so it
    never needs to know matplotlib's margins or limits.
    """
    width, height = fig.get_size_inches() * 72  # the SVG's user units are points
    box = ax.get_position()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()

    def sx(v: float) -> float:
        return width * (box.x0 + (v - x0) / (x1 - x0) * box.width)

    def sy(v: float) -> float:
        return height * (1 - (box.y0 + (v - y0) / (y1 - y0) * box.height))

    return f'data-ls-plot="{sx(-1):.3f} {sy(-1):.3f} {sx(1):.3f} {sy(1):.3f}"'


def draw_all(inputs: dict[str, Any]) -> dict[str, bytes]:
    """Every file of the figure's cache folder (see :func:`.model.all_names`)."""
    from .mapsvg import map_svg
    from .printable import draw_printables

    out = _draw(inputs)
    out[MAP] = map_svg(inputs).encode("utf-8")
    if len(inputs["entries"]) <= PRINT_LIMIT:
        out.update(draw_printables(inputs))
    return out

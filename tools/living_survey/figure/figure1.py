"""Figure 1 drawn with matplotlib: markers, one label per work, joins, legend (a drawing stage).

Imported only when the figure must be drawn (a cache miss). Labels are placed by
:func:`.layout.place_texts`, the placer the map and the printables use. Links in the SVG are
tokens naming page ids (:func:`..model.addresses.token`), which the router resolves for each page that
shows the figure.
"""

from __future__ import annotations

from typing import Any

from ..model.addresses import entry_page_id, key_anchor, quadrant_page_id, token
from ..model.works import CONTRIBUTOR
from .embed import svg_titles
from .layout import collisions, place_texts
from .model import LABEL_LIMIT, display_positions, numbering
from .style import HOLLOW, INK, MARKER_AREA, NUMBERED_AREA, frame, quadrant_colours, style

LABEL_PT = 8.0
"""Label size in Figure 1, in points."""


def layout_figure(inputs: dict[str, Any]) -> tuple[Any, Any, list[Any], list[tuple[float, float]], list[Any], list[tuple[float, float]]]:
    """Draw the figure; return it with its labels, their markers' points, quadrant titles and every marker's point."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    positions = display_positions(inputs)
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
        # one label per work, on its first placement; the others are joined to it by a line
        order = [(number, e, positions[e["id"]]) for q in groups for number, e, _ in groups[q] if e.get("labelled", True)]
        points = [p for _, _, p in order]
        others = tuple(positions[e["id"]] for e in entries if not e.get("labelled", True))
        texts = place_texts(fig, ax, points, [e["label"] for _, e, _ in order], titles, fontsize=LABEL_PT, others=others, quadrants=True)
        for (_, e, _), text in zip(order, texts, strict=True):
            text.set_url(token(entry_page_id(e["id"])))
            text.set_gid(f"ls-label-{e['quadrant']}-{serial[e['id']]}")
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
        fig, ax, texts, points, titles, markers = layout_figure(inputs)
    try:
        return collisions(fig, ax, texts, points, titles, markers)
    finally:
        plt.close(fig)


def draw_figure1(inputs: dict[str, Any]) -> dict[str, bytes]:
    """Figure 1 as SVG (links as tokens, tooltips added), PNG and PDF."""
    import io

    import matplotlib

    with matplotlib.rc_context(style()):
        from matplotlib import pyplot as plt

        fig, ax, *_ = layout_figure(inputs)
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

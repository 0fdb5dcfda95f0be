"""Figures for papers and talks: one per quadrant with every label readable, and the whole map
with a numbered key typeset beside it. Drawn with matplotlib, on a cache miss only.

A quadrant figure grows with the number of works it holds, so that labels keep their size
(:data:`LABEL_PT`) and still find room; the placer and overlap checker of :mod:`.layout` place and verify them.
"""

from __future__ import annotations

import io
import math
from typing import Any

from .layout import collisions, place_texts
from .model import display_positions, numbering
from .style import INK, MARKER_AREA, PALETTE, frame, quadrant_colours, style

LABEL_PT = 7.5
"""Label size in the printable figures, in points at natural size (at least 7 pt)."""
KEY_PT = 7.0
"""Size of the key's lines beside the whole map."""
KEY_ROWS = 70
"""Lines per column of the key."""
MAX_PIXELS = 6000
"""The longest side of a PNG, in pixels: large figures are saved at a lower resolution."""
PNG_META = {"Software": None}
PDF_META = {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}


def _side(count: int) -> float:
    """A quadrant figure's side in inches: room for ``count`` labels of LABEL_PT."""
    return min(max(4.5, 0.62 * math.sqrt(max(count, 1)) + 2.2), 40.0)


def quadrant_layout(inputs: dict[str, Any], quadrant_id: str) -> tuple[Any, Any, list[Any], list[tuple[float, float]], list[Any]]:
    """One quadrant, every work labelled: the figure, its labels, marker points and title."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    quadrants = inputs["quadrants"]
    index = next(i for i, q in enumerate(quadrants) if q["id"] == quadrant_id)
    q = quadrants[index]
    positions = display_positions(inputs)
    members = [e for e in inputs["entries"] if e["quadrant"] == quadrant_id]
    side = _side(len(members))
    fig, ax = plt.subplots(figsize=(side, side), dpi=150)
    xs = sorted((0.0, q["x"] * 1.06))
    ys = sorted((0.0, q["y"] * 1.06))
    ax.set_xlim(*xs)
    ax.set_ylim(*ys)
    for spine in ax.spines.values():
        spine.set_color(INK)
        spine.set_linewidth(0.6)
    ax.set_xticks([])
    ax.set_yticks([])
    x, y = inputs["x"], inputs["y"]
    ax.set_xlabel(f"{x['name']}: {x['pos'] if q['x'] > 0 else x['neg']}", color=INK, fontsize=9)
    ax.set_ylabel(f"{y['name']}: {y['pos'] if q['y'] > 0 else y['neg']}", color=INK, fontsize=9)
    title = ax.set_title(q["title"], color=INK, fontsize=12, fontweight="bold")
    points = [tuple(positions[e["id"]]) for e in members]
    colour = PALETTE[index % len(PALETTE)]
    if points:
        ax.scatter([p[0] for p in points], [p[1] for p in points], s=MARKER_AREA, color=colour, edgecolors=INK, linewidths=0.6, zorder=3)
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.06, top=0.94)
    texts = place_texts(fig, ax, points, [e["label"] for e in members], [title], fontsize=LABEL_PT)  # type: ignore[arg-type]
    return fig, ax, texts, points, [title]  # type: ignore[return-value]


def quadrant_collisions(inputs: dict[str, Any], quadrant_id: str) -> tuple[list[str], float]:
    """Overlaps left in one quadrant's figure, and its smallest label size in points (for tests)."""
    import matplotlib
    from matplotlib import pyplot as plt

    with matplotlib.rc_context(style()):
        fig, ax, texts, points, titles = quadrant_layout(inputs, quadrant_id)
        try:
            smallest = min((t.get_fontsize() for t in texts), default=LABEL_PT)
            return collisions(fig, ax, texts, points, titles), smallest
        finally:
            plt.close(fig)


def keyed_layout(inputs: dict[str, Any]) -> Any:
    """The whole map with a number beside each marker and the numbered key typeset to its right."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    entries = numbering(inputs)
    positions = display_positions(inputs)
    columns = max(1, math.ceil(len(entries) / KEY_ROWS))
    map_side = min(max(6.0, 0.3 * math.sqrt(max(len(entries), 1)) + 4.0), 30.0)
    key_width = 2.3 * columns
    rows = min(len(entries), KEY_ROWS)
    height = max(map_side, rows * KEY_PT * 1.35 / 72 + 1.0)
    width = map_side + key_width
    fig = plt.figure(figsize=(width, height), dpi=150)
    # the map on the left, square, vertically centred (inches → figure fractions)
    ax = fig.add_axes((0.5 / width, ((height - map_side) / 2 + 0.5) / height, (map_side - 0.7) / width, (map_side - 0.7) / height))
    titles = frame(ax, inputs, line_width=0.8, font_size=9, title_size=10)
    colour = quadrant_colours(inputs)
    points = [tuple(positions[e["id"]]) for _, e in entries]
    if points:
        ax.scatter(
            [p[0] for p in points],
            [p[1] for p in points],
            s=MARKER_AREA * 0.6,
            color=[colour.get(e["quadrant"], INK) for _, e in entries],
            edgecolors=INK,
            linewidths=0.5,
            zorder=3,
        )
    place_texts(fig, ax, points, [str(n) for n, _ in entries], titles, fontsize=LABEL_PT, quadrants=True)  # type: ignore[arg-type]
    first: dict[int, dict[str, Any]] = {}
    for number, e in entries:  # a work is keyed once, by its first placement
        first.setdefault(number, e)
    for i, (number, e) in enumerate(sorted(first.items())):
        column, row = divmod(i, KEY_ROWS)
        fig.text(
            (map_side + column * 2.3) / width,
            1 - (0.5 + row * KEY_PT * 1.35 / 72) / height,
            f"{number}  {e['label']}",
            fontsize=KEY_PT,
            color=INK,
            va="top",
            ha="left",
            parse_math=False,
        )
    return fig


def draw_printables(inputs: dict[str, Any]) -> dict[str, bytes]:
    """The keyed whole map and one figure per quadrant, each as PNG and PDF."""
    import matplotlib
    from matplotlib import pyplot as plt

    out: dict[str, bytes] = {}

    def save(fig: Any, stem: str) -> None:
        dpi = min(150.0, MAX_PIXELS / max(fig.get_size_inches()))
        for fmt, meta in (("png", PNG_META), ("pdf", PDF_META)):
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, metadata=meta, dpi=dpi)
            out[f"{stem}.{fmt}"] = buffer.getvalue()
        plt.close(fig)

    with matplotlib.rc_context(style()):
        save(keyed_layout(inputs), "figure1-keyed")
        for q in inputs["quadrants"]:
            fig, *_ = quadrant_layout(inputs, q["id"])
            save(fig, f"figure1-{q['id']}")
    return out

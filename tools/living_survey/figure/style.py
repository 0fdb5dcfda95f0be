"""The figure's first stage: colours, marker sizes, matplotlib's fixed settings and the map's frame.

Every later stage (:mod:`.model`, :mod:`.layout`, the drawing modules, :mod:`.cache`) may import
this module; it imports none of them.
"""

from __future__ import annotations

from typing import Any

from .fonts import available_families

INK = "#1c1c1c"
HOLLOW = "#ffffff"
"""Fill of a contributor's (hollow) marker; in the SVG it becomes the page's background colour."""
# Okabe–Ito: a palette that stays distinguishable for the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")
MARKER_AREA = 46
"""Marker area in points²."""
NUMBERED_AREA = 30
"""Marker area of numbered markers (past the label limit)."""
LIMIT = 1.12
"""The drawn data range on both axes: [-LIMIT, LIMIT]."""
DODGE = 0.1
"""Least distance, in data units, between the drawn markers of different works (see
:func:`.model.display_positions`). On a phone the map shows its largest label layer, where a
marker's touch target has a radius of 24 SVG units, about 0.095 of a data unit on the shorter
(vertical) axis: at this distance a dot's centre lies outside its neighbour's target, so a tap on
it reaches it, and Figure 1's markers (about 7 pt across) sit some 20 pt apart."""
APART = 0.04
"""Least distance, in data units, between markers of different works that are not at one point:
a dot of the map's default layer is 9.6 SVG units across, about 0.038 of a data unit vertically.
Smaller than :data:`DODGE` so that a dense grid of distinct points (a large survey) is left alone."""


def quadrant_colours(inputs: dict[str, Any]) -> dict[str, str]:
    """Each quadrant's colour, from the palette in framework order."""
    return {q["id"]: PALETTE[i % len(PALETTE)] for i, q in enumerate(inputs["quadrants"])}


def style() -> Any:
    """Fixed rc settings: a fixed hash salt and paths for glyphs keep the SVG byte-identical; the
    font list falls back glyph by glyph (see :mod:`.fonts`)."""
    families = list(available_families()) or ["DejaVu Sans"]
    # one family: the plain name, which matplotlib lays out faster than a fallback list
    family: str | list[str] = families[0] if len(families) == 1 else families
    return {"svg.hashsalt": "living-survey", "svg.fonttype": "path", "font.family": family, "path.simplify": False}


def frame(ax: Any, inputs: dict[str, Any], *, line_width: float, font_size: float, title_size: float) -> list[Any]:
    """The map's frame: both axes from -LIMIT to LIMIT, the dividing lines, the axis names and poles,
    and each quadrant's title in its colour. Returns the titles, in framework order."""
    ax.set_xlim(-LIMIT, LIMIT)
    ax.set_ylim(-LIMIT, LIMIT)
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

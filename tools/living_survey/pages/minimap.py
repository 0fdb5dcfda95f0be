"""A small static map of one work's placements, for its entry pages: hand-built SVG from a template.

Every placement of the work is a marker (filled when a published work placed it, hollow when a
contributor did), joined by a thin line; the placement of the page showing the map is ringed.
Text in it comes from the framework and the data and is escaped by the autoescaped template.
"""

from __future__ import annotations

from markupsafe import Markup

from ..core.markup import template_env
from ..figure import PALETTE
from ..model.bibliography import Library
from ..model.entries import Entry
from ..model.framework import Framework
from ..model.works import PUBLISHED, Work, placer_kind, placer_label, point

SIZE = 240
"""Width and height of the map in SVG units."""
MARGIN = 24
"""Room around the square for the poles' labels."""


def _xy(x: float, y: float) -> tuple[float, float]:
    half = (SIZE - 2 * MARGIN) / 2
    return (round(SIZE / 2 + x * half, 2), round(SIZE / 2 - y * half, 2))


def _n(value: float) -> str:
    """A coordinate as few characters as it needs (``216``, not ``216.0``): every entry page of a
    work placed twice carries its map."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def minimap(
    work: Work, current: Entry, framework: Framework, library: Library, label: str, shown: tuple[Entry, ...] | None = None
) -> Markup:
    """The SVG of ``work``'s placements, ``current`` ringed.

    Args:
        work: the work and its placements.
        current: the placement whose page shows the map.
        framework: axes, poles and quadrants (names and colours).
        library: to name published placers by their labels.
        label: the work's label, for the map's accessible name.
        shown: the other placements to draw (the page's shortlist); ``None``: every placement.
    """
    colour = {q.id: PALETTE[i % len(PALETTE)] for i, q in enumerate(framework.quadrants)}
    quadrants = []
    for q in framework.quadrants:
        x0, y0 = _xy(min(q.x, 0), max(q.y, 0))
        x1, y1 = _xy(max(q.x, 0), min(q.y, 0))
        quadrants.append({"x": _n(x0), "y": _n(y0), "w": _n(x1 - x0), "h": _n(y1 - y0), "colour": colour[q.id]})
    markers = []
    drawn = work.placements if shown is None else (current, *shown)
    for entry in drawn:
        cx, cy = _xy(*point(entry, framework))
        markers.append(
            {
                "cx": _n(cx),
                "cy": _n(cy),
                "colour": colour[entry.quadrant],
                "published": placer_kind(entry.placed_by, library) == PUBLISHED,
                "current": entry.id == current.id,
                "title": f"Placed by {placer_label(entry.placed_by, library)}: {framework.quadrant(entry.quadrant).title}",
            }
        )
    lo, mid, hi = MARGIN, SIZE / 2, SIZE - MARGIN
    return Markup(
        template_env()
        .get_template("minimap.svg")
        .render(
            size=SIZE,
            lo=_n(lo),
            mid=_n(mid),
            hi=_n(hi),
            # where the poles' names stand: above the horizontal axis, beside the vertical one
            at={"beside_x": _n(mid - 4), "beside_y": _n(mid + 4), "top": _n(lo - 8), "bottom": _n(hi + 16)},
            x=framework.x,
            y=framework.y,
            quadrants=quadrants,
            markers=markers,
            line=" ".join(f"{m['cx']},{m['cy']}" for m in markers),
            name=f"Map of {len(markers)} of the {len(work.placements)} placements of {label}"
            if len(markers) < len(work.placements)
            else f"Map of the {len(markers)} placements of {label}",
            id=f"ls-minimap-{current.id}",
        )
    )

"""The interactive map: one SVG file that every page fetches, with labels precomputed per zoom level.

Not drawn by matplotlib: the browser draws its text, so the file stays small (a circle and a
link per work, a text per placed label) and every piece carries the attributes the page's
script needs (``data-ls-id``, ``data-ls-q``, ``data-ls-plot``). Labels are placed here, at
build time, for a ladder of font sizes (in SVG units): a layer holds the labels that fit at that
size without touching another label, a marker or a quadrant title. The page shows the layer
whose size reads at 12 CSS px or more at the current zoom, so zooming in reveals more labels and
none ever overlap. Landmarks (placements by a cited work, the source first) are placed first in
every layer, so they stay labelled at every zoom.

Labels are placed by :func:`.layout.place_layer`, each in its marker's quadrant and clear of the
axes, leaders never crossing; up to :data:`EVERY_WORK` works, the default layer names every
work. Text widths are measured with matplotlib's DejaVu Sans (wider than the usual sans-serif
system fonts) plus a margin, so the browser's rendering fits in the reserved boxes.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from ..model.addresses import entry_page_id, quadrant_page_id, token
from ..model.works import CONTRIBUTOR
from .layout import ASCENT, DESCENT, MARKER, TITLE_SIZE, Measure, leader_segment, place_layer
from .model import display_positions
from .style import INK, LIMIT, quadrant_colours

WIDTH, HEIGHT = 720.0, 620.0
"""The viewBox, in SVG units (about CSS px at Material's content width)."""
PLOT = (46.0, 8.0, 712.0, 574.0)
"""The plot area (left, top, right, bottom) in SVG units, for data in [-LIMIT, LIMIT]."""
LAYERS = (24.0, 12.0, 6.0, 3.0, 1.5, 0.75)
"""Label font sizes in SVG units, largest first: each step lets about four times as many labels
fit. The page shows a layer at its own size or smaller (a smaller label stays inside the box
reserved for it, so nothing it avoided comes to overlap), always at the same size on screen."""
DEFAULT_LAYER = 12.0
"""The layer shown before the script runs (and without it)."""
HIT = 1.0
"""Radius of a marker's transparent touch target, as a fraction of the layer's font size."""
AXIS_SIZE = 12.0
FONT = "'DejaVu Sans', Verdana, sans-serif"
EVERY_WORK = 40
"""Up to this many works, every work is labelled in the default layer and every smaller one."""


def to_svg(x: float, y: float) -> tuple[float, float]:
    """Data coordinates → SVG units."""
    left, top, right, bottom = PLOT
    return (left + (x + LIMIT) / (2 * LIMIT) * (right - left), top + (LIMIT - y) / (2 * LIMIT) * (bottom - top))


def plot_attribute() -> str:
    """``data-ls-plot``: SVG units of data (-1, -1) and (1, 1), ``"x0 y0 x1 y1"``."""
    (x0, y0), (x1, y1) = to_svg(-1, -1), to_svg(1, 1)
    return f"{x0:.3f} {y0:.3f} {x1:.3f} {y1:.3f}"


def _order(inputs: dict[str, Any]) -> list[dict[str, Any]]:
    """Markers in reading order: quadrants top row first, left to right; inside one, top to bottom."""
    positions = display_positions(inputs)
    rank = {q["id"]: i for i, q in enumerate(sorted(inputs["quadrants"], key=lambda q: (-q["y"], q["x"])))}
    items = []
    for e in inputs["entries"]:
        x, y = positions[e["id"]]
        cx, cy = to_svg(x, y)
        items.append(dict(e, cx=cx, cy=cy, x=x, y=y))
    items.sort(key=lambda it: (rank.get(it["quadrant"], len(rank)), -round(it["y"], 3), it["x"], it["id"]))
    return items


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def map_svg(inputs: dict[str, Any]) -> str:
    """The interactive map's SVG (links are :func:`..model.addresses.token` placeholders)."""
    measure = Measure()
    items = _order(inputs)
    colour = quadrant_colours(inputs)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_f(WIDTH)} {_f(HEIGHT)}" class="ls-map-svg"'
        f' data-ls-plot="{plot_attribute()}"'
        f' data-ls-marker="{MARKER}" data-ls-hit="{HIT}" font-family="{FONT}">',
        "<style>"
        f".ls-ink{{fill:var(--md-default-fg-color,{INK})}}"
        f".ls-axis{{stroke:var(--md-default-fg-color,{INK});stroke-width:1}}"
        f".ls-layer{{display:none;fill:var(--md-default-fg-color,{INK});pointer-events:none;paint-order:stroke;"
        f"stroke:var(--md-default-bg-color,#fff);stroke-width:.25em;stroke-linejoin:round}}"
        f'.ls-layer[data-ls-size="{DEFAULT_LAYER:g}"]{{display:inline}}'
        f".ls-dot{{stroke:var(--md-default-fg-color,{INK});stroke-width:.6}}"
        ".ls-hit{fill:transparent}"
        f".ls-leader{{stroke:var(--md-default-fg-color,{INK});stroke-width:.6;opacity:.6}}"
        f".ls-join{{fill:none;stroke:var(--md-default-fg-color,{INK});stroke-width:.8;stroke-dasharray:4 2;opacity:.7}}"
        f"@media (prefers-color-scheme:dark){{.ls-ink,.ls-layer{{fill:var(--md-default-fg-color,#e2e4e9)}}"
        f".ls-axis,.ls-dot{{stroke:var(--md-default-fg-color,#e2e4e9)}}.ls-layer{{stroke:var(--md-default-bg-color,#1e2129)}}}}"
        "</style>",
    ]
    (x0, y0), (x1, y1) = to_svg(-LIMIT, 0), to_svg(LIMIT, 0)
    (vx0, vy0), (vx1, vy1) = to_svg(0, -LIMIT), to_svg(0, LIMIT)
    out.append(
        f'<g class="ls-axes"><line class="ls-axis" x1="{_f(x0)}" y1="{_f(y0)}" x2="{_f(x1)}" y2="{_f(y1)}"/>'
        f'<line class="ls-axis" x1="{_f(vx0)}" y1="{_f(vy0)}" x2="{_f(vx1)}" y2="{_f(vy1)}"/>'
    )
    x, y = inputs["x"], inputs["y"]
    xlabel = f"{x['name']}:  {x['neg']}  ←→  {x['pos']}"
    ylabel = f"{y['name']}:  {y['neg']}  ←→  {y['pos']}"
    left, top, right, bottom = PLOT
    out.append(
        f'<text class="ls-ink ls-axis-label" x="{_f((left + right) / 2)}" y="{_f(HEIGHT - 14)}" text-anchor="middle"'
        f' font-size="{_f(AXIS_SIZE)}">{xml_escape(xlabel)}</text>'
        f'<text class="ls-ink ls-axis-label" transform="translate(30 {_f((top + bottom) / 2)}) rotate(-90)" text-anchor="middle"'
        f' font-size="{_f(AXIS_SIZE)}">{xml_escape(ylabel)}</text></g>'
    )
    titles: list[tuple[float, float, float]] = []
    out.append('<g class="ls-quadrants">')
    for q in inputs["quadrants"]:
        tx, ty = to_svg(q["x"] * 0.55, q["y"] * 1.06)
        w = measure.width(q["title"], "bold") * TITLE_SIZE
        baseline = ty + (ASCENT - DESCENT) * TITLE_SIZE / 2
        titles.append((tx, baseline, w / TITLE_SIZE))
        out.append(
            f'<a target="_top" href="{token(quadrant_page_id(q["id"]))}" class="ls-quadrant" data-ls-q={quoteattr(q["id"])}>'
            f"<title>{xml_escape(q['title'])}</title>"
            f'<rect x="{_f(tx - w / 2)}" y="{_f(baseline + DESCENT * TITLE_SIZE)}" width="{_f(w)}" height="3" fill="{colour[q["id"]]}"/>'
            f'<text class="ls-ink" x="{_f(tx)}" y="{_f(baseline)}" text-anchor="middle" font-size="{_f(TITLE_SIZE)}"'
            f' font-weight="bold">{xml_escape(q["title"])}</text></a>'
        )
    out.append("</g>")
    # labels under markers: a marker is always clickable
    out.append('<g class="ls-labels">')
    remaining = {it["id"] for it in items}
    item_of = {it["id"]: it for it in items}
    axes = to_svg(0, 0)
    few = len({it.get("work", it["id"]) for it in items}) <= EVERY_WORK
    for size in LAYERS:
        every = few and size <= DEFAULT_LAYER
        placed = place_layer(items, size, titles, measure, plot=PLOT, axes=axes, every=every)
        out.append(f'<g class="ls-layer" data-ls-size="{size:g}" font-size="{size:g}">')
        for entry_id, lx, ly, w in placed:
            it = item_of[entry_id]
            # a label that had to move away from its marker gets a thin leader line
            line = leader_segment(it["cx"], it["cy"], (lx, ly - ASCENT * size, lx + w, ly + DESCENT * size), 1.2 * size)
            if line is not None:
                x1, y1, x2, y2 = line
                out.append(f'<line class="ls-leader" x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}"/>')
            out.append(f'<text x="{_f(lx)}" y="{_f(ly)}" data-ls-for={quoteattr(entry_id)}>{xml_escape(it["label"])}</text>')
        out.append("</g>")
        remaining -= {p[0] for p in placed}
        if len(remaining) <= len(items) // 100:  # the rest (at most 1 in 100) are named by their tooltips
            break
    out.append("</g>")
    works: dict[str, list[dict[str, Any]]] = {}
    for it in items:
        works.setdefault(it.get("work", it["id"]), []).append(it)
    joins = [(work, members) for work, members in works.items() if len(members) > 1]
    if joins:  # a dashed line through the placements of each work placed more than once
        out.append('<g class="ls-joins">')
        for work, members in joins:
            ordered = sorted(members, key=lambda it: it["id"])
            points = " ".join(f"{_f(it['cx'])},{_f(it['cy'])}" for it in ordered)
            out.append(f'<polyline class="ls-join" data-ls-work={quoteattr(work)} points="{points}"/>')
        out.append("</g>")
    out.append('<g class="ls-markers">')
    r, hit = MARKER * DEFAULT_LAYER, HIT * DEFAULT_LAYER
    for it in items:
        name = f"{it['label']}: {it['title']}"
        cx, cy = _f(it["cx"]), _f(it["cy"])
        # the link's name is its <title> (also the tooltip where the page's script does not run);
        # target _top: inside the <object> shown without JavaScript, a link opens in the page
        out.append(
            f'<a target="_top" href="{token(entry_page_id(it["id"]))}" class="ls-marker{" ls-landmark" if it.get("landmark") else ""}"'
            f" data-ls-id={quoteattr(it['id'])} data-ls-q={quoteattr(it['quadrant'])}>"
            f"<title>{xml_escape(name)}</title>"
            f'<circle class="ls-hit" cx="{cx}" cy="{cy}" r="{_f(hit)}"/>'
            + (
                # a contributor's placement: hollow, ringed in its quadrant's colour
                f'<circle class="ls-dot" cx="{cx}" cy="{cy}" r="{_f(r)}"'
                f' style="fill:var(--md-default-bg-color,#fff);stroke:{colour.get(it["quadrant"], INK)};stroke-width:2px"/></a>'
                if it.get("placer") == CONTRIBUTOR
                else f'<circle class="ls-dot" cx="{cx}" cy="{cy}" r="{_f(r)}" fill="{colour.get(it["quadrant"], INK)}"/></a>'
            )
        )
    out.append('</g><g class="ls-extra"></g></svg>')
    return "".join(out)

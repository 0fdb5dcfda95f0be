"""The figure's third stage: the one label placer, used by the map, Figure 1 and the printables.

:func:`place_layer` places labels beside their markers at one font size, in coordinates whose
y grows downwards (SVG units, or display pixels flipped): no two labels overlap, no label covers
a marker (landmarks may, where nothing else is free) or a reserved box, and, when the axes'
crossing is given, every label stays inside its marker's quadrant, clear of both axes, and no
leader line crosses another. :func:`place_texts` runs it for a matplotlib figure, then
:func:`repair` moves anything still touching and :func:`leaders` draws the leader lines;
:func:`collisions` is the overlap checker the tests use.

Imports :mod:`.style` only; matplotlib is imported inside the functions that need it.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from typing import Any

from .style import INK, MARKER_AREA

Point = tuple[float, float]
Box = tuple[float, float, float, float]
"""A rectangle: x0, y0, x1, y1."""
Segment = tuple[float, float, float, float]
"""A line from (x1, y1) to (x2, y2)."""

MARKER = 0.4
"""The map's marker radius as a fraction of the layer's font size (the default marker size)."""
ASCENT, DESCENT = 0.95, 0.26
"""DejaVu Sans' ascent and descent per unit of font size (a label's box)."""
SLACK = 1.08
"""Width margin over the measured width, for the browser's own font."""
TITLE_SIZE = 14.0
"""The map's quadrant titles' font size; a layer reserves them at this size or its own, if larger."""
LEADER_PX = 14.0
"""In a matplotlib figure, a label further than this (display pixels) from its marker gets a leader."""
RETRY_LIMIT = 150
"""Up to this many labels, a layer that must name every item tries again with the ones left out first."""
AXIS_GAP = 0.25
"""The free space kept between a label and an axis, per unit of font size."""


class Measure:
    """Text widths per unit of font size: the sum of each character's advance in the first
    listed font that has it (kerning aside: :data:`SLACK` covers it), cached per character."""

    def __init__(self) -> None:
        from matplotlib import font_manager
        from matplotlib.font_manager import FontProperties
        from matplotlib.ft2font import FT2Font, LoadFlags
        from matplotlib.textpath import text_to_path

        from .fonts import available_families

        families = list(available_families()) or ["DejaVu Sans"]
        self._fonts = []
        for family in families:
            font = FT2Font(font_manager.findfont(FontProperties(family=family), fallback_to_default=False))
            font.set_size(100, 72)
            self._fonts.append((font, frozenset(font.get_charmap())))
        self._flags = LoadFlags.NO_HINTING
        self._bold = FontProperties(family=families, size=100, weight="bold")
        self._ttp = text_to_path
        self._chars: dict[str, float] = {}
        self._cache: dict[tuple[str, str], float] = {}

    def _char(self, char: str) -> float:
        if char not in self._chars:
            code = ord(char)
            font = next((f for f, cmap in self._fonts if code in cmap), self._fonts[0][0])
            self._chars[char] = font.load_char(code, flags=self._flags).linearHoriAdvance / 65536 / 100
        return self._chars[char]

    def width(self, text: str, weight: str = "normal") -> float:
        key = (text, weight)
        if key not in self._cache:
            if weight == "bold":
                w, _, _ = self._ttp.get_text_width_height_descent(text, self._bold, ismath=False)
                self._cache[key] = w / 100 * SLACK
            else:
                self._cache[key] = sum(self._char(c) for c in text) * SLACK
        return self._cache[key]


class _Grid:
    """Boxes bucketed by cell, for overlap tests that stay fast at thousands of labels."""

    def __init__(self, cell: float):
        self.cell = cell
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _keys(self, box: Box) -> Iterator[tuple[int, int]]:
        c = self.cell
        for i in range(int(box[0] // c), int(box[2] // c) + 1):
            for j in range(int(box[1] // c), int(box[3] // c) + 1):
                yield i, j

    def add(self, box: Box) -> None:
        for key in self._keys(box):
            self.cells.setdefault(key, []).append(box)

    def hits(self, box: Box, pad: float) -> bool:
        for key in self._keys(box):
            for o in self.cells.get(key, ()):
                if box[0] < o[2] + pad and o[0] < box[2] + pad and box[1] < o[3] + pad and o[1] < box[3] + pad:
                    return True
        return False


def crosses(a: Segment, b: Segment) -> bool:
    """Whether two segments cross (a shared end point or a touch at an end is not a crossing)."""

    def orient(p: Point, q: Point, r: Point) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    p1, p2, p3, p4 = (a[0], a[1]), (a[2], a[3]), (b[0], b[1]), (b[2], b[3])
    d1, d2, d3, d4 = orient(p3, p4, p1), orient(p3, p4, p2), orient(p1, p2, p3), orient(p1, p2, p4)
    return ((d1 > 0 > d2) or (d1 < 0 < d2)) and ((d3 > 0 > d4) or (d3 < 0 < d4))


def leader_segment(cx: float, cy: float, box: Box, longer_than: float) -> Segment | None:
    """The leader from a marker at (cx, cy) to the nearest point of its label's box, if it is
    longer than ``longer_than`` (a label close to its marker needs none)."""
    nx, ny = min(max(cx, box[0]), box[2]), min(max(cy, box[1]), box[3])
    if math.hypot(nx - cx, ny - cy) <= longer_than:
        return None
    return (cx, cy, nx, ny)


def region(plot: Box, cx: float, cy: float, axes: Point | None, gap: float) -> Box:
    """Where a label of the marker at (cx, cy) may lie: the plot, or with ``axes`` (where the two
    axes cross) the plot's part on the marker's side of both, ``gap`` clear of them."""
    if axes is None:
        return plot
    ax, ay = axes
    left, top, right, bottom = plot
    x0, x1 = (ax + gap, right) if cx >= ax else (left, ax - gap)
    y0, y1 = (ay + gap, bottom) if cy >= ay else (top, ay - gap)
    return (x0, y0, x1, y1)


def _candidates(cx: float, cy: float, w: float, size: float, far: bool, gap: float = 0.0, rings: int = 8) -> Iterator[tuple[float, float]]:
    """Baseline starts (x, y) of a label around its marker, nearest and most natural first."""
    r = MARKER * size + 0.3 * size + gap
    h = (ASCENT + DESCENT) * size
    mid = cy + (ASCENT - DESCENT) * size / 2  # baseline that centres the box on the marker
    yield cx + r, mid  # right
    yield cx - r - w, mid  # left
    yield cx - w / 2, cy - r - DESCENT * size  # above
    yield cx - w / 2, cy + r + ASCENT * size  # below
    yield cx + r * 0.7, cy - r * 0.7 - DESCENT * size  # upper right
    yield cx - r * 0.7 - w, cy - r * 0.7 - DESCENT * size  # upper left
    yield cx + r * 0.7, cy + r * 0.7 + ASCENT * size  # lower right
    yield cx - r * 0.7 - w, cy + r * 0.7 + ASCENT * size  # lower left
    if far:  # rings further out before giving up
        steps = 12 if rings <= 8 else 24  # a survey that must name every work looks closer
        for ring in range(1, rings):
            d = r + ring * h
            for k in range(steps):
                a = math.radians(90 + 360 / steps * k)
                px, py = cx + d * math.cos(a), cy - d * math.sin(a)
                # the label's near side at the ring point, so it never covers its own marker
                shift = 0.0 if math.cos(a) > 0.3 else w if math.cos(a) < -0.3 else w / 2
                base = py + (ASCENT - DESCENT) * size / 2
                if abs(math.cos(a)) <= 0.3:
                    base = py - DESCENT * size if math.sin(a) > 0 else py + ASCENT * size
                yield px - shift, base
                if rings > 8:  # then the label's other ends at the same point
                    for other in (0.0, w / 2, w):
                        if other != shift:
                            yield px - other, base


def place_layer(
    items: list[dict[str, Any]],
    size: float,
    titles: list[tuple[float, float, float]],
    measure: Measure,
    *,
    plot: Box | None = None,
    marker_r: float | None = None,
    obstacles: tuple[Box, ...] = (),
    every: bool = False,
    axes: Point | None = None,
    leader_from: float | None = None,
) -> list[tuple[str, float, float, float]]:
    """The labels that fit at one font size: (entry id, x, baseline y, width), no two overlapping.

    ``items`` carry ``cx``, ``cy`` (y grows downwards), ``label`` and ``landmark``; labels stay
    inside ``plot`` (default: anywhere). ``titles`` are
    the quadrant titles (centre x, baseline y, width per unit of font size): the page enlarges
    them up to the layer's size on small screens, so they are reserved at that size. Landmarks
    (every item, with ``every``) also try rings further out and, where nothing is free, may rest
    on other markers (never on labels); other items that find no room stay unlabelled.

    With ``axes`` (where the axes cross), a label stays in its marker's quadrant, clear of both
    axes, so its leader stays there too; a label whose leader (drawn past ``leader_from``, by
    default 1.2 × ``size``) would cross a leader already placed tries its next spot.
    """
    plot = plot or (-math.inf, -math.inf, math.inf, math.inf)
    r = MARKER * size if marker_r is None else marker_r
    pad = 0.15 * size
    gap = AXIS_GAP * size
    longer_than = 1.2 * size if leader_from is None else leader_from
    markers = _Grid(max(size * 4, 8))
    for it in items:
        markers.add((it["cx"] - r, it["cy"] - r, it["cx"] + r, it["cy"] + r))
    labels = _Grid(max(size * 6, 8))
    ts = max(TITLE_SIZE, size)
    for tx, baseline, unit in titles:
        labels.add((tx - unit * ts / 2, baseline - ASCENT * ts, tx + unit * ts / 2, baseline + DESCENT * ts + 3))
    for box in obstacles:
        labels.add(box)
    # with every item tried far out, a small survey tries further still: it must name every work
    rings = 24 if every else 8

    def attempt(order: list[dict[str, Any]]) -> list[tuple[str, float, float, float]]:
        taken = copy.deepcopy(labels)
        drawn: list[Segment] = []
        placed = []
        for it in order:
            if not it.get("labelled", True):  # a work's other placements: a marker, joined to the labelled one
                continue
            w = measure.width(it["label"]) * size
            left, top, right, bottom = region(plot, it["cx"], it["cy"], axes, gap)
            fallback = None
            landmark = every or bool(it.get("landmark"))
            chosen = None
            for x, y in _candidates(it["cx"], it["cy"], w, size, far=landmark, gap=r - MARKER * size, rings=rings):
                box = (x, y - ASCENT * size, x + w, y + DESCENT * size)
                if box[0] < left or box[2] > right or box[1] < top or box[3] > bottom or taken.hits(box, pad):
                    continue
                line = leader_segment(it["cx"], it["cy"], box, longer_than)
                if line is not None and any(crosses(line, other) for other in drawn):
                    continue
                if not markers.hits(box, pad * 0.5):
                    chosen = (x, y, box, line)
                    break
                own = (it["cx"] - r, it["cy"] - r, it["cx"] + r, it["cy"] + r)
                touches_own = box[0] < own[2] and own[0] < box[2] and box[1] < own[3] and own[1] < box[3]
                if landmark and fallback is None and not touches_own:
                    fallback = (x, y, box, line)
            if chosen is None:
                if fallback is None:
                    continue
                chosen = fallback
            x, y, box, line = chosen
            taken.add(box)
            if line is not None:
                drawn.append(line)
            placed.append((it["id"], x, y, w))
        return placed

    placed = attempt(items)
    wanted = [it for it in items if it.get("labelled", True)]
    if every and len(wanted) <= RETRY_LIMIT:
        # a label squeezed out (its every spot taken, or its leader would cross another) goes
        # first next time; the attempt naming the most works wins, the first among equals
        for _ in range(4):
            named = {p[0] for p in placed}
            missing = [it for it in wanted if it["id"] not in named]
            if not missing:
                break
            again = attempt(missing + [it for it in items if it["id"] not in {m["id"] for m in missing}])
            if len(again) <= len(placed):
                break
            placed = again
    return placed


# matplotlib figures: boxes in display pixels (y grows upwards)


def overlap(a: Box, b: Box, pad: float = 0.0) -> bool:
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def box_of(artist: Any, renderer: Any) -> Box:
    """An artist's drawn extent in display pixels."""
    extent = artist.get_window_extent(renderer)
    return (extent.x0, extent.y0, extent.x1, extent.y1)


def marker_radius(fig: Any, area: float = MARKER_AREA) -> float:
    """A marker's radius in display pixels (plus one for its edge)."""
    return (area**0.5) / 2 * fig.dpi / 72 + 1


def marker_boxes(fig: Any, ax: Any, points: list[Point]) -> list[Box]:
    radius = marker_radius(fig)
    out = []
    for px, py in points:
        cx, cy = ax.transData.transform((px, py))
        out.append((cx - radius, cy - radius, cx + radius, cy + radius))
    return out


def _ring_boxes(cx: float, cy: float, width: float, height: float) -> Any:
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


def _as_box(row: Any) -> Box:
    return (float(row[0]), float(row[1]), float(row[2]), float(row[3]))


def axes_crossing(ax: Any) -> Point:
    """Where the figure's axes (data x = 0 and y = 0) cross, in display pixels."""
    x, y = ax.transData.transform((0.0, 0.0))
    return (float(x), float(y))


def repair(
    fig: Any,
    ax: Any,
    texts: list[Any],
    points: list[Point],
    fixed: list[Any],
    markers: list[Point] | None = None,
    *,
    quadrants: bool = False,
    fontsize: float = 8.0,
) -> None:
    """Move any label that still touches another label, a marker or a title, or whose leader crosses
    another label's, to the nearest free spot.

    :func:`place_layer` places almost every label; this deterministic pass guarantees the rest.
    Candidate boxes ring the label's own marker at growing distances; the first free one wins.
    With ``quadrants``, a spot must also lie in the marker's quadrant, clear of both axes.
    """
    import numpy as np

    renderer = fig.canvas.get_renderer()
    # markers without a label of their own (a work's other placements) are obstacles too
    marks = points if markers is None else markers
    statics = np.array(marker_boxes(fig, ax, marks) + [box_of(t, renderer) for t in fixed], dtype=float).reshape(-1, 4)
    inside = ax.get_window_extent(renderer)
    plot = (inside.x0, inside.y0, inside.x1, inside.y1)
    crossing = axes_crossing(ax) if quadrants else None
    gap = AXIS_GAP * fontsize * fig.dpi / 72
    boxes = np.array([box_of(t, renderer) for t in texts], dtype=float).reshape(-1, 4)
    pad = 1.0

    def free(i: int, cands: Any, area: Box) -> Any:
        """For each candidate row, whether it is inside its area and touches nothing."""
        others = np.concatenate([statics, np.delete(boxes, i, axis=0)])
        ok = (cands[:, 0] >= area[0]) & (cands[:, 2] <= area[2]) & (cands[:, 1] >= area[1]) & (cands[:, 3] <= area[3])
        hit = (
            (cands[:, None, 0] < others[None, :, 2] + pad)
            & (others[None, :, 0] < cands[:, None, 2] + pad)
            & (cands[:, None, 1] < others[None, :, 3] + pad)
            & (others[None, :, 1] < cands[:, None, 3] + pad)
        )
        return ok & ~hit.any(axis=1)

    to_data = ax.transData.inverted()
    centres: list[Point] = [(float(x), float(y)) for x, y in (ax.transData.transform(p) for p in points)]
    for i, text in enumerate(texts):
        cx, cy = centres[i]
        area = region(plot, cx, cy, crossing, gap)
        # the other labels' leaders as they stand: this label's leader must not cross one
        lines = [leader_segment(*centres[j], _as_box(boxes[j]), LEADER_PX) for j in range(len(texts)) if j != i]
        drawn = [line for line in lines if line is not None]
        own = leader_segment(cx, cy, _as_box(boxes[i]), LEADER_PX)
        if free(i, boxes[i : i + 1], area)[0] and (own is None or not any(crosses(own, other) for other in drawn)):
            continue
        width, height = boxes[i, 2] - boxes[i, 0], boxes[i, 3] - boxes[i, 1]
        cands = _ring_boxes(cx, cy, width, height)
        good = np.flatnonzero(free(i, cands, area))
        found = None
        for k in good:
            line = leader_segment(cx, cy, _as_box(cands[k]), LEADER_PX)
            if line is None or not any(crosses(line, other) for other in drawn):
                found = cands[k]
                break
        if found is None:
            continue  # nowhere free: the collision test reports it
        box = found
        text.set_ha("left")
        text.set_va("bottom")
        # the anchor is the box's lower left; place, then correct for the drawn extent's offset
        text.set_position(to_data.transform((box[0], box[1])))
        at = box_of(text, renderer)
        text.set_position(to_data.transform((2 * box[0] - at[0], 2 * box[1] - at[1])))
        boxes[i] = box_of(text, renderer)


def leaders(fig: Any, ax: Any, texts: list[Any], points: list[Point]) -> list[Any]:
    """A thin line from each marker to its label where the label had to move away from it."""
    renderer = fig.canvas.get_renderer()
    to_data = ax.transData.inverted()
    lines: list[Any] = []
    for text, point in zip(texts, points, strict=True):
        cx, cy = ax.transData.transform(point)
        line = leader_segment(cx, cy, box_of(text, renderer), LEADER_PX)
        if line is None:
            continue
        (x0, y0), (x1, y1) = to_data.transform((line[0], line[1])), to_data.transform((line[2], line[3]))
        (drawn,) = ax.plot([x0, x1], [y0, y1], color=INK, lw=0.4, alpha=0.6, zorder=2)
        drawn.set_gid(f"ls-leader-{len(lines) + 1}")
        lines.append(drawn)
    return lines


def collisions(fig: Any, ax: Any, texts: list[Any], points: list[Point], fixed: list[Any], markers: list[Point] | None = None) -> list[str]:
    """Every pair of label–label, label–marker and label–title boxes that overlap (should be none).

    ``points`` are the labels' markers; ``markers`` every marker, labelled or not (default: ``points``).
    """
    renderer = fig.canvas.get_renderer()
    labels = [box_of(t, renderer) for t in texts]
    found = []
    for i, a in enumerate(labels):
        for j in range(i + 1, len(labels)):
            if overlap(a, labels[j]):
                found.append(f"label {texts[i].get_text()!r} overlaps label {texts[j].get_text()!r}")
        for j, m in enumerate(marker_boxes(fig, ax, points if markers is None else markers)):
            if overlap(a, m):
                found.append(f"label {texts[i].get_text()!r} overlaps marker {j + 1}")
        for t in fixed:
            if overlap(a, box_of(t, renderer)):
                found.append(f"label {texts[i].get_text()!r} overlaps title {t.get_text()!r}")
    return found


REPAIR_LIMIT = 150
"""Up to this many labels in one figure, :func:`repair` moves any label still touching a marker or
another label (its cost grows with the square of the count); past it, the grid placement alone
stands and a crowded label may rest on a neighbouring marker (never on another label)."""


def place_texts(
    fig: Any,
    ax: Any,
    points: list[Point],
    labels: list[str],
    fixed: list[Any],
    *,
    fontsize: float,
    others: tuple[Point, ...] = (),
    quadrants: bool = False,
) -> list[Any]:
    """Every label beside its marker in a matplotlib figure: :func:`place_layer` in display pixels
    (fast at thousands of labels), :func:`repair` for anything left touching, then :func:`leaders`.

    ``others`` are markers without a label (obstacles only); with ``quadrants``, labels keep to their
    marker's quadrant (the figure's axes cross at data (0, 0)). Returns the text artists, in order.
    """
    if not points:
        return []
    renderer = fig.canvas.get_renderer()
    height = fig.bbox.height
    scale = fig.dpi / 72

    def flip(box: Any) -> Box:
        return (box.x0, height - box.y1, box.x1, height - box.y0)

    items = []
    for i, (point, label) in enumerate(zip(points, labels, strict=True)):
        cx, cy = ax.transData.transform(point)
        items.append({"id": str(i), "cx": float(cx), "cy": float(height - cy), "label": label})
    for j, point in enumerate(others):  # unlabelled markers: obstacles only
        cx, cy = ax.transData.transform(point)
        items.append({"id": f"m{j}", "cx": float(cx), "cy": float(height - cy), "label": "", "labelled": False})
    crossing = None
    if quadrants:
        x, y = axes_crossing(ax)
        crossing = (x, height - y)
    placed = place_layer(
        items,
        fontsize * scale,
        [],
        Measure(),
        plot=flip(ax.get_window_extent(renderer)),
        marker_r=marker_radius(fig),
        obstacles=tuple(flip(t.get_window_extent(renderer)) for t in fixed),
        every=True,
        axes=crossing,
        leader_from=LEADER_PX,
    )
    at = {int(i): (x, y) for i, x, y, _ in placed}
    to_data = ax.transData.inverted()
    texts = []
    for i, (point, label) in enumerate(zip(points, labels, strict=True)):
        if i in at:
            x, y = at[i]
            xd, yd = to_data.transform((x, height - y))
        else:  # no room found: beside the marker, for the repair pass (or the checker) to see
            xd, yd = point
        texts.append(ax.text(xd, yd, label, ha="left", va="baseline", fontsize=fontsize, color=INK, parse_math=False, zorder=4))
    if len(texts) <= REPAIR_LIMIT:
        repair(fig, ax, texts, points, fixed, [*points, *others], quadrants=quadrants, fontsize=fontsize)
    leaders(fig, ax, texts, points)
    return texts

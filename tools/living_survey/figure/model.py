"""The figure's second stage: what Figure 1 draws, where each marker goes, which files it makes.

Everything drawn comes from :func:`figure_inputs`; the cache key (:mod:`.cache`) hashes exactly
those fields. Imports only :mod:`.style` of the figure package, and no matplotlib.
"""

from __future__ import annotations

import math
from typing import Any

from ..model.survey import Survey
from ..model.works import SHOWN, placer_kind, placer_label
from .style import APART, DODGE, PALETTE

__all__ = ["PALETTE"]  # re-exported: the page's minimap colours its quadrants alike

FIGURE_VERSION = "12"
"""Bump when the drawing code changes, so caches are invalidated."""
LABEL_LIMIT = 60
"""Above this many entries, the printable figure numbers its markers (the key is typeset beside it)."""
NAMES = ("figure1.svg", "figure1.png", "figure1.pdf")
"""The whole map as published for download (labels or numbers drawn by matplotlib)."""
KEYED = ("figure1-keyed.png", "figure1-keyed.pdf")
"""The whole map with a numbered key typeset beside it (for papers and talks)."""
PRINT_LIMIT = 600
"""Up to this many works, the printable figures (keyed map, one per quadrant) are drawn with every
label; matplotlib's text drawing makes them cost about 40 s per 1,000 works, so a larger survey
builds without them (the map and Figure 1 are always drawn)."""
MAP = "map.svg"
"""The interactive map that pages fetch once: markers, zoom-level label layers, data attributes."""


def quadrant_names(inputs: dict[str, Any]) -> tuple[str, ...]:
    """One printable figure per quadrant: ``figure1-<quadrant id>.png`` and ``.pdf``."""
    if len(inputs["entries"]) > PRINT_LIMIT:
        return ()
    return tuple(f"figure1-{q['id']}.{ext}" for q in inputs["quadrants"] for ext in ("png", "pdf"))


def figure_inputs(survey: Survey) -> dict[str, Any]:
    """Exactly what the figure draws (``cache_key`` hashes the same fields)."""
    fw = survey.framework
    library = survey.library
    entries = []
    named: dict[str, str] = {}
    for entry in sorted(survey.entries, key=lambda e: e.id):
        ref = library.references.get(entry.key)
        work = survey.work_of(entry)
        # every marker of a work names its placers (and where each put it) in its tooltip, made once
        # per work and capped, so that a work placed thousands of times does not make the SVG quadratic
        if work.key not in named:
            head = work.placements[:SHOWN]
            more = len(work.placements) - len(head)
            named[work.key] = "; ".join(f"{placer_label(e.placed_by, library)} ({fw.quadrant(e.quadrant).title})" for e in head) + (
                f"; and {more} more" if more else ""
            )
        placers = named[work.key]
        entries.append(
            {
                "id": entry.id,
                "quadrant": entry.quadrant,
                "position": list(entry.position) if entry.position else None,
                "label": ref.label if ref else entry.key,
                "title": f"{ref.title if ref else entry.key} — placed by {placers}",
                "work": entry.key,
                "placer": placer_kind(entry.placed_by, library),
                "labelled": work.first.id == entry.id,
                # the source's (or any cited work's) placements are the map's landmarks
                "landmark": entry.placed_by in library,
            }
        )
    return {
        "x": {"name": fw.x.name, "neg": fw.x.negative.label, "pos": fw.x.positive.label},
        "y": {"name": fw.y.name, "neg": fw.y.negative.label, "pos": fw.y.positive.label},
        "quadrants": [{"id": q.id, "title": q.title, "x": q.x, "y": q.y} for q in fw.quadrants],
        "entries": entries,
    }


def auto_positions(inputs: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Positions for every entry: its own, or a free slot of a grid inside its quadrant."""
    placed = {e["id"]: tuple(e["position"]) for e in inputs["entries"] if e["position"]}
    signs = {q["id"]: (q["x"], q["y"]) for q in inputs["quadrants"]}
    for quadrant, (sx, sy) in signs.items():
        waiting = [e["id"] for e in inputs["entries"] if e["quadrant"] == quadrant and not e["position"]]
        if not waiting:
            continue
        taken = [placed[e["id"]] for e in inputs["entries"] if e["quadrant"] == quadrant and e["id"] in placed]
        side = 2
        while side * side < len(waiting) + len(taken):
            side += 1
        slots = [(sx * (0.1 + 0.8 * (i + 0.5) / side), sy * (0.1 + 0.8 * (j + 0.5) / side)) for j in range(side) for i in range(side)]
        gap = 0.4 / side
        free = [s for s in slots if all(abs(s[0] - t[0]) > gap or abs(s[1] - t[1]) > gap for t in taken)]
        free += [s for s in slots if s not in free]
        for entry_id, slot in zip(waiting, free, strict=False):
            placed[entry_id] = slot
    return placed


def display_positions(inputs: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Where each entry's marker is drawn: its point (:func:`auto_positions`), moved a little where
    markers of different works would lie on top of each other, so a reader can reach each one.

    Only the drawing moves: exports, the data files, the locator and entry pages keep the true
    point. Works placed at one point are spread on a small ring around it (one slot per work, in
    the order of their first entry id; every placement of a work there shares its slot, so a
    work's placements stay joined), the ring shifted as a whole to stay inside the quadrant and
    clear of both axes. A marker that still lies closer than :data:`.style.APART` (a marker's
    width) to another work's takes the nearest free spot on rings around it. Deterministic: the same inputs give the
    same points."""
    true = auto_positions(inputs)
    entries = inputs["entries"]
    signs = {q["id"]: (q["x"], q["y"]) for q in inputs["quadrants"]}
    shown: dict[str, tuple[float, float]] = {}
    # 1. coincident points: one ring slot per work
    at: dict[tuple[float, float], list[dict[str, Any]]] = {}
    for e in entries:
        x, y = true[e["id"]]
        at.setdefault((round(x, 9), round(y, 9)), []).append(e)
    for (x, y), members in at.items():
        works: list[str] = []
        for e in members:  # entries come sorted by id, so works come in order of their first entry
            if e.get("work", e["id"]) not in works:
                works.append(e.get("work", e["id"]))
        if len(works) == 1:
            for e in members:
                shown[e["id"]] = true[e["id"]]
            continue
        radius = DODGE / (2 * math.sin(math.pi / len(works)))
        ring = [
            (x + radius * math.sin(2 * math.pi * k / len(works)), y + radius * math.cos(2 * math.pi * k / len(works)))
            for k in range(len(works))
        ]
        sx, sy = signs.get(members[0]["quadrant"], (1, 1))
        dx = _shift([p[0] for p in ring], *_bounds(x, sx))
        dy = _shift([p[1] for p in ring], *_bounds(y, sy))
        slot = {w: (px + dx, py + dy) for w, (px, py) in zip(works, ring, strict=True)}
        for e in members:
            shown[e["id"]] = slot[e.get("work", e["id"])]
    # 2. near misses (and rings that landed near another marker): the later entry moves, on a
    # grid of cells APART wide so each check looks at nine cells, not every marker
    cells: dict[tuple[int, int], list[tuple[str, float, float]]] = {}

    def clash(work: str, px: float, py: float) -> bool:
        cx, cy = math.floor(px / APART), math.floor(py / APART)
        return any(
            w != work and math.hypot(px - ox, py - oy) < APART * 0.999
            for i in (-1, 0, 1)
            for j in (-1, 0, 1)
            for w, ox, oy in cells.get((cx + i, cy + j), ())
        )

    for e in entries:
        work = e.get("work", e["id"])
        px, py = shown[e["id"]]
        if clash(work, px, py):
            sx, sy = signs.get(e["quadrant"], (1, 1))
            (xlo, xhi), (ylo, yhi) = _bounds(px, sx), _bounds(py, sy)
            spots = (
                (px + APART * ring * math.sin(2 * math.pi * k / (6 * ring)), py + APART * ring * math.cos(2 * math.pi * k / (6 * ring)))
                for ring in range(1, 9)
                for k in range(6 * ring)
            )
            free = next((s for s in spots if xlo <= s[0] <= xhi and ylo <= s[1] <= yhi and not clash(work, *s)), None)
            if free is not None:  # a quadrant too full to find room keeps the point (it cannot get worse)
                px, py = free
                shown[e["id"]] = free
        cells.setdefault((math.floor(px / APART), math.floor(py / APART)), []).append((work, px, py))
    return shown


def _bounds(value: float, sign: float) -> tuple[float, float]:
    """The range a dodged marker may take on one axis: inside its quadrant's side, half a dodge
    clear of the axis, and no further out than 1 (or its own point, if that is further)."""
    near, far = DODGE / 2, max(1.0, abs(value))
    return (near, far) if sign > 0 else (-far, -near)


def _shift(values: list[float], lo: float, hi: float) -> float:
    """How far to move a set of values, as a whole, so that all lie in [lo, hi] (if they fit)."""
    if min(values) < lo:
        return lo - min(values)
    if max(values) > hi:
        return hi - max(values)
    return 0.0


def numbering(inputs: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """The number each entry carries when the figure is numbered: one per work, in the order of
    its first placement's id (inputs are sorted by id); every placement of a work shares it."""
    numbers: dict[str, int] = {}
    return [(numbers.setdefault(e.get("work", e["id"]), len(numbers) + 1), e) for e in inputs["entries"]]


def downloads(survey: Survey) -> list[tuple[str, list[tuple[str, str]]]]:
    """The downloadable figures as pages list them: (group, [(file name, link text)])."""

    def formats(stem: str, exts: tuple[str, ...] = ("png", "pdf")) -> list[tuple[str, str]]:
        return [(f"{stem}.{ext}", ext.upper()) for ext in exts]

    out = [("", formats("figure1", ("svg", "png", "pdf")))]
    if len(survey.entries) <= PRINT_LIMIT:
        out.append(("with a numbered key", formats("figure1-keyed")))
        out += [(q.title, formats(f"figure1-{q.id}")) for q in survey.framework.quadrants]
    return out


def all_names(inputs: dict[str, Any]) -> tuple[str, ...]:
    """Every file the figure's cache folder holds."""
    printable = KEYED if len(inputs["entries"]) <= PRINT_LIMIT else ()
    return (*NAMES, MAP, *printable, *quadrant_names(inputs))

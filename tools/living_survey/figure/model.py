"""The figure's second stage: what Figure 1 draws, where each marker goes, which files it makes.

Everything drawn comes from :func:`figure_inputs`; the cache key (:mod:`.cache`) hashes exactly
those fields. Imports only :mod:`.style` of the figure package, and no matplotlib.
"""

from __future__ import annotations

from typing import Any

from ..survey import Survey
from ..works import SHOWN, placer_kind, placer_label
from .style import PALETTE

__all__ = ["PALETTE"]  # re-exported: the page's minimap colours its quadrants alike

FIGURE_VERSION = "11"
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

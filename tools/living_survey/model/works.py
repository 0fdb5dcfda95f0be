"""Works and their placements: who placed a work where, and whether the placers agree.

An entry is one placement of one work by one placer; entries sharing a BibTeX ``key`` are
placements of the same work. This module groups them, tells published placements (``placed_by``
a BibTeX key) from contributors' (a handle), and summarises agreement: the quadrants a work is
placed in, the axes its placers disagree on, the spread on each axis and the largest distance
between two placements. It knows no MkDocs and reads no file: the Survey hands it its records.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from .bibliography import Library
from .entries import Entry
from .framework import Axis, Framework

PUBLISHED = "published"
"""A placement made by a published work: its ``placed_by`` is a key of the bibliography."""
CONTRIBUTOR = "contributor"
"""A placement made by a contributor: its ``placed_by`` is a handle such as ``@octocat``."""
Point = tuple[float, float]
SHOWN = 12
"""At most this many other placements are listed and drawn on an entry page; the rest are counted.
Listing every other placement on each page would make a work placed thousands of times cost
pages quadratic in its placements; the quadrant pages name every placer once."""
NOMINAL = 0.5
"""Where a placement without a position is taken to sit on each axis: its quadrant's centre."""


def placer_kind(placed_by: str, library: Library) -> str:
    """:data:`PUBLISHED` when ``placed_by`` is a BibTeX key of the library, else :data:`CONTRIBUTOR`."""
    return PUBLISHED if placed_by in library else CONTRIBUTOR


def placer_id(placed_by: str) -> str:
    """Who a placer is, for telling placers apart: ``placed_by`` without case.

    GitHub handles ignore case (``@Octo-Cat`` and ``@octo-cat`` are one account), and BibTeX keys
    that differ only in case are refused, so folding case never joins two placers. Pages show
    ``placed_by`` as written; only comparisons use this.
    """
    return placed_by.casefold()


def placer_label(placed_by: str, library: Library) -> str:
    """How a placer is named: a published work by its author–year label, a contributor as written."""
    ref = library.references.get(placed_by)
    return ref.label if ref is not None else placed_by


def point(entry: Entry, framework: Framework) -> tuple[float, float]:
    """The placement's position, or its quadrant's centre when it gives none."""
    if entry.position is not None:
        return entry.position
    quadrant = framework.quadrant(entry.quadrant)
    return (quadrant.x * NOMINAL, quadrant.y * NOMINAL)


GRID = 10**9
"""Positions are compared on a grid of 1e-9 in integers, so that the hull's turns are exact
(float turns of nearly collinear points are noise, and the hull they give is not convex)."""

Cell = tuple[int, int]


def _turn(o: Cell, a: Cell, b: Cell) -> int:
    """Twice the signed area of the triangle o, a, b (positive: a counter-clockwise turn)."""
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _hull(points: Iterable[Cell]) -> list[Cell]:
    """The convex hull, counter-clockwise, without collinear points (Andrew's monotone chain)."""
    ordered = sorted(set(points))
    if len(ordered) <= 2:
        return ordered
    lower: list[Cell] = []
    upper: list[Cell] = []
    for chain, run in ((lower, ordered), (upper, ordered[::-1])):
        for p in run:
            while len(chain) >= 2 and _turn(chain[-2], chain[-1], p) <= 0:
                chain.pop()
            chain.append(p)
    return lower[:-1] + upper[:-1]


def diameter(points: Iterable[Point]) -> float:
    """The largest distance between two of ``points`` (0 for fewer than two), to 1e-9.

    Rotating calipers over the convex hull: O(n log n), so a work placed thousands of times
    costs no more than sorting its placements (comparing every pair would be quadratic).
    """
    hull = _hull((round(x * GRID), round(y * GRID)) for x, y in points)
    n = len(hull)
    if n < 2:
        return 0.0
    best, j = 0, 1
    for i in range(n):
        a, b = hull[i], hull[(i + 1) % n]
        # advance j to the hull point farthest from the edge a-b: a and b are antipodal to it
        while n > 2 and _turn(a, b, hull[(j + 1) % n]) > _turn(a, b, hull[j]):
            j = (j + 1) % n
        best = max(best, *((p[0] - hull[j][0]) ** 2 + (p[1] - hull[j][1]) ** 2 for p in (a, b)))
    return math.sqrt(best) / GRID


@dataclass(frozen=True)
class Work:
    """One surveyed work with every placement of it, and how far its placers agree."""

    key: str
    placements: tuple[Entry, ...]
    """Published placements first, then contributors', each group by entry id."""
    quadrants: tuple[str, ...]
    """The distinct quadrants it is placed in, in the framework's order."""
    disputed: tuple[Axis, ...]
    """The axes on which its placements fall on different sides (none when they agree)."""
    spread: dict[str, float]
    """Per axis key, the largest minus the smallest coordinate of its placements."""
    distance: float
    """The largest distance between two of its placements on the map (0 for one placement)."""
    estimated: bool
    """Whether a placement without a position entered the figures at its quadrant's centre."""
    placers: tuple[str, ...] = ()
    """Its distinct placers (:func:`placer_id`), in the order of :attr:`placements`."""

    @property
    def contested(self) -> bool:
        """Whether its placements fall in different quadrants, by different placers: one person
        (however they spell their handle) cannot contest a work alone."""
        return len(self.quadrants) > 1 and len(self.placers) != 1

    @property
    def first(self) -> Entry:
        """The placement that speaks for the work where one must (its label on Figure 1)."""
        return self.placements[0]

    def others(self, entry: Entry) -> tuple[Entry, ...]:
        """Every placement of the work except ``entry``."""
        return tuple(e for e in self.placements if e.id != entry.id)

    @cached_property
    def _heads(self) -> dict[str, tuple[tuple[int, Entry], ...]]:
        """Per quadrant, its first ``SHOWN + 1`` placements with their index: enough for any page's shortlist."""
        heads: dict[str, list[tuple[int, Entry]]] = {}
        for i, e in enumerate(self.placements):
            head = heads.setdefault(e.quadrant, [])
            if len(head) <= SHOWN:
                head.append((i, e))
        return {q: tuple(v) for q, v in heads.items()}

    def shown_others(self, entry: Entry, limit: int = SHOWN) -> tuple[Entry, ...]:
        """At most ``limit`` other placements for ``entry``'s page: those in other quadrants first
        (the disagreement), each group in the work's order (published first).

        Costs O(``limit``) per page once the work is grouped, not O(placements).
        """
        elsewhere = sorted(ie for q, head in self._heads.items() if q != entry.quadrant for ie in head)
        here = [ie for ie in self._heads.get(entry.quadrant, ()) if ie[1].id != entry.id]
        return tuple(e for _, e in elsewhere + here)[:limit]

    def in_quadrant(self, quadrant_id: str) -> tuple[Entry, ...]:
        """Its placements in one quadrant."""
        return tuple(e for e in self.placements if e.quadrant == quadrant_id)


def make_work(key: str, entries: Iterable[Entry], framework: Framework, library: Library) -> Work:
    """Group the placements of one work and summarise their agreement."""
    placements = tuple(sorted(entries, key=lambda e: (placer_kind(e.placed_by, library) != PUBLISHED, e.id)))
    order = {q: i for i, q in enumerate(framework.quadrant_ids)}
    quadrants = tuple(sorted({e.quadrant for e in placements}, key=order.__getitem__))
    points = [point(e, framework) for e in placements]
    axes = (framework.x, framework.y)
    signs = [{(framework.quadrant(q).x, framework.quadrant(q).y)[i] for q in quadrants} for i in range(2)]
    spread = {axis.key: max(p[i] for p in points) - min(p[i] for p in points) for i, axis in enumerate(axes)}
    distance = diameter(points)
    return Work(
        key=key,
        placements=placements,
        quadrants=quadrants,
        disputed=tuple(axis for axis, seen in zip(axes, signs, strict=True) if len(seen) > 1),
        spread={k: round(v, 6) for k, v in spread.items()},
        distance=round(distance, 6),
        estimated=len(placements) > 1 and any(e.position is None for e in placements),
        placers=tuple(dict.fromkeys(placer_id(e.placed_by) for e in placements)),
    )


class Works:
    """Every work of a survey, in the order of the given entries' first appearance."""

    def __init__(self, entries: Iterable[Entry], framework: Framework, library: Library):
        grouped: dict[str, list[Entry]] = {}
        for entry in entries:
            grouped.setdefault(entry.key, []).append(entry)
        self.works: tuple[Work, ...] = tuple(make_work(k, v, framework, library) for k, v in grouped.items())
        self._by_key = {w.key: w for w in self.works}

    def __iter__(self) -> Iterator[Work]:
        return iter(self.works)

    def __len__(self) -> int:
        return len(self.works)

    def __getitem__(self, key: str) -> Work:
        return self._by_key[key]

    def of(self, entry: Entry) -> Work:
        """The work an entry places."""
        return self._by_key[entry.key]

    @property
    def contested(self) -> tuple[Work, ...]:
        """The works whose placements fall in different quadrants."""
        return tuple(w for w in self.works if w.contested)

    def in_quadrant(self, quadrant_id: str) -> tuple[Work, ...]:
        """The works with at least one placement in a quadrant."""
        return tuple(w for w in self.works if quadrant_id in w.quadrants)

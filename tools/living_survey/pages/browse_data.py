"""Browsing the survey: one row per entry for the "Browse all works" table, the newest additions,
and the words a reader types to find an entry (its organisation, datasets, first author).

:func:`browse_rows` is the one place a row is made: the table, its JSON for the script and the
tests all read it. A row is one entry (one placement) today; grouping a work's placements into one row
(:mod:`..model.works` already groups them) means changing this function alone.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..model.entries import Dataset, Entry
from ..model.survey import Survey
from ..model.works import CONTRIBUTOR, PUBLISHED, placer_kind, placer_label

FULL_TABLE_LIMIT = 400
"""Up to this many rows the browse page carries the whole table in its HTML (about 0.5 KB a row);
above it the page stays small and the script loads the rows from ``data/browse.json``."""
RECENT_LIMIT = 30
"""How many of the newest additions the "Recently added" page and the feeds list."""
PLACERS = {PUBLISHED: "A published source", CONTRIBUTOR: "A contributor"}
"""Who placed a work: a published placement (``placed_by`` is a BibTeX key) or a contributor."""


@dataclass(frozen=True)
class Row:
    """One row of the browse table."""

    id: str
    """The entry id (one placement)."""
    label: str
    title: str
    year: str
    quadrants: tuple[tuple[str, str], ...]
    """(id, title) of each quadrant the row's work is placed in."""
    signal: tuple[tuple[str, str], ...]
    """(id, label) of each kind of signal."""
    datasets: tuple[Dataset, ...]
    organisation: str
    placed_by: str
    """Who placed it, as shown: a source's label or a contributor's handle."""
    placer: str
    """``published`` or ``contributor`` (as :func:`~living_survey.model.works.placer_kind` says)."""
    added: str


def _term_label(survey: Survey, term_id: str) -> str:
    try:
        return survey.framework.term("signal", term_id).label
    except KeyError:
        return term_id


def row(survey: Survey, entry: Entry) -> Row:
    """The browse row of one entry."""
    ref = survey.library.references.get(entry.key)
    quadrant = survey.framework.quadrant(entry.quadrant)
    return Row(
        id=entry.id,
        label=ref.label if ref else entry.key,
        title=ref.title if ref else entry.key,
        year=(ref.get("year") if ref else "") or "",
        quadrants=((quadrant.id, quadrant.title),),
        signal=tuple((t, _term_label(survey, t)) for t in entry.signal),
        datasets=entry.datasets,
        organisation=entry.organisation or "",
        placed_by=placer_label(entry.placed_by, survey.library),
        placer=placer_kind(entry.placed_by, survey.library),
        added=entry.added,
    )


def browse_rows(survey: Survey) -> list[Row]:
    """Every row of the browse table, in the survey's order (label, then id)."""
    return [row(survey, e) for e in sorted(survey.entries, key=survey.sort_key)]


def row_json(r: Row, url: str) -> list[Any]:
    """A row as the compact array ``data/browse.json`` holds (see :data:`ROW_FIELDS`)."""
    return [
        r.id,
        url,
        r.label,
        r.title,
        r.year,
        [q for q, _ in r.quadrants],
        [s for s, _ in r.signal],
        [[d.name, d.url or ""] for d in r.datasets],
        r.organisation,
        r.placed_by,
        r.placer,
        r.added,
    ]


ROW_FIELDS = ("id", "url", "label", "title", "year", "quadrants", "signal", "datasets", "organisation", "placed_by", "placer", "added")
"""The meaning of each position of a row in ``data/browse.json``."""


def browse_json(survey: Survey, url_of: Callable[[str], str], rows: bool = True) -> dict[str, Any]:
    """What the browse script loads: field names, the vocabularies' labels, and every row.

    Args:
        survey: the survey.
        url_of: an entry id → its page's URL relative to the site root.
        rows: whether to include the rows (the build streams them instead).
    """
    fw = survey.framework
    out: dict[str, Any] = {
        "fields": list(ROW_FIELDS),
        "quadrants": {q.id: q.title for q in fw.quadrants},
        "signal": {t.id: t.label for t in fw.vocabularies.get("signal", ())},
        "placers": PLACERS,
    }
    if rows:
        out["rows"] = [row_json(r, url_of(r.id)) for r in browse_rows(survey)]
    return out


def recent_entries(survey: Survey, quadrant_id: str | None = None, limit: int = RECENT_LIMIT) -> list[Entry]:
    """The newest additions first (then by id, so that the order is stable), optionally in one quadrant."""
    pool = survey.entries if quadrant_id is None else survey.entries_in(quadrant_id)
    return sorted(pool, key=lambda e: (_negated(e.added), e.id))[:limit]


def _negated(date: str) -> tuple[int, ...]:
    # sort ISO dates descending while ids stay ascending
    return tuple(-int(part) for part in date.split("-"))


def search_terms(survey: Survey, entry: Entry) -> list[str]:
    """What readers type to find an entry: organisation, dataset names, first author's surname.

    Material's search indexes a page's ``tags`` with the highest boost, so an entry page with
    these as tags comes before pages that only mention the words in passing.
    """
    ref = survey.library.references.get(entry.key)
    terms = [entry.organisation or ""] + [d.name for d in entry.datasets]
    if ref is not None:
        creators = ref.creators  # authors, else editors, else the organisation: the rule every output follows
        terms.append(creators.people[0].surname if creators.people else creators.body)
    out: list[str] = []
    for term in terms:
        if term and term not in out:
            out.append(term)
    return out


def search_tags(survey: Survey, entry: Entry) -> list[str]:
    """:func:`search_terms` as an entry page hands them to Material's search: HTML-escaped text.

    Material copies a page's ``tags`` into the search index as they are and its search results
    insert them with ``innerHTML``, so a tag is markup there: an organisation written
    ``<img onerror=…>`` would run when searched for. The index holds the rest of a page's text
    escaped (``&lt;``), and so must the tags. Quotes stay as written (``quote=False``, as the
    theme escapes page text): a tag is only ever element content, and ``O'Neill`` stays findable.
    """
    return [html.escape(term, quote=False) for term in search_terms(survey, entry)]

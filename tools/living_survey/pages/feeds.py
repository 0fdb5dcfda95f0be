"""Feeds of what is new: Atom and JSON Feed 1.1, for the whole survey and for each quadrant.

Items are the newest additions (by ``added``), each linking to its entry page's permanent URL.
A feed's ``updated`` date is its newest item's ``added`` date, never the time of the build, so
the same inputs give byte-identical feeds. Atom is written with ElementTree (which escapes), the
JSON Feed with ``json.dumps``.
"""

from __future__ import annotations

import functools
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from ..model.addresses import RECENT, Router, entry_page_id, quadrant_page_id
from ..model.bibliography import byline
from ..model.entries import Entry
from ..model.survey import Survey
from .browse_data import recent_entries, row
from .cite_survey import SiteInfo

ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
ATOM_TYPE = "application/atom+xml"
JSON_FEED_TYPE = "application/feed+json"
_XML_INVALID = {c: None for c in range(32) if c not in (9, 10, 13)} | {0xFFFE: None, 0xFFFF: None}
"""Characters XML 1.0 cannot hold at all, even escaped; dropped from feed text."""


@dataclass(frozen=True)
class FeedSpec:
    """One feed: what it covers and where its two files live in the site."""

    title: str
    quadrant: str | None
    atom: str
    json: str
    page: str
    """The page id the feed is the feed of (the "Recently added" page, or a quadrant page)."""


def feed_specs(survey: Survey, site_title: str) -> list[FeedSpec]:
    """The whole survey's feed first, then one per quadrant in the framework's order."""
    # At the site root: Material reads every <link rel="alternate"> as a translation of the site
    # and fetches "sitemap.xml" beside it, which exists only at the root.
    specs = [FeedSpec(f"{site_title}: recently added", None, "feed.xml", "feed.json", RECENT)]
    for q in survey.framework.quadrants:
        base = f"feed-{q.id}"
        specs.append(FeedSpec(f"{site_title}: recently added to {q.title}", q.id, base + ".xml", base + ".json", quadrant_page_id(q.id)))
    return specs


def _clean(text: str) -> str:
    return text.translate(_XML_INVALID)


def _stamp(date: str) -> str:
    """An ISO date as an RFC 3339 timestamp (midnight UTC), as both formats want."""
    return f"{date}T00:00:00Z"


@dataclass(frozen=True)
class _Item:
    id: str
    title: str
    summary: str
    date: str
    quadrant: tuple[str, str]
    authors: tuple[str, ...]


def _items(survey: Survey, router: Router, quadrant: str | None) -> list[_Item]:
    out = []
    for entry in recent_entries(survey, quadrant):
        r = row(survey, entry)
        out.append(
            _Item(
                id=router.absolute(entry_page_id(entry.id)),
                title=f"{r.label}: {r.title}",
                summary=_summary(survey, entry, r.quadrants[0][1], r.placed_by),
                date=entry.added,
                quadrant=r.quadrants[0],
                authors=_authors(survey, entry),
            )
        )
    return out


def _summary(survey: Survey, entry: Entry, quadrant_title: str, placed_by: str) -> str:
    parts = [f"Placed in {quadrant_title} by {placed_by}."]
    if entry.organisation:
        parts.append(f"Organisation: {entry.organisation}.")
    if entry.datasets:
        parts.append("Datasets: " + ", ".join(d.name for d in entry.datasets) + ".")
    return " ".join(parts)


def _authors(survey: Survey, entry: Entry) -> tuple[str, ...]:
    # the byline the entry page shows (a work with 51 authors is "Bai, Y., …, et al."); the data
    # files keep every name
    ref = survey.library.references.get(entry.key)
    shown = byline(ref) if ref is not None else ""
    return (shown,) if shown else ()


def _updated(items: list[_Item], info: SiteInfo) -> str:
    # the newest addition; an empty feed falls back to the build's date, itself from the commit
    return max((i.date for i in items), default=info.date or "1970-01-01")


def write_atom(spec: FeedSpec, survey: Survey, info: SiteInfo, router: Router, out: TextIO) -> None:
    """The Atom (RFC 4287) feed of ``spec``."""
    items = _items(survey, router, spec.quadrant)
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: _clean(v) for k, v in attrs.items()})
        if text is not None:
            element.text = _clean(text)
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    self_url = info.url + spec.atom
    sub(feed, "id", self_url)
    sub(feed, "title", spec.title)
    sub(feed, "updated", _stamp(_updated(items, info)))
    sub(feed, "link", rel="self", type=ATOM_TYPE, href=self_url)
    sub(feed, "link", rel="alternate", type="text/html", href=router.absolute(spec.page))
    author = sub(feed, "author")
    sub(author, "name", ", ".join(info.display_authors) or info.title)
    sub(feed, "generator", "living-survey")
    for item in items:
        entry = sub(feed, "entry")
        sub(entry, "id", item.id)
        sub(entry, "title", item.title)
        sub(entry, "link", rel="alternate", type="text/html", href=item.id)
        sub(entry, "published", _stamp(item.date))
        sub(entry, "updated", _stamp(item.date))
        for name in item.authors:
            sub(sub(entry, "author"), "name", name)
        sub(entry, "category", term=item.quadrant[0], label=item.quadrant[1])
        sub(entry, "summary", item.summary, type="text")
    ET.indent(feed, space=" ")
    out.write('<?xml version="1.0" encoding="utf-8"?>\n')
    out.write(ET.tostring(feed, encoding="unicode"))
    out.write("\n")


def json_feed(spec: FeedSpec, survey: Survey, info: SiteInfo, router: Router) -> dict[str, Any]:
    """The JSON Feed 1.1 document of ``spec``."""
    items = _items(survey, router, spec.quadrant)
    return {
        "version": JSON_FEED_VERSION,
        "title": spec.title,
        "home_page_url": router.absolute(spec.page),
        "feed_url": info.url + spec.json,
        "description": f"The newest additions to {info.title}, newest first.",
        "authors": [{"name": ", ".join(info.display_authors) or info.title}],
        "items": [
            {
                "id": item.id,
                "url": item.id,
                "title": item.title,
                "content_text": item.summary,
                "date_published": _stamp(item.date),
                "date_modified": _stamp(item.date),
                "tags": [item.quadrant[1]],
                **({"authors": [{"name": n} for n in item.authors]} if item.authors else {}),
            }
            for item in items
        ],
    }


def write_json_feed(spec: FeedSpec, survey: Survey, info: SiteInfo, router: Router, out: TextIO) -> None:
    """The JSON Feed 1.1 file of ``spec``."""
    out.write(json.dumps(json_feed(spec, survey, info, router), ensure_ascii=False, indent=1) + "\n")


def feed_files(survey: Survey, info: SiteInfo, router: Router) -> Iterator[tuple[str, Callable[[TextIO], object]]]:
    """Every feed as (path in the site, writer)."""
    for spec in feed_specs(survey, info.title):
        yield spec.atom, functools.partial(write_atom, spec, survey, info, router)
        yield spec.json, functools.partial(write_json_feed, spec, survey, info, router)

"""The "Browse all works" and "Recently added" pages, rendered from autoescaped templates.

Every address comes from the :class:`~living_survey.model.addresses.Router`; the rows come from
:func:`~living_survey.pages.browse_data.browse_rows`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from markupsafe import Markup

from ..core.markup import template_env
from ..model.addresses import HOME, Router, entry_page_id, quadrant_page_id, root_from
from ..model.survey import Survey
from . import browse_data
from .browse_data import PLACERS, browse_json, browse_rows, recent_entries, row, row_json
from .feeds import feed_specs

SCRIPT = "assets/living-survey-browse.js"
"""The browse page's script, shipped by the plugin (no CDN)."""
DATA = "data/browse.json"
"""The rows the script loads when the page does not carry them all."""
COLUMNS = (
    ("label", "Work"),
    ("title", "Title"),
    ("year", "Year"),
    ("quadrants", "Quadrant"),
    ("signal", "Signal"),
    ("datasets", "Datasets"),
    ("placed_by", "Placed by"),
    ("added", "Added"),
)
"""(key, heading) of each column; the script sorts by the key."""
BROWSE_MARK = "<!-- living-survey:browse -->"


@dataclass(frozen=True)
class _Link:
    url: str
    name: str


MAP_LIMIT = 300
"""Up to this many matching works, the browse page offers to show them on the map (the ids travel in
the map page's URL, which must stay a reasonable length)."""


class BrowsePages:
    """Renders the browse and recently-added pages of one build."""

    def __init__(self, survey: Survey, router: Router, site_title: str, full_table_limit: int | None = None):
        self.survey = survey
        self.router = router
        self.site_title = site_title
        self.limit = browse_data.FULL_TABLE_LIMIT if full_table_limit is None else full_table_limit
        self.env = template_env()

    def browse_markdown(self) -> str:
        """The page's Markdown: a heading, a sentence, and a mark the table replaces after Markdown."""
        return (
            "# Browse all works\n\n"
            "Every work placed on the map, one row each. Sort by any column, filter by quadrant, signal, "
            "year or who placed it, or type a few words; the address of the page keeps the view, so it "
            "can be shared.\n\n" + BROWSE_MARK + "\n"
        )

    def browse_html(self, page_url: str) -> Markup:
        """The table (complete when the survey is small), its filters and its script tag."""
        link = self.router.link_from(page_url)
        fw = self.survey.framework
        total = len(self.survey.entries)
        complete = total <= self.limit
        shown: list[dict[str, Any]] = []
        if complete:
            rows = browse_rows(self.survey)
            shown = [
                {
                    "id": r.id,
                    "url": link(entry_page_id(r.id)),
                    "label": r.label,
                    "title": r.title,
                    "year": r.year,
                    "quadrants": [t for _, t in r.quadrants],
                    "quadrant_ids": [q for q, _ in r.quadrants],
                    "signal": [t for _, t in r.signal],
                    "signal_ids": [s for s, _ in r.signal],
                    "organisation": r.organisation,
                    "placer": r.placer,
                    "datasets": r.datasets,
                    "placed_by": r.placed_by,
                    "added": r.added,
                }
                for r in rows
            ]
        asset = self.router.asset
        files = (("data/entries.csv", "CSV"), ("data/entries.json", "JSON"))
        downloads = [_Link(asset(path, from_url=page_url), name) for path, name in files]
        html = self.env.get_template("browse.html").render(
            rows=shown,
            total=total,
            complete=complete,
            columns=COLUMNS,
            quadrants=[{"id": q.id, "title": q.title, "url": link(quadrant_page_id(q.id))} for q in fw.quadrants],
            signals=list(fw.vocabularies.get("signal", ())),
            placers=PLACERS,
            downloads=downloads,
            data_url=asset(DATA, from_url=page_url),
            root=root_from(page_url),
            script_url=asset(SCRIPT, from_url=page_url),
            map_url=link(HOME) if self.router.has(HOME) else "",
            map_limit=MAP_LIMIT,
        )
        return Markup(html)

    def recent_markdown(self, page_url: str) -> str:
        """The newest additions, newest first, with every feed."""
        link = self.router.link_from(page_url)
        items = []
        for entry in recent_entries(self.survey):
            r = row(self.survey, entry)
            items.append(
                {
                    "url": link(entry_page_id(entry.id)),
                    "label": r.label,
                    "title": r.title,
                    "added": entry.added,
                    "quadrant": r.quadrants[0][1],
                    "quadrant_url": link(quadrant_page_id(r.quadrants[0][0])),
                }
            )
        feeds = [
            {
                "name": "Every quadrant" if spec.quadrant is None else self.survey.framework.quadrant(spec.quadrant).title,
                "atom": self.router.asset(spec.atom, from_url=page_url),
                "json": self.router.asset(spec.json, from_url=page_url),
            }
            for spec in feed_specs(self.survey, self.site_title)
        ]
        return self.env.get_template("recent.md").render(entries=items, feeds=feeds)


def browse_files(survey: Survey, router: Router) -> Iterator[tuple[str, Callable[[TextIO], object]]]:
    """``data/browse.json`` as (path in the site, writer): the rows, entry URLs relative to the site root."""

    def url_of(entry_id: str) -> str:
        return router.page_url(entry_page_id(entry_id))

    def write(out: TextIO) -> None:
        # streamed one row at a time, like entries.json: a large survey is never held as one string
        head = browse_json(survey, url_of, rows=False)
        out.write(json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"rows":[')
        for i, r in enumerate(browse_rows(survey)):
            out.write(("" if i == 0 else ",") + json.dumps(row_json(r, url_of(r.id)), ensure_ascii=False, separators=(",", ":")))
        out.write("]}\n")

    yield DATA, write

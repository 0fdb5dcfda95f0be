"""The survey's page kinds, one class each, registered in :data:`~.page_kind.KINDS` in site order.

Each subclass of :class:`~.page_kind.PageKind` gives its route, template and steps (see
:mod:`.page_kind`). The plugin's hooks find a page's kind with :func:`view` and call the step;
they never compare kind names. A generator writing each page as Markdown with front matter calls
:meth:`~.page_kind.PageKind.document` with a Site built from its own URLs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from markupsafe import Markup

from ..model.addresses import (
    BROWSE,
    CHANGES,
    CONTESTED_TITLE,
    LOCATOR,
    RECENT,
    REFERENCES,
    PageRecord,
    SitePages,
    contested_page_id,
    entry_page_id,
    has_locator,
    quadrant_page_id,
)
from ..model.survey import Survey
from .browse_content import BROWSE_MARK, browse_files
from .browse_content import SCRIPT as BROWSE_JS
from .browse_data import search_tags
from .changes_page import changes_markdown
from .htmlspace import squeeze
from .locator import SCRIPT as LOCATOR_JS
from .locator import WORKS as LOCATOR_WORKS
from .locator import fill_data, locator_markdown, works_json
from .page_kind import (
    CITE_SLOT,
    FIGURE_MARK,
    KINDS,
    SECTIONS,
    DocsPage,
    HomePage,
    PageKind,
    Rendered,
    Writer,
    page_title,
    register,
)
from .rendering import Site

__all__ = ["KINDS", "PageKind", "register", "site_pages", "view"]


class QuadrantKind(PageKind):
    """A quadrant: its description, questions, Figure 1 highlighting it, each work placed there."""

    name = "quadrant"
    template = "quadrant.md"
    sections = SECTIONS

    @classmethod
    def records(cls, survey: Survey) -> Iterator[PageRecord]:
        for q in survey.framework.quadrants:
            yield cls.page(quadrant_page_id(q.id), q.title, subject=q.id)

    def markdown(self, source: str) -> str:
        quadrant = self.site.survey.framework.quadrant(self.subject)
        return self.site.builder.quadrant_markdown(quadrant, self.link, figure=FIGURE_MARK)

    def content(self, html: str) -> str:
        fragments = self.site.fragments
        return html + str(fragments.downloads(self.url, self.subject) + fragments.cite_box(self.record))

    def figure_highlight(self) -> str | None:
        return self.subject

    def head(self) -> Markup:
        return self.site.fragments.head(self.url, meta=self.citation_meta(), quadrant=self.subject)


class ReferencesKind(PageKind):
    """The whole bibliography, an anchor per key."""

    name = REFERENCES
    template = "references.md"

    @classmethod
    def records(cls, survey: Survey) -> Iterator[PageRecord]:
        yield cls.page(REFERENCES, "References", permanent=False)

    def markdown(self, source: str) -> str:
        return self.site.builder.references_markdown(self.link)


class ChangesKind(PageKind):
    """What changed in each release."""

    name = CHANGES
    template = "changes.md"

    @classmethod
    def records(cls, survey: Survey) -> Iterator[PageRecord]:
        yield cls.page(CHANGES, "What changed", permanent=False)

    def markdown(self, source: str) -> str:
        site = self.site
        return changes_markdown(site.history, site.router.link_if_present(self.url), site.fragments.release_url_from(self.url))


class LocatorKind(PageKind):
    """ "Place your dataset": the framework's questions, present only if every axis has some."""

    name = "locator"
    template = "locator.md"

    @classmethod
    def records(cls, survey: Survey) -> Iterator[PageRecord]:
        if has_locator(survey):
            yield cls.page(LOCATOR, "Place your dataset")

    @classmethod
    def site_files(cls, site: Site) -> Iterator[tuple[str, str]]:
        yield LOCATOR_JS, site.asset_text(LOCATOR_JS)
        if site.pages.get(LOCATOR) is not None:  # the works the locator lists, fetched by its script
            yield LOCATOR_WORKS, works_json(site.survey, site.router.page_url)

    def markdown(self, source: str) -> str:
        router = self.site.router
        script, works = (router.asset(path, from_url=self.url) for path in (LOCATOR_JS, LOCATOR_WORKS))
        root = router.asset("", from_url=self.url)
        proposal = self.site.proposal
        return locator_markdown(self.site.survey, figure=FIGURE_MARK, script_url=script, works_url=works, root=root, proposal=proposal)

    def post(self, output: str) -> str:
        return fill_data(output, self.site.survey, self.link, self.site.proposal)


class EntryKind(PageKind):
    """One placement: rendered straight to HTML from the data, kept out of the sidebar."""

    name = "entry"
    template = "entry.html"
    from_data = True

    @classmethod
    def records(cls, survey: Survey) -> Iterator[PageRecord]:
        for entry in sorted(survey.entries, key=lambda e: e.id):
            ref = survey.library.references.get(entry.key)
            yield cls.page(entry_page_id(entry.id), ref.title if ref else entry.key, subject=entry.id, in_nav=False)

    def meta(self) -> dict[str, Any]:
        survey = self.site.survey
        return {
            # Material prints page.meta.title unfiltered in <title>: the escaped title, never raw
            "title": page_title(self.record) if self.record is not None else "",
            # indexed by Material's search with the highest boost: searching these finds the entry first;
            # escaped, since the index holds HTML and the theme's results insert it as such
            "tags": search_tags(survey, survey.entry(self.subject)),
        }

    def html(self) -> Rendered:
        """The entry's HTML and its sections; the cite box joins in :meth:`post`, after search
        indexing: it is kept out of the index anyway, and parsing it on every entry page was wasted time."""
        builder = self.site.builder
        entry = self.site.survey.entry(self.subject)
        rendered = builder.entry_page(entry, self.link)
        # squeezed as the written page is (the build squeezes every page): the same HTML either way
        # Page weight (issue #27): no edit URL for the theme's edit button, since the page's own
        # "Edit this entry" link already opens the entry file and the button repeated it
        return Rendered(squeeze(rendered.html) + CITE_SLOT, (*rendered.toc, SECTIONS[1]), rendered.problems, None)

    def citation_meta(self) -> list[tuple[str, str]]:
        return self.site.fragments.citation_meta(self.subject)

    def post(self, output: str) -> str:
        if CITE_SLOT not in output:
            where = self.record.src if self.record else self.url
            self.site.warn(f"{where}: the cite box placeholder was removed by another plugin or the theme; no cite box")
        box = self.site.fragments.cite_box(self.record, after_search=True, entry_id=self.subject)
        return output.replace(CITE_SLOT, str(box), 1)


class ContestedKind(PageKind):
    """Works whose placements fall in different quadrants; always present, so its URL holds."""

    name = "contested"
    template = "contested.md"

    @classmethod
    def records(cls, survey: Survey) -> Iterator[PageRecord]:
        # not in the permanent-id ledger, like the references page: a view, not a citable record
        yield cls.page(contested_page_id(), CONTESTED_TITLE, permanent=False)

    def markdown(self, source: str) -> str:
        return self.site.builder.contested_markdown(self.link)


class BrowseKind(PageKind):
    """ "Browse all works": a sortable, filterable table (plain HTML without its script)."""

    name = BROWSE
    template = "browse.html"

    @classmethod
    def records(cls, survey: Survey) -> Iterator[PageRecord]:
        # shared links carry filters (browse/?quadrant=…): the URL is meant to last
        yield cls.page(BROWSE, "Browse all works")

    @classmethod
    def site_files(cls, site: Site) -> Iterator[tuple[str, str]]:
        yield BROWSE_JS, site.asset_text("assets/browse.js")

    @classmethod
    def downloads(cls, site: Site) -> Iterator[tuple[str, Writer]]:
        return browse_files(site.survey, site.router)

    def markdown(self, source: str) -> str:
        return self.site.browse.browse_markdown()

    def content(self, html: str) -> str:
        # after Markdown: a table of thousands of rows would be slow to parse, and is plain HTML anyway
        return html.replace(BROWSE_MARK, str(self.site.browse.browse_html(self.url)), 1)


class RecentKind(PageKind):
    """The newest additions, with every feed."""

    name = RECENT
    template = "recent.md"

    @classmethod
    def records(cls, survey: Survey) -> Iterator[PageRecord]:
        yield cls.page(RECENT, "Recently added")

    def markdown(self, source: str) -> str:
        return self.site.browse.recent_markdown(self.url)


for _kind in (QuadrantKind, ReferencesKind, ChangesKind, LocatorKind, EntryKind, ContestedKind, BrowseKind, RecentKind):
    register(_kind)


def site_pages(survey: Survey) -> SitePages:
    """Every generated page of the survey, made once: each kind's route, in :data:`KINDS` order."""
    return SitePages(record for kind in KINDS.values() for record in kind.records(survey))


def view(site: Site, src: str | None, url: str, *, homepage: bool = False) -> PageKind:
    """The page whose source path is ``src`` (``None``: not a generated page) as its kind sees it."""
    record = site.pages.by_src(src) if src is not None else None
    if record is not None:
        return KINDS[record.kind](site, record, url, homepage=homepage)
    return (HomePage if homepage else DocsPage)(site, None, url, homepage=homepage)

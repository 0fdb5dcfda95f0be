"""HTML fragments added around pages: Figure 1's block, downloads, the cite box, head metadata.

Each comes from an autoescaped template in ``templates/``; every address comes from the
:class:`~living_survey.model.addresses.Router`. The plugin's hooks only call these and hand the result on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from ..core.markup import template_env
from ..figure import MAP
from ..figure import downloads as figure_downloads
from ..model.addresses import HOME, PageRecord, Router, quadrant_page_id, release_path, root_from, up_from_release, versions_file
from ..model.survey import Survey
from ..releases.frozen import BuildContext
from ..releases.history import History
from .cite_survey import PageCitation, SiteInfo, dataset_jsonld, page_citation, scholar_meta, version_citation
from .exports import DOWNLOADS, quadrant_download
from .feeds import ATOM_TYPE, JSON_FEED_TYPE, feed_specs


@dataclass(frozen=True)
class Download:
    url: str
    name: str


class Fragments:
    """Renders the fragments of one build; one instance per build, reused for every page."""

    def __init__(
        self,
        survey: Survey,
        info: SiteInfo,
        router: Router,
        *,
        history: History | None = None,
        context: BuildContext | None = None,
        head_script: str | None = None,
    ):
        """``head_script``: a script of the site (its path, e.g. ``assets/x.js``) that every page
        loads in its head, before the theme's own scripts; ``None``: none."""
        self.survey = survey
        self.head_script = head_script
        self.info = info
        self.router = router
        self.history = history or History()
        self.context = context or BuildContext(living_url=info.url)
        self.env = template_env()
        self._figure_t = self.env.get_template("figure.html")
        self._downloads_t = self.env.get_template("downloads.html")
        self._cite_t = self.env.get_template("cite.html")
        self._head_t = self.env.get_template("head.html")
        self._feeds = feed_specs(survey, info.title)  # the same for every page of the build

    def figure(self, page_url: str, highlight: str | None = None) -> Markup:
        """Figure 1's block: a slot the page's script fills from the one map file, the captions,
        the downloads, and the map as a list (a link per quadrant's list of works).

        Args:
            page_url: the URL of the page showing it.
            highlight: a quadrant id to highlight, dimming the others.
        """
        router = self.router
        link = router.link_from(page_url)
        groups = [
            {"title": q.title, "url": link(quadrant_page_id(q.id)) + "#entries", "count": len(self.survey.entries_in(q.id))}
            for q in self.survey.framework.quadrants
        ]
        downloads = [
            {"group": group, "files": [Download(router.asset(f"assets/{name}", from_url=page_url), label) for name, label in files]}
            for group, files in figure_downloads(self.survey)
        ]
        library = self.survey.library
        legend = {
            "contributors": any(e.placed_by not in library for e in self.survey.entries),
            "joined": len({e.key for e in self.survey.entries}) < len(self.survey.entries),
        }
        return Markup(
            self._figure_t.render(
                legend=legend,
                map_url=router.asset(f"assets/{MAP}", from_url=page_url),
                png_url=router.asset("assets/figure1.png", from_url=page_url),
                highlight=highlight,
                framework=self.survey.framework,
                downloads=downloads,
                groups=groups,
            )
        )

    def downloads(self, page_url: str, quadrant_id: str | None = None) -> Markup:
        """The "Download the data" section; a quadrant page adds its own BibTeX file."""
        items = list(DOWNLOADS)
        if quadrant_id is not None:
            items.insert(3, quadrant_download(self.survey.framework.quadrant(quadrant_id)))
        downloads = [Download(self.router.asset(path, from_url=page_url), name) for path, _, name in items]
        return Markup(self._downloads_t.render(downloads=downloads))

    def living_root(self, page_url: str) -> str:
        """The living site's root as seen from a page of this build (a release sits two folders down)."""
        return root_from(page_url) + (up_from_release() if self.context.release else "")

    def release_url(self, series: str, page_url: str) -> str:
        """A release's frozen copy: relative inside a versioned site, else its published URL."""
        if self.context.selector:
            return self.living_root(page_url) + release_path(series)
        return self.context.living_url + release_path(series)

    def release_url_from(self, page_url: str) -> Callable[[str], str]:
        """:meth:`release_url` for one page."""
        return lambda series: self.release_url(series, page_url)

    def _version(self, record: PageRecord | None, entry_id: str | None = None) -> tuple[PageCitation | None, str]:
        """The citation of this page in a release (this one, or the living site's latest), or why there is none.

        ``entry_id``: the entry an entry page shows; such a page has no release before its entry is in one."""
        page_id = HOME if record is None else record.id
        title, key_id = (None, "") if record is None else (record.title, record.id)
        if self.context.release:
            url = self.router.absolute(page_id)
            return version_citation(self.info, title, url, key_id, version=self.context.release, released=self.context.release_date), ""
        latest = self.history.latest
        if latest is None:
            return None, "No release yet: cite the living page below."
        missing = entry_id is not None and not self.history.has_entry(latest, entry_id)
        files = self.context.latest_files  # the stored release's own files, when known: any page kind
        if missing or (files is not None and self.router.site_path(page_id) not in files):
            return None, f"This page is not in a release yet (the latest is {latest.version}): cite the living page below."
        url = self.context.living_url + release_path(latest.series) + self.router.path(page_id)
        return version_citation(self.info, title, url, key_id, version=latest.version, released=latest.date), ""

    def cite_box(self, record: PageRecord | None, *, after_search: bool = False, entry_id: str | None = None) -> Markup:
        """The "Cite this page" section of a generated page, or of the home page (``None``).

        It offers this version (the frozen URL, version and release date) and the living page
        (the permanent URL and the access date), each as text and BibTeX.

        Args:
            after_search: the box goes into the page after search indexing, so it needs no
                ``data-search-exclude`` marker (Material's search removes it from pages it indexes).
            entry_id: the entry an entry page shows (see :meth:`_version`).
        """
        page_id = HOME if record is None else record.id
        living_url = self.context.living_url + self.router.path(page_id)
        if record is None:
            citation = page_citation(self.info, None, living_url, "")
        else:
            citation = page_citation(self.info, record.title, living_url, record.id)
        version, no_version = self._version(record, entry_id)
        release = self.context.release or (self.history.latest.version if self.history.latest else "")
        released = self.context.release_date if self.context.release else (self.history.latest.date if self.history.latest else "")
        return Markup(
            self._cite_t.render(
                citation=citation,
                version=version,
                no_version=no_version,
                release=release,
                released=released,
                latest=not self.context.release,
                doi=self.info.doi,
                search_exclude=not after_search,
            )
        )

    def version_meta(self, page_url: str) -> Markup:
        """What the version selector script reads: this build's version and where versions.json is."""
        if not self.context.selector:
            return Markup("")
        living = self.living_root(page_url)
        current = self.context.number
        return Markup('<meta name="living-survey-version" content="{}" data-versions="{}" data-living="{}">').format(
            f"{current[0]}.{current[1]}" if current else "", living + versions_file(), living or "./"
        )

    def feed_links(self, page_url: str, quadrant: str | None = None) -> list[tuple[str, str, str]]:
        """(type, title, href) of the feeds a page announces: the survey's, and a quadrant page's own."""
        out = []
        for spec in self._feeds:
            if spec.quadrant is None or spec.quadrant == quadrant:
                out.append((ATOM_TYPE, spec.title + " (Atom)", self.router.asset(spec.atom, from_url=page_url)))
                out.append((JSON_FEED_TYPE, spec.title + " (JSON Feed)", self.router.asset(spec.json, from_url=page_url)))
        return out

    def citation_meta(self, entry_id: str) -> list[tuple[str, str]]:
        """The Google Scholar tags of an entry page, as (name, content): the work it places."""
        ref = self.survey.library.references.get(self.survey.entry(entry_id).key)
        return scholar_meta(ref) if ref else []

    def head(self, page_url: str, *, meta: Sequence[tuple[str, str]] = (), homepage: bool = False, quadrant: str | None = None) -> Markup:
        """Metadata for ``<head>``: feed links on every page, ``meta`` tags (an entry page's
        :meth:`citation_meta`), Dataset JSON-LD on the home page, a quadrant page's own feeds (``quadrant``)."""
        jsonld: Markup | None = None
        if homepage:
            jsonld = dataset_jsonld(self.info, list(DOWNLOADS), len(self.survey.entries))
        selector = self.version_meta(page_url)
        script = self.router.asset(self.head_script, from_url=page_url) if self.head_script else None
        head = self._head_t.render(meta=meta, jsonld=jsonld, feeds=self.feed_links(page_url, quadrant), script=script)
        return Markup(head) + selector

    def head_script_tag(self, base_url: str) -> Markup:
        """The head script for a page the theme renders alone (``404.html``): its URL from the site's root path."""
        if not self.head_script:
            return Markup("")
        return Markup(self._head_t.render(meta=[], jsonld=None, feeds=[], script=base_url.rstrip("/") + "/" + self.head_script))

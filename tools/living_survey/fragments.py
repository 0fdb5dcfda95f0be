"""HTML fragments added around pages: Figure 1's block, downloads, the cite box, head metadata.

Each comes from an autoescaped template in ``templates/``; every address comes from the
:class:`~living_survey.routes.Router`. The plugin's hooks only call these and hand the result on.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from .citing import SiteInfo, dataset_jsonld, page_citation, scholar_meta
from .exports import DOWNLOADS, quadrant_download
from .figure import NAMES as FIGURE_NAMES
from .figure import numbered_key, text_alternative
from .markup import template_env
from .routes import HOME, PageRecord, Router, entry_page_id
from .survey import Survey


@dataclass(frozen=True)
class Download:
    url: str
    name: str


class Fragments:
    """Renders the fragments of one build; one instance per build, reused for every page."""

    def __init__(self, survey: Survey, info: SiteInfo, router: Router):
        self.survey = survey
        self.info = info
        self.router = router
        self.env = template_env()
        self._figure_t = self.env.get_template("figure.html")
        self._downloads_t = self.env.get_template("downloads.html")
        self._cite_t = self.env.get_template("cite.html")
        self._head_t = self.env.get_template("head.html")

    def figure(self, svg: str, page_url: str, highlight: str | None = None) -> Markup:
        """Figure 1 inline (so its links work), its numbered key, and the map as a list.

        Args:
            svg: the figure's SVG on one line, its links still tokens.
            page_url: the URL of the page showing it.
            highlight: a quadrant id to highlight, dimming the others.
        """
        router = self.router
        link = router.link_from(page_url)
        inline = router.resolve_tokens(svg, page_url).replace("<svg ", '<svg role="img" aria-labelledby="ls-figure-caption" ', 1)
        groups = [
            {"title": title, "items": [{"url": link(entry_page_id(i)), "label": label} for i, label in items]}
            for title, items in text_alternative(self.survey)
        ]
        key = [{"number": n, "url": link(entry_page_id(i)), "label": label} for n, i, label in numbered_key(self.survey)]
        downloads = [Download(router.asset(f"assets/{name}", from_url=page_url), name.rsplit(".", 1)[1].upper()) for name in FIGURE_NAMES]
        return Markup(
            self._figure_t.render(
                svg=Markup(inline), highlight=highlight, framework=self.survey.framework, downloads=downloads, key=key, groups=groups
            )
        )

    def downloads(self, page_url: str, quadrant_id: str | None = None) -> Markup:
        """The "Download the data" section; a quadrant page adds its own BibTeX file."""
        items = list(DOWNLOADS)
        if quadrant_id is not None:
            items.insert(3, quadrant_download(self.survey.framework.quadrant(quadrant_id)))
        downloads = [Download(self.router.asset(path, from_url=page_url), name) for path, _, name in items]
        return Markup(self._downloads_t.render(downloads=downloads))

    def cite_box(self, record: PageRecord | None) -> Markup:
        """The "Cite this page" section of a generated page, or of the home page (``None``)."""
        if record is None:
            citation = page_citation(self.info, None, self.router.absolute(HOME), "")
        else:
            citation = page_citation(self.info, record.title, self.router.absolute(record.id), record.id)
        return Markup(self._cite_t.render(citation=citation))

    def head(self, record: PageRecord | None, *, homepage: bool) -> Markup:
        """Metadata for ``<head>``: Scholar tags on entry pages, Dataset JSON-LD on the home page."""
        meta: list[tuple[str, str]] = []
        jsonld: Markup | None = None
        if record is not None and record.kind == "entry":
            ref = self.survey.library.references.get(self.survey.entry(record.subject).key)
            meta = scholar_meta(ref) if ref else []
        elif homepage:
            jsonld = dataset_jsonld(self.info, list(DOWNLOADS), len(self.survey.entries))
        if not meta and jsonld is None:
            return Markup("")
        return Markup(self._head_t.render(meta=meta, jsonld=jsonld))

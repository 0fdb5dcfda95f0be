"""The MkDocs plugin ``living-survey``: thin glue between MkDocs' hooks and the engine.

Load and validate in ``on_config``; add virtual pages in ``on_files``; fill them (and resolve
citations everywhere) in ``on_page_markdown``; hand entry pages their pre-rendered HTML in
``on_page_content``; watch the inputs in ``on_serve``. This is the only module that imports MkDocs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from .citing import SiteInfo, cite_box_html, dataset_jsonld, load_site_info, page_citation, scholar_meta
from .entries import Entry
from .exports import bib_subset, export_schema, schema_json, write_entries_csv, write_entries_json
from .figure import NAMES as FIGURE_NAMES
from .figure import compact_svg, ensure_figure_files, numbered_key, svg_for_page, text_alternative
from .framework import Quadrant
from .markup import esc
from .pages import REFERENCES_SRC, EntryPage, PageBuilder, entry_src, quadrant_src
from .permanence import permanence_problems
from .problems import Problem, SurveyError
from .survey import Survey, load_survey

log = get_plugin_logger(__name__)

CSS_SRC = "assets/living-survey.css"
GRID_MARK = "<!-- living-survey:grid -->"
_ID = re.compile(r'\sid="([^"]+)"')
FIGURE_MARK = "<!-- living-survey:figure -->"
FIGURE_SLOT = "<!--living-survey:figure-slot-->"


DOWNLOADS = (
    ("data/entries.json", "application/json", "Every entry with its reference and quadrant (JSON)"),
    ("data/entries.csv", "text/csv", "Every entry, one row each (CSV)"),
    ("data/references.bib", "application/x-bibtex", "The surveyed works (BibTeX)"),
    ("data/entry.schema.json", "application/schema+json", "The entry schema, for editors (JSON Schema)"),
)
"""(path, media type, name) of the downloads every home and quadrant page links."""


def _root_from(page: Page) -> str:
    """The relative path from ``page`` to the site root: ``""`` or ``"../../"``."""
    root = get_relative_url(".", page.url)
    return "" if root == "." else root.rstrip("/") + "/"


class LivingSurveyConfig(base.Config):
    """Options of the ``living-survey`` plugin (paths relative to ``mkdocs.yml``)."""

    framework = c.File(exists=True, default="framework.yml")
    """The framework file: axes, poles, quadrants and vocabularies."""
    entries = c.Dir(exists=True, default="entries")
    """The folder of entry files, one ``<entry-id>.yaml`` per surveyed work."""
    bibliography = c.File(exists=True, default="references.bib")
    """The BibTeX file holding every cited work."""
    entry_edit_uri = c.Optional(c.Type(str))
    """Path under ``repo_url`` to edit a file of the repository (``edit/main/``); none: no edit links."""
    cache_dir = c.Type(str, default=".cache/living-survey")
    """Where the figure cache lives, relative to ``mkdocs.yml``."""
    citation_file = c.Type(str, default="CITATION.cff")
    """The survey's citation metadata (authors, version, licence); if absent, pages cite the site name."""
    permanent_ids = c.Optional(c.Type(str))
    """A file listing every published page id; ids that vanish without a redirect are reported."""


class LivingSurveyPlugin(BasePlugin[LivingSurveyConfig]):
    """Turns entries and a bibliography into quadrant, entry and reference pages."""

    def __init__(self) -> None:
        self.survey: Survey | None = None
        self.builder: PageBuilder | None = None
        self.root = Path(".")
        self._urls: dict[str, str] = {}
        self._entry_by_src: dict[str, Entry] = {}
        self._quadrant_by_src: dict[str, Quadrant] = {}
        self._entry_pages: dict[str, EntryPage] = {}
        self._svg = ""
        """Figure 1's SVG on one line, its links still holding the root placeholder."""
        self.info: SiteInfo | None = None
        self._figure_pages: dict[str, str | None] = {}
        """Pages awaiting the figure in on_post_page: src → the quadrant to highlight, if any."""

    # -- helpers ---------------------------------------------------------------------------------

    def _warn(self, problems: tuple[Problem, ...] | list[Problem]) -> None:
        for problem in problems:
            log.warning(str(problem))

    def _edit_url(self, config: MkDocsConfig) -> Any:
        repo = (config.repo_url or "").rstrip("/")
        path = self.config.entry_edit_uri
        if not repo or path is None:
            return lambda entry: None
        prefix = f"{repo}/{path.strip('/')}/"
        return lambda entry: prefix + entry.path

    def _link_from(self, page: Page) -> Any:
        return lambda src: get_relative_url(self._urls[src], page.url)

    def _figure_html(self, page: Page, highlight: str | None = None) -> str:
        """Figure 1 inline (so its links work), with a text alternative listing every entry."""
        assert self.survey is not None
        root = _root_from(page)
        svg = svg_for_page(self._svg, root)
        svg = svg.replace("<svg ", '<svg role="img" aria-labelledby="ls-figure-caption" ', 1)
        style = ""
        if highlight:
            # dim every marker and label outside the highlighted quadrant
            style = (
                "<style>.ls-figure g[id^=ls-marker-],.ls-figure g[id^=ls-label-]{opacity:.28}"
                f".ls-figure g[id^=ls-marker-{highlight}-],.ls-figure g[id^=ls-label-{highlight}-]{{opacity:1}}</style>"
            )
        link = self._link_from(page)
        items = []
        for title, entries in text_alternative(self.survey):
            links = ", ".join(f'<a href="{link(entry_src(i))}">{esc(label)}</a>' for i, label in entries) or "none yet"
            items.append(f"<li><strong>{esc(title)}</strong>: {links}</li>")
        key = ""
        numbers = numbered_key(self.survey)
        if numbers:
            rows = "".join(f'<li value="{n}"><a href="{link(entry_src(i))}">{esc(label)}</a></li>' for n, i, label in numbers)
            key = (
                f'<details class="ls-figure-key"><summary>Key to the {len(numbers)} numbered markers</summary>'
                f"<ol>{rows}</ol></details>\n\n"
            )
        downloads = " · ".join(
            f'<a href="{root}assets/{name}">{name.rsplit(".", 1)[1].upper()}</a>' for name in FIGURE_NAMES
        )
        return (
            f'<figure class="ls-figure">{style}{svg}'
            f'<figcaption id="ls-figure-caption">Figure 1: every surveyed work on the map of '
            f"{esc(self.survey.framework.x.name)} and {esc(self.survey.framework.y.name)}; "
            f"select a point to open its entry. Download: {downloads}.</figcaption></figure>\n\n{key}"
            f'<details class="ls-figure-text"><summary>The map as a list</summary><ul>{"".join(items)}</ul></details>'
        )

    # -- hooks -----------------------------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path).resolve().parent
        try:
            self.survey = load_survey(
                self.root,
                Path(self.config.framework).resolve(),
                Path(self.config.entries).resolve(),
                Path(self.config.bibliography).resolve(),
            )
        except SurveyError as exc:
            raise PluginError(str(exc)) from None
        self._warn(self.survey.warnings)
        cff = self.root / self.config.citation_file
        try:
            self.info = load_site_info(
                self.root,
                cff if cff.is_file() else None,
                title=config.site_name,
                url=config.site_url or "",
                description=config.site_description or "",
                repository=config.repo_url or "",
            )
        except SurveyError as exc:
            raise PluginError(str(exc)) from None
        if self.config.permanent_ids:
            redirects = config.plugins.get("redirects")
            maps = redirects.config.get("redirect_maps", {}) if redirects is not None else {}
            ids_file = self.root / self.config.permanent_ids
            self._warn(permanence_problems(ids_file, self.config.permanent_ids, self.survey, maps))
        self.builder = PageBuilder(self.survey, edit_url=self._edit_url(config))
        if CSS_SRC not in config.extra_css:
            config.extra_css.append(CSS_SRC)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.survey is not None
        generated: list[tuple[str, str, InclusionLevel]] = []
        self._quadrant_by_src = {quadrant_src(q.id): q for q in self.survey.framework.quadrants}
        for src, quadrant in self._quadrant_by_src.items():
            generated.append((src, f"# {quadrant.title}\n", InclusionLevel.UNDEFINED))
        generated.append((REFERENCES_SRC, "# References\n", InclusionLevel.UNDEFINED))
        self._entry_by_src = {}
        for entry in self.survey.entries:
            generated.append((entry_src(entry.id), "", InclusionLevel.NOT_IN_NAV))
            self._entry_by_src[entry_src(entry.id)] = entry
        clashes = [src for src, _, _ in generated if files.get_file_from_path(src) is not None]
        if clashes:
            raise PluginError(f"docs/ already has files the survey generates: {', '.join(clashes)}")
        for src, content, inclusion in generated:
            files.append(File.generated(config, src, content=content, inclusion=inclusion))
        figure = ensure_figure_files(self.survey, self.root / self.config.cache_dir / "figure")
        self._svg = compact_svg(figure["figure1.svg"].read_bytes())
        for name, path in figure.items():
            if name.endswith(".svg"):  # links relative to assets/
                files.append(File.generated(config, f"assets/{name}", content=svg_for_page(self._svg, "../").encode("utf-8")))
            else:  # copied from the cache by MkDocs, never held in memory
                files.append(File.generated(config, f"assets/{name}", abs_src_path=str(path)))
        css = resources.files(__package__).joinpath("assets/living-survey.css").read_text(encoding="utf-8")
        files.append(File.generated(config, CSS_SRC, content=css))
        self._urls = {f.src_uri: f.url for f in files.documentation_pages()}
        self._entry_pages = {}
        self._figure_pages = {}
        return files

    def _absolute(self, src: str) -> str:
        assert self.info is not None
        return self.info.url + self._urls[src]

    def _data_files(self) -> Iterator[tuple[str, Callable[[TextIO], object]]]:
        """The downloads as (path, writer): entries as JSON and CSV, BibTeX of the works, the schemas.

        Writers stream into the open file, so a survey of thousands of entries is never held whole.
        """
        assert self.survey is not None and self.info is not None
        survey, info = self.survey, self.info

        def url_of(entry: Entry) -> str:
            return self._absolute(entry_src(entry.id))

        meta = {
            "title": info.title,
            "url": info.url,
            "version": info.version,
            "commit": info.commit,
            "date": info.date,
            "count": len(survey.entries),
            "schema": info.url + "data/entries.schema.json",
        }
        yield "data/entries.json", lambda out: write_entries_json(survey, url_of, meta, out)
        yield "data/entries.csv", lambda out: write_entries_csv(survey, url_of, out)
        yield "data/references.bib", lambda out: out.write(bib_subset(survey, [e.key for e in survey.entries]))
        yield "data/entry.schema.json", lambda out: out.write(schema_json(survey))
        yield "data/entries.schema.json", lambda out: out.write(json.dumps(export_schema(), indent=1) + "\n")
        for q in survey.framework.quadrants:
            keys = [e.key for e in survey.entries_in(q.id)]
            yield f"data/{q.id}.bib", lambda out, keys=keys: out.write(bib_subset(survey, keys))

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write the downloads once every page is built, each streamed into its file."""
        site = Path(config.site_dir)
        for path, write in self._data_files():
            target = site / path
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("w", encoding="utf-8", newline="") as out:
                write(out)

    def _downloads_html(self, page: Page, quadrant: Quadrant | None) -> str:
        root = _root_from(page)
        items = list(DOWNLOADS)
        if quadrant is not None:
            items.insert(3, (f"data/{quadrant.id}.bib", "application/x-bibtex", f"The works in {quadrant.title} (BibTeX)"))
        links = "".join(f'<li><a href="{root}{path}" download>{esc(name)}</a></li>' for path, _, name in items)
        return f'<section class="ls-downloads"><h2 id="download-the-data">Download the data</h2><ul>{links}</ul></section>'

    def _cite_html(self, page: Page, title: str | None) -> str:
        assert self.info is not None
        path = "" if page.is_homepage else page.url
        return str(cite_box_html(page_citation(self.info, title, path)))

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.survey is not None and self.builder is not None
        src = page.file.src_uri
        link = self._link_from(page)
        entry = self._entry_by_src.get(src)
        if entry is not None:
            rendered = self.builder.entry_page(entry, link)
            self._warn(rendered.problems)
            self._entry_pages[src] = rendered
            # themes print page.title as HTML (header, <title>): it must arrive escaped
            page.meta["title"] = str(esc(rendered.title))
            edit = self.builder.edit_url(entry)
            page.edit_url = edit

            def render(config: MkDocsConfig, files: Files) -> None:
                # the page is already HTML: skip building a Markdown converter for an empty source
                page.content = rendered.html
                page.toc = get_toc([])
                page.present_anchor_ids = set(_ID.findall(rendered.html))
                del page.render  # back to the class's method; frees this closure and its HTML

            page.render = render  # type: ignore[method-assign]
            return ""
        if src == REFERENCES_SRC and page.file.generated_by:
            markdown = self.builder.references_markdown(link)
        elif src in self._quadrant_by_src and page.file.generated_by:
            markdown = self.builder.quadrant_markdown(self._quadrant_by_src[src], link, figure=FIGURE_MARK)
        if GRID_MARK in markdown:
            markdown = markdown.replace(GRID_MARK, "\n" + self.builder.grid_html(link) + "\n")
        where = src
        if page.file.abs_src_path and Path(page.file.abs_src_path).resolve().is_relative_to(self.root):
            where = Path(page.file.abs_src_path).resolve().relative_to(self.root).as_posix()
        markdown, problems = self.builder.cite_markdown(markdown, where)
        self._warn(problems)
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        rendered = self._entry_pages.pop(page.file.src_uri, None)
        if rendered is None:
            quadrant = self._quadrant_by_src.get(page.file.src_uri) if page.file.generated_by else None
            if FIGURE_MARK in html:
                # The figure goes in after Markdown (raw SVG inside Markdown is not reliably left
                # alone) and after search indexing, in on_post_page: its paths, tooltips and lists
                # would otherwise be parsed and indexed on every page that shows it.
                html = html.replace(FIGURE_MARK, FIGURE_SLOT)
                self._figure_pages[page.file.src_uri] = quadrant.id if quadrant else None
            if quadrant is not None or page.is_homepage:
                extra = self._downloads_html(page, quadrant) + self._cite_html(page, quadrant.title if quadrant else None)
                page.toc.items.extend(get_toc([
                    {"level": 2, "id": "download-the-data", "name": "Download the data", "children": []},  # type: ignore[list-item]
                    {"level": 2, "id": "cite-this-page", "name": "Cite this page", "children": []},  # type: ignore[list-item]
                ]).items)
                html += extra
            return html
        toc = [*rendered.toc, ("cite-this-page", "Cite this page")]
        page.toc = get_toc([{"level": 2, "id": i, "name": t, "children": []} for i, t in toc])  # type: ignore[typeddict-item]
        return rendered.html + self._cite_html(page, rendered.title)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Metadata in the head: citation_* tags on entry pages, Dataset JSON-LD on the home page."""
        assert self.survey is not None and self.info is not None
        head = ""
        entry = self._entry_by_src.get(page.file.src_uri)
        if entry is not None and page.file.generated_by:
            ref = self.survey.library.references.get(entry.key)
            head = scholar_meta(ref) if ref else ""
        elif page.is_homepage:
            head = dataset_jsonld(self.info, list(DOWNLOADS), len(self.survey.entries))
        if head and "</head>" in output:
            output = output.replace("</head>", head + "</head>", 1)
        if page.file.src_uri in self._figure_pages and FIGURE_SLOT in output:
            highlight = self._figure_pages.pop(page.file.src_uri)
            output = output.replace(FIGURE_SLOT, self._figure_html(page, highlight), 1)
        return output

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        for path in (self.config.framework, self.config.entries, self.config.bibliography, self.config.citation_file):
            if (self.root / path).exists():
                server.watch(str(self.root / path))
        return server

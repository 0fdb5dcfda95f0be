"""The MkDocs plugin ``living-survey``: thin glue between MkDocs' hooks and the engine.

Load and validate in ``on_config``; add virtual pages in ``on_files``; fill them (and resolve
citations everywhere) in ``on_page_markdown``; hand entry pages their pre-rendered HTML in
``on_page_content``; watch the inputs in ``on_serve``. This is the only module that imports MkDocs.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

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
from .exports import bib_subset, entries_csv, entries_json, export_schema, schema_json
from .figure import NAMES as FIGURE_NAMES
from .figure import ensure_figure, numbered_key, svg_for_page, text_alternative
from .framework import Quadrant
from .markup import esc
from .pages import REFERENCES_SRC, EntryPage, PageBuilder, entry_src, quadrant_src
from .permanence import permanence_problems
from .problems import Problem, SurveyError
from .survey import Survey, load_survey

log = get_plugin_logger(__name__)

CSS_SRC = "assets/living-survey.css"
GRID_MARK = "<!-- living-survey:grid -->"
FIGURE_MARK = "<!-- living-survey:figure -->"


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
        self._figure: dict[str, bytes] = {}
        self.info: SiteInfo | None = None
        self._downloads: list[tuple[str, str, str]] = []

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
        root = get_relative_url(".", page.url)
        root = "" if root == "." else root.rstrip("/") + "/"
        svg = svg_for_page(self._figure["figure1.svg"], root)
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
        self._figure = ensure_figure(self.survey, self.root / self.config.cache_dir / "figure")
        for name in FIGURE_NAMES:
            data = self._figure[name]
            if name.endswith(".svg"):
                data = svg_for_page(data, "../").encode("utf-8")
            files.append(File.generated(config, f"assets/{name}", content=data))
        css = resources.files(__package__).joinpath("assets/living-survey.css").read_text(encoding="utf-8")
        files.append(File.generated(config, CSS_SRC, content=css))
        self._urls = {f.src_uri: f.url for f in files.documentation_pages()}
        for path, content in self._data_files().items():
            files.append(File.generated(config, path, content=content))
        self._entry_pages = {}
        return files

    def _absolute(self, src: str) -> str:
        assert self.info is not None
        return self.info.url + self._urls[src]

    def _data_files(self) -> dict[str, str]:
        """The downloads: entries as JSON and CSV, BibTeX of the surveyed works, the schemas."""
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
        out = {
            "data/entries.json": entries_json(survey, url_of, meta),
            "data/entries.csv": entries_csv(survey, url_of),
            "data/references.bib": bib_subset(survey, [e.key for e in survey.entries]),
            "data/entry.schema.json": schema_json(survey),
            "data/entries.schema.json": json.dumps(export_schema(), indent=1) + "\n",
        }
        for q in survey.framework.quadrants:
            out[f"data/{q.id}.bib"] = bib_subset(survey, [e.key for e in survey.entries_in(q.id)])
        self._downloads = [
            ("data/entries.json", "application/json", "Every entry with its reference and quadrant (JSON)"),
            ("data/entries.csv", "text/csv", "Every entry, one row each (CSV)"),
            ("data/references.bib", "application/x-bibtex", "The surveyed works (BibTeX)"),
            ("data/entry.schema.json", "application/schema+json", "The entry schema, for editors (JSON Schema)"),
        ]
        return out

    def _downloads_html(self, page: Page, quadrant: Quadrant | None) -> str:
        root = get_relative_url(".", page.url)
        root = "" if root == "." else root.rstrip("/") + "/"
        items = list(self._downloads)
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
                # inserted after Markdown: raw SVG inside Markdown is not reliably left alone
                html = html.replace(FIGURE_MARK, self._figure_html(page, quadrant.id if quadrant else None))
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
            downloads = [(p, m, n) for p, m, n in self._downloads]
            head = dataset_jsonld(self.info, downloads, len(self.survey.entries))
        if head and "</head>" in output:
            output = output.replace("</head>", head + "</head>", 1)
        return output

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        for path in (self.config.framework, self.config.entries, self.config.bibliography, self.config.citation_file):
            if (self.root / path).exists():
                server.watch(str(self.root / path))
        return server

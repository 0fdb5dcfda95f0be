"""The MkDocs plugin ``living-survey``: thin glue between MkDocs' hooks and the engine.

Load and validate in ``on_config``; add the generated pages (one :class:`~.routes.PageRecord`
each) and build the :class:`~.routes.Router` in ``on_files``; fill Markdown pages (and resolve
citations everywhere) in ``on_page_markdown``; add the downloads and cite box in
``on_page_content``; insert Figure 1 and head metadata in ``on_post_page``; write the downloads
in ``on_post_build``; watch the inputs in ``on_serve``. This is the only module that imports MkDocs.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .browse import search_terms
from .browse_pages import BROWSE_MARK, SCRIPT, BrowsePages, browse_files
from .changes import changes_markdown
from .checks import Project, check_project
from .citing import SiteInfo
from .entries import Entry
from .exports import data_files
from .feeds import feed_files
from .figure import ensure_figure_files
from .fragments import Fragments
from .locator import SCRIPT as LOCATOR_JS
from .locator import WORKS as LOCATOR_WORKS
from .locator import fill_data, locator_markdown, proposal_form, works_json
from .markup import esc
from .pages import PageBuilder
from .problems import Problem, SurveyError
from .releases import History
from .routes import CHANGES, LOCATOR, PageRecord, Router, SitePages, site_pages
from .survey import Survey
from .versions import BuildContext, load_build

log = get_plugin_logger(__name__)

CSS_SRC = "assets/living-survey.css"
VERSIONS_JS = "assets/living-survey-versions.js"
JS_SRC = "assets/living-survey-map.js"
SEARCH_JS = "assets/living-survey-search.js"
GRID_MARK = "<!-- living-survey:grid -->"
CONTESTED_MARK = "<!-- living-survey:contested -->"
FIGURE_MARK = "<!-- living-survey:figure -->"
FIGURE_SLOT = "<!--living-survey:figure-slot-->"
CITE_SLOT = "<!--living-survey:cite-slot-->"
"""Where an entry page's cite box goes in ``on_post_page``, after search indexing (see :meth:`EntryPage.render`)."""
FIGURE_PENDING = "living_survey_figure"
"""``page.meta`` key: the page holds a figure slot for ``on_post_page`` to fill."""
_ID = re.compile(r'\sid="([^"]+)"')
_ERROR_PAGE = re.compile(r"[0-9]{3}\.html")
"""The theme's error pages (``404.html``), as MkDocs recognises them."""
_SECTIONS = (("download-the-data", "Download the data"), ("cite-this-page", "Cite this page"))


def _toc(items: list[tuple[str, str]]) -> Any:
    """A flat table of contents of second-level sections (id, title)."""
    return get_toc([{"level": 2, "id": i, "name": t, "children": []} for i, t in items])


class LivingSurveyConfig(base.Config):
    """Options of the ``living-survey`` plugin (paths relative to ``mkdocs.yml``)."""

    framework = c.File(exists=True, default="framework.yml")
    """The framework file: axes, poles, quadrants and vocabularies."""
    entries = c.Dir(exists=True, default="entries")
    """The folder of entry files, one ``<entry-id>.yaml`` per placement."""
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
    lazy_search = c.Type(bool, default=True)
    """Fetch the theme's search index when a reader reaches for search, not on every page load."""


def _project(config: MkDocsConfig, options: LivingSurveyConfig) -> Project:
    """Where the survey's inputs are, from MkDocs' configuration and the plugin's options."""
    root = Path(config.config_file_path).resolve().parent
    redirects = config.plugins.get("redirects")
    maps = redirects.config.get("redirect_maps", {}) if redirects is not None else {}
    return Project(
        root=root,
        # File and Dir options arrive resolved against the folder of mkdocs.yml; plain strings do not
        framework=Path(options.framework).resolve(),
        entries=Path(options.entries).resolve(),
        bibliography=Path(options.bibliography).resolve(),
        docs_dir=Path(config.docs_dir).resolve(),
        citation_file=root / options.citation_file,
        build_cache=root / options.cache_dir / "inputs",
        permanent_ids=root / options.permanent_ids if options.permanent_ids else None,
        redirects=tuple(maps),
        site_name=config.site_name,
        site_url=config.site_url or "",
        site_description=config.site_description or "",
        repo_url=config.repo_url or "",
    )


def project_options(config_file: str | Path) -> Project:
    """The survey's inputs as a build with this ``mkdocs.yml`` would read them (for the CLI).

    Loads the file with MkDocs' own configuration loading, so paths, defaults and the ledger
    rule are exactly the build's.

    Raises:
        SurveyError: the file is missing, invalid, or does not use the ``living-survey`` plugin.
    """
    import logging

    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    display = Path(config_file).name
    if not Path(config_file).is_file():
        raise SurveyError([Problem(display, 0, "", "not found: run the command in the project folder, or pass --root")])

    class Collect(logging.Handler):
        """MkDocs logs each configuration error before it aborts; keep them as problems."""

        def __init__(self) -> None:
            super().__init__(logging.ERROR)
            self.messages: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.messages.append(record.getMessage())

    collect = Collect()
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(collect)
    try:
        config = load_config(str(config_file))
    except (Abort, ConfigurationError) as exc:
        messages = collect.messages or [str(exc)]
        raise SurveyError([Problem(display, 0, "", message) for message in messages]) from None
    finally:
        mkdocs_log.removeHandler(collect)
    plugin = config.plugins.get("living-survey")
    if not isinstance(plugin, LivingSurveyPlugin):
        raise SurveyError([Problem(display, 0, "plugins", "the living-survey plugin is not configured")])
    # the commands read every input afresh: only builds keep validated inputs between runs
    return dataclasses.replace(_project(config, plugin.config), build_cache=None)


class EntryPage(Page):
    """An entry page: its HTML is rendered from the data, never through Markdown.

    Skipping MkDocs' per-page Markdown converter is most of the cost of a page, which keeps the
    survey fast at thousands of entries.
    """

    def __init__(self, record: PageRecord, file: File, config: MkDocsConfig, plugin: LivingSurveyPlugin):
        # themes print page.title as HTML (header, <title>): it must arrive escaped
        super().__init__(str(esc(record.title)), file, config)
        self.record = record
        self._plugin = plugin

    def render(self, config: MkDocsConfig, files: Files) -> None:
        html, toc = self._plugin.render_entry(self)
        self.content = html
        self.toc = _toc(toc)
        # the cite box follows in on_post_page: its section is counted here
        self.present_anchor_ids = {*_ID.findall(html), _SECTIONS[1][0]}


class LivingSurveyPlugin(BasePlugin[LivingSurveyConfig]):
    """Turns entries and a bibliography into quadrant, entry and reference pages."""

    def __init__(self) -> None:
        self.survey: Survey | None = None
        self.info: SiteInfo | None = None
        self.builder: PageBuilder | None = None
        self.pages: SitePages | None = None
        self.router: Router | None = None
        self.fragments: Fragments | None = None
        self.browse: BrowsePages | None = None
        self.root = Path(".")
        self.context = BuildContext()
        self.history = History()
        self._figure: dict[str, Path] = {}
        """Figure 1's files in the cache, by name."""
        self._proposal: dict[str, Any] | None = None

    def _warn(self, problems: tuple[Problem, ...] | list[Problem]) -> None:
        for problem in problems:
            log.warning(str(problem))

    def _edit_url(self, config: MkDocsConfig) -> Any:
        repo = (config.repo_url or "").rstrip("/")
        path = self.config.entry_edit_uri
        if not repo or path is None or self.context.release:  # a frozen page offers no edit of today's files
            return lambda entry: None
        prefix = f"{repo}/{path.strip('/')}/"
        return lambda entry: prefix + entry.path

    # -- hooks -----------------------------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Load the data and run every check: any problem stops the build before a page is written."""
        project = _project(config, self.config)
        self.root = project.root
        checked = check_project(project)
        if checked.problems:
            raise PluginError(str(SurveyError(checked.problems)))
        assert checked.survey is not None and checked.info is not None
        self.survey, self.info = checked.survey, checked.info
        self.pages = site_pages(self.survey)
        inputs, cache = (self.config.framework, self.config.entries, self.config.bibliography), self.root / self.config.cache_dir
        try:
            self.context, self.history = load_build(os.environ, self.root, self.info.url, inputs, cache, self.survey)
        except ValueError as exc:
            raise PluginError(str(exc)) from None
        if self.context.release:  # frozen pages link no "edit" of main, which has moved on
            config["edit_uri"] = ""
        for problem in self.history.problems:  # an old release's data are not today's fault: shown on the Changes page
            log.info(str(problem))
        self.builder = PageBuilder(self.survey, edit_url=self._edit_url(config), history=self.history)
        self._proposal = proposal_form(self.root, config.repo_url or "")
        try:  # drawn (on a cache miss) before any page: a label no font can draw stops the build here
            self._figure = ensure_figure_files(self.survey, self.root / self.config.cache_dir / "figure")
        except SurveyError as exc:
            raise PluginError(str(exc)) from None
        if CSS_SRC not in config.extra_css:
            config.extra_css.append(CSS_SRC)
        # the repository link without the theme's fetch of stars from the forge's API: readers'
        # pages make no request outside the site; placed after any custom_dir, before the theme's own
        theme_dir = str(resources.files(__package__).joinpath("theme"))
        if theme_dir not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, theme_dir)
        if self.context.selector and VERSIONS_JS not in config.extra_javascript:
            config.extra_javascript.append(VERSIONS_JS)
        if JS_SRC not in [str(script) for script in config.extra_javascript]:
            config.extra_javascript.append(JS_SRC)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.survey is not None and self.pages is not None and self.info is not None
        clashes = [r.src for r in self.pages if files.get_file_from_path(r.src) is not None]
        if clashes:
            raise PluginError(f"docs/ already has files the survey generates: {', '.join(clashes)}")
        for record in self.pages:
            inclusion = InclusionLevel.UNDEFINED if record.in_nav else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, record.src, content=f"# {record.title}\n", inclusion=inclusion)
            files.append(file)
            if record.kind == "entry":
                EntryPage(record, file, config, self)  # assigns itself to file.page
        urls = {f.src_uri: (f.url, f.dest_uri) for f in files.documentation_pages()}
        self.router = Router(self.pages, urls, self.info.url)
        self.fragments = Fragments(
            self.survey,
            self.info,
            self.router,
            history=self.history,
            context=self.context,
            # in every page's head, before the theme's scripts, which ask for the index as they load
            head_script=SEARCH_JS if self.config.lazy_search else None,
        )
        for name, path in self._figure.items():
            if name.endswith(".svg"):  # links relative to the file itself, in assets/
                svg = self.router.resolve_tokens(path.read_text(encoding="utf-8"), f"assets/{name}")
                files.append(File.generated(config, f"assets/{name}", content=svg.encode("utf-8")))
            else:  # copied from the cache by MkDocs, never held in memory
                files.append(File.generated(config, f"assets/{name}", abs_src_path=str(path)))
        for src in (CSS_SRC, JS_SRC, *((SEARCH_JS,) if self.config.lazy_search else ())):
            text = resources.files(__package__).joinpath(src).read_text(encoding="utf-8")
            files.append(File.generated(config, src, content=text))
        if self.context.selector:
            js = resources.files(__package__).joinpath(VERSIONS_JS).read_text(encoding="utf-8")
            files.append(File.generated(config, VERSIONS_JS, content=js))
        locator_js = resources.files(__package__).joinpath(LOCATOR_JS).read_text(encoding="utf-8")
        files.append(File.generated(config, LOCATOR_JS, content=locator_js))
        if self.pages.get(LOCATOR) is not None:  # the works the locator lists, fetched by its script
            files.append(File.generated(config, LOCATOR_WORKS, content=works_json(self.survey, self.router.page_url)))
        self.browse = BrowsePages(self.survey, self.router, self.info.title)
        script = resources.files(__package__).joinpath("assets/browse.js").read_text(encoding="utf-8")
        files.append(File.generated(config, SCRIPT, content=script))
        return files

    def render_entry(self, page: EntryPage) -> tuple[str, list[tuple[str, str]]]:
        """An entry page's HTML and its sections, with the cite box."""
        assert self.survey is not None and self.builder is not None and self.router is not None and self.fragments is not None
        entry: Entry = self.survey.entry(page.record.subject)
        rendered = self.builder.entry_page(entry, self.router.link_from(page.url))
        self._warn(rendered.problems)
        page.edit_url = self.builder.edit_url(entry)
        # the cite box joins in on_post_page, after search indexing: it is kept out of the index
        # anyway, and parsing it for the index on every entry page was wasted time
        return rendered.html + CITE_SLOT, [*rendered.toc, _SECTIONS[1]]

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.survey is not None and self.builder is not None and self.pages is not None and self.router is not None
        assert self.fragments is not None
        if isinstance(page, EntryPage):
            # Material prints page.meta.title unfiltered in <title>: the escaped title, never raw
            page.meta["title"] = page.title
            # indexed by Material's search with the highest boost: searching these finds the entry first
            page.meta["tags"] = search_terms(self.survey, self.survey.entry(page.record.subject))
            return ""
        link = self.router.link_from(page.url)
        record = self.pages.by_src(page.file.src_uri) if page.file.generated_by else None
        if record is not None and record.kind == "references":
            markdown = self.builder.references_markdown(link)
        elif record is not None and record.kind == "browse" and self.browse is not None:
            markdown = self.browse.browse_markdown()
        elif record is not None and record.kind == "recent" and self.browse is not None:
            markdown = self.browse.recent_markdown(page.url)
        elif record is not None and record.kind == "quadrant":
            markdown = self.builder.quadrant_markdown(self.survey.framework.quadrant(record.subject), link, figure=FIGURE_MARK)
        elif record is not None and record.kind == CHANGES:
            markdown = changes_markdown(self.history, self.router.link_if_present(page.url), self.fragments.release_url_from(page.url))
        elif record is not None and record.kind == "contested":
            markdown = self.builder.contested_markdown(link)
        elif record is not None and record.kind == "locator":
            script, works = (self.router.asset(path, from_url=page.url) for path in (LOCATOR_JS, LOCATOR_WORKS))
            root = self.router.asset("", from_url=page.url)
            proposal = self._proposal
            markdown = locator_markdown(self.survey, figure=FIGURE_MARK, script_url=script, works_url=works, root=root, proposal=proposal)
        if GRID_MARK in markdown:
            markdown = markdown.replace(GRID_MARK, "\n" + self.builder.grid_html(link) + "\n")
        if CONTESTED_MARK in markdown:
            markdown = markdown.replace(CONTESTED_MARK, "\n" + self.builder.contested_note(link) + "\n")
        where = page.file.src_uri
        if page.file.abs_src_path and Path(page.file.abs_src_path).resolve().is_relative_to(self.root):
            where = Path(page.file.abs_src_path).resolve().relative_to(self.root).as_posix()
        markdown, problems = self.builder.cite_markdown(markdown, where)
        self._warn(problems)
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.pages is not None and self.fragments is not None
        if isinstance(page, EntryPage):
            return html
        record = self.pages.by_src(page.file.src_uri) if page.file.generated_by else None
        if record is not None and record.kind == "browse" and self.browse is not None:
            # after Markdown: a table of thousands of rows would be slow to parse, and is plain HTML anyway
            html = html.replace(BROWSE_MARK, str(self.browse.browse_html(page.url)), 1)
        if FIGURE_MARK in html:
            # The figure goes in after Markdown (raw SVG inside Markdown is not reliably left
            # alone) and after search indexing, in on_post_page: its paths, tooltips and lists
            # would otherwise be parsed and indexed on every page that shows it.
            html = html.replace(FIGURE_MARK, FIGURE_SLOT)
            page.meta[FIGURE_PENDING] = True
        if (record is not None and record.kind == "quadrant") or page.is_homepage:
            quadrant = record.subject if record is not None else None
            # str(): adding Markup to a str would escape the whole page
            html += str(self.fragments.downloads(page.url, quadrant) + self.fragments.cite_box(record))
            # under the page's h1 when it has one: the theme lists the h1's children as the TOC
            items = page.toc.items
            (items[0].children if items and items[0].level == 1 else items).extend(_toc(list(_SECTIONS)).items)
        return html

    @event_priority(50)  # before plugins that rewrite HTML (minifiers) could drop the figure slot
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Figure 1 into its slot; citation metadata into the head."""
        assert self.pages is not None and self.fragments is not None
        record = self.pages.by_src(page.file.src_uri) if page.file.generated_by else None
        head = self.fragments.head(record, homepage=page.is_homepage, page_url=page.url)
        if head and "</head>" in output:
            output = output.replace("</head>", str(head) + "</head>", 1)
        if page.meta.pop(FIGURE_PENDING, False):
            if FIGURE_SLOT not in output:
                log.warning(f"{page.file.src_uri}: the figure's placeholder was removed by another plugin or the theme; no figure shown")
            else:
                highlight = record.subject if record is not None and record.kind == "quadrant" else None
                output = output.replace(FIGURE_SLOT, str(self.fragments.figure(page.url, highlight)), 1)
        if record is not None and record.kind == "locator":
            assert self.survey is not None and self.router is not None
            output = fill_data(output, self.survey, self.router.link_from(page.url), self._proposal)
        if isinstance(page, EntryPage):
            if CITE_SLOT not in output:
                log.warning(f"{page.file.src_uri}: the cite box placeholder was removed by another plugin or the theme; no cite box")
            output = output.replace(CITE_SLOT, str(self.fragments.cite_box(page.record, after_search=True)), 1)
            # written and indexed: thousands of entry pages need not hold their HTML until the build ends
            page.content = None
        return output

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        """The head script in the theme's error page (``404.html``), which no page event reaches."""
        if self.fragments is None or not _ERROR_PAGE.fullmatch(template_name) or "</head>" not in output_content:
            return output_content
        # MkDocs links an error page from the site's root path: it is served at any depth
        root = urlsplit(config.site_url or "/").path
        return output_content.replace("</head>", str(self.fragments.head_script_tag(root)) + "</head>", 1)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write the downloads once every page is built, each streamed into its file."""
        assert self.survey is not None and self.info is not None and self.router is not None
        site = Path(config.site_dir)
        follow = itertools.chain(feed_files(self.survey, self.info, self.router), browse_files(self.survey, self.router))
        for path, write in itertools.chain(data_files(self.survey, self.info, self.router), follow):
            target = site / path
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("w", encoding="utf-8", newline="") as out:
                write(out)

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        options = self.config
        for path in filter(None, (options.framework, options.entries, options.bibliography, options.citation_file, options.permanent_ids)):
            if (self.root / path).exists():
                server.watch(str(self.root / path))
        return server

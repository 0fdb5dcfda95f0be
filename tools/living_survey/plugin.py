"""The MkDocs plugin ``living-survey``: thin glue between MkDocs' hooks and the engine.

Load and validate in ``on_config``; add the generated pages (one :class:`~.routes.PageRecord`
each, from its kind's route) and build the :class:`~.site.Site` (router, fragments, renderers) in
``on_files``; then the page hooks hand each page to its kind (:func:`~.kinds.view`), which gives
its front matter and Markdown (``on_page_markdown``), what joins after Markdown
(``on_page_content``), its head and what joins after search indexing (``on_post_page``). Write
the downloads in ``on_post_build``; watch the inputs in ``on_serve``. This is the only module
that imports MkDocs; no hook tests a kind's name.
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

from .browse_pages import BrowsePages
from .checks import Project, check_project
from .citing import SiteInfo
from .exports import data_files
from .feeds import feed_files
from .figure import ensure_figure_files
from .fragments import Fragments
from .kinds import FIGURE_MARK, KINDS, PageKind, page_title, site_pages, view
from .locator import proposal_form
from .pages import PageBuilder
from .problems import Problem, SurveyError
from .releases import History
from .routes import PageRecord, Router, SitePages
from .site import Site
from .survey import Survey
from .versions import BuildContext, load_build

log = get_plugin_logger(__name__)

CSS_SRC = "assets/living-survey.css"
VERSIONS_JS = "assets/living-survey-versions.js"
JS_SRC = "assets/living-survey-map.js"
SEARCH_JS = "assets/living-survey-search.js"
FIGURE_SLOT = "<!--living-survey:figure-slot-->"
FIGURE_PENDING = "living_survey_figure"
"""``page.meta`` key: the page holds a figure slot for ``on_post_page`` to fill."""
_ID = re.compile(r'\sid="([^"]+)"')
_ERROR_PAGE = re.compile(r"[0-9]{3}\.html")
"""The theme's error pages (``404.html``), as MkDocs recognises them."""


def _toc(items: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> Any:
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
    """A page of a kind rendered from the data (:attr:`.kinds.PageKind.from_data`, entry pages):
    its HTML never goes through Markdown.

    Skipping MkDocs' per-page Markdown converter is most of the cost of a page, which keeps the
    survey fast at thousands of entries.
    """

    def __init__(self, record: PageRecord, file: File, config: MkDocsConfig, plugin: LivingSurveyPlugin):
        super().__init__(page_title(record), file, config)
        self.record = record
        self._plugin = plugin

    def render(self, config: MkDocsConfig, files: Files) -> None:
        rendered = self._plugin.view(self).html()
        self._plugin.warn(rendered.problems)
        self.content = rendered.html
        self.toc = _toc(rendered.toc)
        self.edit_url = rendered.edit_url
        # sections that join after search indexing (the cite box) are in the toc, not yet in the HTML
        self.present_anchor_ids = {*_ID.findall(rendered.html), *(section for section, _ in rendered.toc)}


class LivingSurveyPlugin(BasePlugin[LivingSurveyConfig]):
    """Turns entries and a bibliography into quadrant, entry and reference pages."""

    def __init__(self) -> None:
        self.survey: Survey | None = None
        self.info: SiteInfo | None = None
        self.pages: SitePages | None = None
        self.site: Site | None = None
        self.root = Path(".")
        self.context = BuildContext()
        self.history = History()
        self._figure: dict[str, Path] = {}
        """Figure 1's files in the cache, by name."""
        self._proposal: dict[str, Any] | None = None
        self._edit: Any = lambda entry: None

    def _edit_url(self, config: MkDocsConfig) -> Any:
        repo = (config.repo_url or "").rstrip("/")
        path = self.config.entry_edit_uri
        if not repo or path is None:
            return lambda entry: None
        prefix = f"{repo}/{path.strip('/')}/"
        return lambda entry: prefix + entry.path

    def warn(self, problems: tuple[Problem, ...] | list[Problem]) -> None:
        for problem in problems:
            log.warning(str(problem))

    def view(self, page: Page) -> PageKind:
        """The page as its kind sees it (a page of ``docs/`` is a plain or the home page)."""
        assert self.site is not None
        return view(self.site, page.file.src_uri if page.file.generated_by else None, page.url, homepage=page.is_homepage)

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
        for problem in self.history.problems:  # an old release's data are not today's fault: shown on the Changes page
            log.info(str(problem))
        self._edit = self._edit_url(config)
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
            if KINDS[record.kind].from_data:
                EntryPage(record, file, config, self)  # assigns itself to file.page
        urls = {f.src_uri: (f.url, f.dest_uri) for f in files.documentation_pages()}
        router = Router(self.pages, urls, self.info.url)
        fragments = Fragments(
            self.survey,
            self.info,
            router,
            history=self.history,
            context=self.context,
            # in every page's head, before the theme's scripts, which ask for the index as they load
            head_script=SEARCH_JS if self.config.lazy_search else None,
        )
        self.site = site = Site(
            survey=self.survey,
            info=self.info,
            history=self.history,
            pages=self.pages,
            router=router,
            fragments=fragments,
            builder=PageBuilder(self.survey, edit_url=self._edit, history=self.history),
            browse=BrowsePages(self.survey, router, self.info.title),
            proposal=self._proposal,
            warn=log.warning,
        )
        for name, path in self._figure.items():
            if name.endswith(".svg"):  # links relative to the file itself, in assets/
                svg = router.resolve_tokens(path.read_text(encoding="utf-8"), f"assets/{name}")
                files.append(File.generated(config, f"assets/{name}", content=svg.encode("utf-8")))
            else:  # copied from the cache by MkDocs, never held in memory
                files.append(File.generated(config, f"assets/{name}", abs_src_path=str(path)))
        for src in (CSS_SRC, JS_SRC, *((SEARCH_JS,) if self.config.lazy_search else ())):
            text = resources.files(__package__).joinpath(src).read_text(encoding="utf-8")
            files.append(File.generated(config, src, content=text))
        if self.context.selector:
            js = resources.files(__package__).joinpath(VERSIONS_JS).read_text(encoding="utf-8")
            files.append(File.generated(config, VERSIONS_JS, content=js))
        for kind in KINDS.values():  # what each kind's pages need: scripts, the locator's works
            for src, content in kind.site_files(site):
                files.append(File.generated(config, src, content=content))
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """The page's front matter and Markdown from its kind; citations resolved on every page."""
        here = self.view(page)
        page.meta.update(here.meta())
        if here.from_data:
            return ""
        where = page.file.src_uri
        root = self.root
        if page.file.abs_src_path and Path(page.file.abs_src_path).resolve().is_relative_to(root):
            where = Path(page.file.abs_src_path).resolve().relative_to(root).as_posix()
        markdown, problems = here.source(markdown, where)
        self.warn(problems)
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """What the page's kind adds after Markdown (the browse table, downloads, the cite box)."""
        here = self.view(page)
        if here.from_data:
            return html
        html = here.content(html)
        if FIGURE_MARK in html:
            # The figure goes in after Markdown (raw SVG inside Markdown is not reliably left
            # alone) and after search indexing, in on_post_page: its paths, tooltips and lists
            # would otherwise be parsed and indexed on every page that shows it.
            html = html.replace(FIGURE_MARK, FIGURE_SLOT)
            page.meta[FIGURE_PENDING] = True
        if here.sections:
            # under the page's h1 when it has one: the theme lists the h1's children as the TOC
            items = page.toc.items
            (items[0].children if items and items[0].level == 1 else items).extend(_toc(here.sections).items)
        return html

    @event_priority(50)  # before plugins that rewrite HTML (minifiers) could drop the figure slot
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Head metadata, Figure 1 into its slot, and what the page's kind adds after search indexing."""
        assert self.site is not None
        here = self.view(page)
        head = here.head()
        if head and "</head>" in output:
            output = output.replace("</head>", str(head) + "</head>", 1)
        if page.meta.pop(FIGURE_PENDING, False):
            if FIGURE_SLOT not in output:
                log.warning(f"{page.file.src_uri}: the figure's placeholder was removed by another plugin or the theme; no figure shown")
            else:
                output = output.replace(FIGURE_SLOT, str(self.site.fragments.figure(page.url, here.figure_highlight())), 1)
        output = here.post(output)
        if isinstance(page, EntryPage):
            # written and indexed: thousands of entry pages need not hold their HTML until the build ends
            page.content = None
        return output

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        """The head script in the theme's error page (``404.html``), which no page event reaches."""
        if self.site is None or not _ERROR_PAGE.fullmatch(template_name) or "</head>" not in output_content:
            return output_content
        # MkDocs links an error page from the site's root path: it is served at any depth
        root = urlsplit(config.site_url or "/").path
        return output_content.replace("</head>", str(self.site.fragments.head_script_tag(root)) + "</head>", 1)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write the downloads once every page is built, each streamed into its file."""
        assert self.survey is not None and self.info is not None and self.site is not None
        site, router = Path(config.site_dir), self.site.router
        each_kind = (kind.downloads(self.site) for kind in KINDS.values())
        follow = itertools.chain(feed_files(self.survey, self.info, router), *each_kind)
        for path, write in itertools.chain(data_files(self.survey, self.info, router), follow):
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

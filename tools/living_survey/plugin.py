"""The MkDocs plugin ``living-survey``: thin glue between MkDocs' hooks and the engine.

Every hook delegates. ``on_config`` makes the immutable :class:`~.state.Build` (load, check,
draw Figure 1 on a cache miss); ``on_files`` adds each generated page (one
:class:`~.model.addresses.PageRecord` each, from its kind's route) and makes the :class:`~.pages.rendering.Site`
(router, fragments, renderers); the page hooks hand each page to its kind (:func:`~.pages.kinds.view`),
which gives its front matter and Markdown (``on_page_markdown``), what joins after Markdown
(``on_page_content``), its head and what joins after search indexing (``on_post_page``);
``on_env`` lets the theme's compiled templates outlive the build; ``on_post_build`` writes the
downloads; ``on_serve`` watches the inputs. This module and :mod:`.config` (the options) are the
only ones that import MkDocs; no hook tests a kind's name.
"""

from __future__ import annotations

import itertools
import os
import re
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .checks.docs_guard import pin_base_paths
from .config import LivingSurveyConfig, options_from, project_from
from .core.compiled import share_compiled
from .core.problems import Problem, SurveyError
from .model.addresses import PageRecord
from .pages.exports import data_files
from .pages.feeds import feed_files
from .pages.htmlspace import compact_json, squeeze
from .pages.icons import ICONS_CSS, IconSheet
from .pages.kinds import view
from .pages.page_kind import FIGURE_MARK, KINDS, PageKind, page_title
from .pages.rendering import Site
from .pages.scriptfiles import ScriptFiles
from .state import Build, make_build, make_site

log = get_plugin_logger(__name__)

CSS_SRC = "assets/living-survey.css"
VERSIONS_JS = "assets/living-survey-versions.js"
COMMON_JS = "assets/living-survey-common.js"
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


class EntryPage(Page):
    """A page of a kind rendered from the data (:attr:`.pages.page_kind.PageKind.from_data`, entry pages):
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
    """Turns entries and a bibliography into quadrant, entry and reference pages.

    ``build`` is set by ``on_config`` and ``site`` by ``on_files``, which MkDocs runs before
    every other hook of a build; both are immutable.
    """

    build: Build
    site: Site
    icons: IconSheet
    """The theme's icons taken out of this build's pages, written to one stylesheet at the end."""
    scripts: ScriptFiles
    """The theme's inline scripts taken out of this build's pages, each written to its file at the end."""

    def warn(self, problems: tuple[Problem, ...] | list[Problem]) -> None:
        for problem in problems:
            log.warning(str(problem))

    def view(self, page: Page) -> PageKind:
        """The page as its kind sees it (a page of ``docs/`` is a plain or the home page)."""
        return view(self.site, page.file.src_uri if page.file.generated_by else None, page.url, homepage=page.is_homepage)

    # -- hooks -----------------------------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Load the data and run every check: any problem stops the build before a page is written."""
        project = project_from(config, self.config)
        pin_base_paths(config.markdown_extensions, config.mdx_configs, project.snippets)  # the paths check_project reads
        try:  # Figure 1 is drawn here on a cache miss: a label no font can draw stops the build too
            self.build = make_build(project, options_from(project.root, self.config), os.environ)
        except (SurveyError, ValueError) as exc:
            raise PluginError(str(exc)) from None
        if self.build.context.release:  # frozen pages link no "edit" of main, which has moved on
            config["edit_uri"] = ""
        self.icons = IconSheet()
        self.scripts = ScriptFiles()
        for problem in self.build.history.problems:  # an old release's data are not today's fault: shown on the Changes page
            log.info(str(problem))
        if CSS_SRC not in config.extra_css:
            config.extra_css.append(CSS_SRC)
        # the repository link without the theme's fetch of stars from the forge's API: readers'
        # pages make no request outside the site; placed after any custom_dir, before the theme's own
        theme_dir = str(resources.files(__package__).joinpath("theme"))
        if theme_dir not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, theme_dir)
        # the shared helpers first: the later scripts (and the locator's and browse page's own, which
        # the pages load deferred, so after these) find them loaded
        for script in (COMMON_JS, *((VERSIONS_JS,) if self.build.context.selector else ()), JS_SRC):
            if script not in [str(s) for s in config.extra_javascript]:
                config.extra_javascript.append(script)
        return config

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        """The theme's templates compiled once per process, not once per build (``mkdocs serve``), and
        its ``tojson`` output without spaces after separators (the ``__config`` of every page)."""
        return share_compiled(compact_json(env))

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        build = self.build
        clashes = [r.src for r in build.pages if files.get_file_from_path(r.src) is not None]
        if clashes:
            raise PluginError(f"docs/ already has files the survey generates: {', '.join(clashes)}")
        for record in build.pages:
            inclusion = InclusionLevel.UNDEFINED if record.in_nav else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, record.src, content=f"# {record.title}\n", inclusion=inclusion)
            files.append(file)
            if KINDS[record.kind].from_data:
                EntryPage(record, file, config, self)  # assigns itself to file.page
        urls = {f.src_uri: (f.url, f.dest_uri) for f in files.documentation_pages()}
        # in every page's head, before the theme's scripts, which ask for the index as they load
        head_script = SEARCH_JS if build.options.lazy_search else None
        self.site = site = make_site(build, urls, head_script=head_script, warn=log.warning)
        for name, path in build.figure.items():
            if name.endswith(".svg"):  # links relative to the file itself, in assets/
                svg = site.router.resolve_tokens(path.read_text(encoding="utf-8"), f"assets/{name}")
                files.append(File.generated(config, f"assets/{name}", content=svg.encode("utf-8")))
            else:  # copied from the cache by MkDocs, never held in memory
                files.append(File.generated(config, f"assets/{name}", abs_src_path=str(path)))
        for src in (CSS_SRC, COMMON_JS, JS_SRC, *((SEARCH_JS,) if build.options.lazy_search else ())):
            text = resources.files(__package__).joinpath(src).read_text(encoding="utf-8")
            files.append(File.generated(config, src, content=text))
        if build.context.selector:
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
        root = self.build.root
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
        here = self.view(page)
        head = here.head()
        if head and "</head>" in output:
            output = output.replace("</head>", str(head) + "</head>", 1)
        output = here.post(output)
        # the theme's indentation out of every page (a fifth of an entry page), before the figure
        # goes in: the figure's SVG is written as drawn
        output = squeeze(output, chrome=True)
        lighter = self.icons.take(output)
        if lighter != output and "</head>" in lighter:
            sheet = self.site.router.asset(ICONS_CSS, from_url=page.url)
            output = lighter.replace("</head>", f'<link rel="stylesheet" href="{escape(sheet)}">\n</head>', 1)
        output = self.scripts.take(output, lambda path: escape(self.site.router.asset(path, from_url=page.url)))
        if page.meta.pop(FIGURE_PENDING, False):
            if FIGURE_SLOT not in output:
                log.warning(f"{page.file.src_uri}: the figure's placeholder was removed by another plugin or the theme; no figure shown")
            else:
                output = output.replace(FIGURE_SLOT, str(self.site.fragments.figure(page.url, here.figure_highlight())), 1)
        if isinstance(page, EntryPage):
            # written and indexed: thousands of entry pages need not hold their HTML until the build ends
            page.content = None
        return output

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        """The head script in the theme's error page (``404.html``), which no page event reaches."""
        if not _ERROR_PAGE.fullmatch(template_name) or "</head>" not in output_content:
            return output_content
        # MkDocs links an error page from the site's root path: it is served at any depth
        root = urlsplit(config.site_url or "/").path
        return output_content.replace("</head>", str(self.site.fragments.head_script_tag(root)) + "</head>", 1)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write the downloads once every page is built, each streamed into its file."""
        build, site = self.build, self.site
        target_dir = Path(config.site_dir)
        each_kind = (kind.downloads(site) for kind in KINDS.values())
        follow = itertools.chain(feed_files(build.survey, build.info, site.router), *each_kind)
        for path, write in itertools.chain(data_files(build.survey, build.info, site.router), follow):
            target = target_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("w", encoding="utf-8", newline="") as out:
                write(out)
        if self.icons.icons:
            (target_dir / ICONS_CSS).parent.mkdir(parents=True, exist_ok=True)
            (target_dir / ICONS_CSS).write_text(self.icons.css(), encoding="utf-8")
        for path, body in self.scripts.files.items():
            (target_dir / path).parent.mkdir(parents=True, exist_ok=True)
            (target_dir / path).write_text(body, encoding="utf-8")

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        project = self.build.project
        for path in filter(None, (project.framework, project.entries, project.bibliography, project.citation_file, project.permanent_ids)):
            if path.exists():
                server.watch(str(path))
        return server

"""``living-survey generate``: the whole survey as plain site sources for any builder of ``mkdocs.yml`` projects.

There is no second renderer here. The survey is built once by MkDocs with the ``living-survey``
plugin, exactly as ``mkdocs build --strict`` would, and a small observer plugin, added to the same
build through MkDocs' public plugin API, records what the plugin produced:

- each page's HTML body once every hook has run (citations resolved, figure, cite box, downloads,
  locator data), with its title and front matter;
- what the plugin put into the page's ``<head>`` (citation meta tags, JSON-LD, feed links);
- every file the build adds beside the pages (map, scripts, styles, the locator's works), and the
  downloads and feeds the plugin's own ``on_post_build`` writes.

Each page is written as a Markdown file holding front matter and that finished HTML, which every
Markdown builder passes through as it is, but for its headings, written back as Markdown headings
so that each builder makes the page's table of contents (see :class:`_Headings`). The head goes into front matter (``living_survey_head``)
and is printed by a one-block theme override (``main.html``, block ``extrahead``) that MkDocs with
Material and Zensical both read.

The output folder holds ``mkdocs.yml`` (the project's own, without the plugin), ``docs/`` and
``overrides/``. It is written into a scratch folder beside it and swapped in only when complete.
"""

from __future__ import annotations

import itertools
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

import markdown
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils.yaml import yaml_load

from .checks.project_checks import check_project
from .config import LivingSurveyConfig, project_options
from .core.problems import SurveyError

PLUGIN = "living-survey"
HEAD_KEY = "living_survey_head"
"""Front matter key holding what the plugin writes into a page's ``<head>``."""
OVERRIDES = "overrides"
_BODY_START = "<!--living-survey:generate-body-->"
_BODY_END = "<!--/living-survey:generate-body-->"
_HEAD_MARK = "<!--living-survey:generate-head-->"


@dataclass
class _Captured:
    """One page as the plugin left it."""

    meta: dict[str, Any]
    title: str | None
    body: str
    """The finished HTML body, after every hook."""
    head: str
    """What the plugins wrote into the page's ``<head>``."""
    toc: dict[str, str]
    """The page's table of contents as the build made it: each heading's id and title."""


class _Observer(BasePlugin):
    """Records what the living-survey plugin produced, hook by hook, without changing the site.

    It runs after every other plugin (priority -100); :class:`_Marker` runs before them. A theme
    may drop an HTML comment, but it cannot drop the page's content or its head, where the marks are.
    """

    def __init__(self) -> None:
        super().__init__()
        self.pages: dict[str, _Captured] = {}
        self.static: list[tuple[str, str]] = []
        """(source path, site path) of every file beside the pages that the site gets, theme files excepted."""
        self.theme_dirs: list[str] = []
        self.extra_css: list[str] = []
        self.extra_javascript: list[str] = []

    @event_priority(-100)  # after the living-survey plugin added its styles, scripts and theme folder
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.theme_dirs = [str(Path(d).resolve()) for d in config.theme.dirs]
        self.extra_css = [str(x) for x in config.extra_css]
        self.extra_javascript = [str(x) for x in config.extra_javascript]
        return config

    @event_priority(-100)  # after the plugin added its generated files
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        themes = set(self.theme_dirs)
        for file in files:
            if file.is_documentation_page() or file.inclusion.is_excluded():
                continue
            if file.generated_by is None and file.src_dir is not None and str(Path(file.src_dir).resolve()) in themes:
                continue
            self.static.append((file.src_uri, file.dest_uri))
        return files

    @event_priority(-100)  # mark the finished body so that on_post_page can find it
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        return _BODY_START + html + _BODY_END

    @event_priority(-100)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        head_at, head_end = output.find(_HEAD_MARK), output.find("</head>")
        start, end = output.find(_BODY_START), output.find(_BODY_END)
        if not (0 <= head_at < head_end and 0 <= start < end):
            raise PluginError(f"{page.file.src_uri}: the theme dropped the page's head or body; generate needs both")
        head = output[head_at + len(_HEAD_MARK) : head_end]
        body = output[start + len(_BODY_START) : end]
        toc = {link.id: link.title for link in _toc_links(page.toc)}
        self.pages[page.file.src_uri] = _Captured(dict(page.meta), page.title, body, head, toc)
        return output.replace(_HEAD_MARK, "", 1).replace(_BODY_START, "", 1).replace(_BODY_END, "", 1)


class _Marker(BasePlugin):
    """Marks where the theme's head ends before any other plugin writes into it."""

    @event_priority(100)  # before the plugin writes into the head: what it adds lands after the mark
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        return output.replace("</head>", _HEAD_MARK + "</head>", 1)


class GenerateError(Exception):
    """The survey could not be generated for a reason other than its data (those raise :class:`SurveyError`)."""


def _observe(config: MkDocsConfig) -> _Observer:
    """Add the observer to this build's plugins (MkDocs registers each hook with its priority)."""
    observer = _Observer()
    config.plugins["living-survey-generate"] = observer
    config.plugins["living-survey-generate-marks"] = _Marker()
    return observer


def _toc_links(toc: TableOfContents) -> Iterator[AnchorLink]:
    """Every link of a table of contents, its children's too (a stack: no recursion)."""
    stack = list(reversed(list(toc)))
    while stack:
        link = stack.pop()
        yield link
        stack.extend(reversed(link.children))


# -- headings: the finished HTML's headings written back as Markdown, so that each builder makes the
# -- table of contents and the search sections from them, as the plugin build did

_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_HEADINGS = frozenset(f"h{n}" for n in range(1, 7))
_SAFE_ID = re.compile(r"[\w.:-]+")
_HEADERLINK = '<a class="headerlink"'


def _without_permalink(html: str) -> str:
    """HTML less the permalink (``toc``'s ``permalink`` option) that ends it, if it does."""
    at = html.rfind(_HEADERLINK)
    if at >= 0 and html.endswith("</a>") and "<" not in html[at + 1 : -4].split(">", 1)[-1]:
        return html[:at]
    return html


class _TopLevelHeadings(HTMLParser):
    """Where each heading that is a top-level element of a page's body starts and ends, with its attributes.

    ``balanced`` is false when an element is left open or closed twice (then no heading is moved:
    the body stays as it is).
    """

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)
        self.html = html
        self._lines = [0, *itertools.accumulate(len(line) for line in html.splitlines(keepends=True))]
        self.depth = 0
        self.balanced = True
        self.found: list[tuple[int, int, str, list[tuple[str, str | None]]]] = []
        """(start, end, tag, attributes) of each top-level heading."""
        self._open: tuple[int, str, list[tuple[str, str | None]]] | None = None
        self.feed(html)
        self.close()
        self.balanced = self.balanced and self.depth == 0

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        if self.depth == 0 and tag in _HEADINGS:
            self._open = (self._offset(), tag, attrs)
        self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        self.depth -= 1
        if self.depth < 0:
            self.balanced, self.depth = False, 0
        if self.depth == 0 and self._open is not None:
            start, opened, attrs = self._open
            self._open = None
            if tag == opened:
                self.found.append((start, self.html.index(">", self._offset()) + 1, tag, attrs))


class _Headings:
    """Writes a page's top-level headings that are in its table of contents as Markdown headings.

    The builder's Markdown then makes the table of contents and the search sections from them, as
    the plugin's build did; the HTML between them stays raw HTML blocks, passed through as they are.
    Heading text is the finished HTML's (contributed text in it is already escaped for HTML): each
    Markdown character in its text is backslash-escaped, its tags (``<code>``, links) stay inline
    HTML, and its id is kept (``{#id}``, attr_list). Every heading is proved before it is used:
    Markdown with the generated configuration's extensions (toc with the project's options, and
    attr_list) must turn the line back into exactly the heading the build made, less a permalink
    the build did not give it, with the same title in the table of contents. A heading that does not is left
    as HTML (no entry in the table of contents, as before), and so is every heading of a page whose
    level-1 heading is left so (Material would take the first heading's children as the contents).
    """

    def __init__(self, extensions: list[Any], configs: dict[str, Any]) -> None:
        self.md = markdown.Markdown(extensions=extensions, extension_configs=configs)
        self.escaped = frozenset(self.md.ESCAPED_CHARS)
        self._proofs: dict[tuple[str, str, str, str], bool] = {}
        """Each proof once: thousands of entry pages share the same few headings."""

    def _line(self, level: int, inner: str, heading_id: str) -> str:
        # the permalink the build added: the builder's own Markdown adds it again
        inner = _without_permalink(inner)
        parts = re.split(r"(<[^<>]*>)", inner)
        text = "".join(part if n % 2 else "".join("\\" + c if c in self.escaped else c for c in part) for n, part in enumerate(parts))
        return "#" * level + " " + text + " {#" + heading_id + "}"

    def _proved(self, line: str, element: str, heading_id: str, title: str) -> bool:
        key = (line, element, heading_id, title)
        if key not in self._proofs:
            self._proofs[key] = self._prove(line, element, heading_id, title)
        return self._proofs[key]

    def _prove(self, line: str, element: str, heading_id: str, title: str) -> bool:
        html = self.md.reset().convert(line)
        tokens: list[dict[str, Any]] = getattr(self.md, "toc_tokens", [])
        # a heading the plugin wrote as HTML has no permalink; the builder's Markdown gives it one
        same = html == element or (_without_permalink(element) == element and _without_permalink(html[:-5]) + html[-5:] == element)
        return same and len(tokens) == 1 and tokens[0].get("id") == heading_id and tokens[0].get("name") == title

    def body(self, html: str, toc: dict[str, str]) -> str:
        """The page's body: raw HTML blocks, and a Markdown heading for each heading it could prove."""
        found = _TopLevelHeadings(html) if toc else None
        if found is None or not found.balanced:
            return html.strip()
        lines: list[tuple[int, int, str]] = []
        for start, end, tag, attrs in found.found:
            heading_id = attrs[0][1] if len(attrs) == 1 and attrs[0][0] == "id" else None
            if heading_id is None or heading_id not in toc or not _SAFE_ID.fullmatch(heading_id) or "\n" in html[start:end]:
                continue
            line = self._line(int(tag[1]), html[html.index(">", start) + 1 : end - len(tag) - 3], heading_id)
            if self._proved(line, html[start:end], heading_id, toc[heading_id]):
                lines.append((start, end, line))
            elif tag == "h1":
                return html.strip()
        chunks, last = [], 0
        for start, end, line in lines:
            chunks += [html[last:start].strip(), line]
            last = end
        chunks.append(html[last:].strip())
        # blank lines around each heading and each HTML block: every builder's Markdown reads them apart
        return "\n\n".join(chunk for chunk in chunks if chunk)


def _front_matter(meta: dict[str, Any]) -> str:
    if not meta:
        return ""
    # libyaml's emitter where PyYAML has it (the same YAML, several times faster: one per page)
    text = yaml.dump(meta, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=1_000_000)
    return "---\n" + text + "---\n\n"


_DUMPER: type[yaml.SafeDumper] | type[yaml.CSafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


ATTR_LIST = "attr_list"
TOC = "toc"
MARKDOWN = (TOC, ATTR_LIST)
"""The Markdown extensions of the generated configuration (see _config_text)."""


def _extension_name(item: Any) -> str:
    return item if isinstance(item, str) else str(next(iter(item), "")) if isinstance(item, dict) else ""


def source_path(src: str, directory_urls: bool) -> str:
    """Where a page's generated source goes: ``a/b.md`` becomes ``a/b/index.md`` under directory URLs.

    The page keeps its URL (``a/b/``) in every builder. The folder matters because builders
    disagree about relative links in raw HTML: MkDocs leaves them alone (they are relative to the
    page's URL, as the plugin wrote them), while Zensical reads every relative link as relative to
    the source file and rewrites it. With the source in the page's own folder both readings agree.
    """
    path = Path(src)
    if not directory_urls or path.stem in ("index", "README"):
        return src
    return (path.with_suffix("") / "index.md").as_posix()


def _page_source(page: _Captured, headings: _Headings) -> str:
    """A page's generated source: front matter, then its finished HTML as every hook left it.

    The HTML, not the Markdown: MkDocs has already turned the page's links into URLs relative to
    the page, and the plugin has added what only it knows (figure, cite box, downloads); a builder's
    Markdown passes the HTML through as it is.
    """
    meta = {k: v for k, v in page.meta.items() if not k.startswith("living_survey_")}
    # headings inside raw HTML do not name the page: the title the build gave it goes into front matter
    if page.title and "title" not in meta:
        meta["title"] = page.title
    if page.head.strip():
        meta[HEAD_KEY] = page.head
    # a blank line before and after keeps every builder's Markdown from reading into the HTML
    return _front_matter(meta) + "\n" + headings.body(page.body, page.toc) + "\n"


def _moved(value: Any, moves: dict[str, str]) -> Any:
    """A nav or redirect value with each page source replaced by where generate put it."""
    if isinstance(value, str):
        return moves.get(value, value)
    if isinstance(value, list):
        return [_moved(v, moves) for v in value]
    if isinstance(value, dict):
        return {k: _moved(v, moves) for k, v in value.items()}
    return value


def _plugin_entries(plugins: Any) -> list[Any]:
    kept = []
    for item in plugins or []:
        name = item if isinstance(item, str) else next(iter(item), "") if isinstance(item, dict) else ""
        if name != PLUGIN:
            kept.append(item)
    return kept


def _redirects_moved(item: Any, moves: dict[str, str]) -> Any:
    """The redirects plugin's targets, moved with their pages (the old addresses stay as they are)."""
    if isinstance(item, dict) and isinstance(item.get("redirects"), dict) and "redirect_maps" in item["redirects"]:
        options = dict(item["redirects"])
        options["redirect_maps"] = {k: moves.get(v, v) for k, v in (options["redirect_maps"] or {}).items()}
        return {"redirects": options}
    return item


def hidden_patterns(hidden: Iterable[str], pages: Iterable[str]) -> list[str]:
    """``not_in_nav`` lines that hide exactly the ``hidden`` pages among ``pages``: a folder when every page in it is hidden.

    One line per entry page would cost every builder a match of each page against each line
    (MkDocs and Zensical read the lines as .gitignore patterns): quadratic in the survey's size.
    """
    hidden = set(hidden)
    shown_in: set[str] = set()  # every folder holding a page that stays in the navigation
    for page in pages:
        if page not in hidden:
            shown_in.update(parent.as_posix() for parent in PurePosixPath(page).parents)
    lines = set()
    for page in hidden:
        # the outermost folder that holds no shown page, else the page itself
        folders = [p.as_posix() for p in reversed(PurePosixPath(page).parents) if p.as_posix() != "."]
        outer = next((folder for folder in folders if folder not in shown_in), None)
        lines.add(f"/{outer}/" if outer is not None else f"/{page}")
    return sorted(lines)


def _config_text(raw: dict[str, Any], observer: _Observer, hidden: list[str], moves: dict[str, str]) -> str:
    """The project's own configuration, for plain sources: no living-survey plugin, its assets listed, pages where generate put them."""
    out = dict(raw)
    if "nav" in raw:
        out["nav"] = _moved(raw["nav"], moves)
    out.pop("site_dir", None)
    out["docs_dir"] = "docs"
    plugins = raw.get("plugins")
    if isinstance(plugins, dict):
        out["plugins"] = {k: v for k, v in plugins.items() if k != PLUGIN}
    else:
        out["plugins"] = _plugin_entries(plugins)
    out["plugins"] = [_redirects_moved(item, moves) for item in out["plugins"]] if isinstance(out["plugins"], list) else out["plugins"]
    # The pages are finished HTML, which every extension of the project has already made; what the
    # builder's Markdown still reads is the headings generate writes back (see _Headings): toc, with
    # the project's options (permalinks, slugs), and attr_list for their ids. Any other extension
    # would only cost time on every page (snippets would even read their marks again).
    extensions = raw.get("markdown_extensions") or []
    out["markdown_extensions"] = [*[x for x in extensions if _extension_name(x) == TOC], ATTR_LIST]
    theme = raw.get("theme", {})
    theme = {"name": theme} if isinstance(theme, str) else dict(theme)
    theme["custom_dir"] = OVERRIDES
    # an edit button would open the generated file, which is not in the repository
    theme["features"] = [f for f in theme.get("features") or [] if f not in ("content.action.edit", "content.action.view")]
    out["theme"] = theme
    css = [str(x) for x in raw.get("extra_css", [])]
    out["extra_css"] = css + [x for x in observer.extra_css if x not in css]
    scripts = list(raw.get("extra_javascript", []))
    named = {x if isinstance(x, str) else str(x.get("path", "")) for x in scripts}
    out["extra_javascript"] = scripts + [x for x in observer.extra_javascript if x not in named]
    # the project's own lines name its pages where they were: a page that generate moved is named where it is now
    lines = [
        f"/{moves[line.strip().lstrip('/')]}" if line.strip().lstrip("/") in moves else line
        for line in str(raw.get("not_in_nav") or "").splitlines()
        if line.strip()
    ]
    out["not_in_nav"] = "\n".join(lines + hidden_patterns([moves.get(src, src) for src in hidden], moves.values())) + "\n"
    return yaml.safe_dump(out, allow_unicode=True, sort_keys=False, width=1_000_000)


def _overrides(target: Path, project_custom_dir: Path | None) -> None:
    """The theme override folder: the project's own custom_dir, the plugin's partials, and generate's own.

    Generate's own: ``main.html`` prints the head from front matter; ``partials/tags.html`` shows
    no tags (see the file).
    """
    target.mkdir(parents=True)
    if project_custom_dir is not None and project_custom_dir.is_dir():
        shutil.copytree(project_custom_dir, target, dirs_exist_ok=True)
    plugin_theme = Path(str(resources.files(__package__).joinpath("theme")))
    shutil.copytree(plugin_theme, target, dirs_exist_ok=True)
    ours = Path(str(resources.files(__package__).joinpath("theme_generate")))
    taken = [p.relative_to(ours).as_posix() for p in ours.rglob("*.html") if (target / p.relative_to(ours)).exists()]
    if taken:
        raise GenerateError(f"{project_custom_dir}: the project's own {', '.join(taken)} would replace generate's theme override")
    shutil.copytree(ours, target, dirs_exist_ok=True)


def _swap_in(scratch: Path, out: Path) -> None:
    """Put the complete scratch folder where ``out`` was, keeping the old one until the new one is there."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old")
        if old.exists():
            shutil.rmtree(old)
        out.rename(old)
    scratch.rename(out)
    if old is not None:
        shutil.rmtree(old)


def generate(config_file: Path, out: Path, *, log: Callable[[str], None] = lambda line: None) -> list[str]:
    """Write the survey described by ``config_file`` as plain site sources into ``out``; the pages written.

    Raises:
        SurveyError: the data have problems (the very ones ``living-survey validate`` reports); nothing is written.
        GenerateError: the build failed for another reason; nothing is written.
    """
    config_file = Path(config_file).resolve()
    out = Path(out).resolve()
    project = project_options(config_file)
    checked = check_project(project)
    if checked.problems:
        raise SurveyError(checked.problems)
    if out == config_file.parent or config_file.parent.is_relative_to(out):
        raise GenerateError(f"{out}: the output folder must not hold the project")
    if out.is_relative_to(project.docs_dir):
        # the build reads docs/ while the scratch folder fills: it would publish its own output
        raise GenerateError(f"{out}: the output folder must not be inside {project.docs_dir.name}/")
    out.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        pages = _generate_into(config_file, scratch, log)
        _swap_in(scratch, out)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return pages


def _generate_into(config_file: Path, target: Path, log: Callable[[str], None]) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="living-survey-generate-") as work:
        site = Path(work) / "site"
        # strict, as `make build`: a warning is a failure, and nothing is written
        config = load_config(str(config_file), site_dir=str(site), strict=True)
        # the plugin by its options' class: the command line never imports the plugin's hooks module
        plugin: Any = config.plugins.get(PLUGIN)
        if not isinstance(getattr(plugin, "config", None), LivingSurveyConfig):
            raise GenerateError(f"{config_file.name}: plugins: the living-survey plugin is not configured")
        # the on-demand search script adapts Material's own index; any builder's search works without it
        plugin.config.lazy_search = False
        observer = _observe(config)
        try:
            build(config)
        except (Abort, PluginError) as exc:
            raise GenerateError(str(exc)) from None
        docs = target / "docs"
        docs.mkdir(parents=True)
        for src, dest in observer.static:
            path = docs / src
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(site / dest, path)
        moves = {src: source_path(src, config.use_directory_urls) for src in observer.pages}
        # the builders read the sources with the generated configuration's extensions: the headings are proved with them
        headings = _Headings(list(MARKDOWN), {name: config.mdx_configs[name] for name in MARKDOWN if name in config.mdx_configs})
        written = []
        for src, page in observer.pages.items():
            path = docs / moves[src]
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists():
                raise GenerateError(f"{src}: two pages would be written to {moves[src]}")
            path.write_text(_page_source(page, headings), encoding="utf-8")
            written.append(moves[src])
        # the downloads and feeds: the plugin's own on_post_build, writing into the sources instead of a site
        config.site_dir = str(docs)
        plugin.on_post_build(config=config)
        raw = yaml_load(config_file.read_text(encoding="utf-8")) or {}
        hidden = [record.src for record in plugin.build.pages if not record.in_nav]
        (target / "mkdocs.yml").write_text(_config_text(raw, observer, hidden, moves), encoding="utf-8")
        custom = raw.get("theme", {}).get("custom_dir") if isinstance(raw.get("theme"), dict) else None
        _overrides(target / OVERRIDES, config_file.parent / custom if custom else None)
        log(f"{len(written)} pages and {len(observer.static)} files")
        return written

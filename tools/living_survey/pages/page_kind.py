"""What a page kind is: the :class:`PageKind` base class and the registry of kinds, :data:`KINDS`.

A kind says everything about its pages, as Material's blog plugin does with a ``Page`` subclass
per view, but without MkDocs:

- **route** (:meth:`PageKind.records`): which pages of the kind a survey has, each as a
  :class:`~..model.addresses.PageRecord` (permanent id, and so its source path, title, subject);
- **template** (:attr:`PageKind.template`): the file in ``templates/`` that renders it;
- **meta** (:meth:`PageKind.meta`): the page's front matter (title, search tags);
- **markdown** (:meth:`PageKind.markdown`): its Markdown source, or for a kind rendered straight
  from the data (:attr:`PageKind.from_data`), its HTML through :meth:`PageKind.html`;
- **content** (:meth:`PageKind.content`): what joins the HTML after Markdown (the sections it
  adds are named in :attr:`PageKind.sections`, for the table of contents);
- **head** (:meth:`PageKind.head`): its ``<head>`` metadata (feeds, citation tags, JSON-LD);
- **post** (:meth:`PageKind.post`): what joins the finished page, after search indexing.

An instance is one page of the kind seen in one build's :class:`~.rendering.Site`. A page of ``docs/``
is a :class:`DocsPage` (the home page a :class:`HomePage`). The survey's own kinds are in
:mod:`.kinds`; a new kind is one subclass passed to :func:`register`, plus its template.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, TextIO

from jinja2 import ChoiceLoader, Environment, FileSystemLoader
from markupsafe import Markup

from ..core.markup import esc, template_env
from ..core.problems import Problem
from ..model.addresses import PageRecord
from ..model.survey import Survey
from .rendering import Site

GRID_MARK = "<!-- living-survey:grid -->"
CONTESTED_MARK = "<!-- living-survey:contested -->"
FIGURE_MARK = "<!-- living-survey:figure -->"
CITE_SLOT = "<!--living-survey:cite-slot-->"
"""Where an entry page's cite box goes in :meth:`EntryKind.post`, after search indexing."""
SECTIONS = (("download-the-data", "Download the data"), ("cite-this-page", "Cite this page"))
"""The sections the downloads and the cite box add (id, title)."""

Writer = Callable[[TextIO], object]


@dataclass(frozen=True)
class Document:
    """A generated page as a source file: front matter and a body (see :meth:`PageKind.document`)."""

    meta: dict[str, Any]
    """The front matter: ``title``, what :meth:`PageKind.meta` gives, and ``citation_meta`` (the
    page's ``citation_*`` tags as [name, content] pairs) when it has any."""
    body: str
    """Markdown, or for a kind rendered from the data, the page's HTML."""
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Rendered:
    """A page rendered straight to HTML (:meth:`PageKind.html`)."""

    html: str
    toc: tuple[tuple[str, str], ...]
    """(id, title) of each second-level section."""
    problems: tuple[Problem, ...] = ()
    edit_url: str | None = None


def page_title(record: PageRecord) -> str:
    """A generated page's title as themes print it: as HTML (header, ``<title>``), so escaped here."""
    return str(esc(record.title))


@lru_cache(maxsize=8)
def _templates(folder: Path | None) -> Environment:
    env = template_env()
    if folder is not None:  # a kind's own folder first, the engine's templates behind it
        env.loader = ChoiceLoader([FileSystemLoader(folder), env.loader]) if env.loader else FileSystemLoader(folder)
    return env


class PageKind:
    """One page of a kind, in one build; the class says what the kind's pages are.

    Args:
        site: the build's pages, router and renderers.
        record: this page (``None`` for a page of ``docs/`` rather than a generated one).
        url: the page's URL relative to the site root, as the router knows it.
        homepage: whether the page is the site's home page.
    """

    name: ClassVar[str] = ""
    """The kind's name, which :attr:`PageRecord.kind` carries; ``""`` for pages of ``docs/``."""
    template: ClassVar[str] = ""
    """The template in ``templates/`` (or :attr:`template_folder`) that renders the page."""
    template_folder: ClassVar[Path | None] = None
    """A folder searched for :attr:`template` before the engine's own (a kind defined outside the package)."""
    from_data: ClassVar[bool] = False
    """The page's HTML is rendered from the data by :meth:`html`, never through Markdown (fast at thousands of pages)."""
    sections: ClassVar[tuple[tuple[str, str], ...]] = ()
    """(id, title) of the second-level sections :meth:`content` adds after Markdown, for the table of contents."""

    def __init__(self, site: Site, record: PageRecord | None, url: str, *, homepage: bool = False):
        self.site = site
        self.record = record
        self.url = url
        self.homepage = homepage

    # -- route ---------------------------------------------------------------------------------

    @classmethod
    def records(cls, survey: Survey) -> Iterable[PageRecord]:
        """The pages of this kind in a survey, in site order."""
        return ()

    @classmethod
    def page(cls, page_id: str, title: str, **fields: Any) -> PageRecord:
        """A record of this kind (``fields``: ``subject``, ``in_nav``, ``permanent``)."""
        return PageRecord(cls.name, page_id, title, **fields)

    @classmethod
    def site_files(cls, site: Site) -> Iterator[tuple[str, str]]:
        """Files of the site that the kind's pages need (path, text), added with the pages."""
        return iter(())

    @classmethod
    def downloads(cls, site: Site) -> Iterator[tuple[str, Writer]]:
        """Files written once every page is built (path, writer), streamed."""
        return iter(())

    # -- steps of one page --------------------------------------------------------------------

    @property
    def subject(self) -> str:
        return self.record.subject if self.record is not None else ""

    def link(self, target: str) -> str:
        """A page id's URL as seen from this page."""
        return self.site.router.url(target, from_url=self.url)

    def render(self, **context: Any) -> str:
        """The kind's template, rendered (autoescaped)."""
        return _templates(self.template_folder).get_template(self.template).render(**context)

    def meta(self) -> dict[str, Any]:
        """The page's front matter, added to what MkDocs read."""
        return {}

    def markdown(self, source: str) -> str:
        """The page's Markdown; ``source`` is what MkDocs read (a generated page's is a heading)."""
        return source

    def source(self, source: str, where: str) -> tuple[str, list[Problem]]:
        """The Markdown MkDocs converts: :meth:`markdown`, with the grid and contested note
        filled in and every citation resolved (``where``: the page's path, for messages)."""
        builder = self.site.builder
        markdown = self.markdown(source)
        if GRID_MARK in markdown:
            markdown = markdown.replace(GRID_MARK, "\n" + builder.grid_html(self.link) + "\n")
        if CONTESTED_MARK in markdown:
            markdown = markdown.replace(CONTESTED_MARK, "\n" + builder.contested_note(self.link) + "\n")
        return builder.cite_markdown(markdown, where)

    def html(self) -> Rendered:
        """The page's HTML, for a kind rendered from the data (:attr:`from_data`)."""
        raise NotImplementedError(f"{type(self).__name__} renders through Markdown")

    def content(self, html: str) -> str:
        """The page's HTML after Markdown, before search indexing."""
        return html

    def figure_highlight(self) -> str | None:
        """The quadrant Figure 1 highlights on this page, if any."""
        return None

    def citation_meta(self) -> list[tuple[str, str]]:
        """The page's ``citation_*`` meta tags (name, content), for ``<head>`` or front matter."""
        return []

    def head(self) -> Markup:
        """What the page adds to ``<head>``: the feeds, :meth:`citation_meta`, what the kind adds."""
        return self.site.fragments.head(self.url, meta=self.citation_meta())

    def document(self) -> Document:
        """The page as a source file, with no MkDocs object: front matter (:meth:`meta`, the title
        and :meth:`citation_meta`) and a body (:meth:`source`, or :meth:`html` for a kind
        rendered from the data). Steps that need the built page (:meth:`content`, :meth:`post`)
        are not in it."""
        meta: dict[str, Any] = {"title": self.record.title if self.record is not None else ""}
        meta.update(self.meta())
        if tags := self.citation_meta():
            meta["citation_meta"] = [list(tag) for tag in tags]
        if self.from_data:
            rendered = self.html()
            return Document(meta, rendered.html, rendered.problems)
        where = self.record.src if self.record is not None else ""
        body, problems = self.source(f"# {meta['title']}\n", where)
        return Document(meta, body, tuple(problems))

    def post(self, output: str) -> str:
        """The finished page, after search indexing."""
        return output


class DocsPage(PageKind):
    """A page of ``docs/``: citations resolved, the grid and contested note filled in."""


class HomePage(DocsPage):
    """The home page (``docs/index.md``): the downloads, the cite box and the survey as a Dataset."""

    sections = SECTIONS

    def content(self, html: str) -> str:
        fragments = self.site.fragments
        # str(): adding Markup to a str would escape the whole page
        return html + str(fragments.downloads(self.url, None) + fragments.cite_box(None))

    def head(self) -> Markup:
        return self.site.fragments.head(self.url, meta=self.citation_meta(), homepage=True)


KINDS: dict[str, type[PageKind]] = {}
"""Every kind of generated page by name, in site order (the order of the pages MkDocs is given)."""


def register(kind: type[PageKind]) -> type[PageKind]:
    """Add a kind of generated page (usable as a class decorator)."""
    if not kind.name or kind.name in KINDS:
        raise ValueError(f"a page kind needs a name of its own: {kind.name!r}")
    KINDS[kind.name] = kind
    return kind

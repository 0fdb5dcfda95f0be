"""Every generated page's identity and address, in one place.

A :class:`PageRecord` (kind, id, title, subject) is made once per generated page from the Survey
by its page kind's route (:func:`living_survey.pages.kinds.site_pages`); its id is also its permanent id
and, plus ``.md``, its virtual source path. The :class:`Router`, built from the URLs MkDocs assigned (so ``use_directory_urls`` is
MkDocs' business, not ours), answers "the URL of page P seen from page Q", "its absolute URL"
and "its file in the site". Nothing else in the engine formats a page path: the figure, the
templates, the exports, the citations, the permanent-id ledger and the CLI all ask here.

Links written before the router exists (the cached figure) carry a :func:`token` per target,
which :meth:`Router.resolve_tokens` turns into relative URLs for the page that shows them.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from .survey import Survey

ENTRIES = "entries"
QUADRANTS = "quadrants"
REFERENCES = "references"
CHANGES = "changes"
CONTESTED = "contested"
CONTESTED_TITLE = "Contested placements"
HOME = "index"
RELEASES = "v"
"""The folder of frozen releases: ``v/<X.Y>/`` beside the living site."""
LOCATOR = "place-your-dataset"
"""The page id of "Place your dataset" (the locator); shared links to it carry answers, so it is permanent."""
BROWSE = "browse"
RECENT = "recent"


TOKEN_OPEN = "@@ls:"
TOKEN_CLOSE = "@@"


def key_anchor(key: str) -> str:
    """An HTML id for a BibTeX key, different for different keys (``a:b``, ``a-b``, ``a/b``).

    Letters, digits and ``-`` stay; any other character, ``_`` included, becomes ``_<hex>_``.
    As ``_`` only ever opens or closes such an escape, the id can be read back to one key only.
    Pages (references, contested works) and Figure 1's joins all use it.
    """
    return re.sub(r"[^A-Za-z0-9-]", lambda m: f"_{ord(m.group(0)):x}_", key)


def entry_page_id(entry_id: str) -> str:
    """The page id of an entry: ``entries/<entry id>``."""
    return f"{ENTRIES}/{entry_id}"


def quadrant_page_id(quadrant_id: str) -> str:
    """The page id of a quadrant: ``quadrants/<quadrant id>``."""
    return f"{QUADRANTS}/{quadrant_id}"


def release_path(series: str) -> str:
    """The folder of a release inside the published site: ``v/0.2/``."""
    return f"{RELEASES}/{series}/"


def versions_file() -> str:
    """The list of releases Material's selector format uses: ``v/versions.json``, beside the releases."""
    return f"{RELEASES}/versions.json"


def up_from_release() -> str:
    """From a release's root to the living site's root: ``../../`` (out of ``v/X.Y/``)."""
    return "../" * (RELEASES.count("/") + 2)


def contested_page_id() -> str:
    """The page id of the list of contested works: ``contested``."""
    return CONTESTED


def src_of(page_id: str) -> str:
    """The virtual source path of a page id (``entries/x`` → ``entries/x.md``)."""
    return page_id + ".md"


def token(page_id: str) -> str:
    """A placeholder for the URL of ``page_id``, resolved per page by :meth:`Router.resolve_tokens`."""
    return f"{TOKEN_OPEN}{page_id}{TOKEN_CLOSE}"


@dataclass(frozen=True)
class PageRecord:
    """One generated page: what it is, its permanent id and the title it shows."""

    kind: str
    """The name of its page kind (``quadrant``, ``entry``, …): :data:`living_survey.pages.page_kind.KINDS` renders it."""
    id: str
    """The permanent id, e.g. ``entries/stiennon-2020``; the source path is the id plus ``.md``."""
    title: str
    subject: str = ""
    """The id of what the page shows (an entry id, a quadrant id), if any."""
    in_nav: bool = True
    """Whether the page may appear in the sidebar (entry pages never do)."""
    permanent: bool = True
    """Whether the page's id is listed in the permanent-id ledger."""

    @property
    def src(self) -> str:
        return src_of(self.id)


def has_locator(survey: Survey) -> bool:
    """Whether the survey has a locator page: only if every axis has questions to answer."""
    fw = survey.framework
    return bool(fw.x.questions and fw.y.questions)


class SitePages:
    """The generated pages of one survey, looked up by id, source path or subject."""

    def __init__(self, records: Iterable[PageRecord]):
        self.records: tuple[PageRecord, ...] = tuple(records)
        self._by_id = {r.id: r for r in self.records}
        self._by_src = {r.src: r for r in self.records}

    def __iter__(self) -> Iterator[PageRecord]:
        return iter(self.records)

    def get(self, page_id: str) -> PageRecord | None:
        return self._by_id.get(page_id)

    def by_src(self, src: str) -> PageRecord | None:
        """The generated page with this source path, if it is one of ours."""
        return self._by_src.get(src)

    def of_kind(self, kind: str) -> tuple[PageRecord, ...]:
        return tuple(r for r in self.records if r.kind == kind)

    def permanent_ids(self) -> list[str]:
        """The ids the ledger must list: quadrants first, then entries (site order)."""
        return [r.id for r in self.records if r.permanent]


def _parts(path: str) -> list[str]:
    path = posixpath.normpath("/" + path)[1:]
    return path.split("/") if path else []


def relative_url(url: str, other: str) -> str:
    """``url`` (relative to the site root) as seen from the page whose URL is ``other``.

    The rule of MkDocs' ``get_relative_url``, kept here so the router needs no MkDocs: the last
    part of ``other`` is a file (and dropped) if it holds a dot; ``..`` never climbs above the root.
    """
    folder, _, name = other.rpartition("/")
    if "." in name:
        other = folder
    here, there = _parts(other), _parts(url)
    common = 0
    for a, b in zip(here, there, strict=False):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(here) - common) + there[common:]) or "."
    return rel + "/" if url.endswith("/") else rel


def root_from(page_url: str) -> str:
    """The relative path from a page to the site root: ``""`` or ``"../../"``."""
    root = relative_url(".", page_url)
    return "" if root == "." else root + "/"


class Router:
    """Addresses of pages, from the URLs MkDocs gave each documentation file.

    Args:
        pages: the survey's generated pages.
        urls: each documentation page's source path → (URL, file in the site), from MkDocs' ``Files``.
        site_url: the published site's URL, ending in ``/`` (or empty).
    """

    def __init__(self, pages: SitePages, urls: Mapping[str, tuple[str, str]], site_url: str = ""):
        self.pages = pages
        self._urls = dict(urls)
        self.site_url = site_url

    def _lookup(self, target: str) -> tuple[str, str]:
        src = target if target.endswith(".md") else src_of(target)
        try:
            return self._urls[src]
        except KeyError:
            raise KeyError(f"no page {target!r} in this site") from None

    def has(self, target: str) -> bool:
        src = target if target.endswith(".md") else src_of(target)
        return src in self._urls

    def page_url(self, target: str) -> str:
        """The URL of a page (a page id or a source path), relative to the site root."""
        return self._lookup(target)[0]

    def url(self, target: str, *, from_url: str) -> str:
        """The URL of ``target`` as seen from the page whose URL is ``from_url``."""
        return relative_url(self.page_url(target), from_url)

    def link_from(self, from_url: str) -> Callable[[str], str]:
        """A function giving each page's URL as seen from one page."""
        return lambda target: self.url(target, from_url=from_url)

    def link_if_present(self, from_url: str) -> Callable[[str], str | None]:
        """Like :meth:`link_from`, but ``None`` for a page this site does not have."""
        return lambda target: self.url(target, from_url=from_url) if self.has(target) else None

    def absolute(self, target: str) -> str:
        """The published URL of a page (the home page's is the site's URL itself)."""
        return self.site_url + self.path(target)

    def path(self, target: str) -> str:
        """The URL of a page relative to the site root, ``""`` for the home page."""
        url = self.page_url(target)
        return "" if url in (".", "./") else url

    def site_path(self, target: str) -> str:
        """The file of a page inside the built site (``entries/x/index.html``)."""
        return self._lookup(target)[1]

    def asset(self, path: str, *, from_url: str) -> str:
        """A site file that is not a page (``data/entries.json``) as seen from a page."""
        return root_from(from_url) + path

    def resolve_tokens(self, text: str, from_url: str) -> str:
        """Replace every :func:`token` in ``text`` with its page's URL as seen from ``from_url``.

        A linear scan: tokens are found with ``str.find``, never a backtracking pattern.
        """
        out: list[str] = []
        start = 0
        while True:
            at = text.find(TOKEN_OPEN, start)
            if at < 0:
                out.append(text[start:])
                return "".join(out)
            end = text.find(TOKEN_CLOSE, at + len(TOKEN_OPEN))
            if end < 0:
                out.append(text[start:])
                return "".join(out)
            out.append(text[start:at])
            page_id = text[at + len(TOKEN_OPEN) : end]
            out.append(self.url(page_id, from_url=from_url) if self.has(page_id) else "#")
            start = end + len(TOKEN_CLOSE)

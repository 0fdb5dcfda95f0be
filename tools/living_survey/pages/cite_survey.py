"""Citing the survey: its metadata (from CITATION.cff), "Cite this page" boxes, meta tags, JSON-LD.

The survey's authors, title, version and licence are read from the project's ``CITATION.cff``,
so the citation file and the site can never disagree. Every value that reaches HTML, BibTeX or
JSON is escaped for that format here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..core.files import METADATA_BYTES, read_file
from ..core.problems import Problem, SurveyError
from ..core.yamlio import load_yaml
from ..model.bibliography import Reference

_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(text: str) -> str:
    """Text safe inside a braced BibTeX field: LaTeX specials escaped, whitespace on one line."""
    text = " ".join(text.split())
    return "".join(_BIBTEX_SPECIAL.get(ch, ch) for ch in text)


def bibtex_url(url: str) -> str:
    """A URL for a BibTeX ``url`` field: braces, backslashes and spaces percent-encoded, ``%`` escaped."""
    encoded = re.sub(r"[{}\\\s]", lambda m: f"%{ord(m.group(0)):02X}", url)
    return encoded.replace("%", r"\%")


def json_for_html(value: Any, *, indent: int | None = 1) -> str:
    """JSON that is safe inside an HTML ``<script>`` element (no ``</script>``, no ``<!--``).

    ``indent=None`` writes it compactly, with the C encoder: for large data read only by scripts.
    """
    separators = None if indent is not None else (",", ":")
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=indent, separators=separators)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass(frozen=True)
class SiteInfo:
    """What a citation of any page of the survey needs."""

    title: str
    url: str
    """``site_url``, ending in ``/``."""
    authors: tuple[str, ...] = ()
    """BibTeX-style names: ``Family, Given`` or a braced entity ``{Group name}``."""
    display_authors: tuple[str, ...] = ()
    version: str = ""
    commit: str = ""
    date: str = ""
    """The access date for ``urldate``: ISO ``YYYY-MM-DD``."""
    license: str = ""
    description: str = ""
    repository: str = ""
    keywords: tuple[str, ...] = field(default_factory=tuple)
    doi: str = ""
    """The survey's DOI from ``CITATION.cff`` (``10.5281/zenodo.…``), if it has one."""

    @property
    def year(self) -> str:
        return self.date[:4]


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def build_date(root: Path) -> str:
    """The date the build describes: SOURCE_DATE_EPOCH, else the last commit's date when the work
    tree is that commit, else today (uncommitted changes are newer than the commit).

    Using the commit's date keeps two builds of the same commit byte-identical.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
    committed = _git(root, "log", "-1", "--format=%cs")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", committed) and not _git(root, "status", "--porcelain", "--", "."):
        return committed
    return dt.date.today().isoformat()


def load_site_info(
    root: Path, citation_file: Path | None, *, title: str, url: str, description: str = "", repository: str = ""
) -> SiteInfo:
    """Read the survey's citation metadata.

    Args:
        root: the project folder (for git).
        citation_file: ``CITATION.cff``, or ``None`` to cite the site by its name alone.
        title, url, description, repository: from the MkDocs configuration.

    Raises:
        SurveyError: the citation file is not valid YAML or lacks a usable author.
    """
    data: dict[str, Any] = {}
    display = citation_file.name if citation_file else ""
    if citation_file is not None:
        # the guarded reader: a link to a file outside the project must not name the survey's authors
        raw, unread = read_file(citation_file, display, root, max_bytes=METADATA_BYTES)
        if raw is None:
            raise SurveyError(unread)
        doc, problems = load_yaml(raw, display)
        if problems:
            raise SurveyError(problems)
        if not isinstance(doc.value, dict):
            raise SurveyError([Problem(display, 1, "", "must be a mapping")])
        data = doc.value
    authors, shown = [], []
    for i, person in enumerate(data.get("authors") or []):
        if not isinstance(person, dict):
            raise SurveyError([Problem(display, 1, f"authors[{i}]", "must be a mapping")])
        if person.get("name"):
            authors.append("{" + bibtex_escape(str(person["name"])) + "}")
            shown.append(str(person["name"]))
        elif person.get("family-names"):
            family, given = str(person["family-names"]), str(person.get("given-names", ""))
            authors.append(bibtex_escape(family) + (", " + bibtex_escape(given) if given else ""))
            shown.append(family + (", " + "".join(p[0] + "." for p in given.split()) if given else ""))
    commit = _git(root, "rev-parse", "--short=10", "HEAD")
    return SiteInfo(
        title=title,
        url=url.rstrip("/") + "/" if url else "",
        authors=tuple(authors),
        display_authors=tuple(shown),
        version=str(data.get("version", "")),
        commit=commit,
        date=build_date(root),
        license=str(data.get("license", "")),
        description=str(data.get("abstract", "")).strip() or description,
        repository=str(data.get("repository-code", "")) or repository,
        keywords=tuple(str(k) for k in data.get("keywords") or ()),
        doi=str(data.get("doi") or "").strip(),
    )


@dataclass(frozen=True)
class PageCitation:
    """How to cite one page: the BibTeX record and the formatted line."""

    key: str
    title: str
    url: str
    bibtex: str
    text: str


def _key_part(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def page_citation(info: SiteInfo, page_title: str | None, url: str, page_id: str = "") -> PageCitation:
    """The citation of the living page: it names no release (a release is cited by
    :func:`version_citation`, and only for a page that is in one) and gives the date the site was
    built, labelled as such, where an access date goes.

    Args:
        info: the survey's citation metadata.
        page_title: the page's title; ``None`` for the home page (cited as the survey).
        url: the page's published URL (from the router).
        page_id: the page's permanent id (``entries/x``); its last part tells cite keys apart.
    """
    title = f"{page_title} — {info.title}" if page_title else info.title
    key = _key_part(info.title)[:24] + info.year + _key_part(page_id.rsplit("/", 1)[-1])[:32]
    fields = []
    if info.authors:
        fields.append(("author", " and ".join(info.authors)))
    fields += [("title", "{" + bibtex_escape(title) + "}"), ("year", info.year), ("url", bibtex_url(url)), ("urldate", info.date)]
    commit = f", commit {info.commit}" if info.commit else ""
    note = f"Version of {info.date}, the living page (urldate is the date this site was built){commit}"
    fields.append(("note", bibtex_escape(note)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    bibtex = f"@misc{{{key},\n{body}\n}}"
    who = "; ".join(info.display_authors) or info.title
    built = f"the date this site was built{commit}: change it to the date you read the page"
    text = f"{who} ({info.year}). {title} (living page). {url} (accessed {info.date}, {built})."
    return PageCitation(key=key, title=title, url=url, bibtex=bibtex, text=text)


def version_citation(info: SiteInfo, page_title: str | None, url: str, page_id: str, *, version: str, released: str) -> PageCitation:
    """The citation of one page as it is in a release: its frozen URL, version and release date.

    Args:
        info: the survey's citation metadata (its DOI, when it has one, is cited too).
        page_title: the page's title; ``None`` for the home page.
        url: the page's URL inside the release (``<site>/v/0.2/…``).
        page_id: the page's permanent id.
        version: the release (``0.2.0``).
        released: the release date, ISO ``YYYY-MM-DD``.
    """
    title = f"{page_title} — {info.title}" if page_title else info.title
    year = released[:4] or info.year
    key = _key_part(info.title)[:24] + year + _key_part(page_id.rsplit("/", 1)[-1])[:32] + "v" + _key_part(version)
    note = f"Version {version}" + (f", released {released}" if released else "")
    fields = []
    if info.authors:
        fields.append(("author", " and ".join(info.authors)))
    fields += [("title", "{" + bibtex_escape(title) + "}"), ("year", year), ("version", bibtex_escape(version))]
    fields += [("url", bibtex_url(url)), ("note", bibtex_escape(note))]
    if info.doi:
        fields.append(("doi", bibtex_escape(info.doi)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    who = "; ".join(info.display_authors) or info.title
    doi = f" https://doi.org/{info.doi}." if info.doi else ""
    text = f"{who} ({year}). {title} ({note}). {url}.{doi}"
    return PageCitation(key=key, title=title, url=url, bibtex=f"@misc{{{key},\n{body}\n}}", text=text)


def scholar_meta(ref: Reference) -> list[tuple[str, str]]:
    """Google Scholar ``citation_*`` meta tags, as (name, content), describing a surveyed work."""
    tags: list[tuple[str, str]] = [("citation_title", ref.title)]
    tags += [("citation_author", name) for name in ref.creators.full_names]
    if ref.get("year"):
        tags.append(("citation_publication_date", ref.get("year")))
    venue_tag = {"article": "citation_journal_title", "inproceedings": "citation_conference_title"}.get(ref.type)
    if venue_tag and ref.venue:
        tags.append((venue_tag, ref.venue))
    for name, tag in (("volume", "citation_volume"), ("number", "citation_issue"), ("publisher", "citation_publisher")):
        if ref.get(name):
            tags.append((tag, ref.get(name)))
    if ref.get("pages"):
        first, _, last = ref.get("pages").replace("–", "-").partition("-")
        tags.append(("citation_firstpage", first.strip("- ")))
        if last.strip("- "):
            tags.append(("citation_lastpage", last.strip("- ")))
    if ref.doi:
        tags.append(("citation_doi", ref.doi))
    if ref.arxiv:
        tags.append(("citation_arxiv_id", ref.arxiv))
    if ref.link:
        tags.append(("citation_abstract_html_url", ref.link))
    return tags


def dataset_jsonld(info: SiteInfo, downloads: list[tuple[str, str, str]], count: int) -> Markup:
    """schema.org ``Dataset`` JSON-LD for the home page; downloads are (path, media type, name)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": info.title,
        "description": info.description or info.title,
        "url": info.url,
        "dateModified": info.date,
        "variableMeasured": ["quadrant", "position", "quotes", "rationale"],
        "size": f"{count} entries",
        "distribution": [
            {"@type": "DataDownload", "name": name, "encodingFormat": media, "contentUrl": info.url + path}
            for path, media, name in downloads
        ],
    }
    if info.version:
        data["version"] = info.version
    if info.license:
        data["license"] = f"https://spdx.org/licenses/{info.license}.html"
    if info.display_authors:
        # an entity's BibTeX name is its display name in braces; a person's is "Family, Given"
        data["creator"] = [
            {"@type": "Organization" if shown == bib.strip("{}") else "Person", "name": shown}
            for shown, bib in zip(info.display_authors, info.authors, strict=True)
        ]
    if info.repository:
        data["isBasedOn"] = info.repository
    if info.keywords:
        data["keywords"] = list(info.keywords)
    # json_for_html leaves no '<', '>' or '&': the text cannot close its script element
    return Markup(json_for_html(data))

"""The bibliography's records: a :class:`Library` of :class:`Reference` records with decoded
:class:`Name` lists, and the one rule of who made a work (:class:`Creators`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ...core.problems import Problem
from .decode import WEB_ADDRESS


@dataclass(frozen=True)
class Name:
    """A person's or organisation's name, split BibTeX's way and decoded."""

    last: str
    first: str = ""
    von: str = ""
    jr: str = ""

    @property
    def surname(self) -> str:
        """The name as cited: ``van der Berg``, ``Röttger``, ``StanfordNLP``."""
        return f"{self.von} {self.last}".strip()

    @property
    def initials(self) -> str:
        """``Hannah Rose`` → ``H. R.``; ``Jean-Paul`` → ``J.-P.``."""
        parts = []
        for word in self.first.split():
            pieces = [p for p in word.split("-") if p]
            parts.append("-".join(p[0] + "." if not p.endswith(".") or len(p) > 2 else p for p in pieces))
        return " ".join(parts)

    def sorted_form(self) -> str:
        """``Surname, F. M., Jr.`` as in an APA reference list."""
        text = self.surname
        if self.initials:
            text += f", {self.initials}"
        if self.jr:
            text += f", {self.jr}"
        return text

    def full_form(self) -> str:
        """``Surname, First Middle, Jr.``: the full name, family name first (for metadata)."""
        return ", ".join(p for p in (self.surname, self.first, self.jr) if p)

    @property
    def is_others(self) -> bool:
        """BibTeX's ``and others``."""
        return self.last == "others" and not self.first


@dataclass(frozen=True)
class Creators:
    """The people (or the body) responsible for a work, and in which role."""

    people: tuple[Name, ...]
    role: str
    """``author``, ``editor``, ``organization``, or ``""`` when the record names nobody."""
    body: str = ""
    """The organisation or institution, when no person is named."""

    @property
    def full_names(self) -> list[str]:
        """Each creator's full name (``Given Family``), or the body's name; ``and others`` left out."""
        if self.people:
            return [n.full_form() for n in self.people if not n.is_others]
        return [self.body] if self.body else []


@dataclass(frozen=True)
class Reference:
    """One BibTeX record, with its display fields decoded."""

    key: str
    type: str
    fields: dict[str, str] = field(hash=False)
    """Decoded field values by lower-case name (names lists excluded)."""
    authors: tuple[Name, ...] = ()
    editors: tuple[Name, ...] = ()
    raw: str = ""
    """The record exactly as written in the file."""
    line: int = 0
    label: str = ""
    """``Bai et al., 2022a``: the parenthetical author–year label, disambiguated."""

    def get(self, name: str, default: str = "") -> str:
        """A decoded field value."""
        return self.fields.get(name, default)

    @property
    def year(self) -> str:
        """The year with its a/b suffix, as used in the label."""
        return self.label.rsplit(", ", 1)[-1] if ", " in self.label else self.get("year", "n.d.")

    @property
    def creators(self) -> Creators:
        """Who made the work: its authors, else its editors, else its organisation or institution.

        The one rule every output follows (label, byline, reference, exports, meta tags, scaffold).
        """
        if self.authors:
            return Creators(self.authors, "author")
        if self.editors:
            return Creators(self.editors, "editor")
        body = self.get("organization") or self.get("institution")
        return Creators((), "organization" if body else "", body)

    @property
    def label_authors(self) -> str:
        """The author part of the label: ``Surname``, ``A and B`` or ``A et al.``."""
        return self.label.rsplit(", ", 1)[0]

    @property
    def narrative(self) -> str:
        """The author-in-text form: ``Stiennon et al. (2020)``."""
        return f"{self.label_authors} ({self.year})"

    @property
    def title(self) -> str:
        """The decoded title."""
        return self.get("title", self.key)

    @property
    def doi(self) -> str:
        """The DOI, without a resolver prefix."""
        return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", self.get("doi"), flags=re.I)

    @property
    def arxiv(self) -> str:
        """The arXiv identifier, if the record gives one."""
        if self.get("archiveprefix").lower() == "arxiv" or self.get("eprinttype").lower() == "arxiv":
            return self.get("eprint")
        match = re.search(r"arXiv:\s*(\d{4}\.\d{4,5}(v\d+)?)", self.get("journal") + " " + self.get("note"))
        return match.group(1) if match else ""

    @property
    def link(self) -> str:
        """The best web address for the work: DOI, else URL, else arXiv; only http(s)."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        url = self.get("url")
        if url and WEB_ADDRESS.fullmatch(url):
            return url
        if self.arxiv:
            return f"https://arxiv.org/abs/{self.arxiv}"
        # howpublished = {\url{…}}: an address standing alone
        published = self.get("howpublished")
        return published if WEB_ADDRESS.fullmatch(published) else ""

    @property
    def venue(self) -> str:
        """Where the work appeared."""
        for name in ("journal", "booktitle", "howpublished", "publisher", "institution", "school"):
            if self.get(name):
                return self.get(name)
        return f"arXiv:{self.arxiv}" if self.arxiv else ""


@dataclass(frozen=True)
class Library:
    """Every record of the bibliography, by key, with the problems found reading it."""

    path: str
    references: dict[str, Reference]
    problems: tuple[Problem, ...] = ()
    labels_digest: str = ""
    """A hash of every record's key, label and title: what a figure of the works shows."""

    def __contains__(self, key: object) -> bool:
        return key in self.references

    def __getitem__(self, key: str) -> Reference:
        return self.references[key]

    def __iter__(self) -> Iterator[Reference]:
        return iter(self.references.values())

    def __len__(self) -> int:
        return len(self.references)

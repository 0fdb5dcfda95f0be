"""``references.bib`` → :class:`Library`: records, decoded names, author–year labels.

Parsing is bibtexparser v2's; what is ours is reporting what it drops (failed blocks, duplicate
keys, records that lost their ``@``), decoding names *after* splitting them so braced corporate
authors stay whole, resolving ``crossref``, and the a/b disambiguation of labels.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.exceptions import BlockAbortedException
from bibtexparser.library import Library as BibLibrary
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ImplicitComment, String
from pylatexenc.latex2text import LatexNodes2Text

from .problems import Problem

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip
_DECODER = LatexNodes2Text(math_mode="verbatim", keep_braced_groups=False)
# A record whose "@" was lost is parsed as a comment: "article{key," followed by a field.
_LOST_RECORD = re.compile(r"^\s*([A-Za-z]+)\s*[{(]\s*([^\s,={}]+)\s*,\s*\w+\s*=", re.MULTILINE)
_SPACE = re.compile(r"\s+")


_LIGATURES = (("---", "\u2014"), ("--", "\u2013"), ("``", "\u201c"), ("''", "\u201d"))


def decode(text: str) -> str:
    """LaTeX → Unicode for display: accents, quotes, dashes, braces; math is kept as typed."""
    if "\\" in text or "{" in text or "~" in text:
        text = _DECODER.latex_to_text(text)
    for tex, char in _LIGATURES:
        text = text.replace(tex, char)
    return _SPACE.sub(" ", text).strip()


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
        if url and re.match(r"^https?://", url, re.I):
            return url
        if self.arxiv:
            return f"https://arxiv.org/abs/{self.arxiv}"
        return ""

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


def _names(value: object) -> tuple[Name, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        Name(
            last=decode(" ".join(n.last)),
            first=decode(" ".join(n.first)),
            von=decode(" ".join(n.von)),
            jr=decode(" ".join(n.jr)),
        )
        for n in value
    )


def label_authors(names: tuple[Name, ...]) -> str:
    """``Surname``, ``A and B``, or ``A et al.`` (``and others`` counts as more)."""
    real = [n for n in names if not n.is_others]
    if not real:
        return ""
    if len(real) == 1 and len(names) == 1:
        return real[0].surname
    if len(real) == 2 and len(names) == 2:
        return f"{real[0].surname} and {real[1].surname}"
    return f"{real[0].surname} et al."


def _normal_title(title: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", title.lower())


@contextmanager
def _quiet_parser() -> Iterator[None]:
    # bibtexparser logs what it drops; we report those blocks ourselves, with their lines.
    logger = logging.getLogger("bibtexparser")
    previous = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _resolve_crossrefs(entries: dict[str, Entry], path: str, problems: list[Problem]) -> None:
    for entry in entries.values():
        parent_key = entry.fields_dict.get("crossref")
        if parent_key is None:
            continue
        parent = entries.get(str(parent_key.value))
        if parent is None:
            problems.append(
                Problem(
                    path, entry.start_line + 1, f"@{entry.entry_type}{{{entry.key}", f"crossref {parent_key.value!r} is not in the file"
                )
            )
            continue
        for pf in parent.fields:
            name = "booktitle" if pf.key.lower() == "title" else pf.key.lower()
            if name not in {f.key.lower() for f in entry.fields} and name != "crossref":
                entry.set_field(type(pf)(name, pf.value))


_BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_:.+-]*")


def _bare_values(raw: str) -> list[tuple[int, str]]:
    """(offset, name) of each field value that is a bare word, i.e. a @string macro reference.

    Only the record's own level counts: text inside braces or quotes is never a macro.
    """
    found = []
    depth, quoted, expecting = 0, False, False
    i = 0
    while i < len(raw):
        ch = raw[i]
        if quoted:
            quoted = ch != '"' or (depth > 1)
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 1 and ch == '"':
            quoted = True
        elif depth == 1 and ch in "=#":
            expecting = True
        elif depth == 1 and expecting and not ch.isspace():
            match = _BARE.match(raw, i)
            if match:
                found.append((i, match.group(0)))
                i = match.end()
            expecting = False
            continue
        if depth != 1 and ch == "{":
            expecting = False
        i += 1
    return found


@lru_cache(maxsize=4)
def parse_bibliography(text: str, path: str) -> Library:
    """Parse BibTeX text once; the same text returns the same :class:`Library` (cached).

    Args:
        text: the content of the ``.bib`` file.
        path: the file's path as shown in messages.
    """
    problems: list[Problem] = []
    seed = BibLibrary([String(m[:3].lower(), m) for m in _MONTHS])
    with _quiet_parser():
        parsed = bibtexparser.parse_string(
            text,
            append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()],
            library=seed,
        )
    for block in parsed.failed_blocks:
        line = (block.start_line or 0) + 1
        error = block.error
        if isinstance(block, DuplicateBlockKeyBlock):
            first = parsed.entries_dict[block.key].start_line + 1
            message = f"duplicate key {block.key!r} (first defined on line {first})"
        elif isinstance(error, BlockAbortedException):
            message = f"record could not be parsed: {error.abort_reason.strip()}"
        else:
            message = f"record could not be parsed: {error}"
        head = (block.raw or "").split(",", 1)[0].strip()[:60]
        problems.append(Problem(path, line, head, message))
    for block in parsed.blocks:
        if isinstance(block, ImplicitComment):
            for match in _LOST_RECORD.finditer(block.comment):
                line = (block.start_line or 0) + 1 + block.comment[: match.start()].count("\n")
                line += len(match.group(0)) - len(match.group(0).lstrip("\n"))
                problems.append(
                    Problem(
                        path,
                        line,
                        f"{match.group(1)}{{{match.group(2)}",
                        "looks like a record without its '@'; BibTeX reads it as a comment",
                    )
                )
    entries = parsed.entries_dict
    _resolve_crossrefs(entries, path, problems)
    defined = {name.lower() for name in parsed.strings_dict}
    for key, entry in entries.items():
        for offset, name in _bare_values(entry.raw or ""):
            if name.lower() not in defined:
                line = entry.start_line + 1 + (entry.raw or "")[:offset].count("\n")
                problems.append(Problem(path, line, key, f"{name!r} is not a defined @string macro; put text in braces: {{...}}"))

    refs: dict[str, Reference] = {}
    for key, entry in entries.items():
        values: dict[str, str] = {}
        for f in entry.fields:
            if f.key.lower() not in ("author", "editor"):
                values[f.key.lower()] = decode(str(f.value))
        refs[key] = Reference(
            key=key,
            type=entry.entry_type.lower(),
            fields=values,
            authors=_names(entry.fields_dict["author"].value) if "author" in entry.fields_dict else (),
            editors=_names(entry.fields_dict["editor"].value) if "editor" in entry.fields_dict else (),
            raw=entry.raw or "",
            line=entry.start_line + 1,
        )
    problems += _duplicate_works(refs, path)
    labelled = _with_labels(refs)
    return Library(
        path=path,
        references=labelled,
        problems=tuple(problems),
        labels_digest=hashlib.sha256(repr([(r.key, r.label, r.title) for r in labelled.values()]).encode()).hexdigest(),
    )


def _duplicate_works(refs: dict[str, Reference], path: str) -> list[Problem]:
    problems = []
    seen: dict[tuple[str, str], Reference] = {}
    for ref in refs.values():
        for kind, value in (("DOI", ref.doi.lower()), ("title", _normal_title(ref.title))):
            if not value:
                continue
            other = seen.setdefault((kind, value), ref)
            if other is not ref:
                problems.append(
                    Problem(path, ref.line, ref.key, f"same {kind} as {other.key!r} (line {other.line}); keep one record per work")
                )
    return problems


def _with_labels(refs: dict[str, Reference]) -> dict[str, Reference]:
    groups: dict[str, list[Reference]] = defaultdict(list)
    for ref in refs.values():
        creators = ref.creators
        who = label_authors(creators.people) or creators.body or ref.title
        groups[f"{who}, {ref.get('year', 'n.d.')}"].append(ref)
    labelled = {}
    for base, members in groups.items():
        members.sort(key=lambda r: (_normal_title(r.title), r.key))
        for i, ref in enumerate(members):
            suffix = "abcdefghijklmnopqrstuvwxyz"[i] if len(members) > 1 and i < 26 else ""
            labelled[ref.key] = Reference(**{**ref.__dict__, "label": base + suffix})
    return {key: labelled[key] for key in sorted(labelled, key=lambda k: (labelled[k].label.lower(), k))}

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
from typing import Any

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.exceptions import BlockAbortedException
from bibtexparser.library import Library as BibLibrary
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ImplicitComment, String
from pylatexenc import latex2text, macrospec
from pylatexenc.latex2text import LatexNodes2Text

from ..core.problems import Problem, shown

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip
# A record whose "@" was lost is parsed as a comment: "article{key," followed by a field.
_LOST_RECORD = re.compile(r"^[ \t]*([A-Za-z]+)[ \t]*[{(][ \t]*([^\s,={}]+)\s*,\s*\w+\s*=", re.MULTILINE)
_SPACE = re.compile(r"\s+")

MAX_DEPTH = 32
MAX_FIELD = 10_000
"""Characters in one field: the LaTeX decoder reads some 40,000 a second, so its time stays bounded."""
"""Braces nested deeper than this are refused: no real title needs more than a few levels."""


_LOGOS = {"LaTeX": "LaTeX", "TeX": "TeX", "LaTeXe": "LaTeX2\u03b5", "BibTeX": "BibTeX"}
"""Macros the decoder does not know and that name themselves."""


def _line(block: Any) -> int:
    """The 1-based line where a bibtexparser block starts (bibtexparser counts from 0, or not at all)."""
    return (block.start_line or 0) + 1


def _latex_context() -> macrospec.LatexContextDb:
    db = latex2text.get_default_latex_context_db()
    db.add_context_category("living-survey", prepend=True, macros=[latex2text.MacroTextSpec(n, simplify_repl=t) for n, t in _LOGOS.items()])
    return db


_CONTEXT = _latex_context()
_DECODER = LatexNodes2Text(latex_context=_CONTEXT, math_mode="verbatim", keep_braced_groups=False)
_MATH_DECODER = LatexNodes2Text(latex_context=_CONTEXT, math_mode="text", keep_braced_groups=False)
_LIGATURES = (("---", "\u2014"), ("--", "\u2013"), ("``", "\u201c"), ("''", "\u201d"))
# What the pre-pass handles itself: links (verbatim addresses), math, comments, escapes.
_SPECIAL = re.compile(r"\\(?:url|href)(?![A-Za-z])|\\[^A-Za-z]|\\[A-Za-z]+|\$|%|&")
_MACRO = re.compile(r"\\([A-Za-z]+)")
_BRACES = re.compile(r"\\[{}]|[{}]")
_URL_ESCAPES = re.compile(r"\\([%#_&$~{}])")
_PLACEHOLDERS = 0xE000  # Unicode private use: kept as is by the LaTeX decoder
_PRIVATE = re.compile("[\ue000-\uf8ff]")
_WEB = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.IGNORECASE)


class LatexError(ValueError):
    """A field that cannot be read as LaTeX; the message says why, for a contributor."""


def _check_depth(text: str) -> None:
    depth = 0
    for match in _BRACES.finditer(text):
        brace = match.group(0)
        if brace == "{":
            depth += 1
            if depth > MAX_DEPTH:
                raise LatexError(f"braces nested more than {MAX_DEPTH} deep")
        elif brace == "}":
            depth -= 1


def _braced(text: str, pos: int) -> tuple[str, int]:
    """The content of the ``{…}`` group at ``pos`` (after spaces) and the position after it."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text) or text[pos] != "{":
        raise LatexError("expected a {…} argument")
    depth = 0
    for match in _BRACES.finditer(text, pos):
        if match.group(0) == "{":
            depth += 1
        elif match.group(0) == "}":
            depth -= 1
            if depth == 0:
                return text[pos + 1 : match.start()], match.end()
    raise LatexError("a { is never closed")


def verbatim_url(text: str) -> str:
    """An address as written (``~`` stays ``~``): ``\\url{…}`` unwrapped, ``\\%``, ``\\_`` … unescaped."""
    text = text.strip()
    if text.startswith("\\url"):
        inner, end = _braced(text, 4)
        if not text[end:].strip():
            text = inner
    return _URL_ESCAPES.sub(r"\1", text).strip()


class _Complaints(logging.Handler):
    """pylatexenc logs what it could not convert (``\\frac`` without arguments …) and goes on."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _latex(text: str, decoder: LatexNodes2Text = _DECODER) -> str:
    # pylatexenc's failures on contributed text, raised (IndexError, KeyError …) or only logged,
    # become our error, reported at the field's line
    logger = logging.getLogger("pylatexenc")
    complaints, propagate = _Complaints(), logger.propagate
    logger.addHandler(complaints)
    logger.propagate = False
    try:
        decoded = str(decoder.latex_to_text(text))
    except Exception as exc:  # noqa: BLE001 (any failure of the third-party parser is reported)
        raise LatexError(f"cannot be read as LaTeX ({type(exc).__name__}); check its backslashes and braces") from exc
    finally:
        logger.removeHandler(complaints)
        logger.propagate = propagate
    if complaints.messages:
        reason = re.sub(r"^(?:WARNING: )?(?:Error in configuration: )?", "", complaints.messages[0])
        raise LatexError(f"cannot be read as LaTeX: {reason}")
    return decoded


def _math(body: str) -> str:
    """``$\\alpha$`` → ``α`` when the decoder can write all of it in text; else as written.

    Unknown macros would vanish and ``x^2`` would lose only its dollars, so both stay as typed.
    """
    if "^" not in body and "_" not in body and all(_CONTEXT.get_macro_spec(name) is not None for name in _MACRO.findall(body)):
        try:
            return _latex(f"${body}$", _MATH_DECODER)
        except LatexError:
            pass  # shown as written, below
    return f"${body}$"


def decode(text: str) -> str:
    """LaTeX → Unicode for display: accents, quotes, dashes, braces, ``\\url``, ``\\href`` and math.

    A ``%`` is a percent sign (BibTeX values hold no comments); ``\\url{…}`` keeps its address as
    written; ``\\href{url}{text}`` reads ``text (url)``; math is decoded where every macro in it is
    known and otherwise kept as typed.

    Raises:
        LatexError: braces nested too deep or unbalanced, a link without its arguments, or text
            the LaTeX decoder cannot read.
    """
    if "\\" not in text and "$" not in text:
        # no macro and no math: what the LaTeX decoder would do, at a fraction of its cost
        _check_depth(text)
        text = text.replace("{", "").replace("}", "").replace("~", " ")
    elif any(c in text for c in "\\{~$%&"):
        _check_depth(text)
        if _PRIVATE.search(text):
            raise LatexError("contains a private-use character; remove it")
        pieces: list[str] = []
        out = []
        pos = 0
        for match in _SPECIAL.finditer(text):
            if match.start() < pos:
                continue  # inside an argument already consumed
            token = match.group(0)
            out.append(text[pos : match.start()])
            pos = match.end()
            if token in ("%", "&"):
                out.append("\\" + token)  # text, not a comment or a table cell
                continue
            if token in ("\\url", "\\href"):
                address, pos = _braced(text, pos)
                shown = _URL_ESCAPES.sub(r"\1", address).strip()
                if not _WEB.fullmatch(shown):
                    raise LatexError(f"{token}{{{address[:80]}}}: a link must be a web address starting with https://")
                if token == "\\href":
                    label, pos = _braced(text, pos)
                    label = _latex(label.replace("%", "\\%")).strip()
                    shown = f"{label} ({shown})" if label and label != shown else shown
            elif token == "$":
                close = text.find("$", pos)
                while close != -1 and text[close - 1] == "\\":
                    close = text.find("$", close + 1)
                if close == -1:
                    out.append("\\$")  # a lone dollar sign is text
                    continue
                shown = _math(text[pos:close]) if close > pos else "$$"
                pos = close + 1
            elif token[1:] in _LOGOS:
                shown = _LOGOS[token[1:]]  # by hand, so that the space after it stays
            else:
                out.append(token)
                continue
            out.append(chr(_PLACEHOLDERS + len(pieces)))
            pieces.append(shown)
        out.append(text[pos:])
        if len(pieces) > 0x1000:
            raise LatexError("too many links and formulas in one field")
        text = _latex("".join(out))
        for i, piece in enumerate(pieces):
            text = text.replace(chr(_PLACEHOLDERS + i), piece)
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
        if url and _WEB.fullmatch(url):
            return url
        if self.arxiv:
            return f"https://arxiv.org/abs/{self.arxiv}"
        # howpublished = {\url{…}}: an address standing alone
        published = self.get("howpublished")
        return published if _WEB.fullmatch(published) else ""

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
    """Decoded names (raises :class:`LatexError` like :func:`decode`)."""
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
                Problem(path, _line(entry), f"@{entry.entry_type}{{{entry.key}", f"crossref {parent_key.value!r} is not in the file")
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
    problems: list[Problem] = _control_characters(text, path)
    seed = BibLibrary([String(m[:3].lower(), m) for m in _MONTHS])
    try:
        with _quiet_parser():
            parsed = bibtexparser.parse_string(
                text,
                append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()],
                library=seed,
            )
    except Exception as exc:  # noqa: BLE001 (whatever the third-party parser raises is reported)
        problem = Problem(path, 0, "", f"cannot be parsed as BibTeX ({type(exc).__name__}); check its braces and @ signs")
        return Library(path=path, references={}, problems=(problem,))
    for failed in parsed.failed_blocks:
        line = (failed.start_line or 0) + 1
        error = failed.error
        if isinstance(failed, DuplicateBlockKeyBlock):
            # a repeated @string name is a duplicate too, and is not among the records
            previous = parsed.entries_dict.get(failed.key) or parsed.strings_dict.get(failed.key)
            first = f" (first defined on line {_line(previous)})" if previous is not None else ""
            message = f"duplicate key {failed.key!r}{first}"
        elif isinstance(error, BlockAbortedException):
            message = f"record could not be parsed: {error.abort_reason.strip()}"
        else:
            message = f"record could not be parsed: {error}"
        head = (failed.raw or "").split(",", 1)[0].strip()[:60]
        problems.append(Problem(path, line, head, message))
    for block in parsed.blocks:
        if isinstance(block, ImplicitComment):
            line, counted = _line(block), 0
            for match in _LOST_RECORD.finditer(block.comment):
                line, counted = line + block.comment.count("\n", counted, match.start()), match.start()
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
        raw, line, counted = entry.raw or "", _line(entry), 0
        for offset, name in _bare_values(raw):
            if name.lower() not in defined:
                line, counted = line + raw.count("\n", counted, offset), offset  # counted once, not per value
                problems.append(Problem(path, line, key, f"{name!r} is not a defined @string macro; put text in braces: {{...}}"))

    problems += _case_duplicates(entries, path)
    refs: dict[str, Reference] = {}
    for key, entry in entries.items():
        values: dict[str, str] = {}
        names: dict[str, tuple[Name, ...]] = {}
        for f in entry.fields:
            name = f.key.lower()
            if len(str(f.value)) > MAX_FIELD:
                message = f"is {len(str(f.value)):,} characters long; the limit is {MAX_FIELD:,}"
                problems.append(Problem(path, _field_line(entry, f), f"{key}: {name}", message))
                continue
            try:
                if name in ("author", "editor"):
                    names[name] = _names(f.value)
                else:
                    values[name] = verbatim_url(str(f.value)) if name in _VERBATIM else decode(str(f.value))
            except LatexError as exc:
                problems.append(Problem(path, _field_line(entry, f), f"{key}: {name}", str(exc)))
                values[name] = _SPACE.sub(" ", str(f.value)).strip()  # shown as written
        problems += _record_problems(entry, values, names, path)
        refs[key] = Reference(
            key=key,
            type=entry.entry_type.lower(),
            fields=values,
            authors=names.get("author", ()),
            editors=names.get("editor", ()),
            raw=entry.raw or "",
            line=_line(entry),
        )
    problems += _duplicate_works(refs, path)
    labelled = _with_labels(refs)
    return Library(
        path=path,
        references=labelled,
        problems=tuple(problems),
        labels_digest=hashlib.sha256(repr([(r.key, r.label, r.title) for r in labelled.values()]).encode()).hexdigest(),
    )


_VERBATIM = frozenset({"url", "doi", "eprint"})
"""Fields that are addresses or identifiers: read as written, never as LaTeX."""
_FIELD_NAMES = frozenset(
    "address annote archiveprefix author booktitle chapter crossref date doi edition editor eprint "
    "eprintclass eprinttype howpublished institution isbn issn journal journaltitle keywords language "
    "month note number organization pages primaryclass publisher school series title type url urldate "
    "volume year abstract biburl bibsource timestamp issue location shorttitle langid file".split()
)
_ASSIGNMENT = re.compile(r"([A-Za-z][A-Za-z0-9_-]*)[ \t]*=[ \t]*([{\"0-9]?)")
_YEAR = re.compile(r"[0-9]{4}")
_DOI = re.compile(r"10\.[0-9]{4,9}/\S+")
_ARXIV = re.compile(r"[0-9]{4}\.[0-9]{4,5}(?:v[0-9]+)?|[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/[0-9]{7}(?:v[0-9]+)?")


def _field_line(entry: Entry, f: object) -> int:
    # bibtexparser counts a field's line from the file's start (0-based); an inherited one has none
    start = getattr(f, "start_line", None)
    return start + 1 if isinstance(start, int) else _line(entry)


def _swallowed(value: str) -> str:
    """The field a value swallowed for want of a comma (``{2024}\n  eprint = {…}``), or ``""``.

    A name followed by ``=`` at the start of a line, or right after a closing brace or quote
    when it is a BibTeX field name: in a real title neither happens.
    """
    for n, line in enumerate(value.split("\n")):
        match = _ASSIGNMENT.match(line.lstrip(" \t,"))
        if n and match and (match.group(2) or match.group(1).lower() in _FIELD_NAMES):
            return match.group(1)
    for piece in re.split(r"[}\"]", value)[1:]:
        match = _ASSIGNMENT.match(piece.lstrip(" \t,"))
        if match and match.group(1).lower() in _FIELD_NAMES:
            return match.group(1)
    return ""


def _record_problems(entry: Entry, values: dict[str, str], names: dict[str, tuple[Name, ...]], path: str) -> list[Problem]:
    """A record checked like an entry: title, creators, a year, and identifiers of the right form."""
    key, line = entry.key, _line(entry)
    problems = []

    def report(name: str, message: str, at: int = 0) -> None:
        problems.append(Problem(path, at or line, f"{key}: {name}", message))

    swallowed = set()
    for f in entry.fields:
        if isinstance(f.value, str):
            other = _swallowed(f.value)
            if other:
                swallowed.add(f.key.lower())
                report(f.key.lower(), f"likely missing comma before {other!r}: end the line before it with a comma", _field_line(entry, f))
    lines = {f.key.lower(): _field_line(entry, f) for f in entry.fields}
    if not values.get("title"):
        report("title", "missing; every record needs a title")
    if not (names.get("author") or names.get("editor") or values.get("organization") or values.get("institution")):
        report("author", "missing; give the author, editor or organization")
    year = values.get("year", "")
    if "year" not in values:
        report("year", "missing; give the year of publication, e.g. year = {2023}")
    elif "year" not in swallowed and not _YEAR.fullmatch(year):
        report("year", f"{shown(year)} is not a year; write four digits, e.g. year = {{2023}}", lines["year"])
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", values.get("doi", ""), flags=re.I)
    if "doi" in values and "doi" not in swallowed and not _DOI.fullmatch(doi):
        message = f"{shown(values['doi'])} is not a DOI; write it as 10.NNNN/…, e.g. doi = {{10.18653/v1/2023.acl-long.1}}"
        report("doi", message, lines["doi"])
    prefix = (values.get("archiveprefix") or values.get("eprinttype") or "arxiv").lower()
    eprint = values.get("eprint", "")
    if "eprint" in values and "eprint" not in swallowed and prefix == "arxiv" and not _ARXIV.fullmatch(eprint):
        message = f"{shown(eprint)} is not an arXiv identifier; write e.g. eprint = {{2404.16019}} or {{cs/0112017}}"
        report("eprint", message, lines["eprint"])
    url = values.get("url", "")
    if "url" in values and "url" not in swallowed and not _WEB.fullmatch(url):
        report("url", f"{shown(url)} is not a web address; write it in full, starting with https://", lines["url"])
    return problems


def _case_duplicates(entries: dict[str, Entry], path: str) -> list[Problem]:
    """BibTeX compares keys without regard to case: ``Smith2020`` and ``smith2020`` are one key."""
    problems = []
    first: dict[str, Entry] = {}
    for key, entry in entries.items():
        other = first.setdefault(key.lower(), entry)
        if other is not entry:
            problems.append(
                Problem(
                    path,
                    _line(entry),
                    key,
                    f"duplicate key: {other.key!r} (line {_line(other)}) differs only in letter case, "
                    "and BibTeX ignores case in keys; rename one",
                )
            )
    return problems


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
"""Characters no record may hold (tabs and line ends excepted): they would reach HTML, CSV and terminals,
and XML (the SVG figures) refuses them (the noncharacters U+FFFE and U+FFFF included)."""


def _control_characters(text: str, path: str, limit: int = 20) -> list[Problem]:
    problems: list[Problem] = []
    line, pos = 1, 0
    for match in _CONTROL.finditer(text):
        line += text.count("\n", pos, match.start())
        pos = match.start()
        if problems and problems[-1].line == line:
            continue
        if len(problems) == limit:
            problems.append(Problem(path, line, "", "more control characters follow; remove them all"))
            break
        char = match.group(0)
        problems.append(Problem(path, line, "", f"contains the control character {char!r} (U+{ord(char):04X}); remove it"))
    return problems


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

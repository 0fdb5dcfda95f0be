"""``references.bib`` → :class:`~.records.Library`: records read, checked and labelled.

Parsing is bibtexparser v2's; what is ours is reporting what it drops (failed blocks, duplicate
keys, records that lost their ``@``), decoding names *after* splitting them so braced corporate
authors stay whole (:mod:`.decode`), resolving ``crossref``, and the a/b disambiguation of labels
(the author part from :mod:`.format`).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.exceptions import BlockAbortedException
from bibtexparser.library import Library as BibLibrary
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ImplicitComment, String

from ...core.problems import Problem, shown
from .decode import WEB_ADDRESS, LatexError, decode, verbatim_url
from .format import label_authors
from .records import Library, Name, Reference

MAX_FIELD = 10_000
"""Characters in one field: the LaTeX decoder reads some 40,000 a second, so its time stays bounded."""


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip

# A record whose "@" was lost is parsed as a comment: "article{key," followed by a field.
_LOST_RECORD = re.compile(r"^[ \t]*([A-Za-z]+)[ \t]*[{(][ \t]*([^\s,={}]+)\s*,\s*\w+\s*=", re.MULTILINE)

_SPACE = re.compile(r"\s+")


def _line(block: Any) -> int:
    """The 1-based line where a bibtexparser block starts (bibtexparser counts from 0, or not at all)."""
    return (block.start_line or 0) + 1


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
    if "url" in values and "url" not in swallowed and not WEB_ADDRESS.fullmatch(url):
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

"""Validated inputs kept between builds: entries by the exact bytes of their file, and the
parsed bibliography by the exact text of the ``.bib`` file.

Reading and validating every entry file (YAML with line numbers, the JSON Schema, the text
checks) is most of what the plugin does before MkDocs starts, and on a rebuild almost every file
is unchanged. A file whose bytes, path and id are the same as at the last build, checked by the
same code (and the same libraries) against the same framework, gives the same :class:`Entry`: the build takes that record
from here instead of validating the file again. Any other file (new, edited, renamed) is
validated in full, and only entries without a problem are kept. The same holds for the
bibliography as a whole: unchanged text, same code, same parse; a bibliography with any problem
is never kept. Checks across files (BibTeX keys, two placements by one placer, the ledger of page
ids) run on every build, cached inputs or not.

The cache is plain JSON files under the plugin's ``cache_dir`` (never committed: a test refuses
a tracked cache file). Anything wrong with it (missing, unreadable, another version, another
salt, a malformed record) makes it an empty cache, never an error. ``living-survey validate``
does not use it: it always reads every file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import sys
from collections.abc import Callable
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from .bibliography import Library, Name, Reference, parse_bibliography
from .entries import Answer, Dataset, Entry, Quote

VERSION = 1


_READERS = ("PyYAML", "jsonschema", "bibtexparser", "pylatexenc")
"""The libraries that parse and check the inputs: a new release may read the same bytes differently."""


def _source_digest() -> str:
    """The package's own code and schemas, Python's version and those of the libraries that read the
    inputs: a change to any of them is a change of the checks."""
    digest = hashlib.sha256()
    digest.update(sys.version.encode() + b"\0")
    for name in _READERS:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "?"
        digest.update(f"{name}=={version}".encode() + b"\0")
    package = resources.files(__package__)
    for item in sorted(package.iterdir(), key=lambda p: p.name):
        if item.is_file() and item.name.endswith((".py", ".json")):
            digest.update(item.name.encode() + b"\0" + item.read_bytes() + b"\0")
    return digest.hexdigest()


_SOURCE = _source_digest()


def _salted(salt: str) -> str:
    return hashlib.sha256(f"{VERSION}\0{_SOURCE}\0{salt}".encode()).hexdigest()


def _read(path: Path, salt: str) -> dict[str, Any] | None:
    """The cache file's content if it was written by this code with this salt."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: nesting deeper than a record has
        return None
    if isinstance(stored, dict) and stored.get("version") == VERSION and stored.get("salt") == salt:
        return stored
    return None


def _write(path: Path, content: dict[str, Any]) -> None:
    """Replace the cache file atomically; on failure there is no cache file, never half of one."""
    # not sorted: the library is in label order, fields and lines in the order of their file
    text = json.dumps(content, ensure_ascii=False)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        for leftover in (temporary, path):
            # a folder in its place, or a disk that refuses: the next build reads it as no cache
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)


def _text(value: Any, *, optional: bool = False) -> Any:
    """``value`` if it is a string (or ``None`` where that is allowed); else ``TypeError``."""
    if isinstance(value, str) or (optional and value is None):
        return value
    raise TypeError(f"{type(value).__name__} where text was kept")


def _optional(value: Any) -> str | None:
    return _text(value, optional=True)


def _number(value: Any) -> int | float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    raise TypeError(f"{type(value).__name__} where a number was kept")


def _whole(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TypeError(f"{type(value).__name__} where a line number was kept")


def _items(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    raise TypeError(f"{type(value).__name__} where a list was kept")


def _names_of(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _shallow(value: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """A dataclass's fields by name, one level deep (``dataclasses.asdict`` copies every level, slowly)."""
    return {name: getattr(value, name) for name in names}


def _checked(record: Any, names: tuple[str, ...], convert: dict[str, Callable[[Any], Any]]) -> dict[str, Any]:
    """A record's fields, each converted and checked; ``KeyError`` unless the record has exactly the
    class's fields and each is one this module knows how to check (so a field added to the class
    makes every record one to read again, never one read without it)."""
    if not isinstance(record, dict):
        raise TypeError(f"{type(record).__name__} where a record was kept")
    if len(record) != len(names):
        raise KeyError("the record's fields are not the class's")
    return {name: convert[name](record[name]) for name in names}


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{type(value).__name__} where a flag was kept")
    return value


def _position(value: Any) -> tuple[int | float, int | float] | None:
    if value is None:
        return None
    x, y = _items(value)  # JSON keeps 1 and 1.0 apart as YAML does: they come back as they were read
    return (_number(x), _number(y))


_QUOTE = _names_of(Quote)
_QUOTE_FIELDS: dict[str, Callable[[Any], Any]] = {"text": _text, "cite": _text, "page": _text, "via": _optional, "cited_page": _optional}
_DATASET = _names_of(Dataset)
_DATASET_FIELDS: dict[str, Callable[[Any], Any]] = {"name": _text, "url": _optional}
_ANSWER = _names_of(Answer)
_ANSWER_FIELDS: dict[str, Callable[[Any], Any]] = {
    "question": _text,
    "option": lambda v: _whole(v),
    "quote": lambda v: None if v is None else _whole(v),
    "page": _optional,
    "note": _optional,
}
_ENTRY = _names_of(Entry)
_ENTRY_FIELDS: dict[str, Callable[[Any], Any]] = {
    **dict.fromkeys(("id", "path", "key", "quadrant", "rationale", "placed_by", "added"), _text),
    **dict.fromkeys(("edge_case", "organisation"), _optional),
    "quotes": lambda v: tuple(Quote(**_checked(q, _QUOTE, _QUOTE_FIELDS)) for q in _items(v)),
    "datasets": lambda v: tuple(Dataset(**_checked(d, _DATASET, _DATASET_FIELDS)) for d in _items(v)),
    "signal": lambda v: tuple(_text(s) for s in _items(v)),
    "answers": lambda v: tuple(Answer(**_checked(a, _ANSWER, _ANSWER_FIELDS)) for a in _items(v)),
    "computed": lambda v: _flag(v),
    "position": _position,
    "lines": lambda v: {_text(k): _whole(n) for k, n in v.items()},
    "drawn": lambda v: _text(v).encode("utf-8"),
}


def _record(entry: Entry) -> dict[str, Any]:
    record = _shallow(entry, _ENTRY)
    record["quotes"] = [_shallow(q, _QUOTE) for q in entry.quotes]
    record["datasets"] = [_shallow(d, _DATASET) for d in entry.datasets]
    record["answers"] = [_shallow(a, _ANSWER) for a in entry.answers]
    record["drawn"] = entry.drawn.decode("utf-8")
    return record


def _entry(record: Any) -> Entry:
    """The entry a record describes; ``TypeError``/``KeyError``/``ValueError``/``AttributeError`` if
    it is malformed, including a field of a type no validated entry has (a damaged record must not
    reach a page)."""
    return Entry(**_checked(record, _ENTRY, _ENTRY_FIELDS))


class EntryCache:
    """The entries of one build, read from and written back to ``path``."""

    def __init__(self, path: Path, salt: str):
        self.path = path
        self.salt = _salted(salt)
        self._old: dict[str, Any] = {}
        self._new: dict[str, dict[str, Any]] = {}
        self._changed = False
        self.hits = 0
        stored = _read(path, self.salt)
        if stored is not None and isinstance(stored.get("entries"), dict):
            self._old = stored["entries"]

    @staticmethod
    def key(display: str, entry_id: str, data: bytes) -> str:
        """What a file's validation depends on, besides the salt: where it is, its id, its bytes."""
        digest = hashlib.sha256()
        digest.update(display.encode("utf-8") + b"\0" + entry_id.encode("utf-8") + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def get(self, key: str, entry_id: str, display: str) -> Entry | None:
        """The entry validated from these very bytes at an earlier build, if it is kept (and is
        the entry of this file: a record under another file's key is no record)."""
        record = self._old.get(key)
        if not isinstance(record, dict):
            return None
        try:
            entry = _entry(record)
        except (TypeError, KeyError, ValueError, AttributeError, IndexError):
            return None
        if (entry.id, entry.path) != (entry_id, display):
            return None
        self._new[key] = record
        self.hits += 1
        return entry

    def put(self, key: str, entry: Entry) -> None:
        """Keep an entry that passed every check of its file."""
        self._new[key] = _record(entry)
        self._changed = True  # a new file, or one whose record was damaged: either way, write

    def save(self) -> None:
        """Write the entries of this build (and only those), atomically; a failure leaves no cache."""
        if self._changed or self._new.keys() != self._old.keys():
            _write(self.path, {"version": VERSION, "salt": self.salt, "entries": self._new})


_NAME = _names_of(Name)
_NAME_FIELDS: dict[str, Callable[[Any], Any]] = dict.fromkeys(_NAME, _text)
_REFERENCE = _names_of(Reference)
_REFERENCE_FIELDS: dict[str, Callable[[Any], Any]] = {
    **dict.fromkeys(("key", "type", "raw", "label"), _text),
    "fields": lambda v: {_text(k): _text(f) for k, f in v.items()},
    "authors": lambda v: tuple(Name(**_checked(n, _NAME, _NAME_FIELDS)) for n in _items(v)),
    "editors": lambda v: tuple(Name(**_checked(n, _NAME, _NAME_FIELDS)) for n in _items(v)),
    "line": _whole,
}
_LIBRARY = ("path", "references", "problems", "labels_digest")
"""The fields of :class:`Library` that :func:`_library` fills; another field: no library is kept."""


def _reference_record(reference: Reference) -> dict[str, Any]:
    record = _shallow(reference, _REFERENCE)
    record["authors"] = [_shallow(n, _NAME) for n in reference.authors]
    record["editors"] = [_shallow(n, _NAME) for n in reference.editors]
    return record


def _library(stored: dict[str, Any], path: str) -> Library:
    """The library a stored record describes; ``TypeError``/``KeyError``/``ValueError``/``AttributeError``
    if it is malformed."""
    if _names_of(Library) != _LIBRARY:
        raise KeyError("the library has fields this module does not fill")
    references = {}
    for key, record in stored["references"].items():
        reference = Reference(**_checked(record, _REFERENCE, _REFERENCE_FIELDS))
        if reference.key != key:
            raise ValueError("a reference kept under another key")
        references[key] = reference
    return Library(path=path, references=references, problems=(), labels_digest=_text(stored["labels_digest"]))


def load_library(cache: Path, text: str, path: str) -> Library:
    """:func:`.bibliography.parse_bibliography`, taken from ``cache`` when the text, its path and
    the code are those of an earlier build; a library without problems is kept there."""
    salt = _salted(hashlib.sha256(f"{path}\0{text}".encode()).hexdigest())
    stored = _read(cache, salt)
    if stored is not None:
        try:
            return _library(stored, path)
        except (TypeError, KeyError, ValueError, AttributeError):
            stored = None  # a malformed cache is no cache: parse the text
    library = parse_bibliography(text, path)
    if not library.problems:
        references = {key: _reference_record(reference) for key, reference in library.references.items()}
        _write(cache, {"version": VERSION, "salt": salt, "references": references, "labels_digest": library.labels_digest})
    return library

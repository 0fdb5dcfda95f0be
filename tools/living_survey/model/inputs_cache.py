"""Validated inputs kept between builds: entries by the exact bytes of their file, and the
parsed bibliography by the exact text of the ``.bib`` file.

Reading an entry file is most of what the plugin does before MkDocs starts, and on a rebuild almost
every file is unchanged. For a file whose bytes, path and id are those of an earlier build, read by
the same code (and the same libraries) against the same framework, the build takes the value its
YAML gave from here instead of parsing the YAML again; every check of an entry (the schema, the
vocabularies, the text rules, the position, the date) then runs on it exactly as on a freshly read
file, through the same function. A record that fails any check is dropped and its file is read
afresh. The bibliography is kept whole, by its exact text; a bibliography with any problem is
never kept. Checks across files (BibTeX keys, two placements by one placer, the ledger of page
ids) run on every build, cached inputs or not.

Nothing here trusts the cache folder. Every record is keyed by an HMAC of its file's bytes (or the
bibliography's text) with this machine's secret (:mod:`..core.keyed`), and every cache file carries an
HMAC of its content: a cache written elsewhere, copied, committed to the repository or edited is no
cache. Anything else wrong with it (missing, unreadable, too large, another version, a malformed
record) makes it an empty cache, never an error. ``living-survey validate`` does not use it: it
always reads every file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import math
import os
import sys
from collections.abc import Callable
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from ..core.keyed import keyed_digest, read_signed, signed
from ..core.yamlio import _CONTROL, MAX_DEPTH, Document
from .bibliography import Library, Name, Reference, parse_bibliography

VERSION = 2
"""2: records hold the YAML value of an entry file, keyed by an HMAC with the machine's secret."""


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
    # the whole package, its layer folders too: a checked entry is only as good as every reader's code
    todo = [("", resources.files("living_survey"))]
    while todo:
        prefix, folder = todo.pop()
        for item in sorted(folder.iterdir(), key=lambda p: p.name, reverse=True):
            if item.is_dir() and item.name != "__pycache__":
                todo.append((f"{prefix}{item.name}/", item))
            elif item.is_file() and item.name.endswith((".py", ".json")):
                digest.update(f"{prefix}{item.name}".encode() + b"\0" + item.read_bytes() + b"\0")
    return digest.hexdigest()


_SOURCE = _source_digest()


def _salted(secret: bytes, *parts: str) -> str:
    """What every record of a cache file depends on besides its own bytes: the format, the code and
    libraries, and ``parts`` (the framework; the bibliography's path and text), keyed."""
    return keyed_digest(secret, "living-survey inputs salt", str(VERSION).encode(), _SOURCE.encode(), *(p.encode("utf-8") for p in parts))


def _read(path: Path, secret: bytes, salt: str) -> dict[str, Any] | None:
    """The cache file's content if this machine wrote it, with this code and this salt."""
    body = read_signed(path, secret, f"living-survey inputs {path.name}")
    if body is None:
        return None
    try:
        stored = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than a record has
        return None
    if isinstance(stored, dict) and stored.get("version") == VERSION and stored.get("salt") == salt:
        return stored
    return None


def _write(path: Path, content: dict[str, Any], secret: bytes) -> None:
    """Replace the cache file atomically, signed; on failure there is no cache file, never half of one."""
    # not sorted: the library is in label order, fields and lines in the order of their file
    data = signed(secret, f"living-survey inputs {path.name}", json.dumps(content, ensure_ascii=False).encode("utf-8"))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.unlink(missing_ok=True)  # a link left in its place would be written through
        temporary.write_bytes(data)
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


def _plain(value: Any) -> bool:
    """Whether ``value`` is one the YAML reader could have built: mappings with text keys, lists,
    text without control characters, booleans, integers, finite numbers and nulls, nested at most
    :data:`~..core.yamlio.MAX_DEPTH` levels. Walked with a stack of its own, so no record can make it
    recurse, and checked before any check of an entry walks the value."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if _CONTROL.search(item):
                return False
        elif isinstance(item, float):
            if not math.isfinite(item):  # YAML's .nan and .inf are refused when read, and NaN passes every range check
                return False
        elif item is None or isinstance(item, int):
            continue
        elif depth >= MAX_DEPTH:
            return False
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str) or _CONTROL.search(key):
                    return False
                stack.append((child, depth + 1))
        else:
            return False
    return True


def _path(value: Any) -> tuple[str | int, ...]:
    parts = _items(value)
    if len(parts) > MAX_DEPTH + 1 or not all(isinstance(p, str) or (isinstance(p, int) and not isinstance(p, bool)) for p in parts):
        raise TypeError("a line's path is not a path of a value")
    return tuple(parts)


class EntryCache:
    """The entries of one build, read from and written back to ``path``.

    A record is the value an entry file's YAML gave and the line of each of its parts, kept only
    for a file that passed every check; :func:`.entries.load_entry` runs every check on it again.
    """

    def __init__(self, path: Path, salt: str, secret: bytes):
        self.path = path
        self.secret = secret
        self.salt = _salted(secret, salt)
        self._old: dict[str, Any] = {}
        self._new: dict[str, dict[str, Any]] = {}
        self._changed = False
        self.hits = 0
        stored = _read(path, secret, self.salt)
        if stored is not None and isinstance(stored.get("entries"), dict):
            self._old = stored["entries"]

    def key(self, display: str, entry_id: str, data: bytes) -> str:
        """What a file's validation depends on, besides the salt: where it is, its id, its bytes;
        keyed with the machine's secret, so that no one else can make a record for these bytes."""
        return keyed_digest(self.secret, "living-survey entry", self.salt.encode(), display.encode("utf-8"), entry_id.encode("utf-8"), data)

    def get(self, key: str, entry_id: str, display: str) -> Document | None:
        """The document read from these very bytes at an earlier build, if it is kept, is one the
        YAML reader could have made, and is the document of this file (a record under another
        file's key is no record). It has not been checked yet: the caller runs every check."""
        record = self._old.get(key)
        try:
            if not isinstance(record, dict) or record.keys() != {"id", "path", "value", "lines"}:
                return None
            if (record["id"], record["path"]) != (entry_id, display) or not _plain(record["value"]):
                return None
            lines = {_path(path): _whole(line) for path, line in _items(record["lines"])}
        except (TypeError, ValueError):
            return None
        return Document(value=record["value"], lines=lines)

    def keep(self, key: str) -> None:
        """The record under ``key`` passed every check: keep it for the next build."""
        self._new[key] = self._old[key]
        self.hits += 1

    def put(self, key: str, entry_id: str, display: str, doc: Document) -> None:
        """Keep the document of a file whose entry passed every check."""
        lines = [[list(path), line] for path, line in doc.lines.items()]
        self._new[key] = {"id": entry_id, "path": display, "value": doc.value, "lines": lines}
        self._changed = True  # a new file, or one whose record failed a check: either way, write

    def save(self) -> None:
        """Write the entries of this build (and only those), atomically; a failure leaves no cache."""
        if self._changed or self._new.keys() != self._old.keys():
            _write(self.path, {"version": VERSION, "salt": self.salt, "entries": self._new}, self.secret)


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


def load_library(cache: Path, text: str, path: str, secret: bytes) -> Library:
    """:func:`.bibliography.parse_bibliography`, taken from ``cache`` when the text, its path and
    the code are those of an earlier build on this machine; a library without problems is kept there."""
    salt = _salted(secret, path, text)
    stored = _read(cache, secret, salt)
    if stored is not None:
        try:
            return _library(stored, path)
        except (TypeError, KeyError, ValueError, AttributeError):
            stored = None  # a malformed cache is no cache: parse the text
    library = parse_bibliography(text, path)
    if not library.problems:
        references = {key: _reference_record(reference) for key, reference in library.references.items()}
        _write(cache, {"version": VERSION, "salt": salt, "references": references, "labels_digest": library.labels_digest}, secret)
    return library

"""A strict, safe YAML reader that remembers where every value came from.

PyYAML's loaders follow YAML 1.1, where ``no`` is ``False``, ``1.10`` is ``1.1`` and
``2023-01-01`` is a date. Contributors should never be surprised like that, so we compose the
node tree (libyaml when available) and build plain values ourselves with the YAML 1.2 core
schema, refusing tags, anchors, aliases, duplicate keys, tabs and non-UTF-8 input.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from .files import YAML_BYTES
from .files import read_file as read_file  # re-exported: the one guarded reader lives in files.py
from .problems import Problem

# libyaml is much faster; fall back to the pure-Python composer where it is missing.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = YAML_BYTES
"""Files larger than this are refused before parsing (entries are a few kilobytes)."""
MAX_DEPTH = 32
"""Values nested deeper than this are refused (an entry needs three levels)."""

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
_STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "merge", "value")
)

_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
"""Characters no field may hold: controls (a line break excepted), invisible direction marks and the
noncharacters U+FFFE and U+FFFF, which XML (the SVG figures) refuses outright. YAML's escapes
(``"\\0"``, ``"\\e[31m"``) can write them; they would reach terminals, HTML and CSV."""

Path = tuple[str | int, ...]


def field_name(path: Path) -> str:
    """``('quotes', 0, 'page')`` → ``quotes[0].page``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass
class Document:
    """A parsed YAML document: its value, and where each part of it stands in the file."""

    value: Any = None
    lines: dict[Path, int] = field(default_factory=dict)
    """1-based line of every mapping key and sequence item, by its path in the value."""
    raw: dict[Path, str] = field(default_factory=dict)
    """The source text of every unquoted scalar, to quote it back in messages."""

    def line(self, path: Path) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def plain_scalar(text: str) -> Any:
    """Resolve an unquoted scalar with the YAML 1.2 core schema."""
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _INT8.match(text):
        return int(text[2:], 8)
    if _INT16.match(text):
        return int(text[2:], 16)
    if _NAN.match(text):
        return math.nan
    if _FLOAT.match(text) or _INF.match(text):
        return float(text.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf"))
    return text


class _Builder:
    def __init__(self, path: str, doc: Document, problems: list[Problem]):
        self.path = path
        self.doc = doc
        self.problems = problems
        self.seen: set[int] = set()
        self.aliases_reported = bool(problems)
        self.depth_reported = False

    def fail(self, node: yaml.Node, message: str, where: Path = ()) -> None:
        self.problems.append(Problem(self.path, node.start_mark.line + 1, field_name(where), message))

    def text(self, node: yaml.Node, value: str, where: Path) -> bool:
        """Refuse control characters (and say which one): True if the text is clean."""
        bad = _CONTROL.search(value)
        if bad:
            char = bad.group(0)
            self.fail(node, f"contains the control character {char!r} (U+{ord(char):04X}), written with a YAML escape; remove it", where)
        return bad is None

    def build(self, node: yaml.Node, where: Path) -> Any:
        if len(where) > MAX_DEPTH:
            # the builder (and later the schema check) recurse: input must not choose how deep
            if not self.depth_reported:
                self.fail(node, f"values are nested more than {MAX_DEPTH} levels deep", where[:MAX_DEPTH])
                self.depth_reported = True
            return None
        # An alias composes to the very same node object: refusing a second visit refuses
        # aliases, and with them the exponential "billion laughs" expansion.
        if id(node) in self.seen:
            if not self.aliases_reported:
                self.fail(node, "anchors and aliases (&name, *name) are not allowed; write the value out")
            return None
        self.seen.add(id(node))
        if node.tag not in _STANDARD_TAGS:
            self.fail(node, f"YAML tags such as {node.tag!r} are not allowed")
            return None
        if isinstance(node, yaml.ScalarNode):
            if not self.text(node, node.value, where):
                return None
            if not node.style:  # plain: None from PyYAML, '' from libyaml
                self.doc.raw[where] = node.value
                try:
                    value = plain_scalar(node.value)
                except ValueError:  # Python refuses to read integers of more than 4,300 digits
                    self.fail(node, f"{node.value[:20]}… is a number with too many digits", where)
                    return None
                if isinstance(value, float) and not math.isfinite(value):
                    # .nan passes every minimum/maximum check, so it is refused here
                    self.fail(node, f"{node.value} is not a finite number", where)
                    return None
                return value
            return node.value
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, child in enumerate(node.value):
                self.doc.lines[(*where, i)] = child.start_mark.line + 1
                items.append(self.build(child, (*where, i)))
            return items
        assert isinstance(node, yaml.MappingNode)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _STANDARD_TAGS:
                self.fail(key_node, "mapping keys must be plain text")
                continue
            key = key_node.value
            if not self.text(key_node, key, where):
                continue
            if key == "<<":
                self.fail(key_node, "merge keys (<<) are not allowed")
                continue
            if key in mapping:
                first = self.doc.lines.get((*where, key), 0)
                self.fail(key_node, f"{key}: duplicate key (first given on line {first})")
                continue
            self.doc.lines[(*where, key)] = key_node.start_mark.line + 1
            mapping[key] = self.build(value_node, (*where, key))
        return mapping


def _anchor_problems(text: str, path: str) -> list[Problem]:
    """Anchors without aliases compose silently; find them in the event stream instead."""
    lines = [
        (event.start_mark.line + 1 if event.start_mark is not None else 1)
        for event in yaml.parse(text, Loader=_Loader)
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None)
    ]
    if not lines:
        return []
    # one message per file: an alias bomb would otherwise drown the rest of the report
    more = f" ({len(lines) - 1} more after this one)" if len(lines) > 1 else ""
    return [Problem(path, lines[0], "", f"anchors and aliases (&name, *name) are not allowed; write the value out{more}")]


def load_yaml(data: bytes, path: str, *, max_bytes: int = MAX_BYTES) -> tuple[Document, list[Problem]]:
    """Parse one YAML file strictly.

    Args:
        data: the file's bytes.
        path: the file's path as it should appear in messages.
        max_bytes: files above this size are refused unread.

    Returns:
        The document (its value is ``None`` when the file could not be read at all) and every
        problem found.
    """
    doc = Document()
    if len(data) > max_bytes:
        return doc, [Problem(path, 0, "", f"file is {len(data):,} bytes; the limit is {max_bytes:,}")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return doc, [Problem(path, line, "", f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8")]
    text = text.removeprefix("\ufeff")
    problems = [
        Problem(path, n, "", "contains a tab character; indent with spaces and write no tabs")
        for n, line in enumerate(text.split("\n"), 1)
        if "\t" in line
    ]
    if problems:
        return doc, problems
    try:
        if "&" in text or "*" in text:
            problems.extend(_anchor_problems(text, path))
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        reason = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            # e.g. an unclosed "[": say where it was opened as well as where parsing gave up
            reason += f" ({exc.context} started on line {exc.context_mark.line + 1})"
        return doc, [Problem(path, line, "", f"invalid YAML: {reason}")]
    except yaml.reader.ReaderError as exc:
        # a raw control character: the reader knows its offset, not its line
        line = text[: exc.position].count("\n") + 1
        return doc, [Problem(path, line, "", f"invalid YAML: the control character U+{exc.character:04X} is not allowed; remove it")]
    except yaml.YAMLError as exc:
        return doc, [Problem(path, 0, "", f"invalid YAML: {exc}")]
    if node is None:
        return doc, [Problem(path, 0, "", "the file is empty")]
    doc.lines[()] = node.start_mark.line + 1
    builder = _Builder(path, doc, problems)
    doc.value = builder.build(node, ())
    return doc, problems


def text_values(value: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string inside a YAML value, with its path, in document order (the value itself, at
    the empty path, is not one). Walked with a stack of its own: no value can make it recurse."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict):
            stack.extend(((*where, key), child) for key, child in reversed(list(item.items())))
        elif isinstance(item, list):
            stack.extend(((*where, i), child) for i, child in reversed(list(enumerate(item))))
        elif isinstance(item, str) and where:
            yield where, item

"""Entry files (``entries/<id>.yaml``) → validated :class:`Entry` records."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from .framework import Framework
from .problems import Problem
from .schema import make_validator, packaged_schema, validate
from .yamlio import load_yaml

ENTRY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Quote:
    """A verbatim passage supporting a placement.

    ``cite`` is the work whose words these are. ``via`` is set when the passage was read in another
    work that quotes it; ``page`` is then the page in ``via``, otherwise the page in ``cite``.
    """

    text: str
    cite: str
    page: str
    via: str | None = None
    cited_page: str | None = None
    """With ``via``: the page in ``cite``, as the ``via`` work gives it (if it gives one)."""


@dataclass(frozen=True)
class Entry:
    """One surveyed work, placed on the map."""

    id: str
    path: str
    """The file, relative to the project root."""
    key: str
    quadrant: str
    quotes: tuple[Quote, ...]
    rationale: str
    placed_by: str
    position: tuple[float, float] | None = None
    signal: tuple[str, ...] = ()
    edge_case: str | None = None
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    """The line of each top-level field, for messages about it."""
    drawn: bytes = field(default=b"", compare=False, hash=False)
    """The fields a map of the entries draws (id, quadrant, position, key, placed_by), serialised once at load
    so that a figure's cache key costs a join, not a walk over every entry."""

    def line(self, name: str) -> int:
        """The line of a field (1 if it is absent)."""
        return self.lines.get(name, 1)


def entry_schema(framework: Framework) -> dict[str, Any]:
    """The entry schema with the framework's quadrant ids and vocabularies filled in.

    This is the schema the loader enforces and the one published for contributors' editors.
    """
    schema = copy.deepcopy(packaged_schema("entry.schema.json"))
    props = schema["properties"]
    props["quadrant"]["enum"] = list(framework.quadrant_ids)
    for name, terms in framework.vocabularies.items():
        if name in props and props[name].get("type") == "array":
            props[name]["items"]["enum"] = [t.id for t in terms]
    return schema


def _position_problems(value: dict[str, Any], framework: Framework, file: str, line: int) -> list[Problem]:
    quadrant = framework.quadrant(value["quadrant"])
    problems = []
    for coordinate, axis, sign in zip(value["position"], (framework.x, framework.y), (quadrant.x, quadrant.y), strict=True):
        if coordinate * sign <= 0:
            side = "0 (on the dividing line)" if coordinate == 0 else f"{coordinate} ({axis.pole(-sign).label})"
            expected = "< 0" if sign < 0 else "> 0"
            problems.append(
                Problem(
                    file,
                    line,
                    "position",
                    f"{axis.key}={side} disagrees with quadrant {quadrant.id!r}, which is "
                    f"{axis.pole(sign).label} on {axis.name} (expected {axis.key} {expected})",
                )
            )
    return problems


def load_entry(
    path: Path, display: str, framework: Framework, validator: jsonschema.Draft7Validator
) -> tuple[Entry | None, list[Problem]]:
    """Read and validate one entry file; the entry is ``None`` when it has problems."""
    entry_id = path.stem
    problems = []
    if not ENTRY_ID.match(entry_id):
        problems.append(
            Problem(display, 0, "", f"file name {entry_id!r} is not a valid id: use lowercase letters, digits and single hyphens")
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [*problems, Problem(display, 0, "", f"cannot read: {exc.strerror}")]
    doc, found = load_yaml(data, display)
    problems += found
    if found:
        return None, problems
    if not isinstance(doc.value, dict):
        return None, [*problems, Problem(display, doc.line(()), "", "an entry must be a mapping of fields (key: value)")]
    found = validate(doc, validator, display)
    problems += found
    value = doc.value
    if not found and "position" in value:
        problems += _position_problems(value, framework, display, doc.line(("position",)))
    if problems:
        return None, problems
    lines = {str(k[0]): v for k, v in doc.lines.items() if len(k) == 1}
    return (
        Entry(
            id=entry_id,
            path=display,
            key=value["key"],
            quadrant=value["quadrant"],
            quotes=tuple(Quote(q["text"], q.get("cite", value["key"]), q["page"], q.get("via"), q.get("cited_page"))
                for q in value["quotes"]),
            rationale=value["rationale"],
            placed_by=value["placed_by"],
            position=tuple(value["position"]) if "position" in value else None,  # type: ignore[arg-type]
            signal=tuple(value.get("signal", ())),
            edge_case=value.get("edge_case"),
            lines=lines,
            drawn=repr((entry_id, value["quadrant"], value.get("position"), value["key"], value["placed_by"])).encode() + b"\n",
        ),
        [],
    )


def load_entries(folder: Path, root: Path, framework: Framework) -> tuple[list[Entry], list[Problem]]:
    """Load every ``*.yaml`` file of ``folder``, sorted by id.

    Files with other endings are reported, so that an ``entry.yml`` is not silently ignored.
    """
    validator = make_validator(entry_schema(framework))
    entries, problems = [], []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        display = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
        if path.name.startswith(".") or path.is_dir():
            continue
        if path.suffix != ".yaml":
            problems.append(Problem(display, 0, "", "entry files must end in .yaml"))
            continue
        entry, found = load_entry(path, display, framework, validator)
        problems += found
        if entry is not None:
            entries.append(entry)
    return entries, problems

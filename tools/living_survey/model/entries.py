"""Entry files (``entries/<id>.yaml``) → validated :class:`Entry` records."""

from __future__ import annotations

import copy
import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import jsonschema

from ..core.markup import markdown_problems
from ..core.problems import Problem, shown
from ..core.schema import make_validator, packaged_schema, validate
from ..core.yamlio import Document, field_name, load_yaml, read_file, text_values
from .framework import Framework
from .placeholders import placeholder_problems
from .scoring import axis_value, within

ENTRY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
"""An entry id: lowercase letters, digits and single hyphens (``\\Z``: no trailing line break)."""
RESERVED_IDS = frozenset({"index"})
"""Ids a generated page would collide with: ``entries/index`` is the entries folder's own page."""
_ONE_LINE = ("key", "quadrant", "placed_by", "page", "cited_page", "cite", "via", "signal", "locator")
"""Fields (and list items) that are names or numbers: one line, no surrounding spaces."""
_BLANK = {
    "rationale": "say in your own words why the work sits in its quadrant",
    "edge_case": "say why the placement is borderline, or remove the field",
    "placed_by": "write the BibTeX key of a published placement, or your GitHub handle (@name)",
    "text": "copy the passage verbatim from the work",
    "note": "say in a few words, your own, what the page shows",
}
"""Text fields that must say something, and what to write in them."""
_MARKDOWN = ("rationale", "edge_case")
"""Top-level fields rendered as Markdown."""


def id_problem(entry_id: str) -> str:
    """Why ``entry_id`` cannot be an entry id, or ``""`` if it can."""
    if not ENTRY_ID.match(entry_id):
        return f"{shown(entry_id)} is not a valid id: use lowercase letters, digits and single hyphens, e.g. smith-2024"
    if entry_id in RESERVED_IDS:
        return f"{shown(entry_id)} is reserved for a page the site makes itself; choose another id, e.g. smith-2024"
    return ""


@dataclass(frozen=True)
class Quote:
    """A verbatim passage supporting a placement.

    ``cite`` is the work whose words these are. ``via`` is set when the passage was read in another
    work that quotes it; ``page`` is then the page in ``via``, otherwise the page in ``cite``.
    """

    text: str
    cite: str
    page: str | None
    """The page, or :data:`ABSTRACT`; ``None`` when the quote gives a :attr:`locator` instead."""
    via: str | None = None
    cited_page: str | None = None
    """With ``via``: the page in ``cite``, as the ``via`` work gives it (if it gives one)."""
    locator: str | None = None
    """Where in the work, when a page does not say it: a section or a paragraph (``§3.2``, ``para. 4``)."""

    @property
    def in_abstract(self) -> bool:
        """Whether the contributor read the words in the work's abstract."""
        return self.page == ABSTRACT or (self.locator or "").lower() == ABSTRACT

    @property
    def where(self) -> str:
        """Where the words were read, as pages show it: ``p. 21``, ``abstract``, ``§3.2``, ``p. 4, §3.2``."""
        return where_read(self.page, self.locator)


def where_read(page: str | None, locator: str | None) -> str:
    """A page and a locator as pages show them: ``p. 21``, ``abstract``, ``§3.2``, ``p. 4, §3.2``."""
    parts = [] if page is None else [page if page == ABSTRACT else f"p. {page}"]
    if locator is not None and not (page == ABSTRACT and locator.lower() == ABSTRACT):
        parts.append(locator)
    return ", ".join(parts)


ABSTRACT = "abstract"
"""The ``page`` of a quote read in the work's abstract (checked against the record's ``abstract``)."""


@dataclass(frozen=True)
class Answer:
    """A placement's answer to one of the framework's questions, with its evidence.

    The evidence is one of the entry's quotes (``quote``, an index into ``quotes``, with an
    optional ``note``), or a place in the work (a ``page``, ``abstract``, or a ``locator`` such as
    ``§3.2``) with a short ``note`` in the placer's words."""

    question: str
    option: int
    quote: int | None = None
    page: str | None = None
    note: str | None = None
    locator: str | None = None

    @property
    def where(self) -> str:
        """The place in the work this answer's note points to (``p. 5``, ``abstract``, ``§3.2``); empty with a quote."""
        return where_read(self.page, self.locator)


@dataclass(frozen=True)
class Dataset:
    """A dataset the work releases or uses."""

    name: str
    url: str | None = None


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
    added: str = ""
    """The ISO date (YYYY-MM-DD) the entry was added to the survey."""
    organisation: str | None = None
    datasets: tuple[Dataset, ...] = ()
    answers: tuple[Answer, ...] = ()
    """Answers to the framework's questions, in the framework's question order."""
    computed: bool = False
    """Whether ``position`` was computed from the answers (the entry gives none of its own)."""
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    """The line of every field and list item, by its name (``quotes[0].cite``), for messages."""
    drawn: bytes = field(default=b"", compare=False, hash=False)
    """The fields a map of the entries draws (id, quadrant, position, key, placed_by), serialised once at load
    so that a figure's cache key costs a join, not a walk over every entry."""

    def line(self, name: str) -> int:
        """The line of a field such as ``quotes[0].cite``, else of the nearest enclosing one (else 1)."""
        while name:
            if name in self.lines:
                return self.lines[name]
            name = _PARENT.sub("", name)
        return 1


_PARENT = re.compile(r"(?:\[[0-9]+\]|\.[^.\[\]]*|^[^.\[\]]*)$")


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


def _answer_problems(value: dict[str, Any], framework: Framework, file: str, doc_line: Any) -> list[Problem]:
    """Answers name known questions and options, and give evidence that exists."""
    problems = []
    quotes = len(value["quotes"])
    known = [q.id for axis in framework.axes for q in axis.questions]
    for qid, answer in value.get("answers", {}).items():
        where = ("answers", qid)
        name = f"answers.{qid}"
        found = framework.question(qid)
        if found is None:
            listed = ", ".join(known) if known else "none: the framework asks no questions"
            problems.append(Problem(file, doc_line(where), name, f"{shown(qid)} is not one of the framework's questions ({listed})"))
            continue
        _, question = found
        if answer["option"] >= len(question.options):
            last = len(question.options) - 1
            message = f"{answer['option']} is not one of its options (0 to {last})"
            problems.append(Problem(file, doc_line((*where, "option")), f"{name}.option", message))
        if "quote" in answer:
            if answer["quote"] >= quotes:
                message = f"{answer['quote']} is not one of the entry's quotes (0 to {quotes - 1})"
                problems.append(Problem(file, doc_line((*where, "quote")), f"{name}.quote", message))
        elif not ("page" in answer or "locator" in answer) or "note" not in answer:
            message = (
                "gives no evidence: add quote (the index of one of the entry's quotes), or page (or locator) and note "
                '(the page of the work, "abstract" or a section such as "§3.2", and a short note in your words), '
                "or leave the question unanswered"
            )
            problems.append(Problem(file, doc_line(where), name, message))
    return problems


def _chosen(value: dict[str, Any]) -> dict[str, int]:
    return {qid: a["option"] for qid, a in value.get("answers", {}).items()}


def _answered_position_problems(value: dict[str, Any], framework: Framework, file: str, doc_line: Any) -> list[Problem]:
    """The answers' point lies in the entry's quadrant, and a given position lies within the nudge of it."""
    quadrant = framework.quadrant(value["quadrant"])
    nudge = framework.scoring.nudge
    chosen = _chosen(value)
    given = value.get("position")
    problems = []
    for i, (axis, sign) in enumerate(zip(framework.axes, (quadrant.x, quadrant.y), strict=True)):
        computed = axis_value(axis, chosen, framework.scoring)
        if computed is None:
            continue
        if given is not None:
            if not within(given[i], computed, framework.scoring):
                low, high = max(-1.0, computed - nudge), min(1.0, computed + nudge)
                message = (
                    f"{axis.key}={given[i]} lies outside the range its answers allow on {axis.name}: "
                    f"{computed:g} ± {nudge:g} (from {low:.2f} to {high:.2f}); move it, or change the answers"
                )
                problems.append(Problem(file, doc_line(("position",)), "position", message))
            continue
        if computed * sign <= 0:
            side = "0, on the dividing line" if computed == 0 else f"{computed:g} ({axis.pole(-sign).label})"
            message = (
                f"the answers put the work at {axis.key}={side}, but quadrant {quadrant.id!r} is {axis.pole(sign).label} "
                f"on {axis.name}; check the answers, or give a position within {nudge:g} of it"
            )
            problems.append(Problem(file, doc_line(("answers",)), "answers", message))
    return problems


def _text_problems(doc: Document, file: str) -> list[Problem]:
    """Blank text, and names or numbers spread over lines or padded with spaces."""
    problems: list[Problem] = []
    for where, value in text_values(doc.value):
        name = next(p for p in reversed(where) if isinstance(p, str))
        if len(where) == 1 and name in _MARKDOWN:
            problems.extend(Problem(file, doc.line(where), name, m) for m in markdown_problems(value))
        if name in _BLANK and value and not value.strip():
            problems.append(Problem(file, doc.line(where), field_name(where), f"is blank; {_BLANK[name]}"))
        elif name in _ONE_LINE and value.strip() and value != value.strip():
            what = "a line break" if "\n" in value else "spaces"
            message = f"{shown(value)} has {what} around it; write it on one line, without them"
            problems.append(Problem(file, doc.line(where), field_name(where), message))
    return problems


def _added_problems(value: dict[str, Any], file: str, line: int, today: datetime.date | None) -> list[Problem]:
    """``added`` is a real calendar date, not in the future (its YYYY-MM-DD form is the schema's job)."""
    try:
        added = datetime.date.fromisoformat(value["added"])
    except ValueError:
        return [Problem(file, line, "added", f"{value['added']!r} is not a real date (expected YYYY-MM-DD)")]
    # "today" where the day is furthest ahead (UTC+14), so that an entry dated by a contributor's
    # own calendar is never refused by a build running in UTC
    today = today or (datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=14)).date()
    if added > today:
        return [Problem(file, line, "added", f"{value['added']} is in the future (no calendar on Earth is past {today.isoformat()} yet)")]
    return []


def _dataset_url_problems(value: dict[str, Any], file: str, doc_line: Any) -> list[Problem]:
    # the schema's pattern lets a final newline through ('$' matches before it)
    datasets = value.get("datasets")
    return [
        Problem(file, doc_line(("datasets", i, "url")), f"datasets[{i}].url", "must not contain spaces or line breaks")
        for i, d in enumerate(datasets if isinstance(datasets, list) else ())
        if isinstance(d, dict) and isinstance(d.get("url"), str) and any(ch.isspace() or not ch.isprintable() for ch in d["url"])
    ]


class EntryCache(Protocol):
    """Entries validated at earlier builds, by what their validation depends on.

    :class:`living_survey.model.inputs_cache.EntryCache` is the one the survey loader passes; it is
    described here, not imported, so that the cache may build on this module and not the reverse.
    """

    def key(self, display: str, entry_id: str, data: bytes) -> str: ...

    def get(self, key: str, entry_id: str, display: str) -> Document | None: ...

    def keep(self, key: str) -> None: ...

    def put(self, key: str, entry_id: str, display: str, doc: Document) -> None: ...

    def save(self) -> None: ...


_DATE_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _is_position(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)


def _draft(entry_id: str, display: str, value: dict[str, Any], doc: Document, problems: list[Problem]) -> Entry:
    """An entry that has problems, kept for the checks against the bibliography (unknown keys,
    citations), so that they run in the same pass. A field with a problem of its own, or of the
    wrong type, is left empty (``""``), and those checks skip empty fields."""
    flawed = {p.field for p in problems}

    def text(path: tuple[str | int, ...], data: Any) -> str:
        name = field_name(path)
        if not isinstance(data, str) or any(f == name or f.startswith((name + ".", name + "[")) for f in flawed):
            return ""
        return data

    key = text(("key",), value.get("key"))
    quotes = []
    raw_quotes = value.get("quotes")
    for i, q in enumerate(raw_quotes if isinstance(raw_quotes, list) else ()):
        if isinstance(q, dict):
            cite = text(("quotes", i, "cite"), q.get("cite")) if "cite" in q else key
            quotes.append(
                Quote(
                    text(("quotes", i, "text"), q.get("text")),
                    cite,
                    text(("quotes", i, "page"), q.get("page")) or None,
                    text(("quotes", i, "via"), q.get("via")) or None,
                    locator=text(("quotes", i, "locator"), q.get("locator")) or None,
                )
            )
    edge_case = text(("edge_case",), value.get("edge_case"))
    return Entry(
        id=entry_id,
        path=display,
        key=key,
        quadrant="",
        quotes=tuple(quotes),
        rationale=text(("rationale",), value.get("rationale")),
        placed_by=text(("placed_by",), value.get("placed_by")),
        edge_case=edge_case or None,
        lines={field_name(k): v for k, v in doc.lines.items() if k},
    )


def load_entry(
    path: Path,
    display: str,
    framework: Framework,
    validator: jsonschema.Draft7Validator,
    root: Path | None = None,
    today: datetime.date | None = None,
    cache: EntryCache | None = None,
    drafts: list[Entry] | None = None,
) -> tuple[Entry | None, list[Problem]]:
    """Read and validate one entry file; the entry is ``None`` when it has problems.

    Args:
        root: the project folder; a file that resolves outside it is refused (default: the
            entry's own folder).
        today: the latest acceptable ``added`` date (default: today's date where it is latest).
        cache: entries validated at earlier builds; a file with the same bytes is taken from it,
            and a file that passes every check is kept in it. Not used with ``today``.
        drafts: where a file that has problems but reads as a mapping leaves its well-formed
            fields, for the checks against the bibliography (see :func:`_draft`).
    """
    entry_id = path.stem
    problems = []
    reason = id_problem(entry_id)
    if reason:
        problems.append(Problem(display, 0, "", f"file name {reason}"))
    data, found = read_file(path, display, root if root is not None else path.parent)
    if data is None:
        return None, [*problems, *found]
    if today is not None:
        cache = None
    key = cache.key(display, entry_id, data) if cache is not None and not problems else ""
    if key:
        assert cache is not None
        kept = cache.get(key, entry_id, display)
        if kept is not None:
            entry, found = _checked_entry(kept, entry_id, display, framework, validator, today)
            if entry is not None:
                cache.keep(key)
                return entry, []
            # a record that fails a check is no record: the file is read afresh below
    doc, found = load_yaml(data, display)
    problems += found
    if found:
        return None, problems
    entry, found = _checked_entry(doc, entry_id, display, framework, validator, today, drafts)
    if entry is None or problems:
        return None, [*problems, *found]
    if key:
        assert cache is not None
        cache.put(key, entry_id, display, doc)
    return entry, []


def _checked_entry(
    doc: Document,
    entry_id: str,
    display: str,
    framework: Framework,
    validator: jsonschema.Draft7Validator,
    today: datetime.date | None,
    drafts: list[Entry] | None = None,
) -> tuple[Entry | None, list[Problem]]:
    """Every check of one entry's value, and the entry it makes: the one path for a freshly read
    file and for a value kept by the build cache, so a kept value passes exactly the same checks.
    ``drafts``: see :func:`load_entry` (a kept value that fails is dropped, never a draft)."""
    if not isinstance(doc.value, dict):
        return None, [Problem(display, doc.line(()), "", "an entry must be a mapping of fields (key: value)")]
    problems = validate(doc, validator, display) + _text_problems(doc, display) + placeholder_problems(doc, display)
    value = doc.value
    # the checks of one field's meaning run on every field the schema found well formed, whatever
    # else is wrong with the file, so one run lists every problem of it
    if _is_position(value.get("position")) and value.get("quadrant") in framework.quadrant_ids:
        problems += _position_problems(value, framework, display, doc.line(("position",)))
    flawed = {p.field.split(".")[0].split("[")[0] for p in problems}
    if isinstance(value.get("answers"), dict) and not flawed & {"answers", "quotes"}:
        answer_problems = _answer_problems(value, framework, display, doc.line)
        problems += answer_problems
        placed = value.get("quadrant") in framework.quadrant_ids and "position" not in flawed
        if not answer_problems and placed and ("position" not in value or _is_position(value["position"])):
            problems += _answered_position_problems(value, framework, display, doc.line)
    if isinstance(value.get("added"), str) and _DATE_FORM.fullmatch(value["added"]):
        problems += _added_problems(value, display, doc.line(("added",)), today)
    problems += _dataset_url_problems(value, display, doc.line)
    if problems:
        if drafts is not None:
            drafts.append(_draft(entry_id, display, value, doc, problems))
        return None, problems
    lines = {field_name(k): v for k, v in doc.lines.items() if k}
    position, computed = _position(value, framework)
    entry = Entry(
        id=entry_id,
        path=display,
        key=value["key"],
        quadrant=value["quadrant"],
        quotes=tuple(
            Quote(q["text"], q.get("cite", value["key"]), q.get("page"), q.get("via"), q.get("cited_page"), q.get("locator"))
            for q in value["quotes"]
        ),
        rationale=value["rationale"],
        placed_by=value["placed_by"],
        position=position,
        signal=tuple(value.get("signal", ())),
        edge_case=value.get("edge_case"),
        added=value["added"],
        organisation=value.get("organisation"),
        datasets=tuple(Dataset(d["name"], d.get("url")) for d in value.get("datasets", ())),
        answers=_answers(value, framework),
        computed=computed,
        lines=lines,
        drawn=repr((entry_id, value["quadrant"], position, value["key"], value["placed_by"])).encode() + b"\n",
    )
    return entry, []


def _answers(value: dict[str, Any], framework: Framework) -> tuple[Answer, ...]:
    """The entry's answers, in the framework's question order."""
    given = value.get("answers", {})
    return tuple(
        Answer(
            q.id,
            given[q.id]["option"],
            given[q.id].get("quote"),
            given[q.id].get("page"),
            given[q.id].get("note"),
            given[q.id].get("locator"),
        )
        for axis in framework.axes
        for q in axis.questions
        if q.id in given
    )


def _position(value: dict[str, Any], framework: Framework) -> tuple[tuple[float, float] | None, bool]:
    """The entry's position and whether it was computed: its own, else its answers' point when
    they give both coordinates, else none (the figure then places it inside its quadrant)."""
    if "position" in value:
        x, y = value["position"]
        return (x, y), False
    chosen = _chosen(value)
    x, y = (axis_value(axis, chosen, framework.scoring) for axis in framework.axes)
    if x is None or y is None:
        return None, False
    return (x, y), True


def load_entries(
    folder: Path, root: Path, framework: Framework, cache: EntryCache | None = None, drafts: list[Entry] | None = None
) -> tuple[list[Entry], list[Problem]]:
    """Load every ``*.yaml`` file of ``folder``, sorted by id.

    Files with other endings are reported, so that an ``entry.yml`` is not silently ignored; so
    are hidden files and folders named ``*.yaml``. Other folders and hidden files are skipped.
    ``cache``: see :func:`load_entry`; it is written back once every file has been read.
    ``drafts``: see :func:`load_entry`.
    """
    validator = make_validator(entry_schema(framework))
    entries, problems = [], []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        display = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
        if path.name.startswith("."):
            # ".#x.yaml" is an editor's lock file, not a contribution
            if path.name.endswith(".yaml") and not path.name.startswith(".#"):
                problems.append(Problem(display, 0, "", "a hidden file (its name starts with '.') is not read; rename it to <id>.yaml"))
            continue
        if path.is_dir():
            if path.suffix == ".yaml":
                problems.append(Problem(display, 0, "", "is a folder; an entry must be a file <id>.yaml"))
            continue
        if path.suffix != ".yaml":
            problems.append(Problem(display, 0, "", "entry files must end in .yaml"))
            continue
        entry, found = load_entry(path, display, framework, validator, root, cache=cache, drafts=drafts)
        problems += found
        if entry is not None:
            entries.append(entry)
    if cache is not None:
        cache.save()
    return entries, problems

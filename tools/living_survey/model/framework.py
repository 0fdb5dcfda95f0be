"""The survey's framework — axes, poles, quadrants, vocabularies — loaded from configuration.

Nothing in the engine knows the source paper's 2×2: every name comes from the framework file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.files import read_file
from ..core.problems import Problem, SurveyError
from ..core.schema import make_validator, packaged_schema, validate
from ..core.yamlio import Document, load_yaml


@dataclass(frozen=True)
class Pole:
    """One end of an axis."""

    label: str
    summary: str


@dataclass(frozen=True)
class Option:
    """One answer to a guiding question, scored from -1 (negative pole) to +1 (positive pole).

    ``score`` is ``None`` for an answer that leans toward neither pole and is not counted (where
    the framework's source gives the answer no bearing on the axis)."""

    text: str
    score: float | None


@dataclass(frozen=True)
class Question:
    """A guiding question for one axis, with the answers a reader can give."""

    id: str
    text: str
    options: tuple[Option, ...]
    hint: str = ""


@dataclass(frozen=True)
class Axis:
    """A decision every entry makes, drawn from -1 (negative pole) to +1 (positive pole)."""

    key: str
    name: str
    negative: Pole
    positive: Pole
    decision: str = ""
    description: str = ""
    questions: tuple[Question, ...] = ()

    def pole(self, sign: int) -> Pole:
        """The pole on the side of ``sign``."""
        return self.negative if sign < 0 else self.positive


def _question(raw: dict[str, Any]) -> Question:
    options = tuple(Option(o["text"], None if o["score"] is None else float(o["score"])) for o in raw["options"])
    return Question(id=raw["id"], text=raw["text"], options=options, hint=raw.get("hint", ""))


@dataclass(frozen=True)
class Quadrant:
    """One combination of the axes' poles."""

    id: str
    title: str
    x: int
    y: int
    summary: str
    description: str
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    """One term of a controlled vocabulary."""

    id: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Scoring:
    """The one rule that turns an axis's answered questions into its coordinate (see ``scoring.py``).

    The defaults are the rule the locator has always used, for framework files that name none."""

    rule: str = "mean"
    decimals: int = 2
    nudge: float = 0.1
    """How far an entry's own position may sit from its answers' point, per axis (label legibility)."""


@dataclass(frozen=True)
class Framework:
    """The axes, quadrants and vocabularies of a survey."""

    title: str
    x: Axis
    y: Axis
    quadrants: tuple[Quadrant, ...]
    vocabularies: dict[str, tuple[Term, ...]]
    scoring: Scoring = Scoring()

    def quadrant(self, quadrant_id: str) -> Quadrant:
        """The quadrant with this id (KeyError if there is none)."""
        for quadrant in self.quadrants:
            if quadrant.id == quadrant_id:
                return quadrant
        raise KeyError(quadrant_id)

    @property
    def quadrant_ids(self) -> tuple[str, ...]:
        """Quadrant ids in configuration order."""
        return tuple(q.id for q in self.quadrants)

    @property
    def axes(self) -> tuple[Axis, Axis]:
        """The axes, x first."""
        return (self.x, self.y)

    def question(self, question_id: str) -> tuple[Axis, Question] | None:
        """The axis and question with this id, if the framework has one."""
        for axis in self.axes:
            for q in axis.questions:
                if q.id == question_id:
                    return axis, q
        return None

    def term(self, vocabulary: str, term_id: str) -> Term:
        """A vocabulary term by id (KeyError if unknown)."""
        for term in self.vocabularies.get(vocabulary, ()):
            if term.id == term_id:
                return term
        raise KeyError(term_id)


def _axis(key: str, raw: dict[str, Any]) -> Axis:
    return Axis(
        key=key,
        name=raw["name"],
        negative=Pole(**raw["negative"]),
        positive=Pole(**raw["positive"]),
        decision=raw.get("decision", ""),
        description=raw.get("description", ""),
        questions=tuple(_question(q) for q in raw.get("questions", ())),
    )


def _question_problems(raw: dict[str, Any], doc: Document, display: str) -> list[Problem]:
    """Question ids unique across the axes (they name answers in URLs); option texts unique per question."""
    problems = []
    seen: dict[str, str] = {}
    for key in ("x", "y"):
        for i, q in enumerate(raw["axes"][key].get("questions", ())):
            where = ("axes", key, "questions", i)
            name = f"axes.{key}.questions[{i}]"
            if q["id"] in seen:
                problems.append(Problem(display, doc.line((*where, "id")), f"{name}.id", f"{q['id']!r} is already used by {seen[q['id']]}"))
            seen.setdefault(q["id"], name)
            texts = [o["text"] for o in q["options"]]
            for text in sorted({t for t in texts if texts.count(t) > 1}):
                problems.append(Problem(display, doc.line((*where, "options")), f"{name}.options", f"{text!r} is listed twice"))
    return problems


def load_framework(path: Path, display: str, root: Path | None = None) -> Framework:
    """Read and validate a framework file.

    Args:
        path: the file to read.
        display: its path as shown in messages (relative to the project root).
        root: the project root, inside which the file must lie (default: the file's folder).

    Raises:
        SurveyError: listing every problem in the file.
    """
    data, unread = read_file(path, display, root if root is not None else path.parent)  # the guarded reader
    if data is None:
        raise SurveyError(unread)
    doc, problems = load_yaml(data, display)
    if not problems:
        problems = validate(doc, make_validator(packaged_schema("framework.schema.json")), display)
    if not problems:
        problems = _question_problems(doc.value, doc, display)
        seen: dict[tuple[int, int], str] = {}
        ids: set[str] = set()
        for i, q in enumerate(doc.value["quadrants"]):
            line = doc.line(("quadrants", i))
            if q["id"] in ids:
                problems.append(Problem(display, line, f"quadrants[{i}].id", f"{q['id']!r} is used twice"))
            ids.add(q["id"])
            corner = (q["x"], q["y"])
            if corner in seen:
                problems.append(Problem(display, line, f"quadrants[{i}]", f"x={q['x']}, y={q['y']} is already {seen[corner]!r}"))
            seen[corner] = q["id"]
        for name, terms in doc.value.get("vocabularies", {}).items():
            term_ids = [t["id"] for t in terms]
            for tid in sorted({t for t in term_ids if term_ids.count(t) > 1}):
                problems.append(Problem(display, doc.line(("vocabularies", name)), f"vocabularies.{name}", f"{tid!r} is listed twice"))
    if problems:
        raise SurveyError(problems)
    raw = doc.value
    return Framework(
        title=raw.get("title", "Survey"),
        x=_axis("x", raw["axes"]["x"]),
        y=_axis("y", raw["axes"]["y"]),
        quadrants=tuple(
            Quadrant(
                id=q["id"],
                title=q["title"],
                x=q["x"],
                y=q["y"],
                summary=q["summary"],
                description=q["description"],
                questions=tuple(q.get("questions", ())),
            )
            for q in raw["quadrants"]
        ),
        vocabularies={
            name: tuple(Term(t["id"], t["label"], t.get("description", "")) for t in terms)
            for name, terms in raw.get("vocabularies", {}).items()
        },
        scoring=Scoring(**raw["scoring"]) if "scoring" in raw else Scoring(),
    )

"""Placements' answers to the framework's questions, as readers see them.

- :func:`answer_rows`: an entry's answers, each with its evidence ("p. 5: “…”").
- :func:`differences`: the questions that two or more placements of one work answered with
  different options, each side with its evidence.
- :func:`agreement`: per question, how far placers agree across the works placed more than once
  (Krippendorff's alpha, nominal: an answer is one of a question's options, and two options are
  simply different).

Everything here is plain data for the templates, which escape it. Nothing names a question:
they all come from the framework file.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import krippendorff
import numpy as np
from markupsafe import Markup

from .entries import Answer, Entry, Quote
from .framework import Axis, Framework, Question

Attribution = Callable[[Quote], Markup]
"""Whose words a quote is and its page, as the pages write it next to every quote."""

EVIDENCE_QUOTE = 64
"""Longest quote excerpt shown as an answer's evidence, in characters (cut between words)."""


def _short(text: str, limit: int = EVIDENCE_QUOTE) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def evidence_html(entry: Entry, answer: Answer, attribution: Attribution) -> Markup:
    """An answer's evidence as HTML: the quote (shortened) with its attribution, as every quote on
    the site carries one, then the note; or the page and the note. Contributed text is escaped."""
    note = " ".join((answer.note or "").split())
    if answer.quote is not None and answer.quote < len(entry.quotes):
        quote = entry.quotes[answer.quote]
        out = Markup('<q>{}</q> <span class="ls-quote-source">\u2014 {}</span>').format(_short(quote.text), attribution(quote))
        return out + (Markup("; {}").format(note) if note else Markup(""))
    return Markup("{}: {}").format(answer.where, note) if answer.where else Markup("{}").format(note)


def evidence_text(entry: Entry, answer: Answer) -> str:
    """An answer's evidence in a line: ``p. 5: “which summary is best”; a note``, ``§3.2: a note`` (every run of
    white space one space, so that no line break of a note can end an HTML block early)."""
    note = " ".join((answer.note or "").split())
    if answer.quote is not None and answer.quote < len(entry.quotes):
        quote = entry.quotes[answer.quote]
        text = f"{quote.where}: \u201c{_short(quote.text)}\u201d"
        return text + (f"; {note}" if note else "")
    return f"{answer.where}: {note}" if answer.where else note


def _found(framework: Framework, answer: Answer) -> tuple[Axis, Question] | None:
    found = framework.question(answer.question)
    if found is None or not 0 <= answer.option < len(found[1].options):
        return None
    return found


def answer_rows(entry: Entry, framework: Framework, attribution: Attribution) -> list[dict[str, Any]]:
    """The entry's answers in the framework's order: axis, question, chosen option, evidence (HTML)."""
    rows = []
    for answer in entry.answers:
        found = _found(framework, answer)
        if found is None:
            continue
        axis, question = found
        rows.append(
            {
                "id": question.id,
                "axis": axis.name,
                "question": question.text,
                "option": question.options[answer.option].text,
                "evidence": evidence_html(entry, answer, attribution),
            }
        )
    return rows


def differences(placements: Iterable[Entry], framework: Framework, attribution: Attribution | None = None) -> list[dict[str, Any]]:
    """Questions answered with different options by placements of one work.

    Each row has the question and one side per placement that answered it (entry id, option,
    evidence as text, and as HTML with ``attribution``); a placement that left the question
    unanswered is not a side.
    """
    placements = list(placements)
    rows = []
    for axis in framework.axes:
        for question in axis.questions:
            sides = []
            for entry in placements:
                answer = next((a for a in entry.answers if a.question == question.id), None)
                if answer is None or not 0 <= answer.option < len(question.options):
                    continue
                sides.append(
                    {
                        "entry": entry.id,
                        "option_index": answer.option,
                        "option": question.options[answer.option].text,
                        "evidence": evidence_text(entry, answer),
                        "evidence_html": evidence_html(entry, answer, attribution) if attribution else None,
                    }
                )
            if len({s["option_index"] for s in sides}) > 1:
                rows.append({"id": question.id, "axis": axis.name, "question": question.text, "sides": sides})
    return rows


@dataclass(frozen=True)
class Agreement:
    """How far placers agree on one question, across works placed more than once."""

    question: Question
    axis: Axis
    works: int
    """Works with at least two placements answering the question."""
    alpha: float | None
    """Krippendorff's alpha (nominal), or None when it is not defined."""
    note: str
    """Why there is no alpha, or "" when there is one."""


def nominal_alpha(units: list[list[int]]) -> float | None:
    """Krippendorff's alpha for nominal values: one list of values per unit (at least two each).

    ``None`` when it is undefined: no unit with two values, or a single value throughout (no
    disagreement is possible, so agreement cannot be told from chance).
    """
    units = [u for u in units if len(u) >= 2]
    if not units or len({v for u in units for v in u}) < 2:
        return None
    coders = max(len(u) for u in units)
    matrix = np.full((coders, len(units)), np.nan)
    for column, unit in enumerate(units):
        matrix[: len(unit), column] = unit
    value = float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))
    return None if math.isnan(value) else value


def agreement(works: Iterable[Iterable[Entry]], framework: Framework) -> list[Agreement]:
    """Per question of the framework: alpha across the works whose placements answer it twice or more."""
    works = [list(w) for w in works]
    out = []
    for axis in framework.axes:
        for question in axis.questions:
            units = []
            for placements in works:
                values = [a.option for e in placements for a in e.answers if a.question == question.id]
                if len(values) >= 2:
                    units.append(values)
            alpha = nominal_alpha(units)
            if not units:
                note = "no work has two placements that answer it"
            elif alpha is None:
                note = "every placement chose the same option: full agreement, though alpha is undefined"
            else:
                note = ""
            out.append(Agreement(question, axis, len(units), alpha, note))
    return out

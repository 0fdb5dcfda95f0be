"""Quotes read in a work's abstract are checked against the abstract its BibTeX record carries.

A contributor who found only the abstract marks the quote ``page: abstract``. Where the record
has an ``abstract`` field (decoded from LaTeX as every displayed field is), the quote must be in
it word for word once runs of white space are made single spaces. An ellipsis (``…`` or ``...``)
in the quote marks words left out: the parts around it must appear in that order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..core.problems import Problem, shown
from .bibliography import Library
from .entries import Entry

_ELLIPSIS = re.compile(r" ?(?:…|\.\.\.) ?")
"""Words left out of a quote; the text is whitespace-normalised first, so each side has at most one space."""


def normalise(text: str) -> str:
    """Runs of white space as single spaces, none at the ends."""
    return " ".join(text.split())


def _missing(quote: str, abstract: str) -> str | None:
    """The first part of ``quote`` (between ellipses) that is not in ``abstract`` after the parts
    before it, or ``None`` when the whole quote is there."""
    start = 0
    for part in (p for p in _ELLIPSIS.split(quote) if p):
        found = abstract.find(part, start)
        if found < 0:
            return part
        start = found + len(part)
    return None


def _longest_prefix(part: str, abstract: str) -> str:
    """The longest run of ``part``'s first words that the abstract holds (bisected: each try is one search)."""
    words = part.split(" ")
    low, high = 0, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        if " ".join(words[:middle]) in abstract:
            low = middle
        else:
            high = middle - 1
    return " ".join(words[:low])


def abstract_problems(entries: Iterable[Entry], library: Library) -> list[Problem]:
    """Every quote marked as read in an abstract that is not in the record's ``abstract`` field."""
    problems = []
    for entry in entries:
        for i, quote in enumerate(entry.quotes):
            if not quote.in_abstract or not quote.text:
                continue
            # the page names the work the words were read in: the via work when there is one
            key = quote.via or quote.cite
            ref = library.references.get(key)
            abstract = normalise(ref.get("abstract")) if ref is not None else ""
            if not abstract:
                continue
            part = _missing(normalise(quote.text), abstract)
            if part is None:
                continue
            prefix = _longest_prefix(part, abstract)
            if prefix:
                rest = part[len(prefix) :].strip()
                detail = f"it follows the abstract as far as {shown(prefix[-40:])}, then differs at {shown(rest, 40)}"
            else:
                detail = f"the abstract has no {shown(part, 40)}"
            where = f"quotes[{i}].text"
            message = (
                f"is not in the abstract of {key!r} ({library.path}:{ref.line if ref else 0}) even with white space "
                f"normalised: {detail}; copy the words exactly (mark left-out words with …), or give the page you read them on"
            )
            problems.append(Problem(entry.path, entry.line(where), where, message))
    return problems

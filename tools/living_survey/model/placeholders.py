"""The placeholder texts of the entry templates, and the check that refuses an entry holding one.

``living-survey new`` marks what a contributor must fill in with :data:`TODO`; the locator's
ready-to-paste entry (its page without JavaScript, and ``assets/locator.js``, which reads the
texts from the page's data) writes :data:`HANDLE` and a rationale sentence to replace. The
templates take these texts from here and validation looks for the very same texts, so the two
cannot drift apart.
"""

from __future__ import annotations

import re

from ..core.problems import Problem
from ..core.yamlio import Document, field_name, text_values

TODO = "TODO"
"""The marker ``living-survey new`` puts on each field to fill in."""
HANDLE = "@your-handle"
"""The locator's ``placed_by``."""
RATIONALE = "Explain here, in your own words and with the quotes above, why the work sits there."
"""The last line of the rationale the locator's script writes."""
RATIONALE_SKELETON = "Why the work sits there, in your own words."
"""The rationale of the locator's skeleton entry (the page without JavaScript)."""

TEXTS: dict[str, str] = {
    HANDLE: "write your own GitHub handle with its @ (e.g. @octocat), or the key of a published placement",
    RATIONALE: "replace it with your own sentences on why the work sits there",
    RATIONALE_SKELETON: "replace it with your own sentences on why the work sits there",
}
"""Each template text, and what to write instead."""

_TODO = re.compile(rf"\b{TODO}\b")


def _normal(text: str) -> str:
    # a template line may have been wrapped, or its spaces changed, on the way into the file
    return " ".join(text.split())


_NORMAL_TEXTS = {_normal(text): hint for text, hint in TEXTS.items()}


def placeholder_problems(doc: Document, file: str) -> list[Problem]:
    """Every template text, and every TODO marker, left in a value of an entry, each at its field's line."""
    problems: list[Problem] = []
    for where, value in text_values(doc.value):
        normal = _normal(value)
        for text, hint in _NORMAL_TEXTS.items():
            if text in normal:
                shown = text if len(text) <= 40 else text[:39] + "…"
                problems.append(Problem(file, doc.line(where), field_name(where), f"still holds the template's {shown!r}; {hint}"))
        if _TODO.search(value):
            problems.append(
                Problem(file, doc.line(where), field_name(where), f"still holds a {TODO} marker; fill in the field and remove it")
            )
    return problems

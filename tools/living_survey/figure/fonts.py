"""Fonts for the drawn figures: a fallback list with broad coverage, and a check that every label
can be drawn before anything is drawn.

matplotlib (3.6+) falls back glyph by glyph through the families of ``font.family``. Its own
DejaVu Sans covers Latin, Greek, Cyrillic, Hebrew and Arabic; CJK and other scripts come from
whichever of the listed families are installed. A label holding a character that none of them
can draw would come out as empty boxes, so the build stops instead, naming the record.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from ..core.problems import Problem, SurveyError
from ..model.survey import Survey

FAMILIES = (
    "DejaVu Sans",
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
    "Noto Sans CJK TC",
    "Noto Sans CJK KR",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "Noto Sans",
    "Noto Sans Devanagari",
    "Noto Sans Thai",
    "Noto Sans Bengali",
    "Noto Sans Tamil",
    "Noto Sans Georgian",
    "Noto Sans Armenian",
    "Noto Sans Ethiopic",
)
"""The families tried, in order, for each glyph; those not installed are skipped."""


def font_families_key() -> tuple[str, ...]:
    """What the cache key records of the fonts (no matplotlib import on a cache hit)."""
    return FAMILIES


@lru_cache(maxsize=1)
def available_families() -> tuple[str, ...]:
    """The listed families that matplotlib can find on this machine, in order."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return tuple(f for f in FAMILIES if f in names)


@lru_cache(maxsize=1)
def _coverage() -> tuple[frozenset[int], ...]:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    out = []
    for family in available_families():
        path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        out.append(frozenset(FT2Font(path).get_charmap()))
    return tuple(out)


def missing_glyphs(text: str) -> list[str]:
    """The characters of ``text`` that no available family can draw (spaces and marks aside)."""
    cover = _coverage()
    missing = []
    for char in text:
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Mn") or char in missing:
            continue
        if not any(ord(char) in c for c in cover):
            missing.append(char)
    return missing


def _describe(chars: list[str]) -> str:
    shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in chars[:5])
    return shown + (f" and {len(chars) - 5} more" if len(chars) > 5 else "")


def glyph_problems(survey: Survey) -> list[Problem]:
    """Every drawn text holding characters that no installed font can draw, located at its source."""
    families = ", ".join(available_families()) or "none"
    hint = f"no installed font can draw it (tried {families}); install a font covering these characters (e.g. Debian's fonts-noto-cjk)"
    problems = []
    library = survey.library
    for key in sorted({e.key for e in survey.entries}):
        ref = library.references.get(key)
        chars = missing_glyphs(ref.label) if ref else []
        if ref and chars:
            where = ", ".join(e.path for e in survey.entries_for_key(key))
            message = f"Figure 1 draws the label {ref.label!r} (for {where}): {_describe(chars)}: {hint}"
            problems.append(Problem(library.path, ref.line, f"@{ref.type}{{{ref.key}", message))
    fw = survey.framework
    texts = [fw.x.name, fw.x.negative.label, fw.x.positive.label, fw.y.name, fw.y.negative.label, fw.y.positive.label]
    texts += [q.title for q in fw.quadrants]
    for text in texts:
        chars = missing_glyphs(text)
        if chars:
            problems.append(Problem("framework", 0, "", f"Figure 1 (the framework's names) draws {text!r}: {_describe(chars)}: {hint}"))
    return problems


def check_glyphs(survey: Survey) -> None:
    """Stop before drawing when a label would come out as empty boxes.

    Raises:
        SurveyError: one problem per text that cannot be drawn.
    """
    problems = glyph_problems(survey)
    if problems:
        raise SurveyError(problems)

"""Formatted references (APA-like), as escaped HTML or plain text, from one description, and the
author part of the author–year labels.

Hand-written because the display needs per-part escaping and link control that a CSL engine
would hide; the rules are few: authors, year, title, venue, locators, link.
"""

from __future__ import annotations

import re

from markupsafe import Markup

from ...core.markup import esc
from .records import Name, Reference

_MAX_AUTHORS = 20  # APA 7 lists up to 20 authors, then an ellipsis and the last one
_STANDALONE = {"book", "misc", "techreport", "phdthesis", "mastersthesis", "manual", "online", "unpublished", "dataset", "software"}

Part = tuple[str, str]
"""(style, text): style is "" for plain text, "em" for italics, "link" for a URL."""


def name_list(names: tuple[Name, ...]) -> str:
    """``A, B., C, D., & E, F.`` with ``et al.`` for ``and others`` and APA's 20-name cut."""
    real = [n.sorted_form() for n in names if not n.is_others]
    etal = len(real) < len(names)
    if len(real) > _MAX_AUTHORS:
        return ", ".join(real[: _MAX_AUTHORS - 1]) + ", … " + real[-1]
    if etal:
        return ", ".join(real) + ", et al."
    if len(real) <= 1:
        return "".join(real)
    if len(real) == 2:
        return f"{real[0]}, & {real[1]}"
    return ", ".join(real[:-1]) + ", & " + real[-1]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def creators_text(ref: Reference) -> str:
    """The creators as a reference list prints them: ``Alpha, A., & Beta, B.``, ``Eds.`` marked."""
    creators = ref.creators
    if creators.role == "editor":
        return name_list(creators.people) + (" (Ed.)" if len(creators.people) == 1 else " (Eds.)")
    return name_list(creators.people) if creators.people else creators.body


BYLINE_NAMES = 3
"""A byline names at most this many creators, then ``et al.``."""


def byline(ref: Reference) -> str:
    """Who made the work, short: ``Bai, Y., Kadavath, S., Kundu, S., et al.``.

    The entry page's byline and the feeds show this; the reference list and the data files keep
    every name (:func:`creators_text`, :attr:`.Creators.full_names`).
    """
    creators = ref.creators
    if len(creators.people) <= BYLINE_NAMES:
        return creators_text(ref)
    real = [n for n in creators.people if not n.is_others]
    names = ", ".join(n.sorted_form() for n in real[:BYLINE_NAMES]) + ", et al."
    return names + (" (Eds.)" if creators.role == "editor" else "")


def _full_stop(parts: list[Part]) -> None:
    # an abbreviated venue ("Proc.") already ends the sentence: never print ".."
    if not parts[-1][1].endswith((".", "?", "!")):
        parts.append(("", "."))


def reference_parts(ref: Reference) -> list[Part]:
    """The formatted reference as styled parts, before any escaping."""
    parts: list[Part] = []
    who = creators_text(ref)
    year = ref.year
    if who:
        parts.append(("", f"{_sentence(who)} ({year}). "))
    else:
        parts.append(("", f"({year}). "))
    title = _sentence(ref.title)
    if ref.type in _STANDALONE:
        parts.append(("em", title))
    else:
        parts.append(("", title))
    if ref.type == "article":
        journal = ref.get("journal")
        if journal:
            parts.append(("", " "))
            parts.append(("em", journal))
            if ref.get("volume"):
                parts.append(("", ", "))
                parts.append(("em", ref.get("volume")))
            if ref.get("number"):
                parts.append(("", f"({ref.get('number')})"))
            if ref.get("pages"):
                parts.append(("", f", {ref.get('pages')}"))
            _full_stop(parts)
    elif ref.type in ("inproceedings", "incollection", "inbook", "conference"):
        book = ref.get("booktitle")
        if book:
            parts.append(("", " In "))
            if ref.editors:
                eds = name_list(ref.editors)
                parts.append(("", f"{eds} ({'Ed.' if len(ref.editors) == 1 else 'Eds.'}), "))
            parts.append(("em", book))
            if ref.get("pages"):
                parts.append(("", f" (pp. {ref.get('pages')})"))
            _full_stop(parts)
    else:
        extra = ref.get("howpublished") or ref.get("note")
        if extra and not extra.lower().startswith(("http://", "https://")):
            parts.append(("", f" {_sentence(extra)}"))
    publisher = ref.get("publisher")
    if publisher and ref.type != "article":
        parts.append(("", f" {_sentence(publisher)}"))
    if ref.arxiv and not ref.doi:
        parts.append(("", f" arXiv:{ref.arxiv}."))
    if ref.link:
        parts.append(("", " "))
        parts.append(("link", ref.link))
    return parts


def reference_html(ref: Reference) -> Markup:
    """The formatted reference as safe HTML; every field escaped, only http(s) links."""
    out = []
    for style, text in reference_parts(ref):
        # esc, not escape: an "@" from BibTeX must not read as a citation to a later pass
        if style == "em":
            out.append(Markup("<em>{}</em>").format(_linked(text)))
        elif style == "link":
            out.append(Markup('<a href="{0}">{0}</a>').format(esc(text)))
        else:
            out.append(_linked(text))
    return Markup("").join(out)


_WEB = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)


def _linked(text: str) -> Markup:
    """Escaped text whose web addresses (from ``\\url{…}`` or ``\\href{…}{…}``) are links: http(s) only."""
    if "://" not in text:  # most parts have no address (the pattern needs one)
        return esc(text)
    out, pos = [], 0
    for match in _WEB.finditer(text):
        url = match.group(0).rstrip(".,;:!?)")
        out += [esc(text[pos : match.start()]), Markup('<a href="{0}">{0}</a>').format(esc(url))]
        pos = match.start() + len(url)
    out.append(esc(text[pos:]))
    return Markup("").join(out)


def reference_text(ref: Reference) -> str:
    """The formatted reference as plain text."""
    return "".join(text for _, text in reference_parts(ref))


def label_authors(names: tuple[Name, ...]) -> str:
    """``Surname``, ``A and B``, or ``A et al.`` (``and others`` counts as more)."""
    real = [n for n in names if not n.is_others]
    if not real:
        return ""
    if len(real) == 1 and len(names) == 1:
        return real[0].surname
    if len(real) == 2 and len(names) == 2:
        return f"{real[0].surname} and {real[1].surname}"
    return f"{real[0].surname} et al."

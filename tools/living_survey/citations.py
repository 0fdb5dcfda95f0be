"""Find ``[@key]``, ``[@key, p. 21]``, ``[@a; @b]`` and author-in-text ``@key`` in Markdown.

An ``@`` inside an e-mail address, a URL, a link target, a code span, a fenced code block or an
HTML comment is not a citation. Replacement is left to a callback so that Markdown pages and
pages rendered straight to HTML share one scanner.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_:.+/-]*[A-Za-z0-9_])?"
_ITEM = re.compile(rf"^\s*(-?)@({KEY})\s*(?:,\s*(.*?))?\s*$", re.DOTALL)
_BRACKET = re.compile(r"\[([^\[\]]*@[^\[\]]*)\](?![(\[])")
_NARRATIVE = re.compile(rf"(?<![\w@.\-/:+&=%~#`\\])@({KEY})")
_PROTECTED = re.compile(
    r"^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?^[ \t]*\1[ \t]*$"  # fenced code block
    r"|(`+).+?(?<!`)\2(?!`)"  # code span
    r"|<!--.*?-->"  # HTML comment
    r"|\]\([^)\n]*\)"  # link target
    r"|<[A-Za-z][A-Za-z0-9+.-]*:[^>\s]*>"  # autolink
    r"|<[A-Za-z][^>\n]*>",  # an HTML tag's attributes
    re.MULTILINE | re.DOTALL,
)


@dataclass(frozen=True)
class Citation:
    """One cited key, where it was cited, and its locator (``p. 21``)."""

    key: str
    line: int
    locator: str = ""
    suppress_author: bool = False


Render = Callable[[list[Citation], bool], str]
"""Callback: (citations of one group, narrative?) → replacement text."""


def _parse_group(body: str) -> list[tuple[str, str, bool]] | None:
    items = []
    for part in body.split(";"):
        match = _ITEM.match(part)
        if not match:
            return None
        items.append((match.group(2), match.group(3) or "", match.group(1) == "-"))
    return items


def _replace_segment(text: str, offset_line: int, render: Render, found: list[Citation]) -> str:
    out = []
    pos = 0
    for match in _BRACKET.finditer(text):
        items = _parse_group(match.group(1))
        if items is None:
            continue
        out.append(_replace_narrative(text[pos : match.start()], offset_line + text.count("\n", 0, pos), render, found))
        line = offset_line + text.count("\n", 0, match.start())
        group = [Citation(key, line, loc, sup) for key, loc, sup in items]
        found.extend(group)
        out.append(render(group, False))
        pos = match.end()
    out.append(_replace_narrative(text[pos:], offset_line + text.count("\n", 0, pos), render, found))
    return "".join(out)


def _replace_narrative(text: str, offset_line: int, render: Render, found: list[Citation]) -> str:
    def sub(match: re.Match[str]) -> str:
        citation = Citation(match.group(1), offset_line + text.count("\n", 0, match.start()))
        found.append(citation)
        return render([citation], True)

    return _NARRATIVE.sub(sub, text)


def replace_citations(text: str, render: Render, *, first_line: int = 1) -> tuple[str, list[Citation]]:
    """Replace every citation in Markdown ``text`` with what ``render`` returns.

    Args:
        text: Markdown.
        render: called once per citation group.
        first_line: the line number of the text's first line in its file.

    Returns:
        The new text and every citation found, in order.
    """
    if "@" not in text:
        return text, []
    found: list[Citation] = []
    out = []
    pos = 0
    for match in _PROTECTED.finditer(text):
        out.append(_replace_segment(text[pos : match.start()], first_line + text.count("\n", 0, pos), render, found))
        out.append(match.group(0))
        pos = match.end()
    out.append(_replace_segment(text[pos:], first_line + text.count("\n", 0, pos), render, found))
    return "".join(out), found

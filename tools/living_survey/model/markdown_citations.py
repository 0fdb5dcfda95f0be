"""Find ``[@key]``, ``[@key, p. 21]``, ``[@a; @b]`` and author-in-text ``@key`` in Markdown.

An ``@`` inside an e-mail address, a URL, a link target, a code span, a fenced code block or an
HTML comment is not a citation. Replacement is left to a callback so that Markdown pages and
pages rendered straight to HTML share one scanner.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..core.problems import Problem
from .bibliography import Library

KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_:.+/-]*[A-Za-z0-9_])?"
_KEY_AT = re.compile(rf"(-?)@({KEY})")
# The first star excludes "@", so a "[" followed by a run of "@" is scanned once, not once per "@".
_BRACKET = re.compile(r"\[([^\[\]@]*@[^\[\]]*)\](?![(\[])")
_NARRATIVE = re.compile(rf"(?<![\w@.\-/:+&=%~#`\\])@({KEY})")
# Where something that protects its text from citations may start: a fence at a line start, a
# backtick run, an HTML comment, a tag or autolink, a link target. Each is then closed by hand.
_OPENER = re.compile(r"^[ \t]*(`{3,}|~{3,})|`+|<!--|<[A-Za-z]|\]\(", re.MULTILINE)
_FENCE_CLOSE = re.compile(r"[ \t]*(`+|~+)[ \t]*")
_BACKTICKS = re.compile(r"`+")


class _Next:
    """The first index of ``char`` at or after a position, for positions that only grow.

    A remembered answer stays right until the position passes it, so every character is looked
    at once however many openers ask: the scan stays linear when nothing closes.
    """

    def __init__(self, text: str, char: str):
        self.text, self.char, self.found = text, char, -2

    def at(self, pos: int) -> int:
        if self.found == -1 or self.found >= pos:
            return self.found
        self.found = self.text.find(self.char, pos)
        return self.found


def _fence_end(text: str, fence: str, line_end: int) -> int:
    """The end of a fenced block opened by ``fence``: its closing line, or the end of the text."""
    pos = line_end + 1
    while 0 < pos <= len(text):
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end
        close = _FENCE_CLOSE.fullmatch(text, pos, end)
        if close and close.group(1)[0] == fence[0] and len(close.group(1)) >= len(fence):
            return end
        pos = end + 1
    return len(text)


def _protected(text: str) -> list[tuple[int, int]]:
    """(start, end) of every part of ``text`` where an ``@`` is never a citation, in order.

    A hand-written scanner in one pass: fenced code blocks (unclosed ones run to the end, as in
    CommonMark), code spans (a backtick run closed by the next run of the same length), HTML
    comments, tags and autolinks (up to ``>`` on the same line) and link targets ``](…)``.
    """
    runs: dict[int, list[int]] = {}
    for run in _BACKTICKS.finditer(text):
        runs.setdefault(len(run.group(0)), []).append(run.start())
    next_run = dict.fromkeys(runs, 0)
    comment_end, newline, gt, paren = _Next(text, "-->"), _Next(text, "\n"), _Next(text, ">"), _Next(text, ")")
    spans: list[tuple[int, int]] = []
    pos = 0
    while True:
        match = _OPENER.search(text, pos)
        if match is None:
            return spans
        start, token = match.start(), match.group(0)
        end = -1
        if match.group(1):
            line_end = newline.at(match.end())
            end = len(text) if line_end == -1 else _fence_end(text, match.group(1), line_end)
        elif token[0] == "`":
            starts, i = runs[len(token)], next_run[len(token)]
            while i < len(starts) and starts[i] <= start:
                i += 1
            next_run[len(token)] = i
            if i < len(starts):
                end = starts[i] + len(token)
            else:
                pos = match.end()  # an unmatched run is literal text, all of it
                continue
        elif token == "<!--":
            close = comment_end.at(start + 4)
            end = close + 3 if close != -1 else -1
        else:
            # "<x…>" and "](…)" end at their closing character, on the same line
            closer = gt if token[0] == "<" else paren
            close, line_end = closer.at(match.end()), newline.at(match.end())
            end = close + 1 if close != -1 and (line_end == -1 or close < line_end) else -1
        if end == -1:
            pos = start + 1
            continue
        spans.append((start, end))
        pos = end


class _Lines:
    """Line numbers of positions that only grow, counted incrementally (never from the start)."""

    def __init__(self, text: str, first_line: int):
        self.text, self.pos, self.line = text, 0, first_line

    def at(self, pos: int) -> int:
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


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
        part = part.strip()
        match = _KEY_AT.match(part)
        if not match:
            return None
        rest = part[match.end() :].lstrip()
        if rest and not rest.startswith(","):
            return None
        items.append((match.group(2), rest[1:].strip(), match.group(1) == "-"))
    return items


def _replace_segment(text: str, base: int, lines: _Lines, render: Render, found: list[Citation]) -> str:
    """Citations in ``text``, an unprotected part of the page starting at offset ``base``."""
    out = []
    pos = 0
    for match in _BRACKET.finditer(text):
        items = _parse_group(match.group(1))
        if items is None:
            continue
        out.append(_replace_narrative(text[pos : match.start()], base + pos, lines, render, found))
        line = lines.at(base + match.start())
        group = [Citation(key, line, loc, sup) for key, loc, sup in items]
        found.extend(group)
        out.append(render(group, False))
        pos = match.end()
    out.append(_replace_narrative(text[pos:], base + pos, lines, render, found))
    return "".join(out)


def _replace_narrative(text: str, base: int, lines: _Lines, render: Render, found: list[Citation]) -> str:
    if "@" not in text:
        return text

    def sub(match: re.Match[str]) -> str:
        citation = Citation(match.group(1), lines.at(base + match.start()))
        found.append(citation)
        return render([citation], True)

    return _NARRATIVE.sub(sub, text)


def replace_citations(text: str, render: Render, *, first_line: int = 1) -> tuple[str, list[Citation]]:
    """Replace every citation in Markdown ``text`` with what ``render`` returns.

    Runs in time linear in the text's length, whatever the text holds.

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
    lines = _Lines(text, first_line)
    out = []
    pos = 0
    for start, end in _protected(text):
        out.append(_replace_segment(text[pos:start], pos, lines, render, found))
        out.append(text[start:end])
        pos = end
    out.append(_replace_segment(text[pos:], pos, lines, render, found))
    return "".join(out), found


def unknown_citation(where: str, line: int, key: str, library: Library, field: str = "") -> Problem:
    """The problem reported for a ``[@key]`` or ``@key`` whose key is not in the bibliography."""
    return Problem(where, line, field, f"unknown citation key {key!r} (not in {library.path})")


def unknown_citations(text: str, library: Library, *, first_line: int = 1) -> list[Citation]:
    """The citations of Markdown ``text`` whose key is not in ``library``, each with its line."""

    def keep(group: list[Citation], narrative: bool) -> str:
        return ""

    _, found = replace_citations(text, keep, first_line=first_line)
    return [c for c in found if c.key not in library]

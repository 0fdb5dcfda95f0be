"""Escaping and safe rendering of contributed text.

Contributed text is data. Plain fields are escaped (``@`` too, so that no later pass can
mistake it for a citation); Markdown fields (rationale, edge case) are rendered with raw HTML
turned off and every link or image address checked against an allow-list of schemes.
"""

from __future__ import annotations

import html
import re
from typing import Any
from xml.etree.ElementTree import Element

import markdown
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from .compiled import share_compiled

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
"""Characters a browser (or a reader) may drop or not see: controls, spaces, zero-width and bidi marks."""
_MD_SPECIAL = re.compile(r"([\\`*_\[\]()#+!|{}~-])")


def esc(value: Any) -> Markup:
    """HTML-escape a value, ``@`` included."""
    if isinstance(value, Markup):
        return value
    escaped = escape(str(value))  # already Markup: only a text with an "@" needs a second pass
    return Markup(str(escaped).replace("@", "&#64;")) if "@" in escaped else escaped


def md_escape(text: str) -> str:
    """Make text safe to drop into Markdown: entities for HTML, backslashes for Markdown."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("@", "&#64;")


def link_target(url: str) -> str:
    """The address a browser reads from an ``href`` value, reduced to judge its scheme.

    A browser decodes character references in an attribute (``&#106;``, ``&#x6A;``, ``&Tab;``,
    ``&colon;``, with or without the ``;``) and then ignores control characters and spaces around
    and inside the scheme; we do the same, more eagerly, so that no spelling hides a scheme.
    """
    url = url.replace(markdown.util.AMP_SUBSTITUTE, "&")
    # decode again while it changes (up to three times): stricter than the browser's single decode
    for _ in range(3):
        decoded = html.unescape(url)
        if decoded == url:
            break
        url = decoded
    return _INVISIBLE.sub("", url)


def safe_url(url: str) -> bool:
    """Whether ``url`` may become a link: http(s), mailto, fragment or relative; never ``javascript:``."""
    scheme = _SCHEME.match(link_target(url))
    return scheme is None or scheme.group(1).lower() in _SAFE_SCHEMES


MAX_MARKDOWN = 5_000
"""Characters in one contributed Markdown field (a rationale is a paragraph or two)."""
MAX_BRACKETS = 64
"""Opening brackets in one field: Python-Markdown rescans the text after each unclosed "[",
so their number times the length bounds its time (64 × 5,000 renders in well under a second)."""
MAX_NESTING = 16
"""Lists and block quotes nested deeper than this are refused: Python-Markdown recurses per level."""
_MARKER = re.compile(r"[ \t]*(?:[-*+](?=[ \t]|$)|>|[0-9]{1,9}[.)](?=[ \t]|$))")


def markdown_problems(text: str) -> list[str]:
    """Why :class:`SafeMarkdown` might not render ``text`` in bounded time, each in words (or none).

    Python-Markdown is not linear on every input (runs of ``[``; lists nested hundreds deep
    raise ``RecursionError``), so contributed Markdown is kept within limits it handles quickly.
    """
    problems = []
    if len(text) > MAX_MARKDOWN:
        problems.append(f"is {len(text):,} characters long; the limit is {MAX_MARKDOWN:,}: say it in fewer words")
    brackets = text.count("[")
    if brackets > MAX_BRACKETS:
        problems.append(f"has {brackets} '[' characters; the limit is {MAX_BRACKETS} (each link or citation uses one)")
    for number, line in enumerate(text.split("\n"), 1):
        depth, pos = (len(line) - len(line.lstrip(" \t"))) // 4, 0
        while match := _MARKER.match(line, pos):
            depth, pos = depth + 1, match.end()
        if depth > MAX_NESTING:
            problems.append(f"nests lists or quotes {depth} levels deep on its line {number}; the limit is {MAX_NESTING}")
            break
    return problems


class _LinkGuard(markdown.treeprocessors.Treeprocessor):
    def run(self, root: Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and not safe_url(value):
                    del element.attrib[attribute]


class _NoRawHtml(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # below "unescape" (priority 0): judge addresses after every placeholder is restored
        md.treeprocessors.register(_LinkGuard(md), "living_survey_link_guard", -1)


class SafeMarkdown:
    """Markdown for contributed text: no raw HTML, no unsafe links. Reused across pages."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=[_NoRawHtml(), "sane_lists"], output_format="html")

    def convert(self, text: str) -> Markup:
        """Render one contributed Markdown field to safe HTML."""
        self._md.reset()
        html = self._md.convert(text)
        # '@' left in the output is contributed text, never a citation for a later pass.
        return Markup(re.sub(r"@(?![^<>]*>)", "&#64;", html))


def template_env() -> Environment:
    """The engine's Jinja environment: autoescaped, strict, ``@`` escaped too."""

    def finalize(value: Any) -> Any:
        return value if isinstance(value, Markup) else esc(value)

    env = Environment(
        loader=PackageLoader("living_survey", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return share_compiled(env)  # each renderer makes its own environment: the templates compile once

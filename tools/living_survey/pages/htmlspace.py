"""Page weight: the theme's indentation and blank lines squeezed out of every written page.

Material writes its templates' indentation into every page: on an entry page about a fifth of
the bytes are spaces and blank lines around the header, the navigation and the footer. A browser
renders a run of white space that holds a line break exactly as it renders one line break (CSS's
``white-space: normal`` collapses both to one space), so :func:`squeeze` replaces each such run
in text with ``"\\n"``. It leaves alone whatever keeps its white space or is not text: the
elements that can preserve it (``pre``, ``textarea``, ``code``, ``kbd``; Material's print styles
make inline code ``pre-wrap``), raw-text elements (``script``, ``style``), comments (the figure's
slot is one) and every tag with its attributes. Runs without a line break are left as they are,
so words never join.

The page is read in one pass of a regular expression whose branches each begin with a distinct
character class and consume at least one character, with no nested repetition: time linear in
the page, whatever its text (contributed text reaches a page escaped, so it never opens a tag).
"""

from __future__ import annotations

import re

from jinja2 import Environment

_KEEP = (
    # an element that keeps its white space, or raw text, whole (the name must end there: <code>, not <codex>)
    r"<(?P<raw>pre|textarea|code|kbd|script|style)(?![\w-])[^>]*>.*?</(?P=raw)\s*>"
    r"|<!--.*?-->"
    # a tag: quoted attribute values may hold '>'
    r"|<[a-zA-Z/!?][^\"'>]*(?:(?:\"[^\"]*\"|'[^']*')[^\"'>]*)*>"
)
_PAGE = re.compile(rf"(?P<keep>{_KEEP})|[ \t\r\f]*\n[ \t\r\f\n]*", re.S | re.I)


_BLOCK = (
    "html|head|body|header|footer|main|nav|aside|section|article|div|form|figure|figcaption|blockquote"
    "|ul|ol|li|dl|dt|dd|table|thead|tbody|tfoot|tr|th|td|h[1-6]|p|hr|meta|link|title|details|summary"
)
_BLOCK_TAG = re.compile(rf"</?(?:{_BLOCK})[\s/>]", re.I)
_BLOCK_END = re.compile(rf"</?(?:{_BLOCK})(?:[\s/][^<>]*)?>\Z", re.I)


def _one(match: re.Match[str]) -> str:
    return match.group("keep") or "\n"


def _closes_block(text: str) -> bool:
    """Whether ``text`` (a kept piece) ends with a block's tag."""
    return _BLOCK_END.search(text[-400:]) is not None


def squeeze(html: str, *, chrome: bool = False) -> str:
    """The page with each run of white space in text that holds a line break made one line break.

    With ``chrome``, outside the page's ``<article>`` (the theme's header, navigation and footer)
    a line break next to a block's tag goes too: white space at the start or end of a block, or
    between two blocks, is never drawn. The article, the survey's own content, keeps its line breaks.
    """
    start, end = html.find("<article"), html.find("</article>")
    if not chrome or start < 0 or end < start:
        return _PAGE.sub(_one, html)
    return _fold(html[:start]) + _PAGE.sub(_one, html[start:end]) + _fold(html[end:])


def _fold(html: str) -> str:
    pieces: list[str] = []
    last = 0
    for match in _PAGE.finditer(html):
        if match.start() > last:
            pieces.append(html[last : match.start()])
        kept = match.group("keep")
        if kept:
            pieces.append(kept)
        elif not ((pieces and _closes_block(pieces[-1])) or _BLOCK_TAG.match(html, match.end())):
            # white space at a block's edge (CSS's white-space: normal) draws nothing: it goes
            pieces.append("\n")
        last = match.end()
    pieces.append(html[last:])
    return "".join(pieces)


COMPACT_JSON = (",", ":")
"""Separators for the JSON the theme's templates write with ``tojson`` (its ``__config`` block on
every page): the same values, without a space after each comma and colon."""


def compact_json(env: Environment) -> Environment:
    """Make ``env``'s ``tojson`` filter write JSON without the spaces after separators, through
    Jinja's documented ``json.dumps_kwargs`` policy (the other keyword arguments are kept)."""
    env.policies["json.dumps_kwargs"] = {**env.policies.get("json.dumps_kwargs", {}), "separators": COMPACT_JSON}
    return env

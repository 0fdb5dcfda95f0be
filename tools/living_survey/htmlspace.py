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

_KEEP = (
    # an element that keeps its white space, or raw text, whole (the name must end there: <code>, not <codex>)
    r"<(?P<raw>pre|textarea|code|kbd|script|style)(?![\w-])[^>]*>.*?</(?P=raw)\s*>"
    r"|<!--.*?-->"
    # a tag: quoted attribute values may hold '>'
    r"|<[a-zA-Z/!?][^\"'>]*(?:(?:\"[^\"]*\"|'[^']*')[^\"'>]*)*>"
)
_PAGE = re.compile(rf"(?P<keep>{_KEEP})|[ \t\r\f]*\n[ \t\r\f\n]*", re.S | re.I)


def _one(match: re.Match[str]) -> str:
    return match.group("keep") or "\n"


def squeeze(html: str) -> str:
    """The page with each run of white space in text that holds a line break made one line break."""
    return _PAGE.sub(_one, html)

"""Page weight: the theme's inline scripts written once as cached files instead of in every page.

Material writes a few scripts of its chrome inline into every page: the one that restores the
reader's colour scheme (about 740 bytes) and the one that sets the site's scope for its storage.
:meth:`ScriptFiles.take` moves each such script, outside the page's ``<article>``, into a file named
by its content and leaves a ``<script src>`` in its place: a classic script without ``async`` or
``defer`` runs where it stands, before the parser goes on, exactly as the inline one did, and the
browser fetches the file once for the whole site.

Only plain ``<script>`` elements (no attribute: not the theme's JSON configuration, not a script
of another type) of at least :data:`LEAST` characters are taken; the survey's own content, inside
the article, is never touched. A script that differs from page to page (the scope script names
the site's root relative to the page) yields one file per variant, a handful for a whole site.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

FOLDER = "assets/theme-scripts"
"""Where the files go in the site."""
LEAST = 100
"""Characters below which a script stays inline: its file's tag and request would cost more."""

_SCRIPT = re.compile(r"<script>([^<]*(?:<(?!/script>)[^<]*)*)</script>")
"""A plain inline script and its body: no nested repetition, linear in the page."""


class ScriptFiles:
    """The inline scripts taken from the pages of one build, by path in the site."""

    def __init__(self) -> None:
        self.files: dict[str, str] = {}

    def take(self, html: str, link: Callable[[str], str]) -> str:
        """The page with each long plain script of its chrome loaded from its file.

        Args:
            html: the page.
            link: the URL, relative to the page, of a path in the site.
        """
        start, end = html.find("<article"), html.find("</article>")
        if start < 0 or end < start:
            return self._take(html, link)
        return self._take(html[:start], link) + html[start:end] + self._take(html[end:], link)

    def _take(self, html: str, link: Callable[[str], str]) -> str:
        def one(match: re.Match[str]) -> str:
            body = match.group(1)
            if len(body) < LEAST:
                return match.group(0)
            path = f"{FOLDER}/{hashlib.sha256(body.encode('utf-8')).hexdigest()[:12]}.js"
            self.files.setdefault(path, body)
            return f'<script src="{link(path)}"></script>'

        return _SCRIPT.sub(one, html)

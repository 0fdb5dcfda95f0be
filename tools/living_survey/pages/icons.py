"""Page weight: the theme's icons drawn from one cached stylesheet instead of inlined in every page.

Material inlines each icon of its chrome (logo, menu, palette toggles, search, repository, edit,
back to top) as an SVG in every page: about 3 KB an entry page repeats. :meth:`IconSheet.take`
empties each such icon, keeping its ``<svg>`` element (so the theme's sizing rules and scripts
still find it) and giving it a class; :meth:`IconSheet.css` draws each class once, as a mask of the
icon's path in the text colour, in a stylesheet the pages share and the browser caches.

Only the theme's icons are taken: an SVG whose whole content is one ``<path>`` (and, for Font
Awesome's, its licence comment, which moves into the stylesheet), written right inside an element
of the theme's ``md-icon`` or ``md-logo`` class, which colour their icon with the text colour, or
right after such an icon (the search field's label holds two, shown in turn by the theme's CSS).
Every other SVG (Figure 1, the minimaps, a drawing in a docs page) is left as it is.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

ICONS_CSS = "assets/living-survey-icons.css"

_ICON = re.compile(
    r'<svg xmlns="http://www.w3.org/2000/svg" viewBox="(?P<box>[0-9. -]+)">'
    r"(?:<!--!(?P<note>[^<>]*?)-->)?"
    r'<path d="(?P<d>[^"<>]+)"/></svg>'
)
_HOLDER = re.compile(r'\sclass="(?:[^"]* )?md-(?:icon|logo)(?: [^"]*)?"')
"""The class of the element an icon of the theme is written in (read from that one start tag)."""


_LOOK_BACK = 2000
"""How far before an SVG its holder's start tag is looked for (the theme's are a few hundred characters)."""


def _held(html: str, start: int) -> bool:
    """Whether the SVG at ``start`` is the first thing inside an element of an icon class."""
    before = html[max(0, start - _LOOK_BACK) : start].rstrip()  # bounded: a page's time stays linear
    if not before.endswith(">"):
        return False
    tag = before[before.rfind("<") :]
    return tag.startswith("<") and not tag.startswith("</") and _HOLDER.search(tag) is not None


class IconSheet:
    """The icons taken from the pages of one build, by class name."""

    def __init__(self) -> None:
        self.icons: dict[str, tuple[str, str, str]] = {}

    def take(self, html: str) -> str:
        """The page with each theme icon emptied and named by a class of the sheet."""

        taken_until = -1  # where the last icon taken ends: the theme writes two icons in one holder (search's)

        def one(match: re.Match[str]) -> str:
            nonlocal taken_until
            follows = taken_until >= 0 and not html[taken_until : match.start()].strip()
            if not (follows or _held(html, match.start())):
                return match.group(0)
            taken_until = match.end()
            box, d, note = match.group("box"), match.group("d"), (match.group("note") or "").strip()
            name = "ls-i-" + hashlib.sha256(f"{box} {d}".encode()).hexdigest()[:10]
            self.icons.setdefault(name, (box, d, note))
            # empty, so nothing of it needs a namespace or a view box: the sheet draws it at the theme's size
            return f'<svg class="{name}"></svg>'

        return _ICON.sub(one, html)

    def css(self) -> str:
        """The stylesheet that draws every icon taken, in the text colour (and the system's in forced colours)."""
        rules = ["/* The theme's icons, drawn once here instead of inlined in every page. */"]
        for name, (box, d, note) in sorted(self.icons.items()):
            svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='{box}'><path d='{d}'/></svg>"
            url = "data:image/svg+xml," + quote(svg, safe=" /:='.,-")
            if note:
                rules.append(f"/* {note.replace('*/', '* /')} */")
            mask = f'url("{url}") center / contain no-repeat'
            rules.append(f".{name} {{ background-color: currentcolor; forced-color-adjust: none; -webkit-mask: {mask}; mask: {mask}; }}")
        return "\n".join(rules) + "\n"

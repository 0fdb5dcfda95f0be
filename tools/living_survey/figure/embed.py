"""What pages show of Figure 1: the downloadable SVG's post-processing (tooltips, ink that follows
the colour scheme, no comments), and the figure as a list.
"""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from ..model.addresses import entry_page_id, quadrant_page_id, token
from ..model.survey import Survey
from .model import LABEL_LIMIT, figure_inputs, numbering
from .style import HOLLOW, INK


def svg_titles(svg: str, inputs: dict[str, Any]) -> str:
    """Give every link a tooltip and let the ink follow the page's colour scheme."""
    titles = {token(entry_page_id(e["id"])): e["title"] for e in inputs["entries"]}
    titles.update({token(quadrant_page_id(q["id"])): q["title"] for q in inputs["quadrants"]})

    def add_title(match: re.Match[str]) -> str:
        href = match.group(1).replace("&amp;", "&")
        title = titles.get(href)
        return match.group(0) + (f"<title>{xml_escape(title)}</title>" if title else "")

    # matplotlib annotates path-drawn text with comments repeating it; drop them (contributed text)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = svg.replace(' target="_blank"', "")  # in-site links open in the same tab
    svg = re.sub(r'<a xlink:href="([^"]*)"[^>]*>', add_title, svg)
    svg = svg.replace(f"fill: {INK}", f"fill: var(--md-default-fg-color, {INK})")
    svg = svg.replace(f"stroke: {INK}", f"stroke: var(--md-default-fg-color, {INK})")
    svg = svg.replace(f"fill: {HOLLOW}", f"fill: var(--md-default-bg-color, {HOLLOW})")
    return re.sub(r"^<\?xml[^>]*>\s*<!DOCTYPE[^>]*>\s*", "", svg, flags=re.S)


def compact_svg(svg: bytes) -> str:
    """The SVG on one line, links still tokens (see :func:`..model.addresses.token`): prepared once per build."""
    # one line: blank lines or indentation inside raw HTML would turn into Markdown code blocks
    return re.sub(r">\s+<", "><", svg.decode("utf-8")).replace("\n", " ")


def text_alternative(survey: Survey) -> list[tuple[str, list[tuple[str, str]]]]:
    """Per quadrant, the (entry id, label) pairs the figure shows: the figure as a list."""
    out = []
    for q in survey.framework.quadrants:
        items = []
        for entry in sorted(survey.entries_in(q.id), key=survey.sort_key):
            ref = survey.library.references.get(entry.key)
            items.append((entry.id, ref.label if ref else entry.key))
        out.append((q.title, items))
    return out


def numbered_key(survey: Survey) -> list[tuple[int, str, str]]:
    """(number, entry id, label) for each numbered marker; empty when the figure shows labels."""
    inputs = figure_inputs(survey)
    if len(inputs["entries"]) <= LABEL_LIMIT:
        return []
    # a work is keyed once, by its first placement
    first: dict[int, tuple[int, str, str]] = {}
    for n, e in numbering(inputs):
        first.setdefault(n, (n, e["id"], e["label"]))
    return list(first.values())

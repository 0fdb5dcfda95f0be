"""The locator ("Place your dataset"): the framework's questions as a form, and the data its script reads.

The page is plain HTML that works without JavaScript: every question with its options and
their scores, and how an estimate is computed. The script shipped with the site
(``assets/locator.js``) reads the data embedded in the page as JSON — the axes and their
questions, the quadrants, every entry's drawn position with a short rationale — and does
the rest in the reader's browser: the estimate, the point on Figure 1, the nearest works,
a ready-to-paste entry and a pre-filled proposal. Nothing here knows this survey's poles:
everything comes from the framework file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from .citations import Citation, replace_citations
from .citing import json_for_html
from .figure import auto_positions, figure_inputs
from .framework import Axis
from .markup import template_env
from .pages import Link
from .routes import entry_page_id, quadrant_page_id
from .survey import Survey
from .yamlio import load_yaml

SCRIPT = "assets/locator.js"
"""The locator's script, shipped by the plugin as a site file."""
NEIGHBOURS = 5
"""How many surveyed works the page lists as nearest."""
EXCERPT = 280
"""Longest rationale excerpt embedded per entry, in characters."""
PREFILL = ("quadrant", "position", "rationale")
"""Entry fields the proposal form may carry; the page pre-fills those the form has."""
DATA_SLOT = "<!--living-survey:locator-data-->"
"""Where the page's data go, after Markdown and search (in ``on_post_page``), as the figure does:
at thousands of entries the data are megabytes that no Markdown pass needs to see."""
_LINK = re.compile(r"\[([^\[\]\n]*)\]\([^()\s]*\)")
"""A Markdown link, reduced to its text (no nesting, so no backtracking)."""


def _plain(markdown: str, survey: Survey) -> str:
    """A rationale as short plain text: citations as labels, links as their text, no emphasis marks."""
    library = survey.library

    def render(group: list[Citation], narrative: bool) -> str:
        parts = []
        for c in group:
            ref = library.references.get(c.key)
            label = (ref.narrative if narrative else ref.label) if ref else c.key
            parts.append(label + (f", {c.locator}" if c.locator else ""))
        return "; ".join(parts) if narrative else "(" + "; ".join(parts) + ")"

    text, _ = replace_citations(markdown, render)
    text = " ".join(_LINK.sub(r"\1", text).replace("*", "").replace("`", "").split())
    if len(text) <= EXCERPT:
        return text
    return text[: EXCERPT - 1].rsplit(" ", 1)[0] + "…"


def _score(value: float) -> str:
    """A score as shown to readers: ``−1``, ``+0.5``, ``0`` (a true minus sign)."""
    text = f"{abs(value):g}"
    return text if value == 0 else ("+" if value > 0 else "\u2212") + text


def proposal_form(root: Path, repository: str) -> dict[str, Any] | None:
    """The repository's issue form for proposing an entry, if the site has one on GitHub.

    It is the first form under ``.github/ISSUE_TEMPLATE/`` with fields whose ids are ``quadrant``
    and ``position``; GitHub pre-fills a form field from the query parameter named after its id.
    """
    parts = urlsplit(repository)
    if parts.scheme != "https" or parts.netloc != "github.com" or parts.path.strip("/").count("/") != 1:
        return None
    folder = root / ".github" / "ISSUE_TEMPLATE"
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        doc, problems = load_yaml(path.read_bytes(), path.name)
        body = doc.value.get("body") if not problems and isinstance(doc.value, dict) else None
        ids = {field.get("id") for field in body if isinstance(field, dict)} if isinstance(body, list) else set()
        if {"quadrant", "position"} <= ids:
            return {
                "url": f"https://github.com/{parts.path.strip('/').removesuffix('.git')}/issues/new",
                "template": path.name,
                "fields": [name for name in PREFILL if name in ids],
            }
    return None


def _axis(axis: Axis) -> dict[str, Any]:
    return {
        "key": axis.key,
        "name": axis.name,
        "negative": axis.negative.label,
        "positive": axis.positive.label,
        "questions": [
            {"id": q.id, "text": q.text, "options": [{"text": o.text, "score": o.score} for o in q.options]} for q in axis.questions
        ],
    }


def locator_data(survey: Survey, link: Link, proposal: dict[str, Any] | None) -> dict[str, Any]:
    """What the locator's script needs, with every URL relative to the locator page.

    Entries are at their drawn positions (their own, or the figure's slot inside their quadrant),
    so the nearest works are the nearest points on Figure 1. A work placed more than once (entries
    sharing a ``key``) counts once, at its nearest placement.
    """
    fw = survey.framework
    inputs = figure_inputs(survey)
    drawn = auto_positions(inputs)
    entries = []
    for item in inputs["entries"]:
        entry = survey.entry(item["id"])
        x, y = drawn[entry.id]
        entries.append(
            {
                "id": entry.id,
                "key": entry.key,
                "label": item["label"],
                "title": item["title"],
                "quadrant": entry.quadrant,
                "x": round(x, 4),
                "y": round(y, 4),
                "placed": entry.position is not None,
                "url": link(entry_page_id(entry.id)),
                "rationale": _plain(entry.rationale, survey),
            }
        )
    return {
        "axes": [_axis(fw.x), _axis(fw.y)],
        "quadrants": [{"id": q.id, "title": q.title, "x": q.x, "y": q.y, "url": link(quadrant_page_id(q.id))} for q in fw.quadrants],
        "entries": entries,
        "neighbours": NEIGHBOURS,
        "proposal": proposal,
    }


def locator_markdown(survey: Survey, *, figure: str, script_url: str, proposal: dict[str, Any] | None) -> str:
    """The locator page: the questions by axis, the result areas, a slot for the data, the script."""
    fw = survey.framework
    axes = [
        {
            "axis": axis,
            "questions": [
                {"question": q, "options": [{"text": o.text, "score": _score(o.score), "pole": _pole(axis, o.score)} for o in q.options]}
                for q in axis.questions
            ],
        }
        for axis in (fw.x, fw.y)
    ]
    return (
        template_env()
        .get_template("locator.md")
        .render(
            framework=fw,
            axes=axes,
            figure=Markup(figure),
            data=Markup(DATA_SLOT),
            script_url=script_url,
            proposal=proposal,
            neighbours=NEIGHBOURS,
        )
    )


def fill_data(output: str, survey: Survey, link: Link, proposal: dict[str, Any] | None) -> str:
    """The locator page's HTML with its data in the slot (unchanged if the slot is gone)."""
    if DATA_SLOT not in output:
        return output
    # escaped for a <script> element; '@' too, so that no later pass can take it for a citation
    data = json_for_html(locator_data(survey, link, proposal), indent=None).replace("@", "\\u0040")
    return output.replace(DATA_SLOT, data, 1)


def _pole(axis: Axis, score: float) -> str:
    return "" if score == 0 else axis.pole(int(score > 0) * 2 - 1).label

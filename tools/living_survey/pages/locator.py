"""The locator ("Place your dataset"): the framework's questions as a form, and the data its script reads.

The page is plain HTML that works without JavaScript: every question with its options and
their scores, and how an estimate is computed. The script shipped with the site
(``assets/locator.js``) reads what does not grow with the survey from JSON embedded in the
page — the axes and their questions, the quadrants, the proposal form — and does the rest in
the reader's browser: the estimate, the point on Figure 1, a ready-to-paste entry and a
pre-filled proposal. The surveyed works (drawn positions, short rationales) are in one
generated file, ``data/locator.json``, which the script fetches only once the reader has
answered, to list the nearest works; the page's size does not depend on the survey's.
Nothing here knows this survey's poles: everything comes from the framework file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from ..core.files import read_file
from ..core.markup import template_env
from ..core.yamlio import load_yaml
from ..figure import auto_positions, figure_inputs
from ..model import placeholders
from ..model.addresses import entry_page_id, quadrant_page_id
from ..model.framework import Axis, Framework
from ..model.markdown_citations import Citation, replace_citations
from ..model.survey import Survey
from .cite_survey import json_for_html
from .page_content import Link

SCRIPT = "assets/locator.js"
"""The locator's script, shipped by the plugin as a site file."""
WORKS = "data/locator.json"
"""The surveyed works as the locator's script reads them (see :func:`works_json`), a site file."""
NEIGHBOURS = 5
"""How many surveyed works the page lists as nearest."""
EXCERPT = 160
"""Longest rationale excerpt per entry in the works file, in characters (cut between words).
The nearest works show it behind a "Why … sits there" toggle, next to a link to the full rationale."""
COLUMNS = ("id", "work", "label", "title", "quadrant", "x", "y", "rationale")
"""The fields of each row of the works file, in order (``url`` is added when entry URLs follow no pattern)."""
PREFILL = ("quadrant", "position", "rationale")
"""Entry fields the proposal form may carry; the page pre-fills those the form has."""
DATA_SLOT = "<!--living-survey:locator-data-->"
"""Where the page's data go, after Markdown and search (in ``on_post_page``), as the figure does:
no Markdown or citation pass needs to see them."""
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


def _score(value: float | None) -> str:
    """A score as shown to readers: ``−1``, ``+0.5``, ``0`` (a true minus sign), ``none``."""
    if value is None:
        return "none"
    text = f"{abs(value):g}"
    return text if value == 0 else ("+" if value > 0 else "\u2212") + text


def _form_bodies(root: Path) -> Iterator[tuple[str, list[Any]]]:
    """(file name, body) of each readable issue form under ``.github/ISSUE_TEMPLATE/``, by name."""
    folder = root / ".github" / "ISSUE_TEMPLATE"
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        data, problems = read_file(path, path.name, root)  # a link to /dev/zero or a pipe is refused, unread
        if data is None:
            continue
        doc, problems = load_yaml(data, path.name)
        body = doc.value.get("body") if not problems and isinstance(doc.value, dict) else None
        if isinstance(body, list):
            yield path.name, body


def proposal_form(root: Path, repository: str) -> dict[str, Any] | None:
    """The repository's issue form for proposing an entry, if the site has one on GitHub.

    It is the first form under ``.github/ISSUE_TEMPLATE/`` with fields whose ids are ``quadrant``
    and ``position``; GitHub pre-fills a form field from the query parameter named after its id.
    """
    parts = urlsplit(repository)
    if parts.scheme != "https" or parts.netloc != "github.com" or parts.path.strip("/").count("/") != 1:
        return None
    for name, body in _form_bodies(root):
        ids = {field.get("id") for field in body if isinstance(field, dict)}
        if {"quadrant", "position"} <= ids:
            return {
                "url": f"https://github.com/{parts.path.strip('/').removesuffix('.git')}/issues/new",
                "template": name,
                "fields": [name for name in PREFILL if name in ids],
            }
    return None


def proposal_choices(root: Path, template: str, framework: Framework) -> dict[str, list[str]]:
    """The form's dropdowns that ask one of the framework's questions: question id → the option texts
    the dropdown offers, for those of the question's options it offers word for word.

    The locator pre-fills such a dropdown with the reader's answer (GitHub selects a dropdown's option
    from a query parameter holding its text); an answer the form does not offer is left to the
    rationale, which lists every answer anyway."""
    wanted = {q.id: {o.text for o in q.options} for axis in framework.axes for q in axis.questions}
    for name, body in _form_bodies(root):
        if name != template:
            continue
        choices: dict[str, list[str]] = {}
        for field in body:
            if not isinstance(field, dict) or field.get("type") != "dropdown" or field.get("id") not in wanted:
                continue
            attributes = field.get("attributes")
            options = attributes.get("options") if isinstance(attributes, dict) else None
            if isinstance(options, list):
                choices[field["id"]] = [o for o in options if isinstance(o, str) and o in wanted[field["id"]]]
        return choices
    return {}


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
    """What the locator's page embeds for its script, with every URL relative to the page.

    Only what does not grow with the survey: the axes and their questions, the quadrants, the
    number of neighbours to list, the proposal form. The works are in :func:`works_json`.
    """
    fw = survey.framework
    scoring = fw.scoring
    return {
        "axes": [_axis(fw.x), _axis(fw.y)],
        "scoring": {"rule": scoring.rule, "decimals": scoring.decimals, "nudge": scoring.nudge},
        "quadrants": [{"id": q.id, "title": q.title, "x": q.x, "y": q.y, "url": link(quadrant_page_id(q.id))} for q in fw.quadrants],
        "neighbours": NEIGHBOURS,
        "proposal": proposal,
        # the entry's texts to replace, which validation refuses if they are left in
        "placeholders": {"handle": placeholders.HANDLE, "rationale": placeholders.RATIONALE},
    }


def works_data(survey: Survey, url_of: Callable[[str], str]) -> dict[str, Any]:
    """The surveyed works as the locator's script reads them: one row per entry, sorted by id.

    A row holds the fields of :data:`COLUMNS`: the entry's id, its work (an index: entries sharing
    a ``key`` share it, and the nearest works count a work once, at its nearest placement), the
    work's label and title, its quadrant (an index into ``quadrants``), its drawn position (its
    own, or the figure's slot inside its quadrant) and a plain-text excerpt of its rationale.
    ``url_of`` gives an entry page's URL relative to the site root; when every entry's URL is
    ``entry_url[0] + id + entry_url[1]`` the rows leave it out, else each row ends with its own.
    """
    fw = survey.framework
    library = survey.library
    quadrants = [q.id for q in fw.quadrants]
    inputs = figure_inputs(survey)
    drawn = auto_positions(inputs)
    works: dict[str, int] = {}
    rows: list[list[Any]] = []
    urls: list[str] = []
    for item in sorted(inputs["entries"], key=lambda i: i["id"]):
        entry = survey.entry(item["id"])
        ref = library.references.get(entry.key)
        x, y = drawn[entry.id]
        work = works.setdefault(entry.key, len(works))
        title = ref.title if ref else entry.key
        where = quadrants.index(entry.quadrant)
        rows.append([entry.id, work, item["label"], title, where, round(x, 4), round(y, 4), _plain(entry.rationale, survey)])
        urls.append(url_of(entry_page_id(entry.id)))
    pattern = _url_pattern(rows, urls)
    if pattern is None:
        for row, url in zip(rows, urls, strict=True):
            row.append(url)
    return {
        "columns": [*COLUMNS, *(() if pattern else ("url",))],
        "quadrants": quadrants,
        "entry_url": list(pattern) if pattern else None,
        "entries": rows,
    }


def _url_pattern(rows: list[list[Any]], urls: list[str]) -> tuple[str, str] | None:
    """``(before, after)`` if every entry's URL is ``before + id + after``, else ``None``."""
    if not rows:
        return None
    first_id, first = rows[0][0], urls[0]
    at = first.find(first_id)
    if at < 0:
        return None
    before, after = first[:at], first[at + len(first_id) :]
    if all(url == before + row[0] + after for row, url in zip(rows, urls, strict=True)):
        return before, after
    return None


def works_json(survey: Survey, url_of: Callable[[str], str]) -> str:
    """The works file's text: compact, UTF-8, the same bytes for the same survey."""
    return json.dumps(works_data(survey, url_of), ensure_ascii=False, separators=(",", ":")) + "\n"


def locator_markdown(survey: Survey, *, figure: str, script_url: str, works_url: str, root: str, proposal: dict[str, Any] | None) -> str:
    """The locator page: the questions by axis, the result areas, a slot for the data, the script.

    ``works_url`` is the works file as seen from the page, ``root`` the site root (the file's
    entry URLs are relative to it).
    """
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
            works_url=works_url,
            root=root,
            proposal=proposal,
            neighbours=NEIGHBOURS,
            placeholders=placeholders,
        )
    )


def fill_data(output: str, survey: Survey, link: Link, proposal: dict[str, Any] | None) -> str:
    """The locator page's HTML with its data in the slot (unchanged if the slot is gone)."""
    if DATA_SLOT not in output:
        return output
    # escaped for a <script> element; '@' too, so that no later pass can take it for a citation
    data = json_for_html(locator_data(survey, link, proposal), indent=None).replace("@", "\\u0040")
    return output.replace(DATA_SLOT, data, 1)


def _pole(axis: Axis, score: float | None) -> str:
    return "" if not score else axis.pole(int(score > 0) * 2 - 1).label

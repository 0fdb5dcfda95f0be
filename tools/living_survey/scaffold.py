"""``living-survey new``: a commented entry file for a work already in the bibliography.

Every field is present with a comment saying what it expects. The fields a contributor must
fill are left empty, so validation fails on exactly those fields and no others.
"""

from __future__ import annotations

import datetime
import json
import re
import unicodedata

from .model.bibliography import Library, Reference
from .model.entries import id_problem
from .model.framework import Framework
from .model.placeholders import TODO


def _one_line(text: str) -> str:
    """Contributed text for a YAML comment: one line, no control characters."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def suggested_ids(ref: Reference) -> list[str]:
    """Ids to try, in order: ``surname-year``, then ``surname-year-firstword`` of the title."""
    creators = ref.creators
    who = creators.people[0].surname if creators.people else (creators.body or ref.label_authors)
    # a name in a script with no Latin letters slugs to nothing: then the key's, else "work"
    name = _slug(who)[:30].strip("-") or _slug(ref.key)[:30].strip("-") or "work"
    base = "-".join(p for p in (name, _slug(ref.get("year"))) if p)
    words = [w for w in _slug(ref.title).split("-") if len(w) > 3]
    out = [base]
    if words:
        out.append(f"{base}-{words[0]}")
    return [i for i in out if not id_problem(i)] or ["work"]


def as_handle(placed_by: str) -> str:
    """``octocat`` → ``@octocat``: a handle is written with its ``@`` (a bare word reads as a key)."""
    placed_by = placed_by.strip()
    return placed_by if not placed_by or placed_by.startswith("@") else "@" + placed_by


def placer_slug(placed_by: str) -> str:
    """A handle as a part of an entry id: ``@Octo_Cat`` → ``octo-cat``."""
    return _slug(placed_by)[:30].strip("-")


def scaffold(ref: Reference, framework: Framework, placed_by: str = "", others: str = "", today: datetime.date | None = None) -> str:
    """The text of a new entry file for ``ref``; ``others`` names the files of its existing placements.

    The entry is dated ``today`` (default: the local date).
    """
    x, y = framework.x, framework.y
    out = [
        f"# New entry for {_one_line(ref.label)}: {_one_line(ref.title)}",
        f"# Fill in every field marked {TODO}, then check the file with: living-survey validate",
        "# Each field is explained in CONTRIBUTING.md; the schema is data/entry.schema.json on the site.",
    ]
    if others:
        out += [
            f"# The work is already placed in {_one_line(others)}. This file is your own placement of it:",
            "# the site shows both, joined on the map, and lists the work as contested if the quadrants differ.",
        ]
    out += [
        "",
        "# The work's BibTeX key in references.bib.",
        f"key: {json.dumps(ref.key)}",
        "",
        f"# {TODO} The quadrant the work sits in, one of:",
    ]
    for q in framework.quadrants:
        out.append(f"#   {q.id}: {_one_line(q.summary)}")
    out += [
        'quadrant: ""',
        "",
        f"# Optional. Where the work sits: [x, y], each from -1 to 1. x is {x.name} (-1 {x.negative.label}, +1 {x.positive.label});",
        f"# y is {y.name} (-1 {y.negative.label}, +1 {y.positive.label}). The signs must agree with the quadrant.",
        "# Leave it commented out to let the figure place the work inside its quadrant.",
        "# position: [0.5, 0.5]",
        "",
    ]
    out += _answers_comment(framework)
    out += [
        f"# {TODO} At least one passage, copied verbatim from the work, that justifies the placement,",
        '# with the page it is on ("12" or "12-13"). Say honestly where you read it: "abstract" if you read',
        '# only the abstract; with no page number (a web page), a locator instead of the page: locator: "§3.2".',
        "# To quote another work about this one, add cite: <its BibTeX key> to that quote.",
        "quotes:",
        '  - text: ""',
        '    page: ""',
        "",
        f"# {TODO} Why the work sits there, in your own words (Markdown; cite with [@key, p. 3]).",
        'rationale: ""',
        "",
    ]
    for name, terms in framework.vocabularies.items():
        out.append(f"# Optional. The {name} the work uses, any of: {', '.join(t.id for t in terms)}.")
        out.append(f"{name}: []")
        out.append("")
    out += [
        "# Optional. If the placement is borderline, say why (Markdown).",
        '# edge_case: ""',
        "",
        f"# {TODO} Who placed the work: your GitHub handle (@name), or the BibTeX key of a published placement.",
        f"placed_by: {json.dumps(placed_by)}",
        "",
        "# Optional. The organisation behind the work, as the work names it.",
        '# organisation: ""',
        "",
        "# Optional. The datasets the work releases or uses; url only where a page exists (http or https).",
        "# datasets:",
        '#   - name: ""',
        '#     url: ""',
        "",
        "# The date the entry was added (YYYY-MM-DD); filled in for you.",
        f"added: {json.dumps((today or datetime.date.today()).isoformat())}",
        "",
    ]
    return "\n".join(out)


def _answers_comment(framework: Framework) -> list[str]:
    """The framework's questions as comments, with an answer to copy: every line commented out, so
    that a file scaffolded and then given a position holds no answer that could contradict it."""
    if not any(axis.questions for axis in framework.axes):
        return []
    out = [
        "# Optional, and recommended. Answer the framework's questions, each with its evidence: quote, the",
        "# index (from 0) of one of the quotes below, or page and a short note in your own words. Leave out",
        "# a question the work gives no evidence for. With answers on both axes, position can be left out:",
        f"# it is computed from them; if you give both, each coordinate must lie within {framework.scoring.nudge:g} of theirs.",
        "# answers:",
    ]
    for axis in framework.axes:
        for question in axis.questions:
            out.append(f"#   {question.id}:   # {axis.name}: {_one_line(question.text)}")
            for i, option in enumerate(question.options):
                out.append(f"#     #   {i}: {_one_line(option.text)}")
            out.append("#     option: 0")
            out.append("#     quote: 0")
    out.append("")
    return out


def close_keys(key: str, library: Library, limit: int = 3) -> list[str]:
    """Keys in the bibliography that look like ``key``, for a did-you-mean hint."""
    import difflib

    return difflib.get_close_matches(key, [r.key for r in library], n=limit, cutoff=0.6)

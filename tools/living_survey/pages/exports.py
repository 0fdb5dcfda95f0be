"""Survey → downloadable data: entries as JSON and CSV, BibTeX subsets, the schemas.

Every export is a pure function of the Survey, so the files are identical for identical inputs.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from typing import Any, TextIO

from ..model.addresses import Router, entry_page_id
from ..model.bibliography import Reference, creators_text
from ..model.entries import Answer, Entry, entry_schema
from ..model.framework import Framework, Quadrant
from ..model.survey import Survey
from ..model.works import Work, placer_kind
from .cite_survey import SiteInfo

CSV_COLUMNS = (
    "id",
    "url",
    "key",
    "label",
    "title",
    "authors",
    "year",
    "venue",
    "doi",
    "link",
    "quadrant",
    "quadrant_title",
    "x",
    "y",
    "signal",
    "placed_by",
    "edge_case",
    "quotes",
    "pages",
    "quote_cites",
    "quote_vias",
    "quote_cited_pages",
    "quote_locators",
    "rationale",
    "work",
    "placer_kind",
    "work_placements",
    "contested",
    "organisation",
    "datasets",
    "dataset_urls",
    "added",
    "answers",
    "position_computed",
)
"""Columns of ``entries.csv``, one row per placement; list-valued fields are joined with `` | ``,
each item escaped first (``\\`` → ``\\\\``, ``|`` → ``\\|``; see :func:`join_cell`), so that a
``|`` inside a quote can never split it. The quote columns run in step: the n-th quote, its page
(``abstract`` for words read in the abstract; empty when it gives a locator instead), the key of its
author, the key of the work it was read in (empty when it was read in its author's own work), the
original page and the locator (a section or paragraph, such as ``§3.2``); ``quotes.csv`` holds the
same quotes one row each. ``datasets`` and ``dataset_urls`` run in step too (a dataset without a
page has an empty URL).

``work`` names the work the row places (its BibTeX key: rows sharing it are placements of one
work), ``work_placements`` how many placements it has, ``contested`` whether they fall in
different quadrants (``yes``/``no``). ``answers`` holds the placement's answers to the framework's
questions, one item per answered question written ``question=option`` (the option's number from 0,
in the order of ``framework.questions`` in ``entries.json``); ``position_computed`` says whether the
point was computed from those answers (``yes``) or given by the placer (``no``)."""
QUOTE_COLUMNS = ("entry", "work", "n", "text", "page", "locator", "cite", "via", "cited_page", "url")
"""Columns of ``quotes.csv``, one row per quote: the entry (placement) it supports, the work placed
(BibTeX key), its position among the entry's quotes (from 1), its text, its page (``abstract`` for
words read in the abstract; empty when it gives a locator), its locator (``§3.2``), whose words they
are (``cite``), the work they were read in (``via``, empty when read in the cited work itself) and
the page there (``cited_page``), and the entry page's URL."""
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these gets a leading ``'`` so spreadsheets show it as text."""
JOIN = " | "


def export_schema() -> dict[str, Any]:
    """The JSON Schema that ``entries.json`` validates against."""
    text = resources.files("living_survey").joinpath("entries-export.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _reference(ref: Reference | None, key: str) -> dict[str, Any]:
    if ref is None:
        return {"key": key}
    out: dict[str, Any] = {
        "key": ref.key,
        "type": ref.type,
        "label": ref.label,
        "title": ref.title,
        "authors": ref.creators.full_names,
        "year": ref.get("year"),
    }
    for name, value in (("venue", ref.venue), ("doi", ref.doi), ("arxiv", ref.arxiv), ("link", ref.link)):
        if value:
            out[name] = value
    return out


def entry_record(survey: Survey, entry: Entry, url: str) -> dict[str, Any]:
    """One placement with its quadrant and placer, as published in ``entries.json`` (its work holds the reference)."""
    quadrant = survey.framework.quadrant(entry.quadrant)
    record: dict[str, Any] = {
        "id": entry.id,
        "url": url,
        "key": entry.key,
        "quadrant": {"id": quadrant.id, "title": quadrant.title},
        "position": list(entry.position) if entry.position else None,
        "quotes": [
            {"text": q.text, "page": q.page, "cite": q.cite, "via": q.via, "cited_page": q.cited_page, "locator": q.locator}
            for q in entry.quotes
        ],
        "rationale": entry.rationale,
        "signal": list(entry.signal),
        "edge_case": entry.edge_case,
        "placed_by": entry.placed_by,
        "placer_kind": placer_kind(entry.placed_by, survey.library),
        "organisation": entry.organisation,
        "datasets": [{"name": d.name, **({"url": d.url} if d.url else {})} for d in entry.datasets],
        "added": entry.added,
        "answers": [_answer(a) for a in entry.answers],
        "position_computed": entry.computed,
    }
    return record


def _answer(answer: Answer) -> dict[str, Any]:
    """One answer with its evidence: the index of one of the placement's quotes, or a page or a locator and a note."""
    out: dict[str, Any] = {"question": answer.question, "option": answer.option}
    for name, value in (("quote", answer.quote), ("page", answer.page), ("locator", answer.locator), ("note", answer.note)):
        if value is not None:
            out[name] = value
    return out


def _questions(fw: Framework) -> list[dict[str, Any]]:
    """The framework's questions, each with its axis and its options' texts and scores, in answer order."""
    return [
        {
            "id": q.id,
            "axis": axis.key,
            "text": q.text,
            "options": [{"text": o.text, "score": o.score} for o in q.options],
        }
        for axis in fw.axes
        for q in axis.questions
    ]


def work_record(survey: Survey, work: Work, url_of: Callable[[Entry], str]) -> dict[str, Any]:
    """One work: its reference, every placement of it, and how far the placements agree."""
    return {
        "key": work.key,
        "reference": _reference(survey.library.references.get(work.key), work.key),
        "agreement": {
            "same_quadrant": not work.contested,
            "quadrants": list(work.quadrants),
            "disputed_axes": [axis.key for axis in work.disputed],
            "spread": dict(work.spread),
            "distance": work.distance,
            "estimated": work.estimated,
        },
        "placements": [entry_record(survey, e, url_of(e)) for e in work.placements],
    }


def write_entries_json(survey: Survey, url_of: Any, meta: dict[str, Any], out: TextIO) -> None:
    """``entries.json``, streamed one work at a time: survey metadata, the framework, every work with its placements."""
    fw = survey.framework
    head = {
        "survey": meta,
        "framework": {
            "axes": {
                axis.key: {"name": axis.name, "negative": axis.negative.label, "positive": axis.positive.label} for axis in (fw.x, fw.y)
            },
            "quadrants": [{"id": q.id, "title": q.title, "x": q.x, "y": q.y} for q in fw.quadrants],
            "questions": _questions(fw),
            "scoring": {"rule": fw.scoring.rule, "decimals": fw.scoring.decimals, "nudge": fw.scoring.nudge},
        },
    }
    out.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "works": [')
    for i, work in enumerate(sorted(survey.works, key=lambda w: w.key)):
        out.write(("\n  " if i == 0 else ",\n  ") + json.dumps(work_record(survey, work, url_of), ensure_ascii=False))
    out.write("\n ]\n}\n")


def csv_cell(value: str) -> str:
    """A text cell that a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(CSV_FORMULA_START) else value


def join_cell(items: Iterable[str]) -> str:
    """List items in one CSV cell, joined with `` | ``; each item's ``\\`` and ``|`` are escaped with a
    backslash, so splitting on `` | `` and then undoing the escapes gives back every item as written."""
    return JOIN.join(item.replace("\\", "\\\\").replace("|", "\\|") for item in items)


def split_cell(cell: str) -> list[str]:
    """The items of a :func:`join_cell` cell (``[]`` for an empty cell holding no item)."""
    return [re.sub(r"\\(.)", r"\1", item, flags=re.S) for item in cell.split(JOIN)] if cell else []


def write_quotes_csv(survey: Survey, url_of: Any, out: TextIO) -> None:
    """``quotes.csv``, streamed: one row per quote, so a quote is never paired with another's page or work."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(QUOTE_COLUMNS)
    for entry in sorted(survey.entries, key=lambda e: e.id):
        url = url_of(entry)
        for n, q in enumerate(entry.quotes, 1):
            cells = (entry.id, entry.key, str(n), q.text, q.page or "", q.locator or "", q.cite, q.via or "", q.cited_page or "", url)
            writer.writerow([csv_cell(c) for c in cells])


def write_entries_csv(survey: Survey, url_of: Any, out: TextIO) -> None:
    """``entries.csv``, streamed: one row per entry; text cells are protected against formula injection."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in sorted(survey.entries, key=lambda e: e.id):
        ref = survey.library.references.get(entry.key)
        quadrant = survey.framework.quadrant(entry.quadrant)
        work = survey.work_of(entry)
        text = {
            "id": entry.id,
            "url": url_of(entry),
            "key": entry.key,
            "label": ref.label if ref else "",
            "title": ref.title if ref else "",
            "authors": creators_text(ref) if ref else "",
            "year": ref.get("year") if ref else "",
            "venue": ref.venue if ref else "",
            "doi": ref.doi if ref else "",
            "link": ref.link if ref else "",
            "quadrant": quadrant.id,
            "quadrant_title": quadrant.title,
            "signal": join_cell(entry.signal),
            "placed_by": entry.placed_by,
            "edge_case": entry.edge_case or "",
            "quotes": join_cell(q.text for q in entry.quotes),
            "pages": join_cell(q.page or "" for q in entry.quotes),
            "quote_cites": join_cell(q.cite for q in entry.quotes),
            "quote_vias": join_cell(q.via or "" for q in entry.quotes),
            "quote_cited_pages": join_cell(q.cited_page or "" for q in entry.quotes),
            "quote_locators": join_cell(q.locator or "" for q in entry.quotes),
            "rationale": entry.rationale,
            "work": entry.key,
            "placer_kind": placer_kind(entry.placed_by, survey.library),
            "work_placements": str(len(work.placements)),
            "contested": "yes" if work.contested else "no",
            "organisation": entry.organisation or "",
            "datasets": join_cell(d.name for d in entry.datasets),
            "dataset_urls": join_cell(d.url or "" for d in entry.datasets),
            "added": entry.added,
            "answers": join_cell(f"{a.question}={a.option}" for a in entry.answers),
            "position_computed": "yes" if entry.computed else "no",
        }
        row = [csv_cell(text[c]) if c in text else "" for c in CSV_COLUMNS]
        if entry.position:
            row[CSV_COLUMNS.index("x")] = repr(entry.position[0])
            row[CSV_COLUMNS.index("y")] = repr(entry.position[1])
        writer.writerow(row)


def bib_subset(survey: Survey, keys: list[str]) -> str:
    """The BibTeX records of ``keys`` as written, plus any record they ``crossref``, sorted by key."""
    library = survey.library
    wanted: list[str] = []
    for key in sorted(set(keys)):
        if key in library and key not in wanted:
            wanted.append(key)
            parent = library[key].get("crossref")
            if parent in library and parent not in wanted:
                wanted.append(parent)
    return "\n\n".join(library[k].raw.strip() for k in sorted(wanted)) + "\n"


def schema_json(survey: Survey) -> str:
    """The entry schema with this survey's quadrants and vocabularies, for editors."""
    return json.dumps(entry_schema(survey.framework), ensure_ascii=False, indent=1) + "\n"


DOWNLOADS: tuple[tuple[str, str, str], ...] = (
    ("data/entries.json", "application/json", "Every work with its reference and placements (JSON)"),
    ("data/entries.csv", "text/csv", "Every placement, one row each (CSV)"),
    ("data/quotes.csv", "text/csv", "Every quote, one row each, with its entry, work and page (CSV)"),
    ("data/references.bib", "application/x-bibtex", "The surveyed works (BibTeX)"),
    ("data/entry.schema.json", "application/schema+json", "The entry schema, for editors (JSON Schema)"),
)
"""(path in the site, media type, name) of the downloads every home and quadrant page links."""


def quadrant_download(quadrant: Quadrant) -> tuple[str, str, str]:
    """(path, media type, name) of one quadrant's BibTeX file."""
    return (f"data/{quadrant.id}.bib", "application/x-bibtex", f"The works in {quadrant.title} (BibTeX)")


Writer = Callable[[TextIO], object]


def data_files(survey: Survey, info: SiteInfo, router: Router) -> Iterator[tuple[str, Writer]]:
    """The downloads as (path in the site, writer), each writer streaming into an open file.

    A survey of thousands of entries is never held whole in memory.
    """

    def url_of(entry: Entry) -> str:
        return router.absolute(entry_page_id(entry.id))

    meta = {
        "title": info.title,
        "url": info.url,
        "version": info.version,
        "commit": info.commit,
        "date": info.date,
        "count": len(survey.entries),
        "works": len(survey.works),
        "schema": info.url + "data/entries.schema.json",
    }
    yield "data/entries.json", lambda out: write_entries_json(survey, url_of, meta, out)
    yield "data/entries.csv", lambda out: write_entries_csv(survey, url_of, out)
    yield "data/quotes.csv", lambda out: write_quotes_csv(survey, url_of, out)
    yield "data/references.bib", lambda out: out.write(bib_subset(survey, [e.key for e in survey.entries]))
    yield "data/entry.schema.json", lambda out: out.write(schema_json(survey))
    yield "data/entries.schema.json", lambda out: out.write(json.dumps(export_schema(), indent=1) + "\n")
    for q in survey.framework.quadrants:
        yield quadrant_download(q)[0], _bib_writer(survey, [e.key for e in survey.entries_in(q.id)])


def _bib_writer(survey: Survey, keys: list[str]) -> Writer:
    return lambda out: out.write(bib_subset(survey, keys))

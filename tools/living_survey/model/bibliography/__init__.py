"""The bibliography: ``references.bib`` read (:mod:`.parse`), its LaTeX decoded (:mod:`.decode`),
its records (:mod:`.records`) and their formatted references and labels (:mod:`.format`).

The names the rest of the engine uses are imported from here.
"""

from __future__ import annotations

from .decode import LatexError, decode, verbatim_url
from .format import byline, creators_text, label_authors, name_list, reference_html, reference_parts, reference_text
from .parse import MAX_FIELD, parse_bibliography
from .records import Creators, Library, Name, Reference

__all__ = [
    "MAX_FIELD",
    "Creators",
    "LatexError",
    "Library",
    "Name",
    "Reference",
    "byline",
    "creators_text",
    "decode",
    "label_authors",
    "name_list",
    "parse_bibliography",
    "reference_html",
    "reference_parts",
    "reference_text",
    "verbatim_url",
]

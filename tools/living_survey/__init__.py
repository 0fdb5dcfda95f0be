"""living_survey: a living survey as a static site — entries and a bibliography in, pages out."""

from __future__ import annotations

from .core.problems import Problem, SurveyError
from .model.bibliography import Library, Name, Reference, parse_bibliography
from .model.entries import Entry, Quote, entry_schema
from .model.framework import Framework, Quadrant, load_framework
from .model.survey import Survey, load_survey

__all__ = [
    "Entry",
    "Framework",
    "Library",
    "Name",
    "Problem",
    "Quadrant",
    "Quote",
    "Reference",
    "Survey",
    "SurveyError",
    "entry_schema",
    "load_framework",
    "load_survey",
    "parse_bibliography",
]

__version__ = "0.1.0"

"""JSON Schema validation of parsed YAML, reported as ``path:line: field: message``."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from .problems import Problem, shown
from .yamlio import Document, Path, field_name

__all__ = ["field_name", "make_validator", "packaged_schema", "validate"]


@cache
def packaged_schema(name: str) -> dict[str, Any]:
    """A JSON Schema shipped inside the package (read once per process)."""
    text = resources.files("living_survey").joinpath(name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


_BIBKEY = 'is not a BibTeX key: write the key as it is in references.bib (letters, digits and _:.+/-), e.g. "kirk2023empty"'
_FORMS = {
    "page": 'is not a page: write "12", "12-13" or "xiv" (the number only, no "p."), "abstract", or give a locator instead',
    "locator": 'is not a locator: one line, such as "§3.2" or "para. 4"',
    "cited_page": 'is not a page: write "12", "12-13" or "xiv" (the number only, no "p.")',
    "key": _BIBKEY,
    "cite": _BIBKEY,
    "via": _BIBKEY,
}
"""Each pattern explained in words, with examples: never a raw regular expression."""
_ONE_OF = {
    ("page", "locator"): 'missing; give the page the words are on ("12", "abstract"), or a locator instead ("§3.2")',
}
"""What to write when a mapping lacks every field of a set it needs one of."""


def _describe(error: jsonschema.ValidationError, doc: Document) -> tuple[Path, str]:
    path: Path = tuple(error.absolute_path)
    validator = error.validator
    if validator == "required":
        missing = error.message.split("'")[1]
        return (*path, missing), "missing; this field is required"
    if validator == "additionalProperties":
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return (*path, extra[0]), f"unknown field (allowed here: {allowed})"
    if validator == "type" and error.instance is None:
        return path, f"is empty (expected {error.validator_value})"
    if validator == "type" and path in doc.raw:
        expected = error.validator_value
        raw = doc.raw[path]
        if expected == "string":
            return path, f'{raw} is read as {type(error.instance).__name__}; quote it ("{raw}") to keep it as text'
        return path, f"{shown(raw)} is not of type {expected!r}"
    if validator == "pattern":
        name = next((p for p in reversed(path) if isinstance(p, str)), "")
        form = _FORMS.get(name) or f"is not in the expected form ({error.schema.get('description', 'see the schema')})"
        return path, f"{shown(error.instance)} {form}"
    if validator == "minLength":
        wanted = error.schema.get("description", "write a value").rstrip(".")
        return path, f"is empty; expected: {wanted[:1].lower()}{wanted[1:]}"
    if validator == "anyOf" and all(set(option) == {"required"} for option in error.validator_value):
        # "one of these fields": reported as the first one missing, naming the others
        wanted = tuple(option["required"][0] for option in error.validator_value)
        return (*path, wanted[0]), _ONE_OF.get(wanted, f"missing; give {' or '.join(wanted)}")
    if validator == "minItems":
        return path, f"needs at least {error.validator_value} item{'s' if error.validator_value != 1 else ''}"
    if validator == "enum":
        return path, f"{shown(error.instance)} is not one of {', '.join(map(repr, error.validator_value))}"
    return path, error.message


def make_validator(schema: dict[str, Any]) -> jsonschema.Draft7Validator:
    """A validator for ``schema``, checked once; build one per load, not one per file."""
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def validate(doc: Document, validator: jsonschema.Draft7Validator, file: str) -> list[Problem]:
    """Every way ``doc.value`` breaks the validator's schema, each at its line."""
    problems = []
    for error in validator.iter_errors(doc.value):
        path, message = _describe(error, doc)
        line = doc.line(path)
        # an unknown field is located at its own key, a missing one at its parent mapping
        problems.append(Problem(file, line, field_name(path), message))
    return problems

"""JSON Schema validation of parsed YAML, reported as ``path:line: field: message``."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from .problems import Problem
from .yamlio import Document, Path


@cache
def packaged_schema(name: str) -> dict[str, Any]:
    """A JSON Schema shipped inside the package (read once per process)."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def field_name(path: Path) -> str:
    """``('quotes', 0, 'page')`` → ``quotes[0].page``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


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
            return path, f"{raw} is read as {type(error.instance).__name__}; quote it (\"{raw}\") to keep it as text"
        return path, f"{raw!r} is not of type {expected!r}"
    if validator == "enum":
        return path, f"{error.instance!r} is not one of {', '.join(map(repr, error.validator_value))}"
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

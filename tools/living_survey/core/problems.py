"""Problems found in contributed data, and the one error that carries all of them.

Every loader collects problems instead of stopping at the first, so a contributor sees
everything that is wrong with a pull request at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text safe to print to a terminal or a log: control characters written as escapes.

    File names, field names and values in messages come from contributors; an escape sequence
    in them could clear a screen or forge a line, so each is shown as ``\\x1b``, ``\\n``, ``\\u202e``.
    """
    return _UNSAFE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def shown(value: object, limit: int = 80) -> str:
    """A contributed value quoted in a message: ``repr``, cut to ``limit`` characters."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit]) + "…"
    return repr(value)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input file.

    Attributes:
        path: the file, relative to the project root (the folder of ``mkdocs.yml``).
        line: 1-based line in that file, or 0 when the problem concerns the whole file.
        field: the field or record concerned (``quotes[0].page``, ``@article{key``), or ``""``.
        message: what is wrong and, where it helps, what was expected.
    """

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return printable(text)


class SurveyError(Exception):
    """Raised when the survey's inputs are invalid; lists every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems)))
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"The survey's data has {count} {noun}:\n{lines}")

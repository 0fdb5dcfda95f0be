"""Permanent URLs: every published page id keeps resolving, as itself or through a redirect.

The list of published ids is a plain text file in the repository (one page id per line, as
:mod:`..model.addresses` makes them, ``#`` comments). An id that disappears without a redirect, and a
page that is not yet listed, are both reported with the line or the text to add.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..core.files import LEDGER_BYTES, read_text
from ..core.problems import Problem
from ..model.addresses import SitePages


def read_ids(text: str) -> list[tuple[int, str]]:
    """(line, id) for each id in the file."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        value = line.split("#", 1)[0].strip()
        if value:
            out.append((number, value.strip("/")))
    return out


def _redirected(page_id: str, redirects: Iterable[str]) -> bool:
    sources = {r.strip("/") for r in redirects}
    return bool({f"{page_id}.md", f"{page_id}/index.md", f"{page_id}.html", f"{page_id}/index.html"} & sources)


def permanence_problems(
    ids_file: Path, display: str, pages: SitePages, redirects: Iterable[str], root: Path | None = None
) -> list[Problem]:
    """Listed ids that no longer resolve, and pages missing from the list (``root``: the project, default the file's folder)."""
    if not os.path.lexists(ids_file):
        return [Problem(display, 0, "", "the list of published ids is missing; `living-survey ids --write` creates it")]
    text, unread = read_text(ids_file, display, root if root is not None else ids_file.parent, max_bytes=LEDGER_BYTES)
    if text is None:
        return unread
    listed = read_ids(text)
    redirects = list(redirects)
    current = pages.permanent_ids()
    now = set(current)
    problems = []
    for line, page_id in listed:
        if page_id not in now and not _redirected(page_id, redirects):
            problems.append(
                Problem(
                    display,
                    line,
                    "",
                    f"{page_id!r} was published but no longer exists: restore it, or declare a redirect in mkdocs.yml "
                    f"(plugins: redirects: redirect_maps: '{page_id}.md': '<new page>.md')",
                )
            )
    known = {page_id for _, page_id in listed}
    for page_id in current:
        if page_id not in known:
            problems.append(Problem(display, 0, "", f"{page_id!r} is not listed yet: add the line `{page_id}`"))
    return problems


def append_id(ids_file: Path, page_id: str) -> bool:
    """Add ``page_id`` to the list unless it is there; whether it was added."""
    text = ids_file.read_text(encoding="utf-8") if ids_file.is_file() else ""
    if page_id in {i for _, i in read_ids(text)}:
        return False
    with ids_file.open("a", encoding="utf-8") as handle:
        if text and not text.endswith("\n"):
            handle.write("\n")
        handle.write(page_id + "\n")
    return True

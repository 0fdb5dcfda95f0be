"""The one guarded reader for every file the build reads.

Git carries symbolic links, so a pull request can turn any input (an entry, ``references.bib``,
``CITATION.cff``, an issue form, a docs page or a snippet) into a link to ``/dev/zero``, a pipe or
a file outside the project. Every input therefore goes through :func:`read_file`: the path is
resolved, refused unless it lies inside the project (the folder of ``mkdocs.yml``), opened
without blocking, refused unless it is a regular file, and read up to one byte past its kind's
limit, never more. A refusal is a located problem, never a traceback or a hang.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from .problems import Problem

KIB = 1024
MIB = 1024 * KIB

YAML_BYTES = 1 * MIB
"""An entry, the framework, an issue form: a few kilobytes each."""
BIB_BYTES = 64 * MIB
"""The bibliography: every cited work, so it grows with the survey."""
METADATA_BYTES = 256 * KIB
"""``CITATION.cff`` and ``.zenodo.json``: authors, abstract, keywords."""
LEDGER_BYTES = 16 * MIB
"""The permanent-id ledger: one short line per page ever published."""
DOCS_PAGE_BYTES = 256 * KIB
"""A hand-written docs page or snippet (the longest page here, the design notes, is about 30 KB);
Python-Markdown's time grows with a page's length, so a page is bounded before it reads it."""

OUTSIDE = "is a symbolic link to a file outside the project; commit the file itself"
OUTSIDE_FOLDER = "is a symbolic link to a folder outside the project; commit its files instead"
MAX_FILES = 100_000
"""Files and folders one walk of the docs folder looks at."""

SPECIAL = "is a device, pipe or socket, not a regular file; an input must be a plain text file"


def inside(path: os.PathLike[str] | str, root: os.PathLike[str] | str) -> bool:
    """Whether ``path``, with every symbolic link resolved, lies in ``root`` (resolved too)."""
    real, base = os.path.realpath(path), os.path.realpath(root)
    try:
        return os.path.commonpath([real, base]) == base
    except ValueError:  # on Windows, paths on two drives have no common path
        return False


def read_file(
    path: os.PathLike[str] | str, display: str, root: os.PathLike[str] | str, *, max_bytes: int = YAML_BYTES
) -> tuple[bytes | None, list[Problem]]:
    """Read an input file with a bounded read.

    Args:
        path: the file, as the project names it (it may be a link).
        display: its name in messages, relative to the project root.
        root: the project root; the file must resolve inside it.
        max_bytes: the limit for this kind of file (the constants of this module).

    Returns:
        The bytes, or ``None`` and the reason as a problem.
    """

    def refuse(message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(display, 0, "", message)]

    try:
        real = os.path.realpath(path, strict=True)
    except OSError as exc:
        return refuse(f"cannot read: {exc.strerror or exc}")
    if not inside(real, root):
        return refuse(OUTSIDE)
    try:
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        return refuse(f"cannot read: {exc.strerror or exc}")
    with os.fdopen(fd, "rb") as handle:
        # fstat on the open file: what is read is what was checked, even if the name changes meanwhile
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            return refuse("is a folder, not a regular file; an input must be a plain text file" if stat.S_ISDIR(mode) else SPECIAL)
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        return refuse(f"file is more than {max_bytes:,} bytes; the limit is {max_bytes:,}")
    return data, []


def read_text(
    path: os.PathLike[str] | str, display: str, root: os.PathLike[str] | str, *, max_bytes: int
) -> tuple[str | None, list[Problem]]:
    """:func:`read_file`, decoded as UTF-8 (a byte-order mark is dropped); a bad byte is located by its line."""
    data, problems = read_file(path, display, root, max_bytes=max_bytes)
    if data is None:
        return None, problems
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem(display, line, "", f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8")]


def exists(path: Path) -> bool:
    """Whether anything, even a dangling link or a pipe, stands at ``path`` (``is_file`` would skip those silently)."""
    return os.path.lexists(path)


def walk(folder: Path, root: Path, display: str) -> tuple[list[Path], list[Problem]]:
    """Every file under ``folder`` as MkDocs finds them (links to folders followed), each checked.

    A file or folder that resolves outside ``root``, a device, pipe or socket, a dangling link
    and a link to a folder that contains it are problems; the files returned are regular files
    inside the project, in sorted order, by the path under ``folder`` (links unresolved).
    """
    problems: list[Problem] = []
    found: list[Path] = []

    def where(path: Path) -> str:
        return f"{display}/{path.relative_to(folder).as_posix()}" if path != folder else display

    if not inside(folder, root):
        return [], [Problem(display, 0, "", OUTSIDE_FOLDER)]
    # each folder with the real paths of the folders above it: a link back to one of them is a loop
    stack: list[tuple[Path, frozenset[str]]] = [(folder, frozenset({os.path.realpath(folder)}))]
    visited = 0
    while stack:
        current, above = stack.pop()
        try:
            with os.scandir(current) as entries:
                children = sorted(entries, key=lambda e: e.name, reverse=True)
        except OSError as exc:
            problems.append(Problem(where(current), 0, "", f"cannot read the folder: {exc.strerror or exc}"))
            continue
        visited += len(children)
        if visited > MAX_FILES:  # links to folders can multiply what a walk sees
            problems.append(Problem(display, 0, "", f"holds more than {MAX_FILES:,} files and folders; the limit is {MAX_FILES:,}"))
            break
        for child in children:
            path = Path(child.path)
            try:
                mode = os.stat(path).st_mode  # follows links; never opens, so a pipe cannot block
            except OSError:
                problems.append(Problem(where(path), 0, "", "is a symbolic link to nothing; remove it or commit the file"))
                continue
            if not inside(path, root):
                problems.append(Problem(where(path), 0, "", OUTSIDE_FOLDER if stat.S_ISDIR(mode) else OUTSIDE))
            elif stat.S_ISDIR(mode):
                real = os.path.realpath(path)
                if real in above:
                    problems.append(Problem(where(path), 0, "", "is a symbolic link to a folder that contains it; remove it"))
                else:
                    stack.append((path, above | {real}))
            elif stat.S_ISREG(mode):
                found.append(path)
            else:
                problems.append(Problem(where(path), 0, "", SPECIAL))
    return sorted(found, key=lambda p: p.relative_to(folder).parts), problems


def metadata_problems(root: Path) -> list[Problem]:
    """The files GitHub and Zenodo read beside the build: the issue forms and ``.zenodo.json``.

    The locator reads the issue forms (:func:`..pages.locator.proposal_form`); ``validate`` must refuse
    the same links, pipes and devices the build would meet there.
    """
    problems: list[Problem] = []
    forms = root / ".github" / "ISSUE_TEMPLATE"
    shown = ".github/ISSUE_TEMPLATE"
    if exists(forms) and not inside(forms, root):
        problems.append(Problem(shown, 0, "", OUTSIDE_FOLDER))
    elif forms.is_dir():
        for path in sorted(forms.iterdir()):
            if path.suffix in (".yml", ".yaml"):
                problems += read_file(path, f"{shown}/{path.name}", root, max_bytes=YAML_BYTES)[1]
    zenodo = root / ".zenodo.json"
    if exists(zenodo):
        data, unread = read_file(zenodo, zenodo.name, root, max_bytes=METADATA_BYTES)
        problems += unread
        try:
            if data is not None:
                json.loads(data.decode("utf-8"))
        except UnicodeDecodeError:
            problems.append(Problem(zenodo.name, 0, "", "not valid UTF-8; save the file as UTF-8"))
        except json.JSONDecodeError as exc:
            problems.append(Problem(zenodo.name, exc.lineno, "", f"not valid JSON: {exc.msg}"))
    return problems

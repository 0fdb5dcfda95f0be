"""Docs pages and snippets: inside the project, and parsed by Markdown in bounded time.

MkDocs publishes every file of the docs folder and follows links to folders, and
``pymdownx.snippets`` pastes files into pages before Markdown reads them. Both would publish a
file outside the project that a link in a pull request points at, so every docs file and every
snippet goes through the guarded reader (:mod:`..core.files`) and is refused, with its location, unless
it is a regular file inside the project.

Python-Markdown is not linear on every page: each ``[`` (and ``(`` after ``]``, and ``<``) without a
near closing partner makes it rescan the rest of the paragraph, so a 20 KB paragraph of ``[``
takes a minute and a half, and lists nested hundreds deep raise ``RecursionError``. Before Markdown
sees a page, :func:`page_problems` scans it once, in linear time and without regular expressions,
and refuses a page that is too long, has a paragraph too long, makes too much bracket work or
nests too deep.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.files import DOCS_PAGE_BYTES, read_text, walk
from ..core.problems import Problem, shown

PAGE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
"""What MkDocs treats as a page (``mkdocs.utils.markdown_extensions``)."""
MAX_PARAGRAPH = 10_000
"""Characters in one paragraph (lines with no blank line between them). Python-Markdown's inline
patterns rework the whole paragraph for each match, so its time grows faster than the paragraph;
a bounded paragraph keeps a page's time linear in the number of paragraphs."""
MAX_BRACKET_WORK = 1_000_000
"""Characters Markdown may rescan after opening brackets in one page: for each ``[`` (and each
``(`` after ``]``, and each ``<``), the distance to its closing partner, or to the end of its
paragraph when it has none. About 0.2 s of Python-Markdown at worst; a page of ordinary links
needs a few thousand."""
MAX_NESTING = 32
"""Levels of lists, block quotes and indentation (four columns each) on one line; Python-Markdown
recurses once per level and fails near 600."""
SNIPPETS = "pymdownx.snippets"


def nesting(line: str) -> int:
    """How deep a line nests: one level per list or quote marker and per four columns of indentation."""
    depth, column, i, size = 0, 0, 0, len(line)
    while i < size:
        char = line[i]
        if char == " ":
            column += 1
        elif char == "\t":
            column += 4 - column % 4
        elif char == ">" or (char in "-*+" and (i + 1 == size or line[i + 1] in " \t")):
            depth, column = depth + 1 + column // 4, 0
        elif "0" <= char <= "9":
            j = i
            while j < size and j - i < 10 and "0" <= line[j] <= "9":
                j += 1
            if j < size and line[j] in ".)" and (j + 1 == size or line[j + 1] in " \t"):
                depth, column, i = depth + 1 + column // 4, 0, j + 1
                continue
            break
        else:
            break
        i += 1
    return depth + column // 4


def bracket_work(paragraph: str) -> tuple[int, int, int]:
    """Markdown's rescanning after opening brackets in one paragraph, in one pass.

    Returns:
        The work (see :data:`MAX_BRACKET_WORK`), how many openers have no partner, and the offset
        of the first of them (or 0).
    """
    size = len(paragraph)
    work = 0
    squares: list[int] = []
    parens: list[int] = []
    angles: list[int] = []
    i, after_bracket = 0, False
    while i < size:
        char = paragraph[i]
        if char == "\\":  # an escaped character is text to Markdown
            i, after_bracket = i + 2, False
            continue
        if char == "[":
            squares.append(i)
        elif char == "]" and squares:
            work += i - squares.pop()
        elif char == "(" and (after_bracket or parens):  # a link's address, and parentheses inside it
            parens.append(i)
        elif char == ")" and parens:
            work += i - parens.pop()
        elif char == "<":
            angles.append(i)
        elif char == ">" and angles:
            work += sum(i - at for at in angles)  # each opener is settled once: linear overall
            angles.clear()
        after_bracket = char == "]"
        i += 1
    open_ = squares + parens + angles
    work += sum(size - at for at in open_)
    return work, len(open_), min(open_, default=0)


def _paragraphs(lines: Sequence[str]) -> Iterator[tuple[int, str]]:
    """(first line number, text) of each run of non-blank lines."""
    start, run = 0, list[str]()
    for number, line in enumerate(lines, 1):
        if line.strip():
            if not run:
                start = number
            run.append(line)
        elif run:
            yield start, "\n".join(run)
            run = []
    if run:
        yield start, "\n".join(run)


def page_problems(text: str, display: str) -> list[Problem]:
    """Why Markdown might not read a docs page (or snippet) in bounded time, located; linear in the page."""
    lines = text.split("\n")
    problems = []
    for number, line in enumerate(lines, 1):
        depth = nesting(line)
        if depth > MAX_NESTING:
            message = f"nests lists, quotes or indentation {depth} levels deep; the limit is {MAX_NESTING}"
            problems.append(Problem(display, number, "", message))
            break
    total, worst = 0, (0, 0, 0, 0)
    for start, paragraph in _paragraphs(lines):
        if len(paragraph) > MAX_PARAGRAPH:
            message = f"this paragraph is {len(paragraph):,} characters long; the limit is {MAX_PARAGRAPH:,}: add blank lines"
            problems.append(Problem(display, start, "", message))
            continue
        work, unclosed, first = bracket_work(paragraph)
        total += work
        if work > worst[0]:
            worst = (work, unclosed, start + paragraph.count("\n", 0, first), start)
    if total > MAX_BRACKET_WORK:
        work, unclosed, at, begins = worst
        problems.append(
            Problem(
                display,
                at if unclosed else begins,
                "",
                f"{unclosed:,} opening brackets ('[', '(' after ']', '<') without a closing partner, or closed far away, "
                f"make Markdown rescan {total:,} characters of this page (this paragraph: {work:,}); the limit is "
                f"{MAX_BRACKET_WORK:,}: close them, or write an opening bracket as '\\['",
            )
        )
    return problems


@dataclass(frozen=True)
class SnippetOptions:
    """``pymdownx.snippets`` as ``mkdocs.yml`` configures it, base paths resolved against its folder."""

    config: str
    """``mkdocs.yml`` as messages name it."""
    bases: tuple[Path, ...]
    restrict_base_path: bool = True
    check_paths: bool = False
    url_download: bool = False
    auto_append: tuple[str, ...] = ()


def snippet_options(extensions: Sequence[Any], configs: Mapping[str, Any], root: Path, config: str = "mkdocs.yml") -> SnippetOptions | None:
    """The snippets options of a configuration, or ``None`` when the extension is not enabled.

    pymdownx resolves a relative base path from the current folder; the plugin pins it to the
    folder of ``mkdocs.yml`` (:func:`pin_base_paths`), as MkDocs does for ``docs_dir``, so the
    check and the build read the same files wherever the command runs.
    """
    name = next((n for n in extensions if isinstance(n, str) and n.split(":")[0] == SNIPPETS), None)
    if name is None:
        return None
    options = configs.get(name) or {}
    bases = options.get("base_path", ["."])
    bases = [bases] if isinstance(bases, (str, os.PathLike)) else list(bases)
    return SnippetOptions(
        config=config,
        bases=tuple(Path(os.path.abspath(root / b)) for b in bases),
        restrict_base_path=options.get("restrict_base_path", True) is True,
        check_paths=options.get("check_paths", False) is True,
        url_download=options.get("url_download", False) is True,
        auto_append=tuple(str(a) for a in options.get("auto_append", ())),
    )


def pin_base_paths(extensions: Sequence[Any], configs: dict[str, Any], options: SnippetOptions | None) -> None:
    """Give ``pymdownx.snippets`` the base paths :func:`snippet_options` checked (absolute)."""
    name = next((n for n in extensions if isinstance(n, str) and n.split(":")[0] == SNIPPETS), None)
    if name is not None and options is not None:
        configs.setdefault(name, {})["base_path"] = [str(b) for b in options.bases]


def _snippet_refs(text: str) -> Iterator[tuple[int, str]]:
    """(line, path) of every snippet a page pastes in, as pymdownx.snippets reads its markers."""

    def marker(s: str) -> tuple[str, str] | None:
        i = 0
        while i < len(s) and s[i] == "-":
            i += 1
        if i == 0 or s[i : i + 2] != "8<":
            return None
        j = i + 2
        while j < len(s) and s[j] == "-":
            j += 1
        if j == i + 2:
            return None
        rest = s[j:].removesuffix("\r")
        if not rest:
            return "block", ""
        quoted = rest.lstrip(" \t")
        if rest[0] in " \t" and len(quoted) >= 2 and quoted[0] in "\"'" and quoted[-1] == quoted[0]:
            return "inline", quoted[1:-1].strip()
        return None

    block = False
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.lstrip(" \t")
        if stripped.startswith(";"):  # an escaped marker, or a path commented out
            continue
        found = marker(stripped)
        if block:
            if found is not None and found[0] == "block":
                block = False
            elif found is None and stripped.strip():
                yield number, stripped.strip()
        elif found is not None:
            if found[0] == "block":
                block = True
            elif found[1]:
                yield number, found[1]


def _candidates(path: str) -> list[str]:
    """The file a snippet path may name: all of it, or the part before a ``:lines`` or ``:section``."""
    cuts = [path] + [path[:i] for i, char in enumerate(path) if char == ":"][:16]
    return [c.strip() for c in cuts if c.strip()]


class _Snippets:
    """Every snippet a set of pages pastes in, followed into snippets that paste others."""

    def __init__(self, options: SnippetOptions, root: Path, display: Any) -> None:
        self.options, self.root, self.display = options, root, display
        self.problems: list[Problem] = []
        self.seen: set[str] = set()

    def config_problems(self) -> None:
        where, field = self.options.config, f"markdown_extensions.{SNIPPETS}"
        if not self.options.restrict_base_path:
            self.problems.append(
                Problem(where, 0, field, "restrict_base_path must be true: a snippet may not name a file outside its base paths")
            )
        if not self.options.check_paths:
            self.problems.append(Problem(where, 0, field, "check_paths must be true: a snippet that is not found must stop the build"))
        if self.options.url_download:
            self.problems.append(Problem(where, 0, field, "url_download must be false: the build reads no snippet from the network"))
        for base in self.options.bases:
            if not _inside(base, self.root):
                self.problems.append(Problem(where, 0, f"{field}.base_path", f"{base} is outside the project"))
        for name in self.options.auto_append:
            self.follow(name, where, 0)

    def follow(self, path: str, where: str, line: int) -> None:
        """Check the file a snippet path names, and the snippets it pastes in turn."""
        if os.path.isabs(path) or path.lower().startswith(("http://", "https://")):
            message = f"snippet {shown(path)}: a snippet path is relative to the snippet base paths, inside the project"
            self.problems.append(Problem(where, line, "", message))
            return
        hits = []
        for base in self.options.bases:
            for name in _candidates(path):
                if os.path.isdir(base):
                    filename = os.path.abspath(os.path.join(base, name))
                    if not filename.startswith(str(base).rstrip(os.sep) + os.sep):
                        continue  # pymdownx (restrict_base_path) does not read it either
                elif os.path.lexists(base) and name == base.name:
                    filename = str(base)
                else:
                    continue
                if os.path.lexists(filename):
                    hits.append(filename)
        if not hits:
            bases = ", ".join(self.display(b) for b in self.options.bases)
            self.problems.append(Problem(where, line, "", f"snippet {shown(path)} is not found under the snippet base paths ({bases})"))
        for filename in hits:
            self.read(Path(filename), f"{where}:{line}" if line else where)

    def read(self, path: Path, pasted_at: str) -> None:
        real = os.path.realpath(path)
        if real in self.seen:
            return
        self.seen.add(real)
        shown_as = self.display(path)
        text, unread = read_text(path, shown_as, self.root, max_bytes=DOCS_PAGE_BYTES)
        if text is None:
            self.problems += [Problem(p.path, p.line, p.field, f"{p.message} (a snippet pasted at {pasted_at})") for p in unread]
            return
        found = page_problems(text, shown_as)
        self.problems += found
        if not found:
            for line, name in _snippet_refs(text):
                self.follow(name, shown_as, line)


def _inside(path: Path, root: Path) -> bool:
    real, base = os.path.realpath(path), os.path.realpath(root)
    return os.path.commonpath([real, base]) == base


@dataclass(frozen=True)
class DocsPage:
    """A docs page that passed every check: where it is, and its text."""

    path: Path
    display: str
    text: str


def docs_problems(docs_dir: Path, root: Path, display: Any, snippets: SnippetOptions | None = None) -> tuple[list[DocsPage], list[Problem]]:
    """Check every file of the docs folder, every page's limits and every snippet it pastes in.

    Args:
        docs_dir: the docs folder, as ``mkdocs.yml`` names it (resolved).
        root: the project root.
        display: a function giving a path as messages name it.
        snippets: the ``pymdownx.snippets`` options, or ``None`` if it is not enabled.

    Returns:
        The pages that passed (hidden ones left out, as MkDocs leaves them out), and every problem.
    """
    if not docs_dir.is_dir():
        return [], []
    files, problems = walk(docs_dir, root, display(docs_dir))
    checker = _Snippets(snippets, root, display) if snippets is not None else None
    if checker is not None:
        checker.config_problems()
    pages = []
    for path in files:
        if path.suffix.lower() not in PAGE_SUFFIXES or any(part.startswith(".") for part in path.relative_to(docs_dir).parts):
            continue
        where = display(path)
        text, unread = read_text(path, where, root, max_bytes=DOCS_PAGE_BYTES)
        if text is None:
            problems += unread
            continue
        found = page_problems(text, where)
        problems += found
        if found:
            continue
        if checker is not None:
            for line, name in _snippet_refs(text):
                checker.follow(name, where, line)
        pages.append(DocsPage(path, where, text))
    return pages, problems + (checker.problems if checker is not None else [])

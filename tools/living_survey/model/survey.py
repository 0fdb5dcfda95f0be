"""The Survey: framework, entries and bibliography joined into one immutable model.

One pass reads every input; every output (pages, figure, exports) is a function of the Survey.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..core.files import BIB_BYTES, read_file
from ..core.keyed import machine_secret
from ..core.problems import Problem, SurveyError, shown
from .abstracts import abstract_problems
from .bibliography import Library, parse_bibliography
from .entries import Entry, load_entries
from .framework import Framework, load_framework
from .inputs_cache import EntryCache, load_library
from .markdown_citations import unknown_citation, unknown_citations
from .works import Work, Works, placer_id

BIB_MAX_BYTES = BIB_BYTES
"""The bibliography is read up to this size (a hostile symlink to /dev/zero is not read at all)."""


@dataclass(frozen=True)
class Survey:
    """Everything the site is built from."""

    framework: Framework
    entries: tuple[Entry, ...]
    library: Library
    warnings: tuple[Problem, ...] = ()
    """Cross-reference problems (unknown keys), with their locations; :func:`..checks.project_checks.check_project`
    reports them with every other problem, as errors that stop the build."""
    _by_id: dict[str, Entry] = field(default_factory=dict, init=False, compare=False, repr=False)
    _by_key: dict[str, tuple[Entry, ...]] = field(default_factory=dict, init=False, compare=False, repr=False)
    _by_quadrant: dict[str, tuple[Entry, ...]] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # one pass, so that asking for the entries of every work or quadrant stays linear in all
        by_key: dict[str, list[Entry]] = {}
        by_quadrant: dict[str, list[Entry]] = {}
        for e in self.entries:
            self._by_id[e.id] = e
            by_key.setdefault(e.key, []).append(e)
            by_quadrant.setdefault(e.quadrant, []).append(e)
        self._by_key.update((k, tuple(v)) for k, v in by_key.items())
        self._by_quadrant.update((q, tuple(v)) for q, v in by_quadrant.items())

    def entry(self, entry_id: str) -> Entry:
        """The entry with this id."""
        return self._by_id[entry_id]

    def entries_in(self, quadrant_id: str) -> tuple[Entry, ...]:
        """The entries placed in one quadrant, by label then id."""
        return self._by_quadrant.get(quadrant_id, ())

    def entries_for_key(self, key: str) -> tuple[Entry, ...]:
        """The entries about the work with this BibTeX key."""
        return self._by_key.get(key, ())

    def sort_key(self, entry: Entry) -> tuple[str, str]:
        """Entries sort by their work's label (``Bai et al., 2022a``), then id."""
        ref = self.library.references.get(entry.key)
        return ((ref.label if ref else entry.key).lower(), entry.id)

    @cached_property
    def works(self) -> Works:
        """Every work with its placements (entries sharing a key), in label order; made once."""
        return Works(sorted(self.entries, key=self.sort_key), self.framework, self.library)

    def work_of(self, entry: Entry) -> Work:
        """The work an entry places, with every placement of it."""
        return self.works.of(entry)


_HANDLE = re.compile(r"@([A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)")
"""A GitHub handle written with its ``@``: letters, digits and single hyphens, at most 39."""


def _placed_by_problem(placed_by: str, library: Library) -> str:
    """Why ``placed_by`` is neither a key in the bibliography nor a GitHub handle, or ``""``."""
    if placed_by in library:
        return ""
    if placed_by.startswith("@"):
        if _HANDLE.fullmatch(placed_by) and len(placed_by) <= 40:
            return ""
        return f"{shown(placed_by)} is not a GitHub handle: after the @, letters, digits and single hyphens, at most 39"
    hint = difflib.get_close_matches(placed_by, [r.key for r in library], n=1, cutoff=0.6)
    near = f"did you mean {hint[0]!r}? " if hint else ""
    return (
        f"{shown(placed_by)} is not a key in {library.path}; {near}"
        f"write the key of a published placement, or your GitHub handle with its @ (e.g. @octocat)"
    )


def _twice_placed(entries: list[Entry]) -> list[Problem]:
    """One placement per placer per work: a second one by the same placer contradicts the first."""
    first: dict[tuple[str, str], Entry] = {}
    found = []
    # the shorter id is taken as the first (a later placement's derived id extends it); the other is reported
    for entry in sorted(entries, key=lambda e: (len(e.id), e.id)):
        # handles ignore case: @Octo-Cat and @octo-cat are one GitHub account, so one voice
        seen = first.setdefault((entry.key, placer_id(entry.placed_by)), entry)
        if seen is not entry:
            spelt = f" (as {seen.placed_by!r}: GitHub handles ignore case)" if seen.placed_by != entry.placed_by else ""
            found.append(
                Problem(
                    entry.path,
                    entry.line("placed_by"),
                    "placed_by",
                    f"{entry.placed_by!r} already placed {entry.key!r} in {seen.path}{spelt}; a placer places a work once: edit that file",
                )
            )
    return found


def _cross_checks(entries: list[Entry], library: Library) -> list[Problem]:
    """What only entries and bibliography together can tell: keys, cited works, who placed it."""
    found = []
    for entry in entries:
        # an empty field is one a file with problems could not give (see entries._draft): reported already
        if entry.key and entry.key not in library:
            found.append(Problem(entry.path, entry.line("key"), "key", f"{shown(entry.key)} is not in {library.path}"))
        for i, quote in enumerate(entry.quotes):
            if quote.cite and quote.cite != entry.key and quote.cite not in library:
                where = f"quotes[{i}].cite"
                found.append(Problem(entry.path, entry.line(where), where, f"{shown(quote.cite)} is not in {library.path}"))
            if quote.via and quote.via not in library:
                where = f"quotes[{i}].via"
                found.append(Problem(entry.path, entry.line(where), where, f"{shown(quote.via)} is not in {library.path}"))
        reason = _placed_by_problem(entry.placed_by, library) if entry.placed_by else ""
        if reason:
            found.append(Problem(entry.path, entry.line("placed_by"), "placed_by", reason))
    return found + _twice_placed([e for e in entries if e.key and e.placed_by])


def _library_checks(entries: list[Entry], library: Library) -> list[Problem]:
    """Every check of entries against the bibliography: keys, placers, quotes read in an abstract."""
    return _cross_checks(entries, library) + abstract_problems(entries, library)


def entry_citation_problems(entries: Iterable[Entry], library: Library) -> list[Problem]:
    """Unknown citation keys in the entries' Markdown fields."""
    problems = []
    for entry in entries:
        for name, text in (("rationale", entry.rationale), ("edge_case", entry.edge_case)):
            for c in unknown_citations(text or "", library, first_line=entry.line(name)):
                problems.append(unknown_citation(entry.path, c.line, c.key, library, name))
    return problems


def load_survey(
    root: Path, framework_file: Path, entries_dir: Path, bib_file: Path, build_cache: Path | None = None, secret: bytes | None = None
) -> Survey:
    """Read, validate and join every input.

    Args:
        root: the project root; paths in messages are relative to it.
        framework_file: the framework configuration (YAML).
        entries_dir: the folder of entry files.
        bib_file: the BibTeX file.
        build_cache: a folder keeping validated entries and the parsed bibliography between
            builds (see :mod:`.inputs_cache`); ``None``: every input is read afresh.
        secret: the key of the cache's records (:func:`..core.keyed.machine_secret`); by default this
            machine's, unless its place lies inside ``root``.

    Raises:
        SurveyError: every problem with the framework, the entries and the bibliography at once.
    """

    def rel(path: Path) -> str:
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()

    problems: list[Problem] = []
    framework = load_framework(framework_file, rel(framework_file), root)
    if build_cache is not None and secret is None:
        secret = machine_secret(root)
    cache = EntryCache(build_cache / "entries.json", repr(framework), secret) if build_cache is not None and secret is not None else None
    drafts: list[Entry] = []
    entries, found = load_entries(entries_dir, root, framework, cache, drafts)
    problems += found
    data, found = read_file(bib_file, rel(bib_file), root, max_bytes=BIB_MAX_BYTES)
    if data is None:
        raise SurveyError([*problems, *found])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        raise SurveyError([*problems, Problem(rel(bib_file), line, "", message)]) from exc
    library = (
        load_library(build_cache / "bibliography.json", text, rel(bib_file), secret)
        if build_cache is not None and secret is not None
        else parse_bibliography(text, rel(bib_file))
    )
    problems += library.problems
    if problems:
        # the checks against the bibliography still run, on every entry and on the well-formed
        # fields of those with problems, so that one run lists every problem of a file
        everything = sorted([*entries, *drafts], key=lambda e: e.id)
        if library.references or not library.problems:  # a bibliography that could not be read at all would flag every key
            problems += _library_checks(everything, library) + entry_citation_problems(everything, library)
        raise SurveyError(problems)
    return Survey(framework=framework, entries=tuple(entries), library=library, warnings=tuple(_library_checks(entries, library)))

"""The Survey: framework, entries and bibliography joined into one immutable model.

One pass reads every input; every output (pages, figure, exports) is a function of the Survey.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .bibliography import Library, parse_bibliography
from .entries import Entry, load_entries
from .framework import Framework, load_framework
from .problems import Problem, SurveyError
from .works import Work, Works


@dataclass(frozen=True)
class Survey:
    """Everything the site is built from."""

    framework: Framework
    entries: tuple[Entry, ...]
    library: Library
    warnings: tuple[Problem, ...] = ()
    """Cross-reference problems (unknown keys), with their locations; :func:`.checks.check_project`
    reports them with every other problem, as errors that stop the build."""
    _by_id: dict[str, Entry] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({e.id: e for e in self.entries})

    def entry(self, entry_id: str) -> Entry:
        """The entry with this id."""
        return self._by_id[entry_id]

    def entries_in(self, quadrant_id: str) -> tuple[Entry, ...]:
        """The entries placed in one quadrant, by label then id."""
        return tuple(e for e in self.entries if e.quadrant == quadrant_id)

    def entries_for_key(self, key: str) -> tuple[Entry, ...]:
        """The entries about the work with this BibTeX key."""
        return tuple(e for e in self.entries if e.key == key)

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


def _cross_checks(entries: list[Entry], library: Library) -> list[Problem]:
    found = []
    for entry in entries:
        if entry.key not in library:
            found.append(Problem(entry.path, entry.line("key"), "key", f"{entry.key!r} is not in {library.path}"))
        for i, quote in enumerate(entry.quotes):
            if quote.cite != entry.key and quote.cite not in library:
                found.append(Problem(entry.path, entry.line("quotes"), f"quotes[{i}].cite", f"{quote.cite!r} is not in {library.path}"))
            if quote.via is not None and quote.via not in library:
                found.append(Problem(entry.path, entry.line("quotes"), f"quotes[{i}].via", f"{quote.via!r} is not in {library.path}"))
    return found


def load_survey(root: Path, framework_file: Path, entries_dir: Path, bib_file: Path) -> Survey:
    """Read, validate and join every input.

    Args:
        root: the project root; paths in messages are relative to it.
        framework_file: the framework configuration (YAML).
        entries_dir: the folder of entry files.
        bib_file: the BibTeX file.

    Raises:
        SurveyError: every problem with the framework, the entries and the bibliography at once.
    """

    def rel(path: Path) -> str:
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()

    problems: list[Problem] = []
    framework = load_framework(framework_file, rel(framework_file))
    entries, found = load_entries(entries_dir, root, framework)
    problems += found
    try:
        data = bib_file.read_bytes()
        text = data.decode("utf-8")
    except OSError as exc:
        raise SurveyError([*problems, Problem(rel(bib_file), 0, "", f"cannot read: {exc.strerror}")]) from exc
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        raise SurveyError([*problems, Problem(rel(bib_file), line, "", message)]) from exc
    library = parse_bibliography(text, rel(bib_file))
    problems += library.problems
    if problems:
        raise SurveyError(problems)
    return Survey(framework=framework, entries=tuple(entries), library=library, warnings=tuple(_cross_checks(entries, library)))

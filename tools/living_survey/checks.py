"""Every check of a survey's data, in one place, run before any page is built.

``living-survey validate`` and the plugin's ``on_config`` both call :func:`check_project`, so
they report the same problems with the same messages: the loaders' problems (framework, entries,
bibliography), the cross-checks between them, every ``[@key]`` in entry texts, in the
framework's Markdown and in the docs pages, and the permanent-id ledger when one is configured.

Where the inputs are comes from :class:`Project`, which the plugin fills from ``mkdocs.yml``
(:func:`living_survey.config.project_options` for the CLI), so both read the same paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .bibliography import Library
from .citations import unknown_citation, unknown_citations
from .citing import SiteInfo, load_site_info
from .docs_guard import DocsPage, SnippetOptions, docs_problems
from .files import exists, metadata_problems
from .kinds import site_pages
from .permanence import permanence_problems
from .problems import Problem, SurveyError
from .survey import Survey, entry_citation_problems, load_survey


@dataclass(frozen=True)
class Project:
    """Where a survey's inputs are: the ``living-survey`` options of ``mkdocs.yml``, resolved.

    Every path is absolute; messages name files relative to :attr:`root`.
    """

    root: Path
    """The folder of ``mkdocs.yml``."""
    framework: Path
    entries: Path
    bibliography: Path
    docs_dir: Path
    citation_file: Path
    """The survey's citation metadata (``CITATION.cff``); pages cite the site name alone if it is absent."""
    permanent_ids: Path | None = None
    """The ledger of published page ids; ``None``: the ``permanent_ids`` option is not set, no check."""
    redirects: tuple[str, ...] = ()
    """The old paths of mkdocs-redirects' ``redirect_maps``."""
    site_name: str = ""
    site_url: str = ""
    site_description: str = ""
    repo_url: str = ""
    build_cache: Path | None = None
    """The folder where builds keep validated entries and the parsed bibliography (see
    :mod:`.build_cache`); ``None`` (the ``validate`` command): every input is read afresh."""
    snippets: SnippetOptions | None = None
    """``pymdownx.snippets`` as ``mkdocs.yml`` configures it; ``None``: not enabled."""

    def display(self, path: Path) -> str:
        """``path`` as messages show it: relative to the project root where it is inside it."""
        return path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else path.as_posix()


def _front_matter_lines(text: str) -> int:
    """How many lines a page's YAML front matter (``---`` … ``---``) takes, 0 if none."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return 0
    for number, line in enumerate(lines[1:], 2):
        if line.rstrip() in ("---", "..."):
            return number
    return 0


def docs_citation_problems(pages: list[DocsPage], library: Library) -> list[Problem]:
    """Unknown citation keys in the docs pages (read and bounded by :func:`.docs_guard.docs_problems`), located."""
    problems = []
    for page in pages:
        text = page.text
        skip = _front_matter_lines(text)
        body = "\n".join(text.split("\n")[skip:]) if skip else text
        problems += [unknown_citation(page.display, c.line, c.key, library) for c in unknown_citations(body, library, first_line=skip + 1)]
    return problems


def survey_citation_problems(survey: Survey, framework_path: str) -> list[Problem]:
    """Unknown citation keys in the entries' Markdown fields and the framework's quadrant texts."""
    library = survey.library
    problems = entry_citation_problems(survey.entries, library)
    for i, quadrant in enumerate(survey.framework.quadrants):
        texts = [("description", quadrant.description)] + [(f"questions[{j}]", q) for j, q in enumerate(quadrant.questions)]
        for name, text in texts:
            # the framework's texts carry no line numbers: the field says where
            for c in unknown_citations(text, library):
                problems.append(unknown_citation(framework_path, 0, c.key, library, f"quadrants[{i}].{name}"))
    return problems


def check_survey(survey: Survey, project: Project, pages: list[DocsPage] | None = None) -> list[Problem]:
    """Every problem of a loaded survey: cross-checks, citations, docs pages, the ledger.

    ``pages``: the docs pages that passed :func:`check_files` (read here when not given).
    """
    problems = list(survey.warnings)
    problems += survey_citation_problems(survey, project.display(project.framework))
    if pages is None:
        pages = check_files(project)[0]
    problems += docs_citation_problems(pages, survey.library)
    if project.permanent_ids is not None:
        ledger = project.permanent_ids
        problems += permanence_problems(ledger, project.display(ledger), site_pages(survey), project.redirects, project.root)
    return problems


@dataclass(frozen=True)
class Checked:
    """What :func:`check_project` found: the loaded inputs, and every problem with them."""

    survey: Survey | None
    """``None`` when the inputs could not be loaded."""
    info: SiteInfo | None
    """The survey's citation metadata; ``None`` when the citation file is invalid."""
    problems: list[Problem]
    """Sorted by file and line; a build must not go on unless this is empty."""


def check_files(project: Project) -> tuple[list[DocsPage], list[Problem]]:
    """The files the build reads besides the survey's data: docs pages and snippets, issue forms, ``.zenodo.json``.

    Each goes through the guarded reader (:mod:`.files`); docs pages are also checked against
    Markdown's limits. Returns the docs pages that passed, and every problem.
    """
    pages, problems = docs_problems(project.docs_dir, project.root, project.display, project.snippets)
    return pages, problems + metadata_problems(project.root)


def check_project(project: Project) -> Checked:
    """Load the survey and its citation metadata, and run every check on them."""
    pages, problems = check_files(project)
    info = None
    try:
        cff = project.citation_file
        info = load_site_info(
            project.root,
            # anything standing there, a dangling link or a pipe included, is read (and refused) by the guarded reader
            cff if exists(cff) else None,
            title=project.site_name,
            url=project.site_url,
            description=project.site_description,
            repository=project.repo_url,
        )
    except SurveyError as exc:
        problems += exc.problems
    try:
        survey = load_survey(project.root, project.framework, project.entries, project.bibliography, project.build_cache)
    except SurveyError as exc:
        return Checked(None, info, sorted(set(problems + list(exc.problems))))
    return Checked(survey, info, sorted(set(problems + check_survey(survey, project, pages))))

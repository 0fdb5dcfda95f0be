"""Every check of a survey's data, in one place, run before any page is built.

``living-survey validate`` and the plugin's ``on_config`` both call :func:`check_project`, so
they report the same problems with the same messages: the loaders' problems (framework, entries,
bibliography), the cross-checks between them, every ``[@key]`` in entry texts, in the
framework's Markdown and in the docs pages, and the permanent-id ledger when one is configured.

Where the inputs are comes from :class:`Project`, which the plugin fills from ``mkdocs.yml``
(:func:`living_survey.config.project_options` for the CLI), so both read the same paths.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..core.files import exists, metadata_problems
from ..core.keyed import machine_secret
from ..core.problems import Problem, SurveyError
from ..model.bibliography import Library
from ..model.markdown_citations import unknown_citation, unknown_citations
from ..model.survey import Survey, entry_citation_problems, load_survey
from ..pages.cite_survey import SiteInfo, load_site_info
from ..pages.kinds import site_pages
from ..pages.permanence import permanence_problems
from .docs_guard import DocsPage, SnippetOptions, docs_problems


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
    :mod:`..model.inputs_cache`); ``None`` (the ``validate`` command): every input is read afresh."""
    snippets: SnippetOptions | None = None
    """``pymdownx.snippets`` as ``mkdocs.yml`` configures it; ``None``: not enabled."""
    cache_dir: Path | None = None
    """The plugin's whole cache folder (``cache_dir``): never committed, never inside ``docs_dir``."""
    site_dir: Path | None = None
    """Where the site is written; the machine's secret is never taken from inside it."""

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


def project_secret(project: Project) -> bytes:
    """The key of the project's caches: the machine's secret, unless its place lies inside the
    project, its docs or its site, where a pull request could write it (then this process's own)."""
    return machine_secret(*(p for p in (project.root, project.docs_dir, project.site_dir) if p is not None))


def _tracked(root: Path, folder: Path) -> list[str]:
    """The files under ``folder`` that git tracks, relative to ``root``; none when ``root`` is not in
    a git checkout, ``folder`` is outside it, or git is not installed."""
    git = shutil.which("git")
    if git is None:
        return []
    try:
        done = subprocess.run([git, "-C", str(root), "ls-files", "-z", "--", str(folder)], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    if done.returncode != 0:  # not a checkout, or the folder is outside it
        return []
    return [name for name in done.stdout.decode("utf-8", "replace").split("\0") if name]


def cache_problems(project: Project) -> list[Problem]:
    """The cache folder inside ``docs_dir`` (MkDocs would publish it), or files in it tracked by git
    (a cache is this machine's own: one from the repository is how a pull request would smuggle in
    records no check has seen)."""
    folder = project.cache_dir
    if folder is None:
        return []
    problems = []
    where = project.display(folder)
    if folder.resolve().is_relative_to(project.docs_dir.resolve()):
        problems.append(
            Problem(
                where,
                0,
                "cache_dir",
                f"the plugin's cache folder is inside docs_dir ({project.display(project.docs_dir)}); set cache_dir outside it",
            )
        )
    tracked = _tracked(project.root, folder)
    for name in tracked[:10]:
        message = f"is committed to git in the plugin's cache folder; a cache never comes from the repository: git rm -r --cached {where}"
        problems.append(Problem(name, 0, "", message))
    if len(tracked) > 10:
        problems.append(Problem(where, 0, "", f"and {len(tracked) - 10} more committed files in the cache folder"))
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

    Each goes through the guarded reader (:mod:`..core.files`); docs pages are also checked against
    Markdown's limits. Returns the docs pages that passed, and every problem.
    """
    pages, problems = docs_problems(project.docs_dir, project.root, project.display, project.snippets)
    return pages, problems + metadata_problems(project.root)


def check_project(project: Project) -> Checked:
    """Load the survey and its citation metadata, and run every check on them."""
    refused = cache_problems(project)
    pages, problems = check_files(project)
    problems = list(refused) + problems
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
        # a build stopped by a cache problem reads every input afresh: no record of that cache is used
        build_cache = project.build_cache if not refused else None
        secret = project_secret(project) if build_cache is not None else None
        survey = load_survey(project.root, project.framework, project.entries, project.bibliography, build_cache, secret)
    except SurveyError as exc:
        return Checked(None, info, sorted(set(problems + list(exc.problems))))
    return Checked(survey, info, sorted(set(problems + check_survey(survey, project, pages))))

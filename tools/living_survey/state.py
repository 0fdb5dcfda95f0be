"""State with one home: the :class:`Build` made once its inputs are checked, and the Site.

The plugin makes a :class:`Build` in ``on_config`` (:func:`make_build`) and a
:class:`~.pages.rendering.Site` in ``on_files`` (:func:`make_site`); both are immutable and every field is
set, so no hook needs to ask whether something has been loaded yet. Nothing here imports MkDocs:
the options arrive as plain :class:`Options`, read from ``mkdocs.yml`` by :mod:`.config`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .checks.project_checks import Project, check_project, project_secret
from .core.problems import SurveyError
from .figure import ensure_figure_files
from .model.addresses import Router, SitePages
from .model.entries import Entry
from .model.survey import Survey
from .pages.browse_content import BrowsePages
from .pages.cite_survey import SiteInfo
from .pages.kinds import site_pages
from .pages.locator import proposal_choices, proposal_form
from .pages.page_blocks import Fragments
from .pages.page_content import PageBuilder
from .pages.rendering import Site
from .releases.frozen import BuildContext, load_build
from .releases.history import History


@dataclass(frozen=True)
class Options:
    """The plugin's options a build reads besides where the inputs are (those are in :class:`~.checks.project_checks.Project`)."""

    inputs: tuple[str, str, str]
    """The framework file, entries folder and bibliography as configured (read again at each release's tag)."""
    cache_dir: Path
    """The plugin's cache folder, absolute."""
    entry_edit_uri: str | None = None
    """Path under ``repo_url`` to edit a file of the repository; ``None``: no edit links."""
    lazy_search: bool = True
    """Fetch the theme's search index when a reader reaches for search."""


@dataclass(frozen=True)
class Build:
    """One build's checked inputs, what the build is, and its options; made before any page."""

    project: Project
    options: Options
    survey: Survey
    info: SiteInfo
    """The survey's citation metadata."""
    context: BuildContext
    """The living site or one frozen release."""
    history: History
    """The releases this build shows."""
    pages: SitePages
    """Every generated page, each from its kind's route."""
    figure: Mapping[str, Path] = field(default_factory=dict)
    """Figure 1's files in the cache, by name."""
    proposal: dict[str, Any] | None = None
    """The repository's proposal form, as the locator pre-fills it."""

    @property
    def root(self) -> Path:
        return self.project.root

    def edit_url(self, entry: Entry) -> str | None:
        """The address that edits an entry's file in the repository, if the site has one."""
        repo, path = self.project.repo_url.rstrip("/"), self.options.entry_edit_uri
        if not repo or path is None or self.context.release:  # a frozen page offers no edit of today's files
            return None
        return f"{repo}/{path.strip('/')}/{entry.path}"


def make_build(project: Project, options: Options, environ: Mapping[str, str]) -> Build:
    """Load the inputs, run every check, and draw Figure 1 on a cache miss: all before any page.

    Raises:
        SurveyError: the data have problems (every one of them), or a label no font can draw.
        ValueError: the environment names a release that is not ``X.Y.Z``.
    """
    checked = check_project(project)
    if checked.problems or checked.survey is None or checked.info is None:
        raise SurveyError(checked.problems)
    survey, info = checked.survey, checked.info
    context, history = load_build(environ, project.root, info.url, options.inputs, options.cache_dir, survey)
    figure = ensure_figure_files(survey, options.cache_dir / "figure", project_secret(project))
    proposal = proposal_form(project.root, project.repo_url)
    if proposal is not None:
        proposal = {**proposal, "choices": proposal_choices(project.root, proposal["template"], survey.framework)}
    return Build(
        project=project,
        options=options,
        survey=survey,
        info=info,
        context=context,
        history=history,
        pages=site_pages(survey),
        figure=figure,
        proposal=proposal,
    )


def make_site(build: Build, urls: Mapping[str, tuple[str, str]], *, head_script: str | None, warn: Callable[[str], None]) -> Site:
    """The Site of a build, once every page has its URL.

    Args:
        urls: each documentation page's source path → (URL, file in the site).
        head_script: a script every page loads in its head (see :class:`~.pages.page_blocks.Fragments`).
        warn: reports what is not the data's fault.
    """
    survey = build.survey
    router = Router(build.pages, urls, build.info.url)
    fragments = Fragments(survey, build.info, router, history=build.history, context=build.context, head_script=head_script)
    return Site(
        survey=survey,
        info=build.info,
        history=build.history,
        pages=build.pages,
        router=router,
        fragments=fragments,
        builder=PageBuilder(survey, edit_url=build.edit_url, history=build.history),
        browse=BrowsePages(survey, router, build.info.title),
        proposal=build.proposal,
        warn=warn,
    )

"""The plugin's options in ``mkdocs.yml``, and reading them as a build would.

:class:`LivingSurveyConfig` is the option schema MkDocs validates. :func:`project_from` and
:func:`options_from` turn MkDocs' configuration into the engine's plain :class:`~.checks.project_checks.Project`
and :class:`~.state.Options`; :func:`project_options` loads a ``mkdocs.yml`` for the command line,
which therefore needs MkDocs' configuration loading but never the plugin's hooks (:mod:`.plugin`).
"""

from __future__ import annotations

import dataclasses
import logging
import os
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig

from .checks.docs_guard import snippet_options
from .checks.project_checks import Project
from .core.problems import Problem, SurveyError
from .state import Options


class LivingSurveyConfig(base.Config):
    """Options of the ``living-survey`` plugin (paths relative to ``mkdocs.yml``)."""

    framework = c.File(exists=True, default="framework.yml")
    """The framework file: axes, poles, quadrants and vocabularies."""
    entries = c.Dir(exists=True, default="entries")
    """The folder of entry files, one ``<entry-id>.yaml`` per placement."""
    bibliography = c.File(exists=True, default="references.bib")
    """The BibTeX file holding every cited work."""
    entry_edit_uri = c.Optional(c.Type(str))
    """Path under ``repo_url`` to edit a file of the repository (``edit/main/``); none: no edit links."""
    cache_dir = c.Type(str, default=".cache/living-survey")
    """Where the figure and inputs caches live, relative to ``mkdocs.yml``; never committed, never in ``docs_dir``."""
    citation_file = c.Type(str, default="CITATION.cff")
    """The survey's citation metadata (authors, version, licence); if absent, pages cite the site name."""
    permanent_ids = c.Optional(c.Type(str))
    """A file listing every published page id; ids that vanish without a redirect are reported."""
    lazy_search = c.Type(bool, default=True)
    """Fetch the theme's search index when a reader reaches for search, not on every page load."""


def project_from(config: MkDocsConfig, options: LivingSurveyConfig) -> Project:
    """Where the survey's inputs are, from MkDocs' configuration and the plugin's options."""
    root = Path(config.config_file_path).resolve().parent
    redirects = config.plugins.get("redirects")
    maps = redirects.config.get("redirect_maps", {}) if redirects is not None else {}
    return Project(
        root=root,
        # File and Dir options arrive resolved against the folder of mkdocs.yml; plain strings do not
        framework=Path(options.framework).resolve(),
        entries=Path(options.entries).resolve(),
        bibliography=Path(options.bibliography).resolve(),
        # not resolved: a docs folder that is a link outside the project is refused by name (docs_guard)
        docs_dir=root / os.path.relpath(config.docs_dir, Path(config.config_file_path).parent),
        citation_file=root / options.citation_file,
        build_cache=root / options.cache_dir / "inputs",
        cache_dir=root / options.cache_dir,
        site_dir=Path(config.site_dir).resolve(),
        permanent_ids=root / options.permanent_ids if options.permanent_ids else None,
        redirects=tuple(maps),
        snippets=snippet_options(config.markdown_extensions, config.mdx_configs, root, Path(config.config_file_path).name),
        site_name=config.site_name,
        site_url=config.site_url or "",
        site_description=config.site_description or "",
        repo_url=config.repo_url or "",
    )


def options_from(root: Path, options: LivingSurveyConfig) -> Options:
    """The options a build reads, besides the inputs' paths."""
    return Options(
        inputs=(options.framework, options.entries, options.bibliography),
        cache_dir=root / options.cache_dir,
        entry_edit_uri=options.entry_edit_uri,
        lazy_search=options.lazy_search,
    )


def project_options(config_file: str | Path) -> Project:
    """The survey's inputs as a build with this ``mkdocs.yml`` would read them (for the CLI).

    Loads the file with MkDocs' own configuration loading, so paths, defaults and the ledger
    rule are exactly the build's.

    Raises:
        SurveyError: the file is missing, invalid, or does not use the ``living-survey`` plugin.
    """
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    display = Path(config_file).name
    if not Path(config_file).is_file():
        raise SurveyError([Problem(display, 0, "", "not found: run the command in the project folder, or pass --root")])

    class Collect(logging.Handler):
        """MkDocs logs each configuration error before it aborts; keep them as problems."""

        def __init__(self) -> None:
            super().__init__(logging.ERROR)
            self.messages: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.messages.append(record.getMessage())

    collect = Collect()
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(collect)
    try:
        config = load_config(str(config_file))
    except (Abort, ConfigurationError) as exc:
        messages = collect.messages or [str(exc)]
        raise SurveyError([Problem(display, 0, "", message) for message in messages]) from None
    finally:
        mkdocs_log.removeHandler(collect)
    plugin = config.plugins.get("living-survey")
    options = getattr(plugin, "config", None)
    if not isinstance(options, LivingSurveyConfig):
        raise SurveyError([Problem(display, 0, "plugins", "the living-survey plugin is not configured")])
    # the commands read every input afresh: only builds keep validated inputs between runs
    return dataclasses.replace(project_from(config, options), build_cache=None)

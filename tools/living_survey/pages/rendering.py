"""The :class:`Site` one build's pages are rendered in: its pages, their addresses, the renderers.

Made once per build (:func:`living_survey.state.make_site`, in the plugin's ``on_files``), read by
every :mod:`page kind <.kinds>`. Nothing here imports MkDocs: the plugin makes a Site from the
URLs MkDocs gave each page, and a generator could make one from its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ..model.addresses import Router, SitePages
from ..model.survey import Survey
from ..releases.history import History
from .browse_content import BrowsePages
from .cite_survey import SiteInfo
from .page_blocks import Fragments
from .page_content import PageBuilder


def asset_text(path: str) -> str:
    """A file shipped in the package (``assets/…``), as text."""
    return resources.files("living_survey").joinpath(path).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Site:
    """The pages of one build, their addresses and the renderers every page kind shares."""

    survey: Survey
    info: SiteInfo
    history: History
    pages: SitePages
    router: Router
    fragments: Fragments
    builder: PageBuilder
    browse: BrowsePages
    proposal: dict[str, Any] | None
    """The repository's proposal form, as the locator pre-fills it."""
    warn: Callable[[str], None]
    """Reports what is not the data's fault (a placeholder another plugin removed)."""

    @staticmethod
    def asset_text(path: str) -> str:
        return asset_text(path)

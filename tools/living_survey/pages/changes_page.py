"""The "What changed" page and each entry's history line, from :class:`~..releases.history.History`."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from ..core.markup import template_env
from ..model.addresses import entry_page_id
from ..releases.history import Changes, EntryHistory, History, Placement

Link = Callable[[str], str | None]
"""A page id → its URL from the current page, or ``None`` when this build has no such page."""


def where(placement: Placement) -> str:
    """``Broad–Descriptive (-0.50, -0.40)``: a placement's quadrant and position in words."""
    if placement.position is None:
        return placement.quadrant_title
    x, y = placement.position
    return f"{placement.quadrant_title} ({x:+.2f}, {y:+.2f})"


def _rows(items: tuple[Placement, ...], link: Link, detail: Callable[[Placement], str] = lambda p: "") -> list[dict[str, str | None]]:
    return [{"label": p.label, "id": p.id, "url": link(entry_page_id(p.id)), "detail": detail(p)} for p in items]


def _sections(changes: Changes, link: Link) -> list[dict[str, object]]:
    moved = []
    for m in changes.moved:
        detail = f"{where(m.before)} → {where(m.after)}"
        moved.append({"label": m.after.label, "id": m.after.id, "url": link(entry_page_id(m.after.id)), "detail": detail})
    sections = [
        ("Works added", _rows(changes.works_added, link, where)),
        ("Works removed", _rows(changes.works_removed, lambda page_id: None, where)),
        ("Moved", moved),
        ("Placements added", _rows(changes.placements_added, link, where)),
        ("Placements removed", _rows(changes.placements_removed, lambda page_id: None, where)),
        ("Text corrected", _rows(tuple(m.after for m in changes.corrected), link, lambda p: "quotes or rationale corrected")),
    ]
    return [{"title": title, "rows": rows} for title, rows in sections if rows]


def changes_markdown(history: History, link: Link, release_url: Callable[[str], str]) -> str:
    """The "What changed" page: per release, newest first, what it added, removed and moved.

    Args:
        history: the releases up to the one being built.
        link: a page id → its URL from this page, ``None`` if this build lacks the page.
        release_url: a release series (``0.2``) → the URL of its frozen copy.
    """
    items = []
    for changes in history.changes:
        release = changes.release
        if release is None:
            heading, url = "Unreleased", ""
        else:
            heading, url = f"{release.version} ({release.date})", release_url(release.series)
        items.append(
            {
                "heading": heading,
                "url": url,
                "url_label": f"version {release.series}" if release else "",
                "empty": changes.empty,
                "sections": _sections(changes, link),
            }
        )
    env = template_env()
    return env.get_template("changes.md").render(changes=items, problems=[str(p) for p in history.problems])


def entry_history(history: EntryHistory) -> Markup:
    """One line for an entry page: the release that added it and every move since."""
    if history.added is None:
        parts = [Markup("Not in a release yet.")]
    else:
        parts = [Markup("Added in {} ({}).").format(history.added.version, history.added.date)]
    for release, move in history.moves:
        when = f"in {release.version} ({release.date})" if release is not None else "since the last release (unreleased)"
        parts.append(Markup("Moved {} from {} to {}.").format(when, where(move.before), where(move.after)))
    for corrected in history.corrected:
        when = f"in {corrected.version} ({corrected.date})" if corrected is not None else "since the last release (unreleased)"
        parts.append(Markup("Text corrected {}.").format(when))
    return Markup(" ").join(parts)

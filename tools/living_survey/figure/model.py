"""What Figure 1 draws, its cache key, and the cache of its files.

A build whose drawn inputs are unchanged reads the cache and imports neither matplotlib nor
the layout code. Everything drawn comes from :func:`figure_inputs`; :func:`cache_key` hashes
exactly those fields (plus the drawing code's and matplotlib's versions).
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from ..keyed import data_digest, file_digest, machine_secret, read_signed, same, signed
from ..survey import Survey
from ..works import SHOWN, placer_kind, placer_label

INK = "#1c1c1c"
# Okabe–Ito: a palette that stays distinguishable for the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")
FIGURE_VERSION = "10"
"""Bump when the drawing code changes, so caches are invalidated."""
LABEL_LIMIT = 60
"""Above this many entries, the printable figure numbers its markers (the key is typeset beside it)."""
NAMES = ("figure1.svg", "figure1.png", "figure1.pdf")
"""The whole map as published for download (labels or numbers drawn by matplotlib)."""
KEYED = ("figure1-keyed.png", "figure1-keyed.pdf")
"""The whole map with a numbered key typeset beside it (for papers and talks)."""
PRINT_LIMIT = 600
"""Up to this many works, the printable figures (keyed map, one per quadrant) are drawn with every
label; matplotlib's text drawing makes them cost about 40 s per 1,000 works, so a larger survey
builds without them (the map and Figure 1 are always drawn)."""
MAP = "map.svg"
"""The interactive map that pages fetch once: markers, zoom-level label layers, data attributes."""


def quadrant_names(inputs: dict[str, Any]) -> tuple[str, ...]:
    """One printable figure per quadrant: ``figure1-<quadrant id>.png`` and ``.pdf``."""
    if len(inputs["entries"]) > PRINT_LIMIT:
        return ()
    return tuple(f"figure1-{q['id']}.{ext}" for q in inputs["quadrants"] for ext in ("png", "pdf"))


def quadrant_colours(inputs: dict[str, Any]) -> dict[str, str]:
    """Each quadrant's colour, from the palette in framework order."""
    return {q["id"]: PALETTE[i % len(PALETTE)] for i, q in enumerate(inputs["quadrants"])}


def figure_inputs(survey: Survey) -> dict[str, Any]:
    """Exactly what the figure draws (``cache_key`` hashes the same fields)."""
    fw = survey.framework
    library = survey.library
    entries = []
    named: dict[str, str] = {}
    for entry in sorted(survey.entries, key=lambda e: e.id):
        ref = library.references.get(entry.key)
        work = survey.work_of(entry)
        # every marker of a work names its placers (and where each put it) in its tooltip, made once
        # per work and capped, so that a work placed thousands of times does not make the SVG quadratic
        if work.key not in named:
            head = work.placements[:SHOWN]
            more = len(work.placements) - len(head)
            named[work.key] = "; ".join(f"{placer_label(e.placed_by, library)} ({fw.quadrant(e.quadrant).title})" for e in head) + (
                f"; and {more} more" if more else ""
            )
        placers = named[work.key]
        entries.append(
            {
                "id": entry.id,
                "quadrant": entry.quadrant,
                "position": list(entry.position) if entry.position else None,
                "label": ref.label if ref else entry.key,
                "title": f"{ref.title if ref else entry.key} — placed by {placers}",
                "work": entry.key,
                "placer": placer_kind(entry.placed_by, library),
                "labelled": work.first.id == entry.id,
                # the source's (or any cited work's) placements are the map's landmarks
                "landmark": entry.placed_by in library,
            }
        )
    return {
        "x": {"name": fw.x.name, "neg": fw.x.negative.label, "pos": fw.x.positive.label},
        "y": {"name": fw.y.name, "neg": fw.y.negative.label, "pos": fw.y.positive.label},
        "quadrants": [{"id": q.id, "title": q.title, "x": q.x, "y": q.y} for q in fw.quadrants],
        "entries": entries,
    }


@lru_cache(maxsize=1)
def _matplotlib_version() -> str:
    try:
        return metadata.version("matplotlib")
    except metadata.PackageNotFoundError:
        return "none"


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """A hash of the drawing code itself, so that a changed drawing never reads a stale cache."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(survey: Survey) -> str:
    """A hash of what the figure draws, the figure code's version and matplotlib's version.

    The entries' drawn fields were serialised when they were loaded and the labels and titles
    hashed when the bibliography was parsed, so a cache hit costs a join, not a walk over every
    entry. Editing a rationale or a quote leaves the key, and the figure, as they are. The
    drawn fields include ``key`` (which placements form one work) and ``placed_by`` (the placer's
    kind and name, with the bibliography's keys and labels in ``labels_digest``).
    """
    from .fonts import font_families_key

    fw = survey.framework
    library = survey.library
    head = repr(
        (
            FIGURE_VERSION,
            _code_digest(),
            _matplotlib_version(),
            font_families_key(),
            library.labels_digest,
            (fw.x.name, fw.x.negative.label, fw.x.positive.label),
            (fw.y.name, fw.y.negative.label, fw.y.positive.label),
            [(q.id, q.title, q.x, q.y) for q in fw.quadrants],
            sorted(e.id for e in survey.entries if e.placed_by in library),
        )
    )
    digest = hashlib.sha256(head.encode())
    digest.update(b"".join(sorted(e.drawn for e in survey.entries)))
    return digest.hexdigest()[:32]


def auto_positions(inputs: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Positions for every entry: its own, or a free slot of a grid inside its quadrant."""
    placed = {e["id"]: tuple(e["position"]) for e in inputs["entries"] if e["position"]}
    signs = {q["id"]: (q["x"], q["y"]) for q in inputs["quadrants"]}
    for quadrant, (sx, sy) in signs.items():
        waiting = [e["id"] for e in inputs["entries"] if e["quadrant"] == quadrant and not e["position"]]
        if not waiting:
            continue
        taken = [placed[e["id"]] for e in inputs["entries"] if e["quadrant"] == quadrant and e["id"] in placed]
        side = 2
        while side * side < len(waiting) + len(taken):
            side += 1
        slots = [(sx * (0.1 + 0.8 * (i + 0.5) / side), sy * (0.1 + 0.8 * (j + 0.5) / side)) for j in range(side) for i in range(side)]
        gap = 0.4 / side
        free = [s for s in slots if all(abs(s[0] - t[0]) > gap or abs(s[1] - t[1]) > gap for t in taken)]
        free += [s for s in slots if s not in free]
        for entry_id, slot in zip(waiting, free, strict=False):
            placed[entry_id] = slot
    return placed


def numbering(inputs: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """The number each entry carries when the figure is numbered: one per work, in the order of
    its first placement's id (inputs are sorted by id); every placement of a work shares it."""
    numbers: dict[str, int] = {}
    return [(numbers.setdefault(e.get("work", e["id"]), len(numbers) + 1), e) for e in inputs["entries"]]


def downloads(survey: Survey) -> list[tuple[str, list[tuple[str, str]]]]:
    """The downloadable figures as pages list them: (group, [(file name, link text)])."""

    def formats(stem: str, exts: tuple[str, ...] = ("png", "pdf")) -> list[tuple[str, str]]:
        return [(f"{stem}.{ext}", ext.upper()) for ext in exts]

    out = [("", formats("figure1", ("svg", "png", "pdf")))]
    if len(survey.entries) <= PRINT_LIMIT:
        out.append(("with a numbered key", formats("figure1-keyed")))
        out += [(q.title, formats(f"figure1-{q.id}")) for q in survey.framework.quadrants]
    return out


def all_names(inputs: dict[str, Any]) -> tuple[str, ...]:
    """Every file the figure's cache folder holds."""
    printable = KEYED if len(inputs["entries"]) <= PRINT_LIMIT else ()
    return (*NAMES, MAP, *printable, *quadrant_names(inputs))


MANIFEST = "manifest.json"
"""The cache folder's list of files, each with its keyed digest, signed as a whole (:mod:`..keyed`)."""


def _file_label(key: str, name: str) -> str:
    return f"living-survey figure {key} {name}"


def _cached_files(folder: Path, key: str, secret: bytes) -> dict[str, Path] | None:
    """The figure's files in ``folder`` if this machine drew them: the manifest is signed with the
    machine's secret and every file still has the keyed digest it had when it was drawn. A file
    edited, added or replaced (a link, an SVG with a script in it), or a folder copied from
    elsewhere or committed, is ``None``: the figure is drawn again."""
    body = read_signed(folder / MANIFEST, secret, "living-survey figure manifest")
    if body is None:
        return None
    try:
        manifest = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(manifest, dict) or manifest.get("key") != key:
        return None
    names, digests = manifest.get("files"), manifest.get("digests")
    if not isinstance(names, list) or not isinstance(digests, dict) or set(names) != set(digests):
        return None
    paths = {}
    for name in names:
        # names the drawing code writes: one file in this folder, never a path out of it
        if not isinstance(name, str) or not _SAFE_NAME.match(name) or not isinstance(digests[name], str):
            return None
        found = file_digest(folder / name, secret, _file_label(key, name))
        if found is None or not same(found, digests[name]):
            return None
        paths[name] = folder / name
    return paths


_SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]*\Z")


def ensure_figure_files(survey: Survey, cache_dir: Path, secret: bytes | None = None) -> dict[str, Path]:
    """The figure's files in the cache, drawn first only if the drawn inputs changed or the cache
    holds anything this machine did not write.

    Args:
        secret: the key of the cache (:func:`..checks.project_secret`); by default this machine's.

    Raises:
        SurveyError: a label holds characters no installed font can draw (located at its record).
    """
    secret = secret if secret is not None else machine_secret()
    key = cache_key(survey)
    folder = cache_dir / key
    cached = _cached_files(folder, key, secret)
    if cached is not None:
        return cached
    from .fonts import check_glyphs
    from .layout import draw_all

    check_glyphs(survey)
    inputs = figure_inputs(survey)
    files = draw_all(inputs)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        tmp = folder / f".{name}.tmp"
        tmp.unlink(missing_ok=True)  # a link left in its place would be written through
        tmp.write_bytes(data)
        tmp.replace(folder / name)
    names = [n for n in all_names(inputs) if n in files]
    digests = {name: data_digest(secret, _file_label(key, name), files[name]) for name in names}
    body = json.dumps({"key": key, "files": names, "digests": digests}, indent=1).encode("utf-8")
    manifest = folder / f".{MANIFEST}.tmp"
    manifest.unlink(missing_ok=True)
    manifest.write_bytes(signed(secret, "living-survey figure manifest", body))
    manifest.replace(folder / MANIFEST)
    return {name: folder / name for name in names}


def ensure_figure(survey: Survey, cache_dir: Path) -> dict[str, bytes]:
    """The figure's files' bytes, from the cache when the drawn inputs are unchanged."""
    return {name: path.read_bytes() for name, path in ensure_figure_files(survey, cache_dir).items()}

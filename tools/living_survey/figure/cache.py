"""The figure's last stage: the cache key and the cache folder of the drawn files.

A build whose drawn inputs are unchanged reads the cache and imports neither matplotlib nor the
drawing code (:mod:`.draw` is imported on a miss only). The key hashes exactly the fields of
:func:`.model.figure_inputs`, plus the drawing code's, the fonts' and matplotlib's versions.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ..core.keyed import data_digest, file_digest, machine_secret, read_signed, same, signed
from ..model.survey import Survey
from .fonts import font_families_key
from .model import FIGURE_VERSION, all_names, figure_inputs


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


MANIFEST = "manifest.json"
"""The cache folder's list of files, each with its keyed digest, signed as a whole (:mod:`..core.keyed`)."""


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
        secret: the key of the cache (:func:`..checks.project_checks.project_secret`); by default this machine's.

    Raises:
        SurveyError: a label holds characters no installed font can draw (located at its record).
    """
    secret = secret if secret is not None else machine_secret()
    key = cache_key(survey)
    folder = cache_dir / key
    cached = _cached_files(folder, key, secret)
    if cached is not None:
        return cached
    from .draw import draw_all
    from .fonts import check_glyphs

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

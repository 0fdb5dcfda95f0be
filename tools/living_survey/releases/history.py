"""Releases and what changed between them, from the data each release stored.

A release is a tag that passes the one tag rule (:data:`TAG`, :func:`scan_tags`); it is published
at ``v/X.Y/`` (the newest patch of a series wins). Each release's data (framework, entries,
bibliography) are reduced to a :class:`Snapshot` by that release's own code (``living-survey
snapshot`` run from its tree): which work each placement is about, its quadrant, position, quote
texts and rationale. "What changed" compares snapshots; today's loader never re-reads an old
release. Snapshots are stored with each built release and cached by commit and by the code that
read them under the plugin's cache folder. Without git or tags the history is empty ("no
releases yet").
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import yaml

from ..core.problems import Problem, SurveyError
from ..model.survey import Survey, load_survey

_NUMBER = r"(0|[1-9][0-9]{0,5})"
TAG = re.compile(rf"v{_NUMBER}\.{_NUMBER}\.{_NUMBER}")
"""The one definition of a release tag: exactly ``vX.Y.Z`` in ASCII digits (``[0-9]``, never
``\\d``, which also matches ``١`` or ``１``) without leading zeros, so each version has exactly one
spelling and no two tags can claim one ``v/X.Y/`` folder. Anything else (``v1.0``, ``v1.0.0-rc1``,
``v1.00.0``) is not a release: :func:`scan_tags` reports it by name and skips it."""
TAG_RULE = "release tags are exactly vX.Y.Z in ASCII digits without leading zeros (e.g. v1.2.0)"
CITATION_LIMIT = 1 << 20
"""The largest CITATION.cff read from a tag (bytes)."""
SNAPSHOT_FORMAT = 2
"""Bumped when :class:`Snapshot`'s stored form changes; :meth:`Snapshot.from_json` keeps reading older ones."""
READABLE_FORMATS = (1, 2)
SNAPSHOT_TIMEOUT = 300
GIT_TIMEOUT = 60


@dataclass(frozen=True, order=True)
class Release:
    """One release tag."""

    number: tuple[int, int, int]
    tag: str = field(compare=False)
    commit: str = field(compare=False)
    date: str = field(compare=False)
    """The tag's date (ISO ``YYYY-MM-DD``): the tagger's for annotated tags, else the commit's."""

    @property
    def version(self) -> str:
        """``0.2.0``."""
        return ".".join(map(str, self.number))

    @property
    def series(self) -> str:
        """``0.2``: the folder ``v/0.2/`` this release is published in."""
        return f"{self.number[0]}.{self.number[1]}"


def parse_tag(tag: str) -> tuple[int, int, int] | None:
    """The version of a release tag (``v0.2.0`` → ``(0, 2, 0)``), or ``None`` if it is not one."""
    match = TAG.fullmatch(tag)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def git(repo: Path, *args: str, binary: bool = False) -> bytes | str | None:
    """Run git in ``repo``; its output, or ``None`` when git is missing or the command fails."""
    try:
        done = subprocess.run(["git", *args], cwd=repo, capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout if binary else done.stdout.decode("utf-8", "replace").strip()


@dataclass(frozen=True)
class Skipped:
    """A tag that is not published as a release, and why."""

    tag: str
    reason: str

    def __str__(self) -> str:
        return f"tag {self.tag!r} skipped: {self.reason}"


@dataclass(frozen=True)
class Tags:
    """The repository's tags sorted by the one tag rule: releases, and every other tag with its reason."""

    releases: tuple[Release, ...] = ()
    """Oldest first."""
    skipped: tuple[Skipped, ...] = ()


def citation_version(data: bytes) -> str | None:
    """The ``version`` of a CITATION.cff's text, or ``None`` when it has none or is not YAML."""
    try:
        doc = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError):
        return None
    version = doc.get("version") if isinstance(doc, dict) else None
    return str(version) if version is not None else None


def tag_problem(tag: str, citation: bytes | None) -> str | None:
    """Why ``tag`` is not a release, given its commit's CITATION.cff (``None``: the project has none),
    or ``None`` when it is one. The rule shared by the release check, ``living-survey versions`` and
    every build's history."""
    if parse_tag(tag) is None:
        return f"not a release tag: {TAG_RULE}"
    if citation is None:
        return None
    if len(citation) > CITATION_LIMIT:
        return f"its CITATION.cff is larger than {CITATION_LIMIT} bytes"
    version = citation_version(citation)
    if version != tag[1:]:
        return f"its commit's CITATION.cff says version {version!r}, not {tag[1:]!r}"
    return None


def _blobs(repo: Path, specs: list[str]) -> list[bytes | None]:
    """The contents of ``commit:path`` objects in one ``git cat-file --batch`` (``None`` for a missing one)."""
    if not specs:
        return []
    try:
        done = subprocess.run(
            ["git", "cat-file", "--batch"],
            cwd=repo,
            input="".join(s + "\n" for s in specs).encode("utf-8"),
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return [None] * len(specs)
    out, at = done.stdout, 0
    blobs: list[bytes | None] = []
    for _ in specs:
        end = out.find(b"\n", at)
        if end < 0:
            blobs.append(None)
            continue
        header = out[at:end].split()
        at = end + 1
        if len(header) == 3 and header[1] == b"blob" and header[2].isdigit():
            size = int(header[2])
            blobs.append(out[at : at + size])
            at += size + 1
        else:  # "<spec> missing", or a tree: no file there
            blobs.append(None)
    return blobs


def scan_tags(repo: Path, citation_file: str = "CITATION.cff") -> Tags:
    """Every tag of the repository holding ``repo``, sorted by the tag rule (empty without git).

    A release is a tag that matches :data:`TAG` and whose commit's ``citation_file`` (relative to
    the project folder) has that version; a commit without the file is checked by the tag alone.
    """
    out = git(repo, "for-each-ref", "--format=%(refname:short)%09%(objectname)%09%(*objectname)%09%(creatordate:short)", "refs/tags/")
    prefix = str(git(repo, "rev-parse", "--show-prefix") or "")
    rows = [parts for parts in (line.split("\t") for line in str(out or "").splitlines()) if len(parts) == 4]
    citations = _blobs(repo, [f"{peeled or obj}:{prefix}{citation_file}" for _, obj, peeled, _ in rows])
    releases, skipped = [], []
    for (tag, obj, peeled, date), citation in zip(rows, citations, strict=True):
        number, problem = parse_tag(tag), tag_problem(tag, citation)
        if number is None or problem is not None:
            skipped.append(Skipped(tag, problem or TAG_RULE))
        else:
            releases.append(Release(number, tag, peeled or obj, date))
    return Tags(tuple(sorted(releases)), tuple(sorted(skipped, key=lambda s: s.tag)))


def list_releases(repo: Path, citation_file: str = "CITATION.cff") -> list[Release]:
    """Every release tag of the repository holding ``repo``, oldest first (empty without git)."""
    return list(scan_tags(repo, citation_file).releases)


def newest_per_series(releases: Iterable[Release]) -> list[Release]:
    """The release published in each ``v/X.Y/`` folder (its newest patch), oldest series first."""
    chosen: dict[str, Release] = {}
    for release in sorted(releases):
        chosen[release.series] = release
    return list(chosen.values())


# -- the data at a tag --------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """One entry as it was at a release."""

    id: str
    key: str
    label: str
    """The work's author–year label at that release (``Bai et al., 2022a``)."""
    quadrant: str
    quadrant_title: str
    position: tuple[float, float] | None
    texts: tuple[str, ...] = ()
    """Its quotes (text, then where it was read) and its rationale, to tell when a text was
    corrected; empty in snapshots of the first format, which did not keep them."""


@dataclass(frozen=True)
class Snapshot:
    """The placements of one release (or of the current tree), by entry id."""

    placements: dict[str, Placement]
    problems: tuple[str, ...] = ()
    """Why the data at the tag could not be read (then ``placements`` is empty)."""
    reader: str = ""
    """Whose code read the data: ``own`` (the release's own code, so the snapshot depends on the
    commit alone) or ``today:<digest>`` (this code, for a release whose code cannot write one)."""

    def to_json(self) -> dict[str, object]:
        return {
            "format": SNAPSHOT_FORMAT,
            "reader": self.reader,
            "problems": list(self.problems),
            "placements": [
                [p.id, p.key, p.label, p.quadrant, p.quadrant_title, p.position, list(p.texts)] for p in self.placements.values()
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Snapshot:
        """A snapshot written by this code or by any release's (every earlier format is still read)."""
        rows, problems = data["placements"], data["problems"]
        if data.get("format") not in READABLE_FORMATS or not isinstance(rows, list) or not isinstance(problems, list):
            raise ValueError("not a snapshot of a known format")
        placements = {}
        for row in rows:
            eid, key, label, quadrant, title, position = row[:6]
            texts = tuple(str(t) for t in row[6]) if len(row) > 6 else ()
            placements[eid] = Placement(eid, key, label, quadrant, title, tuple(position) if position else None, texts)
        return cls(placements, tuple(str(p) for p in problems), str(data.get("reader", "")))


def snapshot_of(survey: Survey, reader: str = "own") -> Snapshot:
    """The placements of a loaded survey."""
    placements = {}
    for entry in survey.entries:
        ref = survey.library.references.get(entry.key)
        quadrant = survey.framework.quadrant(entry.quadrant)
        label = ref.label if ref else entry.key
        texts = tuple(t for q in entry.quotes for t in (q.text, str(getattr(q, "page", "") or ""))) + (entry.rationale,)
        placements[entry.id] = Placement(entry.id, entry.key, label, entry.quadrant, quadrant.title, entry.position, texts)
    return Snapshot(placements, reader=reader)


@dataclass(frozen=True)
class SurveyPaths:
    """Where the survey's inputs are, relative to the project folder (the one holding mkdocs.yml)."""

    framework: str = "framework.yml"
    entries: str = "entries"
    bibliography: str = "references.bib"


@cache
def code_digest() -> str:
    """A digest of this package's code: a snapshot this code read is valid only for this code."""
    digest = hashlib.sha256()
    package = Path(__file__).parent.parent  # the whole package, not only this folder
    for file in sorted(package.rglob("*")):
        if file.is_file() and file.suffix in (".py", ".json"):
            digest.update(file.relative_to(package).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def own_snapshot(project: Path, out: Path) -> Snapshot | None:
    """The snapshot the release's own code writes (``living-survey snapshot``); ``None`` when its
    code predates that command (or is not in its tree)."""
    tools = project / "tools"
    if not (tools / "living_survey" / "cli.py").is_file():
        return None
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVING_SURVEY_") and k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(tools)
    env["GIT_CEILING_DIRECTORIES"] = str(project.parent)  # the extracted tree is not the repository
    command = [sys.executable, "-m", "living_survey.cli", "snapshot", "--root", str(project), "--out", str(out)]
    try:
        done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=SNAPSHOT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        return Snapshot({}, (f"its own code could not read its data: {exc}",), "own")
    if done.returncode == 2 and "invalid choice" in done.stderr:
        return None  # argparse: the release's command line has no `snapshot`
    if done.returncode != 0:
        lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
        return Snapshot({}, tuple(lines[:20]) or ("its own code could not read its data",), "own")
    try:
        return dataclasses.replace(Snapshot.from_json(json.loads(out.read_text(encoding="utf-8"))), reader="own")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return Snapshot({}, (f"its own code wrote no readable snapshot: {exc}",), "own")


def _read_snapshot(repo: Path, commit: str, paths: SurveyPaths) -> Snapshot:
    """The data at a commit, read by that commit's own code; by this code only when the commit's
    code cannot write a snapshot (then the snapshot says so in ``reader``)."""
    prefix = str(git(repo, "rev-parse", "--show-prefix") or "")
    archive = git(repo, "archive", "--format=tar", commit, binary=True)
    if not isinstance(archive, bytes):
        return Snapshot({}, (f"git archive {commit[:10]} failed",), "own")
    with tempfile.TemporaryDirectory(prefix="living-survey-release-") as tmp:
        tree = Path(tmp) / "tree"
        try:
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                tar.extractall(tree, filter="data")
        except (tarfile.TarError, OSError) as exc:  # a link out of the tree: never followed, never fatal
            return Snapshot({}, (f"its tree cannot be extracted safely: {exc}",), "own")
        root = tree / prefix
        own = own_snapshot(root, Path(tmp) / "snapshot.json")
        if own is not None:
            return own
        reader = f"today:{code_digest()}"
        try:
            survey = load_survey(root, root / paths.framework, root / paths.entries, root / paths.bibliography)
        except SurveyError as exc:
            return Snapshot({}, tuple(str(p) for p in exc.problems[:20]), reader)
    return snapshot_of(survey, reader)


def release_snapshot(repo: Path, release: Release, paths: SurveyPaths, cache: Path) -> Snapshot:
    """The placements at a release's tag, from the cache or read once from git.

    The cache is keyed by the commit and by the code that read it: a snapshot read by the release's
    own code depends on the commit alone; one read by this code (an old release) is reused only by
    this same code, so two checkouts can never fill one cache with different histories.
    """
    file = cache / f"{release.commit}-{SNAPSHOT_FORMAT}.json"
    try:
        cached = Snapshot.from_json(json.loads(file.read_text(encoding="utf-8")))
        if cached.reader in ("own", f"today:{code_digest()}"):
            return cached
    except (OSError, ValueError, KeyError, TypeError):
        pass  # absent, unreadable or read by other code: computed again below and rewritten
    snapshot = _read_snapshot(repo, release.commit, paths)
    cache.mkdir(parents=True, exist_ok=True)
    partial = file.with_suffix(".partial")
    partial.write_text(json.dumps(snapshot.to_json(), ensure_ascii=False), encoding="utf-8")
    partial.replace(file)
    return snapshot


# -- what changed ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """A placement whose quadrant or position changed in a release."""

    before: Placement
    after: Placement


@dataclass(frozen=True)
class Changes:
    """What one release changed since the one before it (``release`` is ``None`` for unreleased changes)."""

    release: Release | None
    works_added: tuple[Placement, ...]
    """The placements of works new to the survey."""
    works_removed: tuple[Placement, ...]
    """The placements of works no longer in the survey."""
    moved: tuple[Move, ...]
    placements_added: tuple[Placement, ...]
    """New placements of works already in the survey (a second reading of a paper)."""
    placements_removed: tuple[Placement, ...]
    """Placements removed from works that stay in the survey."""
    corrected: tuple[Move, ...] = ()
    """Placements that stayed where they were but whose quotes or rationale changed."""

    @property
    def empty(self) -> bool:
        return not (
            self.works_added or self.works_removed or self.moved or self.placements_added or self.placements_removed or self.corrected
        )


def compare(before: Snapshot, after: Snapshot, release: Release | None) -> Changes:
    """What changed from ``before`` to ``after``."""
    old, new = before.placements, after.placements
    old_keys, new_keys = {p.key for p in old.values()}, {p.key for p in new.values()}

    def order(items: Iterable[Placement]) -> tuple[Placement, ...]:
        return tuple(sorted(items, key=lambda p: (p.label.lower(), p.id)))

    moved = [
        Move(old[i], new[i])
        for i in sorted(old.keys() & new.keys())
        if (old[i].quadrant, old[i].position) != (new[i].quadrant, new[i].position)
    ]
    # a snapshot of the first format kept no texts: nothing can be said about them
    corrected = [
        Move(old[i], new[i])
        for i in sorted(old.keys() & new.keys())
        if (old[i].quadrant, old[i].position) == (new[i].quadrant, new[i].position)
        and old[i].texts
        and new[i].texts
        and old[i].texts != new[i].texts
    ]
    added, removed = [new[i] for i in new.keys() - old.keys()], [old[i] for i in old.keys() - new.keys()]
    return Changes(
        release=release,
        works_added=order(p for p in added if p.key not in old_keys),
        works_removed=order(p for p in removed if p.key not in new_keys),
        moved=tuple(sorted(moved, key=lambda m: (m.after.label.lower(), m.after.id))),
        placements_added=order(p for p in added if p.key in old_keys),
        placements_removed=order(p for p in removed if p.key in new_keys),
        corrected=tuple(sorted(corrected, key=lambda m: (m.after.label.lower(), m.after.id))),
    )


@dataclass(frozen=True)
class EntryHistory:
    """When one entry was added and moved."""

    added: Release | None
    """``None``: not in any release yet (or in none up to the one being built)."""
    moves: tuple[tuple[Release | None, Move], ...] = ()
    corrected: tuple[Release | None, ...] = ()
    """The releases (``None``: unreleased) that corrected its quotes or rationale since it was added."""


@dataclass(frozen=True)
class History:
    """Every release up to the one being built, and what each changed, newest first."""

    releases: tuple[Release, ...] = ()
    """Oldest first."""
    changes: tuple[Changes, ...] = ()
    """Newest first; the first is the unreleased changes when the living site has any."""
    problems: tuple[Problem, ...] = ()

    @property
    def latest(self) -> Release | None:
        return self.releases[-1] if self.releases else None

    @cached_property
    def _events(self) -> dict[str, list[tuple[Release | None, str, Move | None]]]:
        """Per entry id, what each release did to it, oldest first: one pass over every change,
        so the history of every entry page costs linear time, not entries × changes."""
        events: dict[str, list[tuple[Release | None, str, Move | None]]] = {}
        for changes in reversed(self.changes):  # oldest first
            for p in changes.placements_added + changes.works_added:
                events.setdefault(p.id, []).append((changes.release, "added", None))
            for p in changes.placements_removed + changes.works_removed:
                events.setdefault(p.id, []).append((changes.release, "removed", None))
            for m in changes.moved:
                events.setdefault(m.after.id, []).append((changes.release, "moved", m))
            for m in changes.corrected:
                events.setdefault(m.after.id, []).append((changes.release, "corrected", m))
        return events

    def entry(self, entry_id: str) -> EntryHistory:
        """When an entry was added (the last time it appeared) and every move since."""
        added: Release | None = None
        moves: list[tuple[Release | None, Move]] = []
        corrected: list[Release | None] = []
        for release, kind, move in self._events.get(entry_id, ()):
            if kind == "added":
                added, moves, corrected = release, [], []
            elif kind == "corrected":
                corrected.append(release)
            elif move is not None:
                moves.append((release, move))
        return EntryHistory(added, tuple(moves), tuple(corrected))

    def has_entry(self, release: Release, entry_id: str) -> bool:
        """Whether the entry existed at ``release`` (an unreleased addition is in no release)."""
        present = False
        for when, kind, _ in self._events.get(entry_id, ()):
            if when is None or when > release:
                break
            if kind in ("added", "removed"):
                present = kind == "added"
        return present


def load_history(
    repo: Path | None,
    paths: SurveyPaths,
    cache: Path,
    *,
    current: Survey | None = None,
    upto: tuple[int, int, int] | None = None,
    stored: Callable[[Release], Snapshot | None] | None = None,
) -> History:
    """The history of the survey in the repository holding ``repo``.

    Args:
        repo: the project folder inside a git work tree; ``None``: no history.
        paths: where the inputs are, relative to the project folder.
        cache: the folder for cached snapshots.
        current: the survey being built; its changes since the last release are listed as unreleased.
        upto: build the history as of this release (a released build does not know later ones).
        stored: a release → the snapshot stored with it, if any; read before the cache and git.
    """
    releases = list_releases(repo) if repo is not None else []
    if upto is not None:
        releases = [r for r in releases if r.number <= upto]
    if repo is None or not releases:
        return History()
    changes: list[Changes] = []
    problems: list[Problem] = []
    before = Snapshot({})
    for release in releases:
        snapshot = (stored(release) if stored is not None else None) or release_snapshot(repo, release, paths, cache)
        for message in snapshot.problems:
            problems.append(Problem(release.tag, 0, "", f"the data at this release do not load: {message}"))
        changes.append(compare(before, snapshot, release))
        before = snapshot
    if current is not None:
        unreleased = compare(before, snapshot_of(current), None)
        if not unreleased.empty:
            changes.append(unreleased)
    return History(tuple(releases), tuple(reversed(changes)), tuple(problems))

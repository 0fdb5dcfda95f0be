"""Frozen releases beside the living site: ``living-survey versions``, the store and the release check.

``build_versions`` builds the current tree as the living site at ``out/`` and places every release
(the newest ``vX.Y.Z`` tag of each ``X.Y``, by the one tag rule of :mod:`.history`) at
``out/v/X.Y/``, then writes ``out/v/versions.json`` in mike's format (``version``, ``title``,
``aliases``; the newest release carries ``latest``) plus each release's checksum and dependency set.
A release is built once, from ``git archive`` of its tag with that tag's own plugin code, and kept
in a store (``<tag>.tar.gz`` and ``<tag>.json``); later runs only check its SHA-256 and unpack it,
so a frozen page never changes with the installed libraries. Everything runs offline; MkDocs runs
as a subprocess (``mkdocs build --strict``), so this module does not import it.

The versions builder tells each build what it is building through environment variables
(:class:`BuildContext`): a plugin option would break tags whose code predates it.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import importlib.metadata
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..model.addresses import RELEASES, release_path, versions_file
from ..model.survey import Survey
from .history import (
    TAG_RULE,
    History,
    Release,
    Snapshot,
    SurveyPaths,
    git,
    load_history,
    newest_per_series,
    own_snapshot,
    parse_tag,
    release_snapshot,
    scan_tags,
    tag_problem,
)

ENV_RELEASE = "LIVING_SURVEY_RELEASE"
"""The release being built (``0.2.0``); absent for the living site."""
ENV_RELEASE_DATE = "LIVING_SURVEY_RELEASE_DATE"
ENV_LIVING_URL = "LIVING_SURVEY_LIVING_URL"
"""The living site's URL, which a release's pages also cite."""
ENV_REPOSITORY = "LIVING_SURVEY_REPOSITORY"
"""The project folder inside the git work tree, for the history of a release built from an archive."""
ENV_SELECTOR = "LIVING_SURVEY_VERSION_SELECTOR"
"""``1``: the build is part of a versioned site, so its pages carry the version selector."""
ENV_STORE = "LIVING_SURVEY_STORE"
"""The store of built releases, whose stored snapshots the history reads first."""
OVERRIDE = ".living-survey-version.yml"
"""The config file written beside a release's ``mkdocs.yml``: it inherits it and sets ``site_url``."""


@dataclass(frozen=True)
class BuildContext:
    """What a build is: the living site (``release`` empty) or one frozen release."""

    release: str = ""
    release_date: str = ""
    living_url: str = ""
    repository: Path | None = None
    selector: bool = False
    latest_files: frozenset[str] | None = None
    """The files of the latest release's stored build (``entries/x/index.html``), when the store
    lists them: a living page outside them is in no release, so no frozen URL is offered for it."""

    @property
    def number(self) -> tuple[int, int, int] | None:
        return parse_tag("v" + self.release) if self.release else None

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], root: Path, site_url: str) -> BuildContext:
        """The context set by the versions builder; an ordinary build is the living site at ``site_url``."""
        release = environ.get(ENV_RELEASE, "")
        if release and parse_tag("v" + release) is None:
            raise ValueError(f"{ENV_RELEASE}={release!r} is not a version X.Y.Z")
        repository = environ.get(ENV_REPOSITORY, "")
        return cls(
            release=release,
            release_date=environ.get(ENV_RELEASE_DATE, ""),
            living_url=environ.get(ENV_LIVING_URL, "") or site_url,
            repository=Path(repository) if repository else root,
            selector=environ.get(ENV_SELECTOR, "") == "1",
        )


def load_build(
    environ: Mapping[str, str], root: Path, site_url: str, inputs: tuple[str, str, str], cache: Path, survey: Survey
) -> tuple[BuildContext, History]:
    """What this build is, and the history of releases it shows.

    Args:
        environ: the environment (the versions builder's variables, if any).
        root: the project folder.
        site_url: this build's ``site_url``.
        inputs: the framework file, entries folder and bibliography (absolute or relative to ``root``).
        cache: the plugin's cache folder; snapshots go under ``history/``.
        survey: the survey being built (its changes since the last release are listed as unreleased).

    Raises:
        ValueError: the environment names a release that is not ``X.Y.Z``.
    """
    context = BuildContext.from_environ(environ, root, site_url)
    paths = SurveyPaths(*((root / p).resolve().relative_to(root).as_posix() for p in inputs))
    store = environ.get(ENV_STORE, "")
    stored = (lambda release: stored_snapshot(Path(store), release)) if store else None
    history = load_history(context.repository, paths, cache / "history", current=survey, upto=context.number, stored=stored)
    if store and not context.release and history.latest is not None:
        record = read_record(Path(store), history.latest)
        if record is not None and record.files is not None:
            context = dataclasses.replace(context, latest_files=frozenset(record.files))
    return context, history


class VersionsError(Exception):
    """A versioned site could not be built; nothing was written."""


def versions_json(releases: list[Release]) -> list[dict[str, object]]:
    """mike's ``versions.json``: newest first, the newest release aliased ``latest``."""
    newest = list(reversed(newest_per_series(releases)))
    return [{"version": r.series, "title": r.version, "aliases": ["latest"] if i == 0 else []} for i, r in enumerate(newest)]


def _site_url(config_file: Path) -> str:
    class Loader(yaml.SafeLoader):
        """mkdocs.yml may hold !ENV or !!python/name tags; read them as nothing."""

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    loader = Loader(config_file.read_text(encoding="utf-8"))  # a SafeLoader: no object is ever built
    try:
        data = loader.get_single_data() or {}
    finally:
        loader.dispose()
    url = str(data.get("site_url") or "")
    if not url:
        raise VersionsError(f"{config_file.name}: site_url is not set; versioned URLs (<site>/v/X.Y/) need it")
    return url.rstrip("/") + "/"


class UnsafeRelease(VersionsError):
    """A release's tree cannot be extracted safely (a link leaving it, an absolute path, a device)."""


def _extract(repo: Path, release: Release, into: Path) -> Path:
    """The release's tree (from ``git archive``), reused when already extracted; its project folder.

    Raises:
        UnsafeRelease: tarfile's ``data`` filter refused a member; nothing of the tree is kept.
    """
    prefix = str(git(repo, "rev-parse", "--show-prefix") or "")
    done = into / ".complete"
    if not done.is_file():
        shutil.rmtree(into, ignore_errors=True)
        archive = git(repo, "archive", "--format=tar", release.commit, binary=True)
        if not isinstance(archive, bytes):
            raise VersionsError(f"{release.tag}: git archive failed")
        into.mkdir(parents=True)
        try:
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                tar.extractall(into, filter="data")
        except (tarfile.TarError, OSError) as exc:
            shutil.rmtree(into, ignore_errors=True)
            raise UnsafeRelease(f"{release.tag}: its tree cannot be extracted safely: {exc}") from None
        done.write_text(release.commit + "\n", encoding="utf-8")
    return into / prefix


def _mkdocs(config_file: Path, site_dir: Path, env: dict[str, str], python_path: str = "") -> None:
    if python_path:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (python_path, env.get("PYTHONPATH", "")) if p)
    # never --quiet: it silences the warnings that --strict counts, and the build would pass
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_file), "--site-dir", str(site_dir)]
    done = subprocess.run(command, cwd=config_file.parent, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise VersionsError(f"mkdocs build of {config_file} failed:\n{done.stdout}{done.stderr}".rstrip())


# -- the store: each release built once, kept with its checksum ----------------------------------

STORE_FORMAT = 1
"""Bumped when a store record's form changes."""


def dependencies() -> dict[str, str]:
    """The installed distributions and Python, by name: the dependency set a build ran with."""
    found = {(d.metadata["Name"] or "").lower(): d.version for d in importlib.metadata.distributions()}
    found.pop("", None)
    found["python"] = platform.python_version()
    return dict(sorted(found.items()))


def pack(tree: Path) -> bytes:
    """A tree as a gzipped tar whose bytes depend on the files' names and contents alone
    (sorted names, no times, owners or modes from the machine), so one build packs to one checksum."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", fileobj=buffer, mode="wb", mtime=0) as zipped:
        with tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for path in sorted(tree.rglob("*")):
                if path.is_symlink() or not (path.is_file() or path.is_dir()):
                    continue
                info = tarfile.TarInfo(path.relative_to(tree).as_posix())
                info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
                if path.is_dir():
                    info.type, info.mode = tarfile.DIRTYPE, 0o755
                    tar.addfile(info)
                else:
                    data = path.read_bytes()
                    info.size, info.mode = len(data), 0o644
                    tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def archive_files(data: bytes) -> dict[str, bytes]:
    """The regular files of a packed tree, by path."""
    files = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            if member.isfile():
                handle = tar.extractfile(member)
                if handle is not None:
                    files[member.name] = handle.read()
    return files


@dataclass(frozen=True)
class StoredRelease:
    """A release in the store: ``<tag>.tar.gz`` (its ``v/X.Y/`` tree) and ``<tag>.json`` (this record)."""

    tag: str
    commit: str
    sha256: str
    dependencies: dict[str, str]
    snapshot: dict[str, object] | None = None
    """The release's history snapshot, as its own code read its data (see :mod:`.history`)."""
    files: tuple[str, ...] | None = None
    """Every file of its tree, so the living site knows which of its pages the release has."""

    def to_json(self) -> dict[str, object]:
        return {
            "format": STORE_FORMAT,
            "tag": self.tag,
            "commit": self.commit,
            "sha256": self.sha256,
            "dependencies": self.dependencies,
            "snapshot": self.snapshot,
            "files": list(self.files) if self.files is not None else None,
        }


def archive_path(store: Path, tag: str) -> Path:
    return store / f"{tag}.tar.gz"


def record_path(store: Path, tag: str) -> Path:
    return store / f"{tag}.json"


def read_record(store: Path, release: Release) -> StoredRelease | None:
    """The store's record of a release, or ``None`` when it has none for this tag and commit."""
    try:
        data = json.loads(record_path(store, release.tag).read_text(encoding="utf-8"))
        if data.get("format") != STORE_FORMAT or data.get("tag") != release.tag or data.get("commit") != release.commit:
            return None
        snapshot, files = data.get("snapshot"), data.get("files")
        return StoredRelease(
            release.tag,
            release.commit,
            str(data["sha256"]),
            dict(data["dependencies"]),
            snapshot if isinstance(snapshot, dict) else None,
            tuple(str(f) for f in files) if isinstance(files, list) else None,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def stored_snapshot(store: Path, release: Release) -> Snapshot | None:
    """A release's snapshot as stored with it, or ``None`` when the store has none."""
    record = read_record(store, release)
    if record is None or record.snapshot is None:
        return None
    try:
        return Snapshot.from_json(record.snapshot)
    except (ValueError, KeyError, TypeError):
        return None


def _write_atomic(file: Path, data: bytes) -> None:
    partial = file.with_name(file.name + ".partial")
    partial.write_bytes(data)
    partial.replace(file)


@dataclass
class Builder:
    """What every build of one ``living-survey versions`` run shares."""

    root: Path
    config: str
    living_url: str
    env: dict[str, str]
    log: Callable[[str], None]

    def build_release(self, release: Release, site_dir: Path) -> Snapshot | None:
        """Build one release from its own tree into ``site_dir``; its snapshot, as its own code reads it.

        Raises:
            UnsafeRelease: its tree cannot be extracted safely.
            VersionsError: its build failed.
        """
        cache = self.root / ".cache" / "living-survey" / "versions"
        project = _extract(self.root, release, cache / release.commit)
        override = project / OVERRIDE
        override.write_text(
            f"INHERIT: {json.dumps(self.config)}\nsite_url: {json.dumps(self.living_url + release_path(release.series))}\n",
            encoding="utf-8",
        )
        # a release's tree sits inside this work tree: git must not mistake it for the current checkout
        env = dict(self.env, GIT_CEILING_DIRECTORIES=str(cache), **{ENV_RELEASE: release.version, ENV_RELEASE_DATE: release.date})
        epoch = git(self.root, "log", "-1", "--format=%ct", release.commit)
        if epoch:
            env["SOURCE_DATE_EPOCH"] = str(epoch)
        tools = project / "tools"
        _mkdocs(override, site_dir, env, str(tools) if tools.is_dir() else "")
        with tempfile.TemporaryDirectory(prefix="living-survey-snapshot-") as tmp:
            return own_snapshot(project, Path(tmp) / "snapshot.json")

    def store_release(self, release: Release, store: Path) -> StoredRelease:
        """Build a release once and keep it in the store with its checksum, dependencies and snapshot."""
        with tempfile.TemporaryDirectory(prefix="living-survey-release-") as tmp:
            site = Path(tmp) / "site"
            snapshot = self.build_release(release, site)
            data = pack(site)
            files = tuple(sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and not p.is_symlink()))
        if snapshot is None:  # a release whose code cannot write one: read from git as the history does
            snapshot = release_snapshot(self.root, release, SurveyPaths(), self.root / ".cache" / "living-survey" / "history")
        record = StoredRelease(release.tag, release.commit, hashlib.sha256(data).hexdigest(), dependencies(), snapshot.to_json(), files)
        store.mkdir(parents=True, exist_ok=True)
        _write_atomic(archive_path(store, release.tag), data)
        _write_atomic(record_path(store, release.tag), (json.dumps(record.to_json(), indent=1, ensure_ascii=False) + "\n").encode())
        return record


def unpack(store: Path, release: Release, record: StoredRelease, into: Path) -> str | None:
    """Place a stored release at ``into`` after checking its checksum; why not, or ``None`` when placed."""
    try:
        data = archive_path(store, release.tag).read_bytes()
    except OSError as exc:
        return f"its archive cannot be read: {exc.strerror or exc}"
    digest = hashlib.sha256(data).hexdigest()
    if digest != record.sha256:
        return f"its archive fails its checksum (recorded {record.sha256[:16]}…, found {digest[:16]}…)"
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        shutil.rmtree(into, ignore_errors=True)
        return f"its archive cannot be extracted safely: {exc}"
    return None


@dataclass
class Assembled:
    """What ``living-survey versions`` published."""

    releases: list[Release]
    """The releases placed at ``v/X.Y/``, oldest first."""
    unavailable: list[Release]
    """Releases listed in versions.json as unavailable: missing from the store, or failing their checksum."""
    living_seconds: float = 0.0
    assemble_seconds: float = 0.0
    """The time spent placing stored releases (checksums and extraction), without any build."""

    def __iter__(self) -> Iterator[Release]:
        return iter(self.releases)

    def __len__(self) -> int:
        return len(self.releases)


def versions_listing(assembled: Assembled, store: Path) -> list[dict[str, object]]:
    """versions.json: mike's keys, plus each release's checksum and dependency set, and
    ``unavailable`` for one the deploy could not place (the selector shows it without a link)."""
    rows = versions_json(sorted(assembled.releases + assembled.unavailable))
    by_series = {r.series: r for r in assembled.releases + assembled.unavailable}
    for row in rows:
        release = by_series[str(row["version"])]
        record = read_record(store, release)
        if record is not None:
            row["sha256"], row["dependencies"] = record.sha256, record.dependencies
        if release in assembled.unavailable:
            row["unavailable"] = True
    return rows


def build_versions(
    root: Path,
    out: Path,
    *,
    config: str = "mkdocs.yml",
    log: Callable[[str], None] = lambda s: None,
    store: Path | None = None,
    build_missing: bool = True,
    rebuild: str = "",
) -> Assembled:
    """Build the living site into ``out`` and place every release, built once and stored, at ``out/v/X.Y/``.

    A release missing from the store is built from its own tree and stored (unless
    ``build_missing`` is false: then it is listed as unavailable). A stored release is never built
    again by a deploy: its archive's checksum is checked and it is unpacked as it is. One that
    fails is named and listed as unavailable; the living site and the other releases go on.

    Args:
        root: the project folder (holding ``mkdocs.yml``) inside a git work tree.
        out: the folder to write; replaced only when the living site built.
        config: the MkDocs configuration file, relative to ``root``.
        log: called with one line per step and per problem.
        store: the folder of stored releases (``<tag>.tar.gz`` and ``<tag>.json``); default
            ``.cache/living-survey/releases`` in ``root``.
        build_missing: build releases the store lacks.
        rebuild: a tag to build again on purpose; what changed against its stored bytes is logged.

    Raises:
        VersionsError: the living build failed, ``site_url`` is unset, or ``rebuild`` names no release.
    """
    root = root.resolve()
    out = out.resolve()
    store = (store or root / ".cache" / "living-survey" / "releases").resolve()
    living_url = _site_url(root / config)
    tags = scan_tags(root)
    for skipped in tags.skipped:
        log(str(skipped))
    published = newest_per_series(tags.releases)
    if rebuild and rebuild not in {r.tag for r in tags.releases}:
        raise VersionsError(f"{rebuild}: no release has this tag")
    staging = out.with_name(out.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    base = {k: v for k, v in os.environ.items() if not k.startswith("LIVING_SURVEY_") or k == "LIVING_SURVEY_CHROMIUM"}
    base.update({ENV_LIVING_URL: living_url, ENV_SELECTOR: "1" if published else "0", ENV_REPOSITORY: str(root), ENV_STORE: str(store)})
    builder = Builder(root, config, living_url, base, log)
    result = Assembled([], [])
    try:
        records: dict[str, StoredRelease] = {}
        for release in [*published, *(r for r in tags.releases if r.tag == rebuild and r not in published)]:
            record = read_record(store, release)
            if release.tag == rebuild or (record is None and build_missing):
                old = archive_path(store, release.tag).read_bytes() if record is not None and release.tag == rebuild else None
                log(f"{release.tag}: building once, into the store {store}")
                try:
                    record = builder.store_release(release, store)
                except UnsafeRelease as exc:
                    log(f"{exc}; skipped")
                    continue
                except VersionsError as exc:
                    log(f"{release.tag}: its build failed; marked unavailable\n{exc}")
                    result.unavailable.append(release)
                    continue
                if old is not None:
                    for line in compare_archives(old, archive_path(store, release.tag).read_bytes()):
                        log(f"{release.tag}: {line}")
            if release not in published:
                continue
            if record is None:
                log(f"{release.tag}: not in the store {store}; marked unavailable")
                result.unavailable.append(release)
            else:
                records[release.tag] = record
        log(f"living site → {out}")
        start = time.perf_counter()
        _mkdocs(root / config, staging, dict(base), str(root / "tools") if (root / "tools").is_dir() else "")
        result.living_seconds = time.perf_counter() - start
        if (staging / RELEASES).exists():
            raise VersionsError(f"the living site has its own {RELEASES}/ folder, where releases go; rename that page")
        start = time.perf_counter()
        for release in published:
            if release.tag not in records:
                continue
            problem = unpack(store, release, records[release.tag], staging / release_path(release.series))
            if problem:
                log(f"{release.tag}: {problem}; marked unavailable")
                result.unavailable.append(release)
            else:
                log(f"{release.tag} → {out / release_path(release.series)} (stored, sha256 {records[release.tag].sha256[:16]}…)")
                result.releases.append(release)
        result.assemble_seconds = time.perf_counter() - start
        if published:
            data = json.dumps(versions_listing(result, store), indent=2) + "\n"
            (staging / versions_file()).parent.mkdir(parents=True, exist_ok=True)
            (staging / versions_file()).write_text(data, encoding="utf-8")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(out, ignore_errors=True)
    staging.replace(out)
    result.unavailable.sort()
    return result


def compare_archives(old: bytes, new: bytes) -> list[str]:
    """What a rebuild changed against the stored bytes: one line per file added, removed or changed."""
    before, after = archive_files(old), archive_files(new)
    lines = [f"changed {name}" for name in sorted(before.keys() & after.keys()) if before[name] != after[name]]
    lines += [f"added {name}" for name in sorted(after.keys() - before.keys())]
    lines += [f"removed {name}" for name in sorted(before.keys() - after.keys())]
    old_sum, new_sum = hashlib.sha256(old).hexdigest(), hashlib.sha256(new).hexdigest()
    if old_sum == new_sum:
        return ["rebuilt byte-identical: the stored checksum stands"]
    return [*lines, f"{len(lines)} file(s) differ; sha256 {old_sum} → {new_sum}"]


# -- the release check ----------------------------------------------------------------------------


def check_release_tag(tag: str, citation_file: Path) -> str | None:
    """Why ``tag`` cannot be released with this ``CITATION.cff``, or ``None`` when it matches.

    The tag must be ``vX.Y.Z`` and ``X.Y.Z`` must be the file's ``version``.
    """
    if parse_tag(tag) is None:
        return f"tag {tag!r} is not a release tag: {TAG_RULE}"
    try:
        text = citation_file.read_bytes()
        data = yaml.safe_load(text.decode("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return f"{citation_file.name}: cannot read its version: {exc}"
    version = str(data.get("version", "")) if isinstance(data, dict) else ""
    if tag_problem(tag, text) is not None:
        return (
            f'tag {tag} does not match {citation_file.name} version {version!r}: set version: "{tag[1:]}" '
            f"(and date-released) in {citation_file.name}, commit, and tag that commit {tag}"
        )
    return None


def check_release(root: Path, tag: str, citation_file: str = "CITATION.cff") -> str | None:
    """Why ``tag`` cannot be released, or ``None``: by :func:`.history.scan_tags`, the rule every
    publishing step uses, when the repository has the tag (its commit's citation file is read from
    git, whatever is checked out); else by :func:`check_release_tag` against the file on disk."""
    tags = scan_tags(root, citation_file)
    if any(r.tag == tag for r in tags.releases):
        return None
    for skipped in tags.skipped:
        if skipped.tag == tag:
            return str(skipped)
    return check_release_tag(tag, root / citation_file)

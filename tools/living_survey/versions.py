"""Frozen releases beside the living site: ``living-survey versions`` and the release check.

``build_versions`` builds the current tree as the living site at ``out/`` and every release
(the newest ``vX.Y.Z`` tag of each ``X.Y``) at ``out/v/X.Y/``, then writes ``out/v/versions.json``
in mike's format (``version``, ``title``, ``aliases``; the newest release carries ``latest``),
the format Material's version selector reads. Each release is built from ``git archive`` of its
tag with that tag's own plugin code (its ``tools/`` first on ``PYTHONPATH``) in the current
environment, so a frozen page looks as it did when released. Everything runs offline; MkDocs
runs as a subprocess (``mkdocs build --strict``), so this module does not import it.

The versions builder tells each build what it is building through environment variables
(:class:`BuildContext`): a plugin option would break tags whose code predates it.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from .releases import TAG_RULE, History, Release, SurveyPaths, git, load_history, newest_per_series, parse_tag, scan_tags, tag_problem
from .routes import RELEASES, release_path, versions_file
from .survey import Survey

ENV_RELEASE = "LIVING_SURVEY_RELEASE"
"""The release being built (``0.2.0``); absent for the living site."""
ENV_RELEASE_DATE = "LIVING_SURVEY_RELEASE_DATE"
ENV_LIVING_URL = "LIVING_SURVEY_LIVING_URL"
"""The living site's URL, which a release's pages also cite."""
ENV_REPOSITORY = "LIVING_SURVEY_REPOSITORY"
"""The project folder inside the git work tree, for the history of a release built from an archive."""
ENV_SELECTOR = "LIVING_SURVEY_VERSION_SELECTOR"
"""``1``: the build is part of a versioned site, so its pages carry the version selector."""
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
    history = load_history(context.repository, paths, cache / "history", current=survey, upto=context.number)
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


def build_versions(root: Path, out: Path, *, config: str = "mkdocs.yml", log: Callable[[str], None] = lambda s: None) -> list[Release]:
    """Build the living site into ``out`` and every release into ``out/v/X.Y/``.

    Args:
        root: the project folder (holding ``mkdocs.yml``) inside a git work tree.
        out: the folder to write; replaced only when every build succeeded.
        config: the MkDocs configuration file, relative to ``root``.
        log: called with one line per step.

    Returns:
        The releases built (one per ``X.Y``), oldest first.

    Raises:
        VersionsError: a build failed or ``site_url`` is unset; ``out`` is left as it was.
    """
    root = root.resolve()
    out = out.resolve()
    living_url = _site_url(root / config)
    tags = scan_tags(root)
    for skipped in tags.skipped:
        log(str(skipped))
    releases = list(tags.releases)
    published = newest_per_series(releases)
    staging = out.with_name(out.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    base = {k: v for k, v in os.environ.items() if not k.startswith("LIVING_SURVEY_") or k == "LIVING_SURVEY_CHROMIUM"}
    base.update({ENV_LIVING_URL: living_url, ENV_SELECTOR: "1" if published else "0", ENV_REPOSITORY: str(root)})
    try:
        log(f"living site → {out}")
        _mkdocs(root / config, staging, dict(base), str(root / "tools") if (root / "tools").is_dir() else "")
        if (staging / RELEASES).exists():
            raise VersionsError(f"the living site has its own {RELEASES}/ folder, where releases go; rename that page")
        cache = root / ".cache" / "living-survey" / "versions"
        # a release's tree sits inside this work tree: git must not mistake it for the current checkout
        base["GIT_CEILING_DIRECTORIES"] = str(cache)
        for release in list(published):
            log(f"{release.tag} → {out / release_path(release.series)}")
            try:
                project = _extract(root, release, cache / release.commit)
            except UnsafeRelease as exc:
                log(f"{exc}; skipped")
                published.remove(release)
                continue
            override = project / OVERRIDE
            override.write_text(
                f"INHERIT: {json.dumps(config)}\nsite_url: {json.dumps(living_url + release_path(release.series))}\n", encoding="utf-8"
            )
            env = dict(base, **{ENV_RELEASE: release.version, ENV_RELEASE_DATE: release.date})
            epoch = git(root, "log", "-1", "--format=%ct", release.commit)
            if epoch:
                env["SOURCE_DATE_EPOCH"] = str(epoch)
            tools = project / "tools"
            _mkdocs(override, staging / release_path(release.series), env, str(tools) if tools.is_dir() else "")
        if published:
            data = json.dumps(versions_json(published), indent=2) + "\n"
            (staging / versions_file()).write_text(data, encoding="utf-8")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(out, ignore_errors=True)
    staging.replace(out)
    return published


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

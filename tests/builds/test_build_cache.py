"""Validated entries and the parsed bibliography are kept between builds (the build cache).

A rebuild takes an entry file whose bytes are unchanged, and a bibliography whose text is
unchanged, from the cache instead of reading them again. These tests build real sites: the
second build must give the same site without reading the unchanged inputs, and every change,
bad input, damaged cache or other framework must be read afresh and reported as always.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from living_survey.core.keyed import machine_secret, signed
from living_survey.model import entries, survey
from living_survey.model import inputs_cache as build_cache

from ..conftest import living_survey

# these tests look into the project's own cache folder: their builds do not share the session's
pytestmark = pytest.mark.own_cache

CACHE = Path(".cache/living-survey/inputs")


def _load(path: Path) -> dict:
    """A cache file's content (after the line holding its keyed digest)."""
    return json.loads(path.read_bytes().partition(b"\n")[2])


def _store(path: Path, content: object, *, raw: str | None = None) -> None:
    """Write a cache file signed with this machine's secret, as a build on this machine would: the
    records in it must then stand every check on their own."""
    body = raw if raw is not None else json.dumps(content)
    path.write_bytes(signed(machine_secret(), f"living-survey inputs {path.name}", body.encode("utf-8")))


def _site_files(site: Path) -> dict[str, bytes]:
    """Every page and data file of a built site (not the compressed sitemap, which is dated)."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file() and p.suffix != ".gz"}


class Reads:
    """Counts the entry files parsed and the bibliographies parsed while installed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.yaml = 0
        self.bib = 0
        load_yaml, parse = entries.load_yaml, build_cache.parse_bibliography
        assert survey.parse_bibliography is parse

        def counted_yaml(*args, **kwargs):
            self.yaml += 1
            return load_yaml(*args, **kwargs)

        def counted_bib(*args, **kwargs):
            self.bib += 1
            return parse(*args, **kwargs)

        monkeypatch.setattr(entries, "load_yaml", counted_yaml)
        monkeypatch.setattr(build_cache, "parse_bibliography", counted_bib)
        monkeypatch.setattr(survey, "parse_bibliography", counted_bib)


def test_a_rebuild_reads_no_unchanged_input_and_gives_the_same_site(
    sample: Path, build_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    count = len(list((sample / "entries").glob("*.yaml")))
    first = _site_files(build_site(sample))
    assert (sample / CACHE / "entries.json").is_file() and (sample / CACHE / "bibliography.json").is_file()
    kept = _load(sample / CACHE / "entries.json")["entries"]
    assert len(kept) == count
    reads = Reads(monkeypatch)
    second = _site_files(build_site(sample))
    assert (reads.yaml, reads.bib) == (0, 0), "unchanged inputs were read again"
    assert second.keys() == first.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_an_edited_entry_is_read_again_and_the_others_are_not(
    sample: Path, build_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    build_site(sample)
    path = sample / "entries" / "alpha-2020.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("open question", "quite unmistakable question"), encoding="utf-8")
    reads = Reads(monkeypatch)
    site = build_site(sample)
    assert (reads.yaml, reads.bib) == (1, 0)
    assert "quite unmistakable question" in (site / "entries" / "alpha-2020" / "index.html").read_text(encoding="utf-8")


def test_an_entry_made_invalid_after_a_cached_build_stops_the_build(sample: Path, build_site: Callable[..., Path], caplog) -> None:
    build_site(sample)
    path = sample / "entries" / "alpha-2020.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("quadrant: broad-descriptive", "quadrant: nowhere"), encoding="utf-8")
    with pytest.raises(Abort):
        build_site(sample)
    assert "entries/alpha-2020.yaml:2: quadrant: 'nowhere' is not one of" in caplog.text


def test_a_bibliography_changed_after_a_cached_build_is_parsed_again(
    sample: Path, build_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    build_site(sample)
    bib = sample / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n@article{broken2024,\n  title = {No closing brace}\n", encoding="utf-8")
    reads = Reads(monkeypatch)
    with pytest.raises(Abort):
        build_site(sample)
    assert reads.bib == 1
    assert "references.bib" in caplog.text


@pytest.mark.parametrize(
    "damage",
    [
        "not json at all {",
        json.dumps([1, 2, 3]),
        json.dumps({"version": 999, "salt": "x", "entries": {}}),
        "[" * 100_000,
    ],
    ids=["garbage", "wrong-shape", "other-version", "deeply-nested"],
)
def test_a_damaged_cache_is_no_cache(sample: Path, build_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    first = _site_files(build_site(sample))
    for name in ("entries.json", "bibliography.json"):
        _store(sample / CACHE / name, None, raw=damage)
    reads = Reads(monkeypatch)
    second = _site_files(build_site(sample))
    assert reads.yaml == len(list((sample / "entries").glob("*.yaml"))) and reads.bib == 1
    assert [name for name in first if first[name] != second.get(name)] == []
    assert _load(sample / CACHE / "entries.json")["version"] == build_cache.VERSION


def test_malformed_records_with_the_right_salt_are_read_again(
    sample: Path, build_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    build_site(sample)
    for name, section in (("entries.json", "entries"), ("bibliography.json", "references")):
        stored = _load(sample / CACHE / name)
        stored[section] = {key: {"unexpected": True} for key in stored[section]}
        _store(sample / CACHE / name, stored)
    reads = Reads(monkeypatch)
    site = build_site(sample)
    assert reads.yaml == len(list((sample / "entries").glob("*.yaml"))) and reads.bib == 1
    assert (site / "entries" / "alpha-2020" / "index.html").is_file()


def test_another_framework_revalidates_every_entry(sample: Path, build_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    build_site(sample)
    framework = sample / "framework.yml"
    text = framework.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    framework.write_text(text.replace(title, "title: Another framework", 1), encoding="utf-8")
    reads = Reads(monkeypatch)
    build_site(sample)
    assert reads.yaml == len(list((sample / "entries").glob("*.yaml")))


def test_validate_reads_every_input_and_keeps_no_cache(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = Reads(monkeypatch)
    result = living_survey("validate", root=sample)
    assert result.returncode == 0, result.stdout + result.stderr
    assert reads.yaml == len(list((sample / "entries").glob("*.yaml"))) and reads.bib == 1
    assert not (sample / CACHE).exists()


def test_a_rebuild_keeps_the_order_of_the_bibliography_and_of_each_entry(
    tmp_path: Path, build_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The library is in label order (the references page lists it as it is), a reference's fields
    and an entry's lines in the order of their file: a cached copy keeps every order."""
    from ..conftest import SAMPLE_BIB, write_sample

    # first by key, last by label; its fields not in alphabetical order
    bib = "@misc{aaa2019last,\n  title = {Zzz last by its label},\n  author = {Zulu, Zed},\n  year = {2019}\n}\n" + SAMPLE_BIB
    root = write_sample(tmp_path / "project", bib=bib)
    first = _site_files(build_site(root))
    reads = Reads(monkeypatch)
    second = _site_files(build_site(root))
    assert (reads.yaml, reads.bib) == (0, 0)
    assert [name for name in first if first[name] != second[name]] == []
    fresh = survey.load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")
    kept = survey.load_survey(root, root / "framework.yml", root / "entries", root / "references.bib", build_cache=root / CACHE)
    assert list(kept.library.references) == list(fresh.library.references)
    assert [list(r.fields) for r in kept.library] == [list(r.fields) for r in fresh.library]
    assert [list(e.lines) for e in kept.entries] == [list(e.lines) for e in fresh.entries]


def test_a_rebuild_keeps_a_whole_number_coordinate_as_written(
    tmp_path: Path, build_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """YAML reads ``1`` as an int; a cached entry must not come back with ``1.0`` (the exports and
    the entry page show the coordinate as it was read)."""
    from ..conftest import SAMPLE_ENTRY, write_sample

    entries = {
        "delta-2021": SAMPLE_ENTRY.format(
            key="delta2021named", quadrant="specific-prescriptive", position="[1, 0.5]", quote="follow the guideline exactly"
        )
    }
    root = write_sample(tmp_path / "project", entries=entries)
    first = _site_files(build_site(root))
    reads = Reads(monkeypatch)
    second = _site_files(build_site(root))
    assert reads.yaml == 0
    assert [name for name in first if first[name] != second[name]] == []
    fresh = survey.load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")
    kept = survey.load_survey(root, root / "framework.yml", root / "entries", root / "references.bib", build_cache=root / CACHE)
    assert [repr(e.position) for e in kept.entries] == [repr(e.position) for e in fresh.entries]


@pytest.mark.parametrize(
    "change",
    [
        {"rationale": 5},
        {"quotes": [{"text": ["not", "text"], "cite": "alpha2020open", "page": "3"}]},
        {"signal": [None]},
        {"datasets": [{"name": {}}]},
        {"position": [True, False]},
        {"lines": {"key": "one"}},
        {"id": "someone-else"},
        {"path": "entries/someone-else.yaml"},
        {"signal": "comparisons"},
        {"a_field_entries_do_not_have": "x"},
        {"quotes": [{"text": "a", "cite": "alpha2020open", "page": "3", "via": None, "cited_page": None, "extra": "x"}]},
    ],
    ids=["rationale", "quote", "signal", "dataset", "position", "lines", "id", "path", "signal-text", "extra-field", "extra-quote-field"],
)
def test_a_record_of_the_wrong_type_or_for_another_file_is_read_again(
    sample: Path, build_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, change: dict
) -> None:
    """A record with the right salt and signature but fields a validated entry cannot have (or
    another file's id) is no record: the file is validated again and the site is the same."""
    first = _site_files(build_site(sample))
    stored = _load(sample / CACHE / "entries.json")
    # a record is the file's YAML value and where each part of it was; id and path say whose it is
    top = {name: v for name, v in change.items() if name in ("id", "path", "lines")}
    inner = {name: v for name, v in change.items() if name not in top}
    stored["entries"] = {key: {**record, **top, "value": {**record["value"], **inner}} for key, record in stored["entries"].items()}
    _store(sample / CACHE / "entries.json", stored)
    reads = Reads(monkeypatch)
    second = _site_files(build_site(sample))
    assert reads.yaml == len(list((sample / "entries").glob("*.yaml")))
    assert [name for name in first if first[name] != second.get(name)] == []
    again = Reads(monkeypatch)
    build_site(sample)
    assert again.yaml == 0, "the damaged records were not replaced by the build that read the files again"


@pytest.mark.parametrize(
    "change",
    [
        {"raw": 5},
        {"authors": [{"last": ["x"]}]},
        {"line": "many"},
        {"key": "another2020key"},
        {"label": None},
        {"fields": {"title": ["x"]}},
        {"a_field_references_do_not_have": "x"},
    ],
    ids=["raw", "author", "line", "key", "label", "fields", "extra-field"],
)
def test_a_reference_of_the_wrong_type_is_parsed_again(
    sample: Path, build_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, change: dict
) -> None:
    first = _site_files(build_site(sample))
    stored = _load(sample / CACHE / "bibliography.json")
    stored["references"] = {key: {**record, **change} for key, record in stored["references"].items()}
    _store(sample / CACHE / "bibliography.json", stored)
    reads = Reads(monkeypatch)
    second = _site_files(build_site(sample))
    assert reads.bib == 1
    assert [name for name in first if first[name] != second.get(name)] == []


def test_the_salt_follows_the_libraries_that_read_the_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new PyYAML, jsonschema, bibtexparser or pylatexenc can read the same bytes differently (CI
    installs the newest release in range and restores an older cache): their versions are in the salt."""
    from importlib import metadata

    before = build_cache._source_digest()
    real = metadata.version
    for name in ("PyYAML", "jsonschema", "bibtexparser", "pylatexenc"):
        monkeypatch.setattr(metadata, "version", lambda dist, name=name: "0.0.0-other" if dist == name else real(dist))
        assert build_cache._source_digest() != before, name
    monkeypatch.setattr(metadata, "version", real)
    assert build_cache._source_digest() == before


@pytest.mark.parametrize("blocked", ["inputs", "inputs/entries.json", "inputs/bibliography.json"])
def test_a_cache_that_cannot_be_written_is_no_cache(sample: Path, build_site: Callable[..., Path], blocked: str) -> None:
    """A folder where a cache file should be, or a file where its folder should be: the build goes
    on without keeping its inputs (as it would on a read-only disk)."""
    first = _site_files(build_site(sample))
    target = sample / CACHE.parent / blocked
    shutil.rmtree(sample / CACHE)
    if blocked == "inputs":
        target.write_text("not a folder", encoding="utf-8")
    else:
        (target / "inside").mkdir(parents=True)
    second = _site_files(build_site(sample))
    assert [name for name in first if first[name] != second.get(name)] == []
    assert target.is_file() if blocked == "inputs" else target.is_dir()


# -- the machine's secret ------------------------------------------------------------------------------------


@pytest.fixture
def fresh_secrets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """The secret module with nothing read yet, and a user cache folder of this test's own."""
    from living_survey.core import keyed

    monkeypatch.setattr(keyed, "_KNOWN", {})
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return keyed


def test_the_secret_is_made_once_private_and_outside_the_project(fresh_secrets, tmp_path: Path) -> None:
    keyed = fresh_secrets
    first = keyed.machine_secret(tmp_path / "project")
    location = tmp_path / "xdg" / "living-survey" / "secret"
    assert location.read_bytes() == first and len(first) == keyed.SECRET_BYTES
    assert location.stat().st_mode & 0o777 == 0o600
    keyed._KNOWN.clear()
    assert keyed.machine_secret() == first, "a second process must find the same secret"
    assert first != keyed._PROCESS


@pytest.mark.parametrize("where", ["inside-project", "not-a-folder", "open-permissions", "wrong-length"])
def test_an_unusable_secret_gives_a_secret_of_this_process(
    fresh_secrets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """A secret a pull request could write (in the project), or that others can read, or that cannot
    be made, is never used: this process's own is, and nothing fails."""
    keyed = fresh_secrets
    project = tmp_path / "project"
    location = tmp_path / "xdg" / "living-survey" / "secret"
    avoid: tuple[Path, ...] = ()
    if where == "inside-project":
        monkeypatch.setenv("XDG_CACHE_HOME", str(project / ".cache"))
        avoid = (project,)
    elif where == "not-a-folder":
        (tmp_path / "xdg").write_text("a file where the folder should be", encoding="utf-8")
    else:
        location.parent.mkdir(parents=True)
        location.write_bytes(b"k" * (keyed.SECRET_BYTES if where == "open-permissions" else 5))
        location.chmod(0o644 if where == "open-permissions" else 0o600)
    assert keyed.machine_secret(*avoid) == keyed._PROCESS
    if where == "inside-project":
        assert not (project / ".cache").exists(), "no secret is written inside the project"


def test_a_cache_made_with_another_secret_is_no_cache(
    sample: Path, build_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same project, the same bytes, built by another user (or machine): every file is read again."""
    from living_survey.core import keyed

    build_site(sample)
    monkeypatch.setattr(keyed, "_KNOWN", {})
    monkeypatch.setenv("XDG_CACHE_HOME", str(sample.parent / "another-user"))
    reads = Reads(monkeypatch)
    build_site(sample)
    assert reads.yaml == len(list((sample / "entries").glob("*.yaml"))) and reads.bib == 1

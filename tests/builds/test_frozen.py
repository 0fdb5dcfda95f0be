"""Frozen releases: the one tag rule, safe extraction, stored history snapshots, the cite box of an
unreleased page, and releases built once and assembled from a store (issue "Frozen means frozen")."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from living_survey.cli import main
from living_survey.releases.history import TAG_RULE, parse_tag, scan_tags, tag_problem

from ..conftest import ROOT, SAMPLE_ENTRY, _git, made_once, set_field, write_sample

ODD_TAGS = ["v1.00.0", "v01.0.0", "v1.0.0-rc1", "v1.0", "v1.0.00", "v\u0661.\u0660.\u0660", "v\uff11.\uff11.\uff10", "release-1"]
"""Tags that are not releases: leading zeros, suffixes, two parts, Arabic-Indic and full-width digits."""


def sample_repo(root: Path, version: str = "1.0.0") -> Path:
    """A sample survey in a fresh git repository, with a CITATION.cff at ``version``, committed."""
    write_sample(root)
    (root / "CITATION.cff").write_text(
        f'cff-version: 1.2.0\nmessage: Cite it.\ntitle: Sample\nversion: "{version}"\nauthors:\n  - name: The sample team\n',
        encoding="utf-8",
    )
    (root / ".gitignore").write_text(".cache/\nsite/\n", encoding="utf-8")  # as the project's own: caches are never committed
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", f"release {version}")
    return root


def commit_version(root: Path, version: str, message: str) -> None:
    set_field(root / "CITATION.cff", "version", f'"{version}"')
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", message)


# -- one tag rule -------------------------------------------------------------------------------


def test_the_tag_rule_takes_ascii_digits_without_leading_zeros_only() -> None:
    assert [parse_tag(t) for t in ("v0.0.0", "v1.2.3", "v10.20.300")] == [(0, 0, 0), (1, 2, 3), (10, 20, 300)]
    for tag in ODD_TAGS:
        assert parse_tag(tag) is None, tag
        assert tag_problem(tag, None) == f"not a release tag: {TAG_RULE}"
    assert tag_problem("v1.0.0", b'version: "1.0.0"\n') is None
    assert "'0.9.0'" in (tag_problem("v1.0.0", b'version: "0.9.0"\n') or "")
    assert tag_problem("v1.0.0", None) is None  # a project without a citation file is checked by the tag alone


def test_odd_tags_are_reported_by_name_and_never_replace_a_release(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = sample_repo(tmp_path / "repo")
    _git(root, "tag", "v1.0.0")
    # a later commit moves an entry; odd tags on it must not replace the published v/1.0
    set_field(root / "entries" / "alpha-2020.yaml", "position", "[-0.9, -0.9]")
    commit_version(root, "1.0.0", "a move, tagged oddly")
    for tag in ODD_TAGS:
        _git(root, "tag", tag)
    # a well-formed tag whose commit's CITATION.cff names another version is not a release either
    _git(root, "tag", "v1.1.0")
    tags = scan_tags(root)
    assert [r.tag for r in tags.releases] == ["v1.0.0"]
    assert sorted(s.tag for s in tags.skipped) == sorted([*ODD_TAGS, "v1.1.0"])
    assert "CITATION.cff says version '1.0.0'" in next(s.reason for s in tags.skipped if s.tag == "v1.1.0")

    out = tmp_path / "out"
    assert main(["versions", "--root", str(root), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    for tag in [*ODD_TAGS, "v1.1.0"]:
        assert f"tag {tag!r} skipped: " in err, tag
    listed = json.loads((out / "v" / "versions.json").read_text())
    assert [(v["version"], v["title"], v["aliases"]) for v in listed] == [("1.0", "1.0.0", ["latest"])]
    frozen = (out / "v" / "1.0" / "entries" / "alpha-2020" / "index.html").read_text(encoding="utf-8")
    assert "-0.50" in frozen and "-0.90" not in frozen  # v1.0.0's data, not the odd tags'


def test_the_release_check_uses_the_same_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = sample_repo(tmp_path / "repo")
    for tag in ODD_TAGS:
        assert main(["check-release", tag, "--root", str(root)]) == 1
        assert repr(tag) in capsys.readouterr().err
    assert main(["check-release", "v1.0.0", "--root", str(root)]) == 0


def test_a_release_with_a_link_out_of_its_tree_is_skipped_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = sample_repo(tmp_path / "repo")
    _git(root, "tag", "v1.0.0")
    outside = tmp_path / "outside.yaml"
    outside.write_text("secret: outside text\n", encoding="utf-8")
    for link in (root / "entries" / "zz-outside.yaml", root / "docs" / "outside.md"):
        os.symlink(os.path.relpath(outside, link.parent), link)
    commit_version(root, "1.1.0", "a release holding links out of its tree")
    _git(root, "tag", "v1.1.0")
    for link in (root / "entries" / "zz-outside.yaml", root / "docs" / "outside.md"):
        link.unlink()
    commit_version(root, "1.2.0", "links removed")
    _git(root, "tag", "v1.2.0")
    out = tmp_path / "out"
    assert main(["versions", "--root", str(root), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert re.search(r"v1\.1\.0: its tree cannot be extracted safely: .*skipped", err), err
    assert [v["version"] for v in json.loads((out / "v" / "versions.json").read_text())] == ["1.2", "1.0"]
    assert not (out / "v" / "1.1").exists()
    assert not any("outside text" in p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*.html"))


# -- a history that survives the code changing ------------------------------------------------------


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def article(site: Path, page: str) -> str:
    return text_of(re.search(r"<article.*?</article>", (site / page / "index.html").read_text(encoding="utf-8"), re.S).group(0))


class Tightened:
    """A survey with its own code in its tree, released three times: v1.1.0 moves delta-2021 and
    corrects alpha-2020's quote; v2.0.0's code makes ``organisation`` required (the older data lack
    it). The working tree adds a placement that is in no release. Built by ``living-survey versions``."""

    def __init__(self, root: Path, out: Path):
        self.root, self.out = root, out


def make_tightened(root: Path) -> Path:
    sample_repo(root)
    config = root / "mkdocs.yml"  # docs pages get Material's edit button, entries their edit link
    text = config.read_text(encoding="utf-8").replace("features: [content.code.copy]", "features: [content.code.copy, content.action.edit]")
    config.write_text(text + "edit_uri: edit/main/docs/\n", encoding="utf-8")
    shutil.copytree(ROOT / "tools" / "living_survey", root / "tools" / "living_survey", ignore=shutil.ignore_patterns("__pycache__"))
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "the engine in the tree")
    _git(root, "tag", "v1.0.0")
    set_field(root / "entries" / "delta-2021.yaml", "position", "[0.8, 0.6]")
    alpha = root / "entries" / "alpha-2020.yaml"
    alpha.write_text(
        alpha.read_text(encoding="utf-8").replace("which output is better, zanzibar", "which output is better"), encoding="utf-8"
    )
    commit_version(root, "1.1.0", "move delta, correct alpha's quote")
    _git(root, "tag", "-a", "v1.1.0", "-m", "1.1")
    schema = root / "tools" / "living_survey" / "entry.schema.json"
    data = json.loads(schema.read_text(encoding="utf-8"))
    data["required"].append("organisation")
    schema.write_text(json.dumps(data, indent=2), encoding="utf-8")
    for entry in (root / "entries").glob("*.yaml"):
        entry.write_text(entry.read_text(encoding="utf-8") + "organisation: A lab\n", encoding="utf-8")
    commit_version(root, "2.0.0", "organisation is required")
    _git(root, "tag", "v2.0.0")
    second = SAMPLE_ENTRY.format(key="alpha2020open", quadrant="specific-prescriptive", position="[0.4, 0.7]", quote="q")
    (root / "entries" / "alpha-2020-someone.yaml").write_text(
        second.replace("placed_by: source2023map", 'placed_by: "@someone"') + "organisation: A lab\n", encoding="utf-8"
    )
    return root


def _released(folder: Path) -> None:
    root = make_tightened(folder / "repo")
    assert main(["versions", "--root", str(root), "--out", str(folder / "out")]) == 0


@pytest.fixture(scope="module")
def tightened(tmp_path_factory: pytest.TempPathFactory) -> Tightened:
    """Made once per run (its three releases take the longest build of the suite), then copied for
    each module that asks: a test may change its copy (the store, ``versions.json``) for a while."""
    made = made_once(tmp_path_factory, "tightened", _released)
    copy = tmp_path_factory.mktemp("tightened")
    shutil.copytree(made, copy, symlinks=True, dirs_exist_ok=True)
    return Tightened(copy / "repo", copy / "out")


def test_the_history_survives_a_loader_that_tightens(tightened: Tightened) -> None:
    living, v1, v2 = tightened.out, tightened.out / "v" / "1.1", tightened.out / "v" / "2.0"
    for site in (living, v2):
        text = article(site, "changes")
        r2, r11, r10 = text.index("2.0.0 ("), text.index("1.1.0 ("), text.index("1.0.0 (")
        assert r2 < r11 < r10
        assert "No work, placement, position or text changed." in text[r2:r11]
        assert "Moved" in text[r11:r10] and "(delta-2021)" in text[r11:r10] and "→" in text[r11:r10]
        assert "Text corrected" in text[r11:r10] and "(alpha-2020)" in text[r11:r10]
        assert "Works added" in text[r10:] and "(alpha-2020)" in text[r10:] and "(delta-2021)" in text[r10:]
        assert "could not be read" not in text
        delta = text_of((site / "entries" / "delta-2021" / "index.html").read_text(encoding="utf-8"))
        assert "Added in 1.0.0 (" in delta and "Moved in 1.1.0 (" in delta
        alpha = text_of((site / "entries" / "alpha-2020" / "index.html").read_text(encoding="utf-8"))
        assert "Added in 1.0.0 (" in alpha and "Text corrected in 1.1.0 (" in alpha
    assert "2.0.0" not in article(v1, "changes") and "Moved" in article(v1, "changes")


def history_pages(out: Path) -> dict[str, bytes]:
    pages = {}
    for site in [out, *sorted((out / "v").iterdir())]:
        if site.is_dir():
            for page in ["changes", *(f"entries/{p.name}" for p in (site / "entries").iterdir())]:
                file = site / page / "index.html"
                if file.is_file():
                    pages[f"{file.relative_to(out)}"] = file.read_bytes()
    return pages


def test_a_cache_filled_by_other_code_gives_the_same_site(tightened: Tightened, tmp_path: Path) -> None:
    before = history_pages(tightened.out)
    caches = sorted(tightened.root.joinpath(".cache").rglob("history/*.json"))
    assert caches
    for file in caches:  # as another checkout's code would have read the same commits
        data = json.loads(file.read_text(encoding="utf-8"))
        data.update(reader="today:0000000000000000", placements=[], problems=[])
        file.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "again"
    assert main(["versions", "--root", str(tightened.root), "--out", str(out)]) == 0
    assert history_pages(out) == before


def test_an_unreleased_placement_is_in_no_release() -> None:
    from living_survey.releases.history import History, Placement, Release, Snapshot, compare

    r1 = Release((1, 0, 0), "v1.0.0", "c1", "2026-01-01")
    a = Placement("a", "ka", "A", "q1", "Q1", (0.5, 0.5), ("quote", "3", "why"))
    b = Placement("b", "kb", "B", "q1", "Q1", (0.5, 0.5), ("quote", "3", "why"))
    s1 = Snapshot({"a": a})
    living = Snapshot({"a": a, "b": b})
    history = History((r1,), (compare(s1, living, None), compare(Snapshot({}), s1, r1)))
    assert history.has_entry(r1, "a") and not history.has_entry(r1, "b")
    assert history.entry("b").added is None


def test_a_corrected_text_is_a_change_and_a_first_format_snapshot_is_still_read() -> None:
    from living_survey.releases.history import Placement, Snapshot, compare

    a = Placement("a", "ka", "A", "q1", "Q1", (0.5, 0.5), ("a quote", "3", "why"))
    fixed = Placement("a", "ka", "A", "q1", "Q1", (0.5, 0.5), ("a quote, corrected", "3", "why"))
    changes = compare(Snapshot({"a": a}), Snapshot({"a": fixed}), None)
    assert [m.after.id for m in changes.corrected] == ["a"] and not changes.moved and not changes.empty
    old = Snapshot.from_json({"format": 1, "problems": [], "placements": [["a", "ka", "A", "q1", "Q1", [0.5, 0.5]]]})
    assert old.placements["a"].texts == () and compare(old, Snapshot({"a": fixed}), None).empty  # nothing known to compare


# -- one truth in the cite box ------------------------------------------------------------------------


def cite_box(page: Path) -> str:
    return re.search(r'<section class="ls-cite".*?</section>', page.read_text(encoding="utf-8"), re.S).group(0)


def test_an_unreleased_entry_cites_the_living_page_and_no_frozen_url(tightened: Tightened) -> None:
    page = tightened.out / "entries" / "alpha-2020-someone" / "index.html"
    box = cite_box(page)
    assert 'class="ls-cite-version"' in box and "<h3>This version</h3>" not in box
    assert "not in a release yet" in text_of(box)
    assert "/v/" not in page.read_text(encoding="utf-8").split('<section class="ls-cite"')[1]
    assert "Version 2.0.0" not in text_of(box) and "version = {" not in box
    assert not (tightened.out / "v" / "2.0" / "entries" / "alpha-2020-someone").exists()
    # a released entry still offers its frozen URL, which exists
    released = cite_box(tightened.out / "entries" / "delta-2021" / "index.html")
    assert "https://example.org/survey/v/2.0/entries/delta-2021/" in released
    assert (tightened.out / "v" / "2.0" / "entries" / "delta-2021" / "index.html").is_file()


def test_the_living_citation_names_no_release_and_labels_its_date(tmp_path: Path, build_site) -> None:
    root = sample_repo(tmp_path / "repo", version="0.2.0")  # CITATION.cff says 0.2.0, but nothing is released
    site = build_site(root)
    box = text_of(cite_box(site / "entries" / "alpha-2020" / "index.html"))
    assert "No release yet" in box
    assert "0.2.0" not in box and "Version 0." not in box
    date = re.search(r"\(accessed (\d{4}-\d{2}-\d{2}), the date this site was built", box)
    assert date, box
    assert "urldate is the date this site was built" in box


def test_the_build_date_of_an_uncommitted_change_is_today(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from living_survey.pages.cite_survey import build_date

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = sample_repo(tmp_path / "repo")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2020-01-02T00:00:00Z")
    _git(root, "commit", "-q", "--amend", "--no-edit")
    assert build_date(root) == "2020-01-02"
    (root / "entries" / "new.yaml").write_text("key: x\n", encoding="utf-8")  # a contribution not committed yet
    assert build_date(root) in {dt.date.today().isoformat(), (dt.date.today() - dt.timedelta(days=1)).isoformat()}


# -- built once, stored, assembled ------------------------------------------------------------------

MARKER = "<!-- a newer theme release -->"


def material_overlay(where: Path) -> Path:
    """A folder to put first on PYTHONPATH: the installed Material theme with one template changed,
    as a new release of the dependency would change it (the installed copy is left untouched)."""
    import material

    source = Path(material.__file__).parent
    overlay = where / "overlay" / "material"
    overlay.mkdir(parents=True)
    for item in source.iterdir():
        if item.name != "templates":
            (overlay / item.name).symlink_to(item)
    (overlay / "templates").mkdir()
    for item in (source / "templates").iterdir():
        if item.name != "base.html":
            (overlay / "templates" / item.name).symlink_to(item)
    base = (source / "templates" / "base.html").read_text(encoding="utf-8")
    (overlay / "templates" / "base.html").write_text(base.replace("<head>", "<head>" + MARKER, 1), encoding="utf-8")
    return overlay.parent


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def two_releases(root: Path) -> Path:
    sample_repo(root)
    _git(root, "tag", "v1.0.0")
    set_field(root / "entries" / "delta-2021.yaml", "position", "[0.8, 0.6]")
    commit_version(root, "1.1.0", "move delta")
    _git(root, "tag", "v1.1.0")
    return root


def _two_released(folder: Path) -> None:
    root = two_releases(folder / "repo")
    assert main(["versions", "--root", str(root), "--out", str(folder / "first")]) == 0


def store_outside(root: Path, tmp_path: Path) -> Path:
    """The store ``versions`` filled in the project's cache folder, moved outside the project, where the
    publishing workflows keep it (they pass it with ``--store``)."""
    store = tmp_path / "store"
    shutil.move(root / ".cache" / "living-survey" / "releases", store)
    return store


@pytest.fixture
def released(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> tuple[Path, Path]:
    """The two releases of :func:`two_releases` built by ``living-survey versions`` into the project's
    store (``.cache/living-survey/releases``) and a first site: made once per run (each release is a
    build of its own in a process of its own), copied for each test, which may change its copy."""
    made = made_once(tmp_path_factory, "two-releases", _two_released)
    shutil.copytree(made, tmp_path / "released", symlinks=True)
    return tmp_path / "released" / "repo", tmp_path / "released" / "first"


def test_a_release_is_built_once_and_stays_byte_identical_when_a_dependency_changes(
    released: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root, first = released  # built by `versions`, its releases stored in the project's cache folder
    second = tmp_path / "second"
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(material_overlay(tmp_path)), os.environ.get("PYTHONPATH")])))
    capsys.readouterr()
    assert main(["versions", "--root", str(root), "--out", str(second)]) == 0
    err = capsys.readouterr().err
    assert "building" not in err  # a deploy assembles; it never builds a stored release again
    assert MARKER in (second / "index.html").read_text(encoding="utf-8")  # the living site took the change
    assert MARKER not in (first / "index.html").read_text(encoding="utf-8")
    for series in ("1.0", "1.1"):
        assert tree(first / "v" / series) == tree(second / "v" / series), series
        assert tree(first / "v" / series)


def test_a_corrupted_or_missing_release_is_named_and_marked_unavailable(
    released: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, _first = released
    _git(root, "tag", "v1.2.0", "HEAD")  # CITATION.cff says 1.1.0 here: skipped, whatever the store holds
    store = store_outside(root, tmp_path)
    assert sorted(p.name for p in store.iterdir()) == ["v1.0.0.json", "v1.0.0.tar.gz", "v1.1.0.json", "v1.1.0.tar.gz"]
    archive = store / "v1.0.0.tar.gz"
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    capsys.readouterr()
    out = tmp_path / "out"
    assert main(["versions", "--root", str(root), "--out", str(out), "--store", str(store), "--assemble-only"]) == 0
    err = capsys.readouterr().err
    assert "v1.0.0: its archive fails its checksum" in err and "marked unavailable" in err
    assert (out / "index.html").is_file() and (out / "v" / "1.1" / "index.html").is_file() and not (out / "v" / "1.0").exists()
    listed = {v["version"]: v for v in json.loads((out / "v" / "versions.json").read_text())}
    assert listed["1.0"]["unavailable"] is True and "unavailable" not in listed["1.1"]
    # a release the store lacks is not built by a deploy: named, listed, unavailable
    (store / "v1.1.0.tar.gz").unlink()
    (store / "v1.1.0.json").unlink()
    assert main(["versions", "--root", str(root), "--out", str(out), "--store", str(store), "--assemble-only", "--require", "v1.1.0"]) == 1
    err = capsys.readouterr().err
    assert "v1.1.0: not in the store" in err and "required release(s) not published: v1.1.0" in err
    listed = {v["version"]: v for v in json.loads((out / "v" / "versions.json").read_text())}
    assert listed["1.1"]["unavailable"] is True and (out / "index.html").is_file()
    # the selector shows an unavailable release as text, without a link
    script = (out / "assets" / "living-survey-versions.js").read_text(encoding="utf-8")
    assert "item.unavailable === true" in script


def test_rebuilding_a_release_is_explicit_and_reports_what_changed(
    released: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root, _first = released
    store = store_outside(root, tmp_path)
    before = json.loads((store / "v1.0.0.json").read_text())["sha256"]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(material_overlay(tmp_path)), os.environ.get("PYTHONPATH")])))
    capsys.readouterr()
    assert main(["versions", "--root", str(root), "--out", str(tmp_path / "b"), "--store", str(store), "--rebuild", "v1.0.0"]) == 0
    err = capsys.readouterr().err
    assert "v1.0.0: changed index.html" in err and f"sha256 {before} → " in err
    after = json.loads((store / "v1.0.0.json").read_text())["sha256"]
    assert after != before and MARKER in (tmp_path / "b" / "v" / "1.0" / "index.html").read_text(encoding="utf-8")
    assert "v1.1.0: building" not in err  # only the release named is rebuilt
    assert main(["versions", "--root", str(root), "--out", str(tmp_path / "c"), "--store", str(store), "--rebuild", "v9.9.9"]) == 1


def test_assembling_ten_stored_releases_costs_less_than_one_living_build(tmp_path: Path) -> None:
    """Deploy time no longer grows with the number of releases: ten are placed from the store in
    less time than the living site takes to build (each would otherwise be a build of its own)."""
    from living_survey.releases.frozen import build_versions

    root = sample_repo(tmp_path / "repo", version="0.1.0")
    _git(root, "tag", "v0.1.0")
    store = tmp_path / "store"
    build_versions(root, tmp_path / "first", store=store)
    record = json.loads((store / "v0.1.0.json").read_text())
    for minor in range(2, 11):
        commit_version(root, f"0.{minor}.0", f"release 0.{minor}")
        _git(root, "tag", f"v0.{minor}.0")
        # the same built tree stands in for each release: what is measured is the placing
        (store / f"v0.{minor}.0.tar.gz").write_bytes((store / "v0.1.0.tar.gz").read_bytes())
        commit = _git(root, "rev-parse", "HEAD").strip()
        (store / f"v0.{minor}.0.json").write_text(json.dumps({**record, "tag": f"v0.{minor}.0", "commit": commit}))
    # best of three for each side, so that a pause of the shared machine is not read as a cost
    # (measured here: 0.62 s to place ten, 0.80 s for the living build of this small survey)
    assemble = living = float("inf")
    for _ in range(3):
        result = build_versions(root, tmp_path / "out", store=store, build_missing=False)
        assert len(result.releases) == 10 and not result.unavailable
        assemble, living = min(assemble, result.assemble_seconds), min(living, result.living_seconds)
    assert assemble < living, (assemble, living)


# -- frozen pages and the workflows ---------------------------------------------------------------------


def test_frozen_pages_offer_no_edit_links(tightened: Tightened) -> None:
    living = (tightened.out / "entries" / "delta-2021" / "index.html").read_text(encoding="utf-8")
    assert "Edit this entry" in living and "https://example.org/repo/edit/main/" in living
    assert "https://example.org/repo/edit/main/docs/index.md" in (tightened.out / "index.html").read_text(encoding="utf-8")
    for series in ("1.0", "1.1", "2.0"):
        for page in (tightened.out / "v" / series).rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            assert "Edit this entry" not in text and "/edit/main/" not in text, page


def test_the_workflows_publish_by_one_rule_from_main_and_never_rebuild_a_stored_release() -> None:
    from .test_contributing import workflow

    release, pages = workflow("release.yml"), workflow("pages.yml")
    for flow in (release, pages):
        checkout = next(s for s in flow["jobs"]["build"]["steps"] if s.get("uses", "").startswith("actions/checkout"))
        assert checkout["with"]["ref"] == "main"  # the living root is main's, never a tag's tree
        build = next(s for s in flow["jobs"]["build"]["steps"] if s.get("run") == "make versions OUT=site")
        assert build["env"]["STORE"] == "store" and "--assemble-only" in build["env"]["VERSIONS_FLAGS"]
        fetch = next(s["run"] for s in flow["jobs"]["build"]["steps"] if "gh release download" in s.get("run", ""))
        assert '"$tag.tar.gz"' in fetch and '"$tag.json"' in fetch
    flags = next(s for s in release["jobs"]["build"]["steps"] if s.get("run") == "make versions OUT=site")["env"]["VERSIONS_FLAGS"]
    assert "--rebuild ${{ github.ref_name }}" in flags and "--require ${{ github.ref_name }}" in flags
    # the release run has its own concurrency group: no later push cancels or replaces it
    assert release["concurrency"] == {"group": "release-${{ github.ref }}", "cancel-in-progress": False}
    assert pages["concurrency"]["group"] != release["concurrency"]["group"]
    assert release["jobs"]["deploy"]["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert release["jobs"]["release"]["needs"] == "build"  # a waiting deploy can never hold back the release
    create = release["jobs"]["release"]["steps"][-1]["run"]
    assert '"store/$TAG.tar.gz" "store/$TAG.json"' in create
    writers = {name for name, job in release["jobs"].items() if any(v == "write" for v in job.get("permissions", {}).values())}
    assert writers == {"release", "deploy"}
    assert all(release["jobs"][name]["if"] == "startsWith(github.ref, 'refs/tags/v')" for name in writers)


def test_make_versions_passes_the_store() -> None:
    makefile = (ROOT / "Makefile").read_text()
    target = makefile.split("\nversions:", 1)[1].split("\n\n")[0]
    assert "living-survey versions --out $(OUT) --store $(STORE) $(VERSIONS_FLAGS)" in target
    assert "\nSTORE ?= " in makefile and "\nVERSIONS_FLAGS ?=" in makefile


def test_a_page_kind_the_latest_release_lacks_offers_no_frozen_url(tightened: Tightened, tmp_path: Path) -> None:
    """The stored release lists its files; a living page outside them (here a quadrant page, as if
    the quadrant were new since the release) cites the living page alone."""
    store = tightened.root / ".cache" / "living-survey" / "releases"
    record_file = store / "v2.0.0.json"
    original = record_file.read_text(encoding="utf-8")
    record = json.loads(original)
    quadrant = "quadrants/broad-descriptive/index.html"
    assert quadrant in record["files"] and "index.html" in record["files"]
    record["files"] = [f for f in record["files"] if f != quadrant]
    record_file.write_text(json.dumps(record), encoding="utf-8")
    try:
        out = tmp_path / "out"
        assert main(["versions", "--root", str(tightened.root), "--out", str(out), "--assemble-only"]) == 0
    finally:
        record_file.write_text(original, encoding="utf-8")
    box = cite_box(out / "quadrants" / "broad-descriptive" / "index.html")
    assert "not in a release yet" in text_of(box) and "/v/" not in box
    assert "https://example.org/survey/v/2.0/quadrants/specific-prescriptive/" in cite_box(
        out / "quadrants" / "specific-prescriptive" / "index.html"
    )

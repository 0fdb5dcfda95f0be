"""Frozen releases beside the living site: `living-survey versions`, the history of releases,
cite boxes citing both, the release check, the release workflow and .zenodo.json."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
from pathlib import Path

import bibtexparser
import pytest
import yaml

from living_survey import load_survey
from living_survey.cli import main
from living_survey.pages.changes_page import changes_markdown, entry_history
from living_survey.pages.cite_survey import SiteInfo, load_site_info, version_citation
from living_survey.releases.frozen import check_release_tag, versions_json
from living_survey.releases.history import (
    EntryHistory,
    History,
    Move,
    Placement,
    Release,
    Snapshot,
    SurveyPaths,
    compare,
    list_releases,
    load_history,
    parse_tag,
)

from ..conftest import HOSTILE, ROOT, Versioned, write_sample
from .test_contributing import runs, tool, uses, workflow

SITE_URL = "https://alignment-coordinates.github.io/alignment-coordinates/"


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def facts(page: str) -> str:
    """The text of an entry page's facts list (quadrant, position, history)."""
    return text_of(re.search(r'<dl class="ls-facts">.*?</dl>', page, re.S).group(0))


def cite_parts(page: str) -> dict[str, tuple[str, str, str] | None]:
    """The cite box's "this version" and "living page" parts: (URL, text, BibTeX) each, or None."""
    box = re.search(r'<section class="ls-cite".*?</section>', page, re.S).group(0)
    parts: dict[str, tuple[str, str, str] | None] = {}
    for name in ("version", "living"):
        start = box.find(f'<div class="ls-cite-{name}">')
        if start < 0:
            parts[name] = None
            continue
        end = box.find('<div class="ls-cite-', start + 1)
        part = box[start : end if end > 0 else len(box)]
        url = html.unescape(re.search(r'<a href="([^"]+)"', part).group(1))
        codes = [html.unescape(c) for c in re.findall(r"<code>(.*?)</code>", part, re.S)]
        parts[name] = (url, codes[0], codes[1])
    return parts


def read(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


# -- the versioned site -----------------------------------------------------------------------


def test_versions_json_lists_every_release_newest_first_as_latest(versioned: Versioned) -> None:
    data = json.loads((versioned.out / "v" / "versions.json").read_text(encoding="utf-8"))
    # mike's keys, as Material's selector reads them; each release also records its stored
    # archive's checksum and the dependency set it was built with (issue "Frozen means frozen")
    assert [{k: item[k] for k in ("version", "title", "aliases")} for item in data] == [
        {"version": "0.2", "title": "0.2.0", "aliases": ["latest"]},
        {"version": "0.1", "title": "0.1.0", "aliases": []},
    ]
    for item in data:
        assert re.fullmatch(r"[0-9a-f]{64}", item["sha256"]) and "mkdocs" in item["dependencies"] and "unavailable" not in item
    for item in data:
        assert (versioned.out / "v" / item["version"] / "index.html").is_file()
    assert (versioned.out / "index.html").is_file() and not (versioned.out / "v" / "index.html").exists()


def test_the_older_release_still_shows_the_entry_where_it_was(versioned: Versioned) -> None:
    survey = load_survey(versioned.root, versioned.root / "framework.yml", versioned.root / "entries", versioned.root / "references.bib")
    title = {q.id: q.title for q in survey.framework.quadrants}
    (old_q, old_pos), (new_q, new_pos) = versioned.before, versioned.after
    entry = f"entries/{versioned.moved}"
    old = facts(read(versioned.out / "v" / "0.1", entry))
    assert f"Quadrant {title[old_q]} " in old and f"{old_pos[0]:+.2f}" in old
    for site in (versioned.out, versioned.out / "v" / "0.2"):
        new = facts(read(site, entry))
        assert f"Quadrant {title[new_q]} " in new and f"{new_pos[0]:+.2f}" in new
        assert "Moved in 0.2.0 (" in new and f"from {title[old_q]} ({old_pos[0]:+.2f}, {old_pos[1]:+.2f}) to {title[new_q]}" in new
    # the quadrant pages of each release list it where it was then
    link = f'href="../../{entry}/"'

    def listed(site: Path, quadrant: str) -> bool:
        cards = re.findall(r'<li class="ls-entry-card">.*?</li>', read(site, f"quadrants/{quadrant}"), re.S)
        return any(link in card for card in cards)

    assert listed(versioned.out / "v" / "0.1", old_q) and not listed(versioned.out / "v" / "0.1", new_q)
    assert listed(versioned.out / "v" / "0.2", new_q) and not listed(versioned.out / "v" / "0.2", old_q)
    assert listed(versioned.out, new_q) and not listed(versioned.out, old_q)


def test_a_released_page_cites_its_own_version_and_the_living_page(versioned: Versioned) -> None:
    entry = f"entries/{versioned.moved}/"
    for series, version, site in (("0.1", "0.1.0", versioned.out / "v" / "0.1"), ("0.2", "0.2.0", versioned.out / "v" / "0.2")):
        parts = cite_parts(read(site, entry))
        url, text, bibtex = parts["version"]
        assert url == f"{SITE_URL}v/{series}/{entry}"
        assert f"Version {version}, released " in text and url in text
        record = bibtexparser.parse_string(bibtex).entries[0]
        assert record["version"] == version and record["url"] == url and "urldate" not in record.fields_dict
        living_url, living_text, living_bibtex = parts["living"]
        assert living_url == SITE_URL + entry and "(accessed " in living_text
        assert bibtexparser.parse_string(living_bibtex).entries[0]["url"] == living_url
    # the living site's "this version" is the latest release
    url, text, _ = cite_parts(read(versioned.out, entry))["version"]
    assert url == f"{SITE_URL}v/0.2/{entry}" and "Version 0.2.0" in text
    assert "This is the latest release" in text_of(read(versioned.out, entry))
    assert "This is the latest release" not in text_of(read(versioned.out / "v" / "0.2", entry))
    # the home page too
    assert cite_parts((versioned.out / "v" / "0.1" / "index.html").read_text(encoding="utf-8"))["version"][0] == f"{SITE_URL}v/0.1/"


def test_the_changes_page_lists_the_move_per_release(versioned: Versioned) -> None:
    survey = load_survey(versioned.root, versioned.root / "framework.yml", versioned.root / "entries", versioned.root / "references.bib")
    title = {q.id: q.title for q in survey.framework.quadrants}
    (old_q, old_pos), (new_q, new_pos) = versioned.before, versioned.after
    page = read(versioned.out, "changes")
    text = text_of(re.search(r"<article.*?</article>", page, re.S).group(0))
    second, first = text.index("0.2.0 ("), text.index("0.1.0 (")
    assert second < first  # newest first
    moved = text[second:first]
    assert "Moved" in moved and f"({versioned.moved})" in moved
    assert f"{title[old_q]} ({old_pos[0]:+.2f}, {old_pos[1]:+.2f}) → {title[new_q]} ({new_pos[0]:+.2f}, {new_pos[1]:+.2f})" in moved
    # the first release added every work, each linked to its page
    for entry in survey.entries:
        assert f"({entry.id})" in text[first:]
    assert f'href="../entries/{versioned.moved}/"' in page
    assert 'href="../v/0.1/"' in page and 'href="../v/0.2/"' in page
    # a release knows nothing after itself
    older = text_of(re.search(r"<article.*?</article>", read(versioned.out / "v" / "0.1", "changes"), re.S).group(0))
    assert "0.1.0 (" in older and "0.2.0" not in older


def test_every_page_carries_the_version_selector(versioned: Versioned) -> None:
    for site, current in ((versioned.out, ""), (versioned.out / "v" / "0.1", "0.1")):
        page = read(site, f"entries/{versioned.moved}")
        meta = re.search(r'<meta name="living-survey-version" content="([^"]*)" data-versions="([^"]+)" data-living="([^"]+)">', page)
        assert meta and meta.group(1) == current
        folder = site / "entries" / versioned.moved
        assert (folder / meta.group(2)).resolve() == (versioned.out / "v" / "versions.json").resolve()
        assert (folder / meta.group(3)).resolve() == versioned.out.resolve()
        assert 'src="../../assets/living-survey-versions.js"' in page and (site / "assets" / "living-survey-versions.js").is_file()


def test_release_history_is_cached_by_tag_commit(versioned: Versioned, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from living_survey.releases import history as releases

    releases_ = list_releases(versioned.root)
    assert [r.tag for r in releases_] == ["v0.1.0", "v0.2.0"]
    cache = tmp_path / "cache"
    first = load_history(versioned.root, SurveyPaths(), cache)
    assert sorted(p.name for p in cache.iterdir()) == sorted(f"{r.commit}-{releases.SNAPSHOT_FORMAT}.json" for r in releases_)

    # a damaged cache file is read again from git and rewritten
    damaged = cache / f"{releases_[0].commit}-{releases.SNAPSHOT_FORMAT}.json"
    damaged.write_text('{"format": 1, "placements": [["x"]]')
    assert load_history(versioned.root, SurveyPaths(), cache) == first
    assert json.loads(damaged.read_text())["format"] == releases.SNAPSHOT_FORMAT

    def no_git(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cached release was read from git again")

    monkeypatch.setattr(releases, "_read_snapshot", no_git)
    assert load_history(versioned.root, SurveyPaths(), cache) == first
    assert [len(c.moved) for c in first.changes] == [1, 0]


def test_without_git_or_tags_there_are_no_releases_yet(tmp_path: Path, build_site) -> None:
    site = build_site(write_sample(tmp_path / "p"))
    assert "No releases yet." in text_of(read(site, "changes"))
    entry = read(site, "entries/alpha-2020")
    assert "Not in a release yet." in facts(entry)
    parts = cite_parts(entry)
    assert parts["version"] is None and "No release yet" in text_of(entry)
    assert parts["living"][0] == "https://example.org/survey/entries/alpha-2020/"
    assert "living-survey-version" not in entry and not (site / "assets" / "living-survey-versions.js").exists()
    assert load_history(None, SurveyPaths(), tmp_path / "cache") == History()


def test_a_failing_release_build_writes_nothing(versioned: Versioned, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a copy whose mkdocs.yml has no site_url cannot place releases: a clear error, no site
    root = tmp_path / "repo"
    subprocess.run(["git", "clone", "-q", str(versioned.root), str(root)], check=True)
    (root / "mkdocs.yml").write_text(re.sub(r"(?m)^site_url:.*\n", "", (root / "mkdocs.yml").read_text()))
    assert main(["versions", "--root", str(root), "--out", str(tmp_path / "out")]) == 1
    assert "site_url is not set" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.partial").exists()


def test_every_build_is_strict(tmp_path: Path) -> None:
    from living_survey.releases.frozen import VersionsError, _mkdocs

    root = write_sample(tmp_path / "p")
    (root / "docs" / "extra.md").write_text("# Extra\n\nSee [@nobody1999].\n", encoding="utf-8")
    with pytest.raises(VersionsError, match="nobody1999"):
        _mkdocs(root / "mkdocs.yml", tmp_path / "site", dict(os.environ))


def test_versions_json_keeps_one_folder_per_minor_release() -> None:
    rel = [Release(parse_tag(t), t, "c" + t, "2026-01-01") for t in ("v1.0.0", "v1.0.1", "v0.9.0")]
    assert versions_json(rel) == [
        {"version": "1.0", "title": "1.0.1", "aliases": ["latest"]},
        {"version": "0.9", "title": "0.9.0", "aliases": []},
    ]
    assert [parse_tag(t) for t in ("v1.2.3", "v1.2", "1.2.3", "v1.2.3-rc1", "v01.2.3x")] == [(1, 2, 3), None, None, None, None]


def test_make_versions_calls_the_cli() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "living-survey versions --out $(OUT)" in makefile.split("\nversions:", 1)[1].split("\n\n")[0]


# -- DOIs -------------------------------------------------------------------------------------


def test_the_cite_box_uses_the_doi_of_citation_cff(tmp_path: Path) -> None:
    cff = tmp_path / "CITATION.cff"
    cff.write_text((ROOT / "CITATION.cff").read_text() + 'doi: "10.5281/zenodo.1234567"\n')
    info = load_site_info(tmp_path, cff, title="Survey", url="https://example.org/s/")
    assert info.doi == "10.5281/zenodo.1234567"
    citation = version_citation(info, "Page", "https://example.org/s/v/0.2/p/", "p", version="0.2.0", released="2026-01-02")
    assert bibtexparser.parse_string(citation.bibtex).entries[0]["doi"] == "10.5281/zenodo.1234567"
    assert "https://doi.org/10.5281/zenodo.1234567" in citation.text
    plain = version_citation(SiteInfo(title="Survey", url="https://example.org/s/"), None, "u", "", version="0.2.0", released="2026-01-02")
    assert "doi" not in bibtexparser.parse_string(plain.bibtex).entries[0].fields_dict


ZENODO_KEYS = {
    "upload_type", "publication_date", "title", "creators", "description", "access_right", "license", "embargo_date",
    "access_conditions", "doi", "prereserve_doi", "keywords", "notes", "related_identifiers", "contributors", "references",
    "communities", "grants", "subjects", "version", "language", "locations", "dates", "method",
}  # fmt: skip
"""The deposit metadata Zenodo reads from .zenodo.json (its legacy deposit API)."""


def test_zenodo_metadata_is_valid_and_agrees_with_citation_cff() -> None:
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert set(zenodo) <= ZENODO_KEYS
    assert zenodo["upload_type"] == "dataset" and zenodo["access_right"] == "open"
    converted = json.loads(
        subprocess.run(
            [tool("cffconvert"), "-f", "zenodo", "-i", str(ROOT / "CITATION.cff")], capture_output=True, text=True, check=True
        ).stdout
    )
    for key in ("title", "description", "keywords", "creators"):
        assert zenodo[key] == converted[key], key
    assert zenodo["license"] == converted["license"]["id"].lower()
    # the release's version and date come from the tag; a copy here would go stale
    assert "version" not in zenodo and "publication_date" not in zenodo
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    if "doi" in cff:
        assert zenodo.get("doi") in (None, cff["doi"])
    for related in zenodo.get("related_identifiers", []):
        assert {"identifier", "relation"} <= set(related)


# -- the release check and workflow -------------------------------------------------------------


def test_a_tag_must_match_citation_cff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cff = tmp_path / "CITATION.cff"
    cff.write_text((ROOT / "CITATION.cff").read_text())
    version = yaml.safe_load(cff.read_text())["version"]
    assert check_release_tag(f"v{version}", cff) is None
    wrong = "v" + ".".join(str(int(p) + 1) for p in version.split("."))
    message = check_release_tag(wrong, cff)
    assert message and wrong in message and repr(version) in message and "CITATION.cff" in message
    assert "vX.Y.Z" in check_release_tag("v1.2", cff)
    assert main(["check-release", wrong, "--root", str(tmp_path), "--format", "github"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("::error file=CITATION.cff::") and wrong in err and version in err
    assert main(["check-release", f"v{version}", "--root", str(tmp_path)]) == 0


def test_release_workflow_publishes_tags_only_and_writes_only_then() -> None:
    release = workflow("release.yml")
    assert release["on"] == {"push": {"tags": ["v*"]}}
    assert release["permissions"] == {"contents": "read"}
    for name, job in release["jobs"].items():
        writes = {k for k, v in job.get("permissions", {}).items() if v == "write"}
        if writes:
            assert job.get("if") == "startsWith(github.ref, 'refs/tags/v')", name
            assert job.get("needs"), name  # after the checked build, never before
    build = release["jobs"]["build"]
    assert "permissions" not in build
    commands = runs(build)
    check = next(i for i, c in enumerate(commands) if "living-survey check-release" in c)
    assert check < commands.index("make versions OUT=site")
    assert '"$TAG"' in commands[check]  # the tag reaches the shell through the environment only
    assert "actions/upload-pages-artifact" in uses(build)
    assert release["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert release["jobs"]["release"]["permissions"] == {"contents": "write"}
    assert all(s.get("with", {}).get("fetch-depth") == 0 for s in build["steps"] if s.get("uses", "").startswith("actions/checkout"))
    # main's publishing keeps every release in the deployed site
    pages = workflow("pages.yml")
    assert "make versions OUT=site" in runs(pages["jobs"]["build"])
    assert pages["jobs"]["build"]["steps"][0]["with"]["fetch-depth"] == 0


def test_actionlint_rejects_a_write_permission_typo(tmp_path: Path) -> None:
    # actionlint checks permission scopes: the release workflow's are real ones
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    text = (ROOT / ".github" / "workflows" / "release.yml").read_text().replace("contents: write", "content: write")
    bad.write_text(text)
    result = subprocess.run([tool("actionlint"), "-color=false", str(bad)], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1 and "content" in result.stdout


# -- what changed, from snapshots ---------------------------------------------------------------


def placement(eid: str, key: str, quadrant: str = "q1", position: tuple[float, float] | None = (0.5, 0.5), label: str = "") -> Placement:
    return Placement(eid, key, label or key, quadrant, quadrant.upper(), position)


def test_compare_tells_works_from_placements_and_moves() -> None:
    before = Snapshot({p.id: p for p in (placement("a", "ka"), placement("b", "kb"), placement("c", "kc"), placement("d", "kd"))})
    after = Snapshot(
        {
            p.id: p
            for p in (
                placement("a", "ka", "q2", (-0.5, 0.5)),  # moved quadrant
                placement("b", "kb", position=(0.6, 0.5)),  # moved within its quadrant
                placement("b2", "kb"),  # a second placement of a work already surveyed
                placement("e", "ke"),  # a new work
                placement("d", "kd"),  # unchanged; c's work is gone
            )
        }
    )
    changes = compare(before, after, None)
    assert [(m.before.id, m.before.quadrant, m.after.quadrant) for m in changes.moved] == [("a", "q1", "q2"), ("b", "q1", "q1")]
    assert [p.id for p in changes.works_added] == ["e"] and [p.id for p in changes.works_removed] == ["c"]
    assert [p.id for p in changes.placements_added] == ["b2"] and changes.placements_removed == ()
    assert compare(after, after, None).empty


def test_entry_history_follows_releases(tmp_path: Path) -> None:
    r1, r2, r3 = (Release(parse_tag(t), t, t, f"2026-0{i}-01") for i, t in enumerate(("v0.1.0", "v0.2.0", "v0.3.0"), 1))
    s1 = Snapshot({"a": placement("a", "ka")})
    s2 = Snapshot({"a": placement("a", "ka", "q2", (-0.5, 0.5)), "b": placement("b", "kb")})
    s3 = Snapshot({"b": placement("b", "kb")})
    history = History((r1, r2, r3), (compare(s2, s3, r3), compare(s1, s2, r2), compare(Snapshot({}), s1, r1)))
    a, b = history.entry("a"), history.entry("b")
    assert a.added == r1 and [(r, m.after.quadrant) for r, m in a.moves] == [(r2, "q2")]
    assert b.added == r2 and b.moves == ()
    assert history.has_entry(r1, "a") and history.has_entry(r2, "a") and not history.has_entry(r3, "a")
    assert not history.has_entry(r1, "b") and history.has_entry(r3, "b")
    assert history.entry("nobody").added is None
    line = text_of(str(entry_history(a)))
    assert line == "Added in 0.1.0 (2026-01-01). Moved in 0.2.0 (2026-02-01) from Q1 (+0.50, +0.50) to Q2 (-0.50, +0.50)."


def test_the_changes_page_keeps_hostile_labels_as_text() -> None:
    hostile = placement("h", "kh", label=HOSTILE)
    history = History((), (compare(Snapshot({}), Snapshot({"h": hostile}), None),))
    page = changes_markdown(history, lambda page_id: None, lambda series: "")
    assert "<script>" not in page and "<img" not in page and "&lt;script&gt;" in page
    assert "<script>" not in str(entry_history(EntryHistory(None, ((None, Move(hostile, hostile)),))))


def test_the_history_of_every_entry_costs_linear_time() -> None:
    """Budget test: the history lines of 6,000 entries cost about as much as computing the release's
    changes once; scanning every change for each entry took entries × changes."""
    import time

    n = 6000
    r1, r2 = (Release(parse_tag(t), t, t, "2026-01-01") for t in ("v0.1.0", "v0.2.0"))
    s1 = Snapshot({f"e{i}": placement(f"e{i}", f"k{i}") for i in range(n)})
    s2 = Snapshot({**s1.placements, **{f"e{i}": placement(f"e{i}", f"k{i}", "q2", (-0.5, 0.5)) for i in range(0, n, 2)}})
    # best of three for each side, so that a pause of the machine (CI runs beside other work) is not
    # read as a cost; the quadratic scan this guards against took 4.1 s here, far over the budget
    plain = spent = float("inf")
    for _ in range(3):
        start = time.thread_time()
        history = History((r1, r2), (compare(s1, s2, r2), compare(Snapshot({}), s1, r1)))
        plain = min(plain, time.thread_time() - start)
        start = time.thread_time()
        lines = [history.entry(f"e{i}") for i in range(n)]
        present = [history.has_entry(r1, f"e{i}") for i in range(n)]
        spent = min(spent, time.thread_time() - start)
    assert spent < 5 * plain + 0.25, (spent, plain)
    assert all(h.added == r1 for h in lines) and all(present)
    assert [len(h.moves) for h in lines[:4]] == [1, 0, 1, 0]

"""Frozen releases: the one tag rule, safe extraction, stored history snapshots, the cite box of an
unreleased page, and releases built once and assembled from a store (issue "Frozen means frozen")."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from living_survey.cli import main
from living_survey.releases import TAG_RULE, parse_tag, scan_tags, tag_problem

from .conftest import _git, set_field, write_sample

ODD_TAGS = ["v1.00.0", "v01.0.0", "v1.0.0-rc1", "v1.0", "v1.0.00", "v\u0661.\u0660.\u0660", "v\uff11.\uff11.\uff10", "release-1"]
"""Tags that are not releases: leading zeros, suffixes, two parts, Arabic-Indic and full-width digits."""


def sample_repo(root: Path, version: str = "1.0.0") -> Path:
    """A sample survey in a fresh git repository, with a CITATION.cff at ``version``, committed."""
    write_sample(root)
    (root / "CITATION.cff").write_text(
        f'cff-version: 1.2.0\nmessage: Cite it.\ntitle: Sample\nversion: "{version}"\nauthors:\n  - name: The sample team\n',
        encoding="utf-8",
    )
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
    assert json.loads((out / "v" / "versions.json").read_text()) == [{"version": "1.0", "title": "1.0.0", "aliases": ["latest"]}]
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

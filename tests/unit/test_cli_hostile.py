"""The command line against hostile input: file names and fields that try to forge annotations
or drive the terminal, folders where files belong, ids that cannot be derived."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from living_survey.cli import main

from ..conftest import SAMPLE_BIB, write_sample

FORGING = "x\n::warning file=README.md,line=1::all checks passed %0A,line=9::\x1b[2J.yaml"


def test_file_names_cannot_forge_github_annotations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_sample(tmp_path / "p")
    (root / "entries" / FORGING).write_text("key: [unclosed\n", encoding="utf-8")
    assert main(["validate", "--root", str(root), "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(line.startswith("::error file=") for line in lines), lines
    assert "\x1b" not in "".join(lines)
    # one annotation per problem; the file property ends at the first "," or "::" we wrote ourselves
    annotations = [line for line in lines if "README" in line]
    assert annotations
    for annotation in annotations:
        prop = re.match(r"::error file=([^,:]*)(?:,line=\d+)?::", annotation)
        assert prop and "x\\n%3A%3Awarning" in prop.group(1) and "%2Cline=1" in prop.group(1)
        assert "%250A" in prop.group(1)  # a "%" in the name is escaped too


def test_messages_in_the_terminal_show_escape_sequences_as_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_sample(tmp_path / "p")
    (root / "entries" / "bad\x1b[2J.yaml").write_text('"\\e[2J\\e[HOK": 1\n', encoding="utf-8")
    assert main(["validate", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b[2J" in out
    assert "entries/bad\\x1b[2J.yaml:1: contains the control character '\\x1b'" in out


def test_ids_write_to_a_folder_is_a_message_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_sample(tmp_path / "p")
    assert main(["ids", "--write", "--ids", "docs", "--root", str(root)]) == 1
    assert "docs: is not a file; --ids names the list of page ids" in capsys.readouterr().err


def test_new_derives_a_valid_id_from_a_name_without_latin_letters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = SAMPLE_BIB + "@misc{中文, author = {中文}, title = {标题}, year = {2020}}\n"
    root = write_sample(tmp_path / "p", bib=bib)
    assert main(["new", "中文", "--root", str(root), "--placed-by", "octocat"]) == 0
    made = capsys.readouterr().out.strip()
    assert made == "entries/work-2020.yaml"
    assert not (root / "entries" / ".yaml").exists()
    assert 'placed_by: "@octocat"' in (root / made).read_text(encoding="utf-8")


def test_new_refuses_a_reserved_or_malformed_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_sample(tmp_path / "p")
    for bad in ("index", "a\n", "A-b"):
        assert main(["new", "alpha2020open", "--id", bad, "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "'index' is reserved" in err and "'a\\n' is not a valid id" in err and "'A-b' is not a valid id" in err
    assert sorted(p.name for p in (root / "entries").iterdir()) == ["alpha-2020.yaml", "delta-2021.yaml"]

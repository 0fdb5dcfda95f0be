"""The entry loader: one failing example per rule, each reported as path:line: field: message."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from living_survey import SurveyError, load_framework, load_survey
from living_survey.core.yamlio import load_yaml
from living_survey.model.entries import load_entries

from ..conftest import ROOT, SAMPLE_ENTRY, write_sample

CORPUS = ROOT / "tests" / "corpus" / "entries"
EXPECT = re.compile(r"^# expect: (\d+): (.*)$")


def framework():
    return load_framework(ROOT / "framework.yml", "framework.yml")


def load_one(tmp_path: Path, name: str, data: bytes) -> list[str]:
    folder = tmp_path / "entries"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
    entries, problems = load_entries(folder, tmp_path, framework())
    assert not entries
    return [str(p) for p in problems]


@pytest.mark.parametrize("path", sorted((CORPUS / "bad").glob("*.yaml")), ids=lambda p: p.stem)
def test_bad_entry_is_reported_with_path_line_and_field(tmp_path: Path, path: Path) -> None:
    data = path.read_bytes()
    line, expected = EXPECT.match(data.split(b"\n", 1)[0].decode()).groups()
    messages = load_one(tmp_path, path.name, data)
    where = f"entries/{path.name}:{line}: " if line != "0" else f"entries/{path.name}: "
    assert any(m.startswith(where) and expected in m for m in messages), messages


@pytest.mark.parametrize("path", sorted((CORPUS / "good").glob("*.yaml")), ids=lambda p: p.stem)
def test_good_entry_loads(tmp_path: Path, path: Path) -> None:
    folder = tmp_path / "entries"
    folder.mkdir()
    shutil.copy(path, folder / path.name)
    entries, problems = load_entries(folder, tmp_path, framework())
    assert problems == [] and len(entries) == 1


def test_non_utf8_names_the_line(tmp_path: Path) -> None:
    messages = load_one(tmp_path, "latin.yaml", b"key: alpha2020open\nrationale: caf\xe9\n")
    assert messages == ["entries/latin.yaml:2: not valid UTF-8 (byte 0xe9); save the file as UTF-8"]


def test_ten_megabyte_file_is_refused_unread(tmp_path: Path) -> None:
    data = b"rationale: " + b"x" * (10 * 1024 * 1024) + b"\n"
    messages = load_one(tmp_path, "huge.yaml", data)
    assert len(messages) == 1 and "limit is 1,048,576" in messages[0]


def test_wrong_extension_is_not_silently_ignored(tmp_path: Path) -> None:
    messages = load_one(tmp_path, "entry.yml", b"key: x\n")
    assert messages == ["entries/entry.yml: entry files must end in .yaml"]


def test_yaml_1_2_core_schema_no_surprises() -> None:
    doc, problems = load_yaml(b"a: no\nb: yes\nc: 2023-01-01\nd: 0.5\ne: '1.10'\nf: on\n", "x.yaml")
    assert problems == []
    assert doc.value == {"a": "no", "b": "yes", "c": "2023-01-01", "d": 0.5, "e": "1.10", "f": "on"}


def test_every_problem_is_reported_at_once_and_nothing_is_built(tmp_path: Path) -> None:
    bad = SAMPLE_ENTRY.format(key="alpha2020open", quadrant="nowhere", position="[-0.5, -0.5]", quote="q")
    root = write_sample(tmp_path / "p", entries={"one": bad, "two": bad.replace("key: alpha2020open\n", "")})
    with pytest.raises(SurveyError) as caught:
        load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")
    text = str(caught.value)
    assert "3 problems" in text
    assert "entries/one.yaml:2: quadrant: 'nowhere' is not one of 'broad-prescriptive'" in text
    assert "entries/two.yaml:1: key: missing; this field is required" in text


def test_the_shipped_entries_all_validate() -> None:
    survey = load_survey(ROOT, ROOT / "framework.yml", ROOT / "entries", ROOT / "references.bib")
    assert survey.warnings == ()
    assert {q.id for q in survey.framework.quadrants} == {e.quadrant for e in survey.entries}


def test_framework_problems_are_located(tmp_path: Path) -> None:
    text = (ROOT / "framework.yml").read_text(encoding="utf-8")
    # give the second quadrant the first one's corner, and an axis an unknown field
    text = text.replace("    x: 1\n    y: 1\n", "    x: -1\n    y: 1\n", 1).replace(
        "    name: Dimensions\n", "    name: Dimensions\n    colour: red\n", 1
    )
    path = tmp_path / "framework.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SurveyError) as caught:
        load_framework(path, "framework.yml")
    problems = [str(p) for p in caught.value.problems]
    assert any(re.match(r"framework\.yml:\d+: axes\.x\.colour: unknown field", p) for p in problems), problems
    text = text.replace("    colour: red\n", "")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SurveyError) as caught:
        load_framework(path, "framework.yml")
    assert any(
        re.match(r"framework\.yml:\d+: quadrants\[1\]: x=-1, y=1 is already 'broad-prescriptive'", str(p)) for p in caught.value.problems
    )


def test_unknown_quote_source_is_a_located_warning(tmp_path: Path) -> None:
    entry = SAMPLE_ENTRY.format(key="alpha2020open", quadrant="broad-descriptive", position="[-0.5, -0.5]", quote="q")
    entry = entry.replace('    page: "3"\n', '    page: "3"\n    cite: nobody1999\n')
    root = write_sample(tmp_path / "p", entries={"cites": entry})
    survey = load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")
    # reported on the cite: line itself (line 7), not on the quotes: line above it
    assert [str(w) for w in survey.warnings] == ["entries/cites.yaml:7: quotes[0].cite: 'nobody1999' is not in references.bib"]


def test_unknown_quote_via_is_a_located_warning(tmp_path: Path) -> None:
    entry = SAMPLE_ENTRY.format(key="alpha2020open", quadrant="broad-descriptive", position="[-0.5, -0.5]", quote="q")
    entry = entry.replace('    page: "3"\n', '    page: "3"\n    cite: delta2021named\n    via: nowhere1999\n')
    root = write_sample(tmp_path / "p", entries={"second-hand": entry})
    survey = load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")
    assert [str(w) for w in survey.warnings] == ["entries/second-hand.yaml:8: quotes[0].via: 'nowhere1999' is not in references.bib"]


# -- files that are not plain files inside the project ------------------------------------------


def test_an_entry_linked_to_dev_zero_is_refused_unread(tmp_path: Path) -> None:
    folder = tmp_path / "entries"
    folder.mkdir()
    (folder / "zero.yaml").symlink_to("/dev/zero")
    entries, problems = load_entries(folder, tmp_path, framework())
    assert entries == [] and [str(p) for p in problems] == [
        "entries/zero.yaml: is a symbolic link to a file outside the project; commit the file itself"
    ]


def test_links_inside_the_project_are_read_and_pipes_and_folders_are_refused(tmp_path: Path) -> None:
    import os

    folder = tmp_path / "entries"
    folder.mkdir()
    (tmp_path / "elsewhere.yaml").write_text(SAMPLE_ENTRY.format(key="k", quadrant="broad-descriptive", position="[-0.5, -0.5]", quote="q"))
    (folder / "linked.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    os.mkfifo(folder / "pipe.yaml")  # opening it for reading must not wait for a writer
    (folder / "folder.yaml").mkdir()
    (folder / "to-folder.yaml").symlink_to(folder / "folder.yaml")
    entries, problems = load_entries(folder, tmp_path, framework())
    assert [e.id for e in entries] == ["linked"]
    assert sorted(map(str, problems)) == [
        "entries/folder.yaml: is a folder; an entry must be a file <id>.yaml",
        "entries/pipe.yaml: is a device, pipe or socket, not a regular file; an input must be a plain text file",
        "entries/to-folder.yaml: is a folder; an entry must be a file <id>.yaml",
    ]


def test_a_file_name_with_a_trailing_newline_is_not_an_id(tmp_path: Path) -> None:
    messages = load_one(
        tmp_path, "abc\n.yaml", SAMPLE_ENTRY.format(key="k", quadrant="broad-descriptive", position="[-0.5, -0.5]", quote="q").encode()
    )
    assert any("file name 'abc\\n' is not a valid id" in m for m in messages), messages


def test_every_nested_field_keeps_its_own_line(tmp_path: Path) -> None:
    text = SAMPLE_ENTRY.format(key="alpha2020open", quadrant="broad-descriptive", position="[-0.5, -0.5]", quote="q")
    text = text.replace('    page: "3"\n', '    page: "3"\n    cite: delta2021named\n')
    (folder := tmp_path / "entries").mkdir()
    (folder / "nested.yaml").write_text(text)
    (entry,), _ = load_entries(folder, tmp_path, framework())
    assert (entry.line("quotes"), entry.line("quotes[0]"), entry.line("quotes[0].page"), entry.line("quotes[0].cite")) == (4, 5, 6, 7)
    assert entry.line("quotes[0].missing") == 5 and entry.line("signal[0]") == entry.line("signal") == 10


def test_added_may_be_today_but_not_tomorrow(tmp_path: Path) -> None:
    import datetime

    from living_survey.core.schema import make_validator
    from living_survey.model.entries import entry_schema, load_entry

    today = datetime.date(2024, 3, 1)
    validator = make_validator(entry_schema(framework()))
    for added, ok in (("2024-03-01", True), ("2024-02-29", True), ("2024-03-02", False)):
        path = tmp_path / "e.yaml"
        path.write_text(
            SAMPLE_ENTRY.format(key="k", quadrant="broad-descriptive", position="[-0.5, -0.5]", quote="q").replace("2024-01-15", added)
        )
        entry, problems = load_entry(path, "entries/e.yaml", framework(), validator, today=today)
        assert (entry is not None) == ok, problems
        if not ok:
            assert [str(p) for p in problems] == [
                f"entries/e.yaml:11: added: {added} is in the future (no calendar on Earth is past 2024-03-01 yet)"
            ]

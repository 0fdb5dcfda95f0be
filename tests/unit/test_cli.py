"""`living-survey validate` end to end: exit codes, messages, GitHub annotations."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ..conftest import ROOT, living_survey, write_sample


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return living_survey(*args, root=cwd)


def test_the_repository_validates() -> None:
    # the command itself, in its own process, as CI runs it
    result = subprocess.run([sys.executable, "-m", "living_survey.cli", "validate"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    from living_survey.config import project_options

    count = len(list(project_options(ROOT / "mkdocs.yml").entries.glob("*.yaml")))
    assert f"OK: {count} entries valid." in result.stderr


def test_broken_entry_and_broken_bib_record_exit_1_with_locations(tmp_path: Path) -> None:
    root = write_sample(tmp_path / "p")
    (root / "entries" / "alpha-2020.yaml").write_text(
        (root / "entries" / "alpha-2020.yaml").read_text().replace("quadrant: broad-descriptive", "quadrant: nowhere")
    )
    with (root / "references.bib").open("a") as bib:
        bib.write("\n@misc{broken2020,\n  title = {Unclosed\n")
    result = run("validate", cwd=root)
    assert result.returncode == 1
    assert "entries/alpha-2020.yaml:2: quadrant: 'nowhere' is not one of" in result.stdout
    assert "references.bib:" in result.stdout and "could not be parsed" in result.stdout
    assert "2 problems found." in result.stderr
    github = run("validate", "--format", "github", cwd=root)
    assert github.returncode == 1
    assert "::error file=entries/alpha-2020.yaml,line=2::quadrant: 'nowhere' is not one of" in github.stdout


def problem_fields(output: str, path: str) -> set[str]:
    """The field names of `path:line: field: message` lines about one file."""
    fields = set()
    for line in output.splitlines():
        if line.startswith(path + ":"):
            fields.add(line.split(": ", 2)[1])
    return fields


def test_scaffold_fails_only_on_the_fields_to_fill_then_validates_once_filled(tmp_path: Path) -> None:
    root = write_sample(tmp_path / "p")
    made = run("new", "source2023map", cwd=root)
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "entries/survey-group-2023.yaml"
    path = root / "entries" / "survey-group-2023.yaml"
    text = path.read_text()
    for field in ("key:", "quadrant:", "# position:", "quotes:", "rationale:", "signal:", "# edge_case:", "placed_by:"):
        assert field in text, field
    # every quadrant id and every signal term is offered in the comments
    assert "broad-descriptive" in text and "red-teaming" in text
    check = run("validate", cwd=root)
    assert check.returncode == 1
    assert problem_fields(check.stdout, "entries/survey-group-2023.yaml") == {
        "quadrant",
        "quotes[0].text",
        "quotes[0].page",
        "rationale",
        "placed_by",
    }
    # nothing else in the project is reported
    assert all(line.startswith("entries/survey-group-2023.yaml:") for line in check.stdout.splitlines())
    filled = (
        text.replace('quadrant: ""', "quadrant: broad-descriptive")
        .replace('  - text: ""', '  - text: "A map of datasets"')
        .replace('    page: ""', '    page: "1"')
        .replace('rationale: ""', 'rationale: "It leaves the meaning of better to each annotator."')
        .replace('placed_by: ""', 'placed_by: "@octocat"')
    )
    path.write_text(filled)
    check = run("validate", cwd=root)
    assert check.returncode == 0, check.stdout
    assert "OK: 3 entries valid." in check.stderr


def test_scaffold_refuses_to_overwrite_and_explains(tmp_path: Path) -> None:
    root = write_sample(tmp_path / "p")
    before = (root / "entries" / "alpha-2020.yaml").read_text()
    again = run("new", "alpha2020open", cwd=root)
    assert again.returncode == 1 and "already has an entry: entries/alpha-2020.yaml" in again.stderr
    taken = run("new", "alpha2020open", "--id", "alpha-2020", cwd=root)
    assert taken.returncode == 1 and "already exists; not overwriting" in taken.stderr
    assert (root / "entries" / "alpha-2020.yaml").read_text() == before
    second = run("new", "alpha2020open", "--id", "alpha-2020-second", "--placed-by", "octocat", cwd=root)
    assert second.returncode == 0 and 'placed_by: "@octocat"' in (root / "entries" / "alpha-2020-second.yaml").read_text()


def test_scaffold_unknown_key_suggests_close_ones(tmp_path: Path) -> None:
    root = write_sample(tmp_path / "p")
    result = run("new", "alpha2020opne", cwd=root)
    assert result.returncode == 1
    assert "no record with key 'alpha2020opne'" in result.stderr and "Did you mean: alpha2020open?" in result.stderr
    assert sorted(p.name for p in (root / "entries").iterdir()) == ["alpha-2020.yaml", "delta-2021.yaml"]


def test_scaffold_keeps_hostile_titles_inside_comments(tmp_path: Path) -> None:
    bib = "@misc{evil2020, author = {Evil, Eve}, title = {Line one\\\\ \nquadrant: broad-prescriptive # <script>}, year = {2020}}"
    root = write_sample(tmp_path / "p", entries={}, bib=bib)
    assert run("new", "evil2020", cwd=root).returncode == 0
    import yaml

    data = yaml.safe_load((root / "entries" / "evil-2020.yaml").read_text())
    # the title's newline did not turn its second half into a field
    assert data["quadrant"] == "" and data["key"] == "evil2020"


def test_a_second_placer_gets_a_derived_id_and_is_told_so(tmp_path: Path) -> None:
    root = write_sample(tmp_path / "p")
    before = (root / "entries" / "alpha-2020.yaml").read_text()
    result = run("new", "alpha2020open", "--placed-by", "@Some_One", cwd=root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "entries/alpha-2020-some-one.yaml"
    assert "second placement" in result.stderr and "entries/alpha-2020.yaml" in result.stderr
    text = (root / "entries" / "alpha-2020-some-one.yaml").read_text()
    assert 'placed_by: "@Some_One"' in text and "already placed in entries/alpha-2020.yaml" in text
    assert (root / "entries" / "alpha-2020.yaml").read_text() == before
    # the same placer again: pointed at the file they already have
    again = run("new", "alpha2020open", "--placed-by", "@Some_One", cwd=root)
    assert again.returncode == 1 and "already placed 'alpha2020open' in entries/alpha-2020-some-one.yaml" in again.stderr
    # a third placer: derived from the original's id, not the second's
    third = run("new", "alpha2020open", "--placed-by", "@other", cwd=root)
    assert third.returncode == 0 and third.stdout.strip() == "entries/alpha-2020-other.yaml"
    # a handle with nothing to make an id from
    assert run("new", "alpha2020open", "--placed-by", "@@", cwd=root).returncode == 1

"""A contribution played on a copy of the repository, then every check of the shipped survey on it.

Two contributions, made the way CONTRIBUTING.md describes: a new paper (its worked example's
BibTeX record, `living-survey new KEY --placed-by @handle`, the fields filled in) and a second
placement of a work that already has an entry. The copy must validate and build strictly, and
the rules about the launch content, the downloads and the citations must still hold. A test
that fails here because an entry was added pins today's data instead of checking a rule.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from living_survey.checks.project_checks import check_project
from living_survey.config import project_options
from living_survey.model.addresses import entry_page_id

from ..conftest import copy_project, living_survey
from ..unit.test_content import SOURCE_KEY, check_launch_content, check_quotes_are_verbatim
from .test_exports import check_exports


def command(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The `living-survey` command as a contributor runs it, in the project folder."""
    script = Path(sys.executable).with_name("living-survey")
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "living_survey.cli"]
    return subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True)


def fill(path: Path, values: dict[str, Any]) -> None:
    """Fill in a scaffolded entry: its TODO fields take ``values``; fields left empty are dropped."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(values)
    kept = {k: v for k, v in data.items() if v not in (None, "", [])}
    path.write_text(yaml.safe_dump(kept, sort_keys=False, allow_unicode=True), encoding="utf-8")


def code_block(markdown: str, language: str) -> str:
    match = re.search(rf"^```{language}\n(.*?)^```", markdown, re.M | re.S)
    assert match, f"CONTRIBUTING.md has no {language} example"
    return match.group(1)


@pytest.fixture(scope="module")
def contributed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    copy = tmp_path_factory.mktemp("contribution") / "repo"
    copy_project(copy)
    project = project_options(copy / "mkdocs.yml")
    before = check_project(project).survey
    assert before is not None

    # A new paper: the worked example of CONTRIBUTING.md, step by step.
    guide = (copy / "CONTRIBUTING.md").read_text(encoding="utf-8")
    record = code_block(guide, "bibtex")
    key = re.match(r"@\w+\{([^,\s]+),", record.strip()).group(1)
    with project.bibliography.open("a", encoding="utf-8") as bib:
        bib.write("\n" + record)
    made = command("new", key, "--placed-by", "@contributor", cwd=copy)
    assert made.returncode == 0, made.stderr
    new_entry = copy / made.stdout.strip()
    assert new_entry.parent == project.entries and new_entry.is_file()
    example = yaml.safe_load(code_block(guide, "yaml"))
    fill(new_entry, {k: v for k, v in example.items() if k not in ("key", "placed_by")})

    # A second placement of a work the source placed, by someone who reads it differently
    # ("Disagree with a placement" in CONTRIBUTING.md: `new` derives the second entry's id).
    first = min((e for e in before.entries if e.placed_by == SOURCE_KEY), key=lambda e: e.id)
    other = next(q for q in before.framework.quadrants if q.id != first.quadrant)
    made = living_survey("new", first.key, "--placed-by", "@another", root=copy)
    assert made.returncode == 0, made.stderr
    second = copy / made.stdout.strip()
    assert second.parent == project.entries and second.stem != first.id and second.is_file()
    second_id = second.stem
    fill(
        second,
        {
            "quadrant": other.id,
            "position": [0.5 * other.x, 0.5 * other.y],
            # the passage the first placement rests on, as it is written there (page, cite, via)
            "quotes": yaml.safe_load((copy / first.path).read_text(encoding="utf-8"))["quotes"][:1],
            "rationale": f"Read against [@{SOURCE_KEY}], the same passage supports another quadrant. The reading differs.",
        },
    )

    checked = living_survey("validate", root=copy)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    count = len(list(project.entries.glob("*.yaml")))
    assert count == len(before.entries) + 2 and f"OK: {count} entries valid." in checked.stderr
    site = copy / "site"
    build(load_config(str(copy / "mkdocs.yml"), strict=True, site_dir=str(site)))
    survey = check_project(project).survey
    return {
        "root": copy,
        "site": site,
        "survey": survey,
        "entries": project.entries,
        "new": new_entry.stem,
        "second": second_id,
        "key": key,
        "before": before,
    }


def test_the_launch_content_rules_hold_after_contributions(contributed: dict[str, Any]) -> None:
    check_launch_content(contributed["survey"])


def test_the_source_quotes_stay_verbatim_after_contributions(contributed: dict[str, Any]) -> None:
    check_quotes_are_verbatim(contributed["survey"])


def test_the_exports_and_citations_hold_after_contributions(contributed: dict[str, Any]) -> None:
    check_exports(contributed["site"], contributed["survey"], contributed["entries"])


def test_the_contributed_entries_have_pages(contributed: dict[str, Any]) -> None:
    site, survey = contributed["site"], contributed["survey"]
    ref = survey.library[contributed["key"]]
    page = (site / entry_page_id(contributed["new"]) / "index.html").read_text(encoding="utf-8")
    assert ref.title in page and "@contributor" in page.replace("&#64;", "@")
    # the worked example quotes the abstract, marked as such (and checked against the record's abstract)
    new = survey.entry(contributed["new"])
    assert any(q.page == "abstract" for q in new.quotes) and survey.library[new.key].get("abstract")
    sources = re.findall(r'<p class="ls-quote-source">(.*?)</p>', page, re.S)
    assert len(sources) == len(new.quotes) and any(s.endswith("</a>, abstract") for s in sources), sources
    assert "p. abstract" not in page
    second = survey.entry(contributed["second"])
    # one more placement of the work than before (the copy may already hold others')
    assert len(survey.entries_for_key(second.key)) == len(contributed["before"].entries_for_key(second.key)) + 1 >= 2
    references = (site / "references" / "index.html").read_text(encoding="utf-8")
    assert f"{entry_page_id(contributed['second'])}/" in references

"""`living-survey validate` end to end: exit codes, messages, GitHub annotations."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, write_sample


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "living_survey.cli", *args], cwd=cwd, capture_output=True, text=True)


def test_the_repository_validates() -> None:
    result = run("validate", cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK: 18 entries valid." in result.stderr


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

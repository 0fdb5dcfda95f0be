"""The code passes ruff (pyflakes, pycodestyle, import order, bugbear, pyupgrade) as configured in pyproject.toml."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from ..conftest import ROOT


def test_ruff_finds_nothing() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is not installed: `make test` installs it with the test extras"
    result = subprocess.run([ruff, "check", "--no-cache", "tools", "tests", "benchmarks"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"{name} is not installed: `make test` installs it with the test extras"
    return found


def test_ruff_format_leaves_every_file_as_it_is() -> None:
    result = subprocess.run(
        [_tool("ruff"), "format", "--check", "--no-cache", "tools", "tests", "benchmarks"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_no_type_error_in_the_engine() -> None:
    # the files and options are in pyproject.toml ([tool.mypy]); its cache (.cache/mypy, kept between
    # runs) makes a second run check only the modules that changed and those that import them
    result = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# every script a page of the site loads: the plugin's and the docs' own
SCRIPTS = ("tools/living_survey/assets", "docs/javascripts")


def _oxlint(*paths: str) -> subprocess.CompletedProcess[str]:
    # --deny-warnings: a warning fails as an error does; the rules are in .oxlintrc.json
    command = [_tool("oxlint"), "-c", str(ROOT / ".oxlintrc.json"), "--deny-warnings", *paths]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_oxlint_finds_nothing_in_the_scripts() -> None:
    result = _oxlint(*SCRIPTS)
    assert result.returncode == 0, result.stdout + result.stderr
    # it read every script (not an empty folder or a wrong path)
    scripts = [p for folder in SCRIPTS for p in (ROOT / folder).glob("*.js")]
    assert scripts and f"on {len(scripts)} files" in result.stdout


def test_oxlint_fails_on_a_script_with_a_fault(tmp_path: Path) -> None:
    """The configuration finds what it is there for: a global that is never declared, a variable never used."""
    bad = tmp_path / "bad.js"
    bad.write_text('(function () {\n  "use strict";\n  var unused = 1;\n  undeclaredHelper();\n})();\n', encoding="utf-8")
    result = _oxlint(str(bad))
    assert result.returncode != 0
    assert "no-undef" in result.stdout and "no-unused-vars" in result.stdout

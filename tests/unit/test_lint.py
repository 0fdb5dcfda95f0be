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
    # the files and options are in pyproject.toml ([tool.mypy])
    result = subprocess.run([_tool("mypy"), "--no-incremental"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

"""Zensical in CI: installed from the `zensical` extra into a venv of its own, on the tests' PATH.

Checked with ``make -n`` (a dry run: nothing is installed, no network).
"""

from __future__ import annotations

import shutil
import subprocess
import tomllib

import pytest

from ..conftest import ROOT


def _dry_run(*targets: str) -> str:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    # -B: every target as if out of date, so the dry run prints each recipe even where the venvs exist
    done = subprocess.run([make, "-n", "-B", *targets], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_zensical_installs_the_extras_range_into_its_own_venv() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (requirement,) = pyproject["project"]["optional-dependencies"]["zensical"]
    plan = _dry_run(".venv-zensical/bin/zensical")
    assert f".venv-zensical/bin/python -m pip install --quiet '{requirement}'" in plan, plan
    assert "-m venv .venv-zensical" in plan


def test_make_build_zensical_generates_then_builds_strictly_with_that_zensical() -> None:
    plan = _dry_run("build-zensical")
    generate, build = plan.index("living-survey generate --out generated"), plan.index(".venv-zensical/bin/zensical build")
    assert generate < build and "--strict" in plan[build:].splitlines()[0]


def test_make_test_puts_zensical_on_the_path_and_ci_installs_it_first() -> None:
    assert "/.venv-zensical/bin" in _dry_run("test").split("-m pytest")[0]
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    commands = [line.strip() for line in run if line.strip() and not line.lstrip().startswith("#")]
    assert commands.index("make zensical") < commands.index("make test")
    assert "make build-zensical" in commands


def test_clean_removes_generated_sources_and_the_zensical_venv_is_ignored() -> None:
    assert "generated" in _dry_run("clean").split()
    ignored = subprocess.run(["git", "check-ignore", "-q", ".venv-zensical/bin/zensical"], cwd=ROOT)
    assert ignored.returncode == 0


def test_ci_workflow_installs_zensical_and_builds_with_all_three() -> None:
    ci = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert "make zensical" in ci and "make build-zensical" in ci and "properdocs build --strict" in ci


def test_make_test_installs_zensical_before_running_the_suite() -> None:
    """The Quick start's `make test` runs every test on a fresh machine, the Zensical builds included."""
    plan = _dry_run("test")
    install, suite = plan.find("-m venv .venv-zensical"), plan.find("-m pytest")
    assert 0 <= install < suite, plan

"""The site also builds strictly under ProperDocs 1.6, the maintained drop-in for MkDocs 1.x.

The plugin uses only MkDocs' public plugin API; this keeps it honest against a second
implementation of that API. ProperDocs runs in its own process, since it redirects every
``mkdocs.*`` import to its own modules.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from ..conftest import ROOT, write_sample


def _properdocs() -> str:
    found = shutil.which("properdocs", path=str(Path(sys.executable).parent)) or shutil.which("properdocs")
    assert found, "properdocs is not installed: `make test` installs it with the test extras"
    return found


def test_the_sample_survey_builds_strictly_under_properdocs(tmp_path: Path) -> None:
    root = write_sample(tmp_path / "p")
    site = tmp_path / "site"
    done = subprocess.run(
        [_properdocs(), "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(site)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    entry = (site / "entries" / "alpha-2020" / "index.html").read_text(encoding="utf-8")
    assert "Open preferences at scale" in entry and "Cite this page" in entry
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'data-ls-map="assets/map.svg"' in home and "@@ls:" not in home
    assert 'href="../entries/alpha-2020/"' in (site / "assets" / "map.svg").read_text(encoding="utf-8")
    assert (site / "data" / "entries.json").is_file()


def test_the_survey_itself_builds_strictly_under_properdocs(tmp_path: Path) -> None:
    site = tmp_path / "site"
    done = subprocess.run(
        [_properdocs(), "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site)], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (site / "references" / "index.html").is_file()

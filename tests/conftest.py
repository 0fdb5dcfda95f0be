"""Shared fixtures: small sample surveys written into tmp_path and built with the real MkDocs."""

from __future__ import annotations

import logging
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seeds" / "000_6f8f7659ff73131a.txt"

SAMPLE_BIB = r"""
@misc{alpha2020open,
  author = {Alpha, Ann and Beta, Bob and Gamma, Gil},
  title = {Open preferences at scale},
  year = {2020},
  eprint = {2001.00001},
  archiveprefix = {arXiv}
}
@article{delta2021named,
  author = {R{\"o}ttger, Paul and Delta, Dan},
  title = {Named traits, fixed meanings},
  journal = {Journal of Tests},
  year = {2021}
}
@misc{source2023map,
  author = {{Survey Group}},
  title = {A map of datasets},
  year = {2023}
}
"""

SAMPLE_ENTRY = """\
key: {key}
quadrant: {quadrant}
position: {position}
quotes:
  - text: "{quote}"
    page: "3"
rationale: >-
  Placed here because of its open question, see [@source2023map, p. 2].
signal: [comparisons]
placed_by: source2023map
"""

MKDOCS_YML = """\
site_name: Sample survey
site_url: https://example.org/survey/
repo_url: https://example.org/repo
theme:
  name: material
  features: [content.code.copy]
markdown_extensions: [admonition, attr_list, md_in_html, toc, pymdownx.highlight, pymdownx.superfences]
plugins:
  - search
  - living-survey:
      entry_edit_uri: edit/main/
"""


def write_sample(root: Path, entries: dict[str, str] | None = None, bib: str = SAMPLE_BIB) -> Path:
    """A complete small survey: framework (the shipped one), bibliography, entries, docs."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "framework.yml", root / "framework.yml")
    (root / "references.bib").write_text(bib, encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "index.md").write_text("# Sample\n\nBased on @source2023map.\n\n<!-- living-survey:figure -->\n\n<!-- living-survey:grid -->\n", encoding="utf-8")
    (root / "entries").mkdir(exist_ok=True)
    if entries is None:
        entries = {
            "alpha-2020": SAMPLE_ENTRY.format(key="alpha2020open", quadrant="broad-descriptive", position="[-0.5, -0.5]", quote="which output is better, zanzibar"),
            "delta-2021": SAMPLE_ENTRY.format(key="delta2021named", quadrant="specific-prescriptive", position="[0.5, 0.5]", quote="follow the guideline exactly"),
        }
    for name, text in entries.items():
        (root / "entries" / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A sample survey project in a temporary folder."""
    return write_sample(tmp_path / "project")


@pytest.fixture
def build_site(caplog: pytest.LogCaptureFixture) -> Callable[..., Path]:
    """Build a project with the real MkDocs build; returns the site folder."""

    def run(root: Path, strict: bool = True) -> Path:
        caplog.set_level(logging.INFO)
        config = load_config(str(root / "mkdocs.yml"), strict=strict, site_dir=str(root / "site"))
        build(config)
        return root / "site"

    return run


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own site, built once per test session with the real, strict MkDocs build."""
    site = tmp_path_factory.mktemp("real") / "site"
    build(load_config(str(ROOT / "mkdocs.yml"), strict=True, site_dir=str(site)))
    return site

"""One rule for who made a work: the same creators in every output that names them."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape
from pathlib import Path

import pytest

from ..conftest import SAMPLE_BIB, SAMPLE_ENTRY, write_sample

BIB = (
    SAMPLE_BIB
    + r"""
@book{edited2019volume,
  editor = {Editor, Edna and Other, Otto},
  title = {An edited volume on preferences},
  publisher = {Test Press},
  year = {2019}
}
@techreport{body2022report,
  institution = {{Institute of Careful Tests}},
  title = {A report with no named authors},
  year = {2022}
}
@misc{org2023card,
  organization = {{Open Test Lab}},
  title = {A system card},
  year = {2023}
}
"""
)

CASES = {
    # entry id: (key, label, byline/reference creators, JSON/meta full names)
    "edited-2019": ("edited2019volume", "Editor and Other, 2019", "Editor, E., &amp; Other, O. (Eds.)", ["Editor, Edna", "Other, Otto"]),
    "body-2022": ("body2022report", "Institute of Careful Tests, 2022", "Institute of Careful Tests", ["Institute of Careful Tests"]),
    "org-2023": ("org2023card", "Open Test Lab, 2023", "Open Test Lab", ["Open Test Lab"]),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    entries = {
        entry_id: SAMPLE_ENTRY.format(key=key, quadrant="broad-descriptive", position="[-0.5, -0.5]", quote="a quoted phrase")
        for entry_id, (key, *_rest) in CASES.items()
    }
    root = write_sample(tmp_path_factory.mktemp("creators") / "p", entries=entries, bib=BIB)
    build(load_config(str(root / "mkdocs.yml"), strict=True, site_dir=str(root / "site")))
    return root / "site"


@pytest.mark.parametrize("entry_id", list(CASES))
def test_label_byline_reference_and_meta_name_the_same_creators(site: Path, entry_id: str) -> None:
    key, label, shown, names = CASES[entry_id]
    html = (site / "entries" / entry_id / "index.html").read_text(encoding="utf-8")
    byline = re.search(r'<p class="ls-byline">\s*(.*?)</p>', html, re.S).group(1)
    assert byline.startswith(f"{shown} (")
    refs = (site / "references" / "index.html").read_text(encoding="utf-8")
    # each record is its own section: a heading with the record's anchor, then the reference
    item = re.search(rf'<h2 class="ls-ref-label" id="{key}">[^<]*</h2>\s*<p class="ls-ref-record">(.*?)</p>', refs, re.S)
    assert item is not None and item.group(1).startswith(shown)
    meta = re.findall(r'<meta name="citation_author" content="([^"]*)"', html)
    assert [unescape(m) for m in meta] == names
    quadrant = (site / "quadrants" / "broad-descriptive" / "index.html").read_text(encoding="utf-8")
    assert f"<strong>{label}</strong>" in quadrant


def test_exports_name_the_same_creators(site: Path) -> None:
    data = json.loads((site / "data" / "entries.json").read_text(encoding="utf-8"))
    # placements are grouped under their work, which carries the reference
    by_id = {p["id"]: w for w in data["works"] for p in w["placements"]}
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO((site / "data" / "entries.csv").read_text(encoding="utf-8")))}
    for entry_id, (_key, label, shown, names) in CASES.items():
        assert by_id[entry_id]["reference"]["authors"] == names
        assert by_id[entry_id]["reference"]["label"] == label
        assert rows[entry_id]["authors"] == unescape(shown)
        assert rows[entry_id]["label"] == label

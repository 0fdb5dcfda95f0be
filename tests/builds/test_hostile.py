"""Hostile input. Every bad file of the corpus fails with path:line and writes no site; every
hostile-but-valid string builds and stays text in HTML, SVG, JSON, CSV and BibTeX."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import xml.dom.minidom
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import pytest
from mkdocs.exceptions import Abort, PluginError

from ..conftest import HOSTILE_TEXTS, PWN, ROOT, SAMPLE_BIB, SCRIPT_LINKS, write_sample

CORPUS = ROOT / "tests" / "corpus"
EXPECT = re.compile(rb"^[#%] expect: (\d+): (.*)$")
BAD_ENTRIES = sorted((CORPUS / "entries" / "bad").glob("*.yaml"))
CROSS_ENTRIES = sorted((CORPUS / "entries" / "cross").glob("*.yaml"))
"""Entries that are well-formed alone and wrong against references.bib (keys, cites, placed_by)."""
BAD_BIBS = sorted((CORPUS / "bib" / "bad").glob("*.bib"))


def expectation(path: Path) -> tuple[int, str]:
    match = EXPECT.match(path.read_bytes().split(b"\n", 1)[0])
    assert match, f"{path.name}: first line must be `# expect: LINE: text`"
    return int(match.group(1)), match.group(2).decode()


def test_the_corpus_is_large_enough() -> None:
    assert len(BAD_ENTRIES) + len(BAD_BIBS) >= 30
    assert len(BAD_BIBS) >= 8


@pytest.mark.parametrize("path", BAD_ENTRIES, ids=lambda p: p.stem)
def test_bad_entry_stops_the_real_build_with_its_location(tmp_path: Path, path: Path, build_site, caplog) -> None:
    root = write_sample(tmp_path / "p")
    (root / "entries" / path.name).write_bytes(path.read_bytes())
    line, text = expectation(path)
    with pytest.raises((Abort, PluginError)):
        build_site(root)
    where = f"entries/{path.name}:{line}: " if line else f"entries/{path.name}: "
    assert any(where in record.getMessage() and text in record.getMessage() for record in caplog.records), caplog.text
    assert not (root / "site").exists()


@pytest.mark.parametrize("path", CROSS_ENTRIES, ids=lambda p: p.stem)
def test_entry_wrong_against_the_bibliography_fails_the_build_and_validate(tmp_path: Path, path: Path, build_site, caplog) -> None:
    from living_survey.cli import main

    root = write_sample(tmp_path / "p")
    (root / "entries" / path.name).write_bytes(path.read_bytes())
    line, text = expectation(path)
    where = f"entries/{path.name}:{line}: "
    with pytest.raises((Abort, PluginError)):
        build_site(root)
    assert any(where in record.getMessage() and text in record.getMessage() for record in caplog.records), caplog.text
    assert not (root / "site").exists()
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(["validate", "--root", str(root)]) == 1
    assert any(m.startswith(where) and text in m for m in out.getvalue().splitlines()), out.getvalue()


@pytest.mark.parametrize("path", BAD_BIBS, ids=lambda p: p.stem)
def test_bad_bib_record_stops_the_real_build_with_its_location(tmp_path: Path, path: Path, build_site, caplog) -> None:
    offset = SAMPLE_BIB.count("\n")
    root = write_sample(tmp_path / "p")
    (root / "references.bib").write_bytes(SAMPLE_BIB.encode() + path.read_bytes())
    line, text = expectation(path)
    with pytest.raises((Abort, PluginError)):
        build_site(root)
    assert f"references.bib:{line + offset}: " in caplog.text and text in caplog.text, caplog.text
    assert not (root / "site").exists()


class Markup(HTMLParser):
    """What a browser would treat as markup: elements, attributes, script bodies."""

    def __init__(self) -> None:
        super().__init__()
        self.handlers: list[str] = []
        self.links: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
            if name in ("href", "src", "xlink:href", "action", "formaction") and value:
                self.links.append(value)
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def test_hostile_strings_never_become_markup_in_any_page(hostile_site: Path) -> None:
    pages = list(hostile_site.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        parser = Markup()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.handlers == [], page
        assert not [link for link in parser.links if re.sub(r"[\x00-\x20]", "", link).lower().startswith("javascript:")], page
        assert not [body for body in parser.scripts if PWN in body and "ld+json" not in body and not body.lstrip().startswith("{")], page
    entry = (hostile_site / "entries" / "hostile" / "index.html").read_text(encoding="utf-8")
    # the text is there, as text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in entry
    assert r"$\mathtext{x}$" in entry
    assert 'href="https://example.org/"' in entry  # a safe link in the rationale survives


SAFE_SCHEMES = {"http", "https", "mailto"}


def test_no_spelling_of_a_script_address_survives_as_a_link(hostile_site: Path) -> None:
    pages = list(hostile_site.rglob("*.html"))
    for page in pages:
        parser = Markup()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            # the parser decoded the attribute as a browser does; a browser then drops these
            seen = re.sub(r"[\x00-\x20\x7f]", "", link)
            scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", seen)
            assert scheme is None or scheme.group(1).lower() in SAFE_SCHEMES, (page, link)
    entry = (hostile_site / "entries" / "hostile-links" / "index.html").read_text(encoding="utf-8")
    for i in range(len(SCRIPT_LINKS)):
        assert f">spelling {i}</a>" in entry  # the link text stays, as text
    assert 'href="https://example.org/safe"' in entry and 'href="https://example.org/auto"' in entry


def test_bibtex_text_is_published_as_written(hostile_site: Path) -> None:
    references = (hostile_site / "references" / "index.html").read_text(encoding="utf-8")
    assert "BERT gets 50% better with LaTeX and TeX" in references
    assert 'href="https://example.org/~lena/paper.pdf"' in references  # \url: "~" stays "~"
    assert 'the project page (<a href="https://example.org/a_b?x=1">' in references  # \href
    assert "<em>Proc.</em>" in references and "Proc.</em>." not in references and "Proc.." not in references


def test_hostile_strings_leave_the_svg_well_formed_and_inert(hostile_site: Path) -> None:
    svg = (hostile_site / "assets" / "figure1.svg").read_text(encoding="utf-8")
    dom = xml.dom.minidom.parseString(svg)
    assert dom.getElementsByTagName("script") == [] and dom.getElementsByTagName("foreignObject") == []
    assert all(not a.getAttribute("xlink:href").lower().startswith("javascript") for a in dom.getElementsByTagName("a"))
    titles = " ".join(t.firstChild.data for t in dom.getElementsByTagName("title") if t.firstChild)
    assert f"<script>{PWN}</script>" in titles  # kept as text in the tooltip


def test_hostile_strings_round_trip_through_the_exports(hostile_site: Path) -> None:
    data = json.loads((hostile_site / "data" / "entries.json").read_text(encoding="utf-8"))
    work = next(w for w in data["works"] if w["key"] == "hostile2020")
    record = next(p for p in work["placements"] if p["id"] == "hostile")
    assert record["quotes"][0]["text"] == " ".join(HOSTILE_TEXTS)
    assert record["placed_by"] == "@mallory" and record["placer_kind"] == "contributor"
    # BibTeX reads "--" as an en dash; everything else comes back exactly
    assert work["reference"]["title"] == " ".join(HOSTILE_TEXTS).replace("--", "–")
    rows = list(csv.DictReader(io.StringIO((hostile_site / "data" / "entries.csv").read_text(encoding="utf-8"))))
    row = next(r for r in rows if r["id"] == "hostile")
    assert row["title"] == " ".join(HOSTILE_TEXTS).replace("--", "–")
    assert row["placed_by"] == "'@mallory"  # a cell starting with @ is kept from spreadsheets' formulas
    bib = bibtexparser.parse_string((hostile_site / "data" / "references.bib").read_text(encoding="utf-8"))
    assert not bib.failed_blocks and "hostile2020" in bib.entries_dict
    home = (hostile_site / "index.html").read_text(encoding="utf-8")
    jsonld = re.search(r'<script type="application/ld\+json">(.*?)</script>', home, re.S)
    assert jsonld and json.loads(jsonld.group(1))["@type"] == "Dataset"


def test_no_cache_file_is_committed() -> None:
    """A build trusts its cache (Figure 1, the map file, release snapshots) when the key matches, and
    anyone can compute a key from a pull request's data: a cache file committed to the repository
    could put markup of its author's choosing into the published site. So none may be tracked."""
    import shutil
    import subprocess

    from mkdocs.config import load_config

    from ..conftest import ROOT

    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout (CI runs this on a clean clone)")
    plugin = load_config(str(ROOT / "mkdocs.yml")).plugins["living-survey"]
    cache_dir = plugin.config.cache_dir
    tracked = subprocess.run([git, "ls-files", "--", cache_dir], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert tracked == [], f"files under the cache folder {cache_dir!r} are committed: {tracked[:5]}"
    ignored = subprocess.run([git, "check-ignore", "-q", f"{cache_dir}/probe"], cwd=ROOT)
    assert ignored.returncode == 0, f"{cache_dir} must be listed in .gitignore"

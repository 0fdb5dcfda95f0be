"""End to end: sample surveys built with the real MkDocs build, asserting on the HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort, PluginError

from .conftest import SAMPLE_ENTRY, write_sample

QUADRANTS = ("broad-prescriptive", "specific-prescriptive", "broad-descriptive", "specific-descriptive")


def test_build_writes_quadrant_entry_and_reference_pages(sample: Path, build_site) -> None:
    site = build_site(sample)
    for quadrant in QUADRANTS:
        assert (site / "quadrants" / quadrant / "index.html").is_file()
    entry = (site / "entries" / "alpha-2020" / "index.html").read_text()
    assert "Open preferences at scale" in entry
    assert "Alpha, A., Beta, B., &amp; Gamma, G. (2020)" in entry
    assert 'href="../../quadrants/broad-descriptive/"' in entry
    assert "which output is better, zanzibar" in entry and "p. 3" in entry
    assert 'href="#ref-source2023map">Survey Group, 2023</a>, p. 2)' in entry
    assert "https://example.org/repo/edit/main/entries/alpha-2020.yaml" in entry
    assert "@misc{alpha2020open," in entry.replace("&#64;", "@")
    quadrant = (site / "quadrants" / "broad-descriptive" / "index.html").read_text()
    listing = re.search(r'<ul class="ls-entry-list">.*?</ul>', quadrant, re.S).group(0)
    assert 'href="../../entries/alpha-2020/"' in listing and "delta-2021" not in listing
    # the figure is inline, with links relative to this page, and this quadrant highlighted
    assert 'xlink:href="../../entries/delta-2021/"' in quadrant
    assert "g[id^=ls-marker-broad-descriptive-]" in quadrant
    refs = (site / "references" / "index.html").read_text()
    assert 'id="delta2021named"' in refs and "Röttger, P., &amp; Delta, D. (2021)" in refs
    home = (site / "index.html").read_text()
    assert 'href="quadrants/broad-descriptive/"' in home and "1 entry" in home
    for name in ("figure1.svg", "figure1.png", "figure1.pdf"):
        assert (site / "assets" / name).stat().st_size > 1000


def test_entry_pages_stay_out_of_the_navigation(sample: Path, build_site) -> None:
    site = build_site(sample)
    for page in ("index.html", "404.html"):
        hrefs = re.findall(r'href="([^"]*)"', (site / page).read_text())
        assert any("quadrants/broad-descriptive/" in h for h in hrefs)
        assert not any("entries/" in h for h in hrefs), page


def test_search_finds_a_phrase_from_a_quote(sample: Path, build_site) -> None:
    site = build_site(sample)
    index = json.loads((site / "search" / "search_index.json").read_text())
    hits = [d["location"] for d in index["docs"] if "zanzibar" in d["text"]]
    assert "entries/alpha-2020/#quotes" in hits


def test_invalid_entry_fails_before_any_page_is_written(tmp_path: Path, build_site, caplog) -> None:
    bad = SAMPLE_ENTRY.format(key="alpha2020open", quadrant="nowhere", position="[-0.5, -0.5]", quote="q")
    root = write_sample(tmp_path / "p", entries={"bad-one": bad})
    with pytest.raises((Abort, PluginError)):
        build_site(root)
    assert "entries/bad-one.yaml:2: quadrant: 'nowhere' is not one of" in caplog.text
    assert not (root / "site").exists()


def test_unknown_citation_key_in_a_docs_page_fails_strict(sample: Path, build_site, caplog) -> None:
    (sample / "docs" / "about.md").write_text("# About\n\nLine two.\n\nAs [@nobody2020] argue.\n")
    with pytest.raises(Abort):
        build_site(sample)
    assert "docs/about.md:5: unknown citation key 'nobody2020'" in caplog.text


def test_unknown_entry_key_is_a_located_warning(tmp_path: Path, build_site, caplog) -> None:
    entry = SAMPLE_ENTRY.format(key="missing2020", quadrant="broad-descriptive", position="[-0.5, -0.5]", quote="q")
    root = write_sample(tmp_path / "p", entries={"ghost": entry})
    with pytest.raises(Abort):
        build_site(root)
    assert "entries/ghost.yaml:1: key: 'missing2020' is not in references.bib" in caplog.text


def test_hostile_strings_are_rendered_as_text(tmp_path: Path, build_site) -> None:
    evil = '<script>alert(1)</script> $\\\\mathtext$ @alpha2020open javascript:alert(1)'
    entry = f"""\
key: alpha2020open
quadrant: broad-descriptive
quotes:
  - text: "{evil}"
    page: "3"
rationale: "{evil} [click](javascript:alert(1)) <img src=x onerror=alert(1)>"
edge_case: "{evil}"
placed_by: "<b>mallory</b>"
"""
    site = build_site(write_sample(tmp_path / "p", entries={"evil": entry}))
    html = (site / "entries" / "evil" / "index.html").read_text()
    article = re.search(r"<article.*?</article>", html, re.S).group(0)
    assert "<script>alert" not in article and "<img src=x" not in article and "<b>mallory" not in article
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article
    assert 'href="javascript' not in article

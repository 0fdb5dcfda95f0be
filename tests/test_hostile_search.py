"""Hostile contributions, round 3, as real builds: the search index holds text and never markup,
the CSV downloads cannot pair a quote with the wrong page or work, and a GitHub handle is one
person whatever its case. (The browser side is tests/test_hostile_search_browser.py.)"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from .hostile_search import FIELDS, build_search_hostile

KEPT = {"p", "code", "pre", "li", "ol", "ul", "sub", "sup"}
"""The only elements Material's own indexer keeps in a section's text, never with attributes."""


@pytest.fixture(scope="module")
def search_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_search_hostile(tmp_path_factory.mktemp("search-hostile") / "p")


class Elements(HTMLParser):
    """Every element and comment a browser would make of a string inserted as HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append(f"<{tag}{''.join(' ' + name for name, _ in attrs)}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.found.append("<!--")

    def handle_decl(self, decl: str) -> None:
        self.found.append("<!")

    def unknown_decl(self, data: str) -> None:
        self.found.append("<![")


def elements(text: str) -> list[str]:
    parser = Elements()
    parser.feed(text)
    parser.close()
    return parser.found


def index_strings(site: Path) -> list[tuple[str, str, str]]:
    """(location, field, string) of every title, text and tag in the search index."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    out = []
    for doc in index["docs"]:
        for field in ("title", "text"):
            out.append((doc["location"], field, doc.get(field, "")))
        out.extend((doc["location"], "tags", tag) for tag in doc.get("tags", ()))
    return out


def test_the_search_index_holds_no_markup_from_any_field(search_site: Path) -> None:
    strings = index_strings(search_site)
    for location, field, text in strings:
        if field == "tags":  # a tag is text: not even the elements the theme keeps in page text
            assert "<" not in text and ">" not in text, (location, text)
        else:
            stray = [e for e in elements(text) if e.strip("<>") not in KEPT]
            assert stray == [], (location, field, stray)


@pytest.mark.parametrize("field", list(FIELDS))
def test_every_contributed_field_reaches_the_index_as_escaped_text(search_site: Path, field: str) -> None:
    word = FIELDS[field]
    hits = [(location, kind, text) for location, kind, text in index_strings(search_site) if word in text]
    assert hits, f"{field}: {word} is not searchable"
    for location, kind, text in hits:
        after = text[text.index(word) + len(word) :]
        # escaped as the theme escapes page text: a browser shows "<img …>" and makes no element
        assert after.startswith(" &lt;img src=x onerror="), (location, kind, after[:40])
        assert "&lt;script&gt;window.__pwned_search=2&lt;/script&gt;" in after, (location, kind)


def test_an_entry_is_tagged_with_its_organisation_datasets_and_first_creator_as_text(search_site: Path) -> None:
    index = json.loads((search_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    tags: dict[str, Any] = {d["location"]: d.get("tags") for d in index["docs"]}
    words = [tag.split(" ", 1)[0] for tag in tags["entries/qwz/"]]
    assert words == [FIELDS["organisation"], FIELDS["datasets"], FIELDS["author"]]
    assert [tag.split(" ", 1)[0] for tag in tags["entries/qwz-edited/"]] == [FIELDS["editor"]]  # editors when no authors
    assert all("&lt;img" in tag for tag in tags["entries/qwz/"])

"""Whose words a quote is: on every built page, each quote carries its author (and the work it was
read in) and page, and the source paper's words never appear under another work's name."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from living_survey import load_survey
from living_survey.model.works import PUBLISHED, placer_kind

from ..conftest import ROOT, write_sample

SOURCE_KEY = "kirk2023empty"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    classes: tuple[str, ...] = ()
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def elements(self) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node)]

    def walk(self):
        yield self
        for child in self.elements():
            yield from child.walk()


class TreeBuilder(HTMLParser):
    """A small DOM from the standard library's parser (our pages are well-formed HTML5)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, tuple((dict(attrs).get("class") or "").split()))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def squash(text: str) -> str:
    return " ".join(text.split())


def displayed_quotes(root: Node) -> list[tuple[str, str | None]]:
    """(quote text, text of its attribution element or None) for every quote on a page.

    A quote is a ``<q>`` (cards), whose attribution is the ``.ls-quote-source`` element right after
    it, or a ``<blockquote class="ls-quote">`` (entry pages), whose attribution is inside it.
    """
    found = []
    for node in root.walk():
        if node.tag == "blockquote" and "ls-quote" in node.classes:
            paragraphs = node.elements()
            source = next((p for p in paragraphs if "ls-quote-source" in p.classes), None)
            found.append((squash(paragraphs[0].text()).strip("“”"), squash(source.text()) if source else None))
        for i, child in enumerate(node.children):
            if isinstance(child, Node) and child.tag == "q":
                after = [c for c in node.children[i + 1 :] if not (isinstance(c, str) and not c.strip())]
                source = after[0] if after and isinstance(after[0], Node) and "ls-quote-source" in after[0].classes else None
                found.append((squash(child.text()), squash(source.text()) if source else None))
    return found


def expected_attribution(survey, quote) -> str:
    refs = survey.library.references
    cited = refs[quote.cite]
    out = f"— {cited.label_authors} ({cited.year}, p. {quote.cited_page})" if quote.cited_page else f"— {cited.narrative}"
    if quote.via:
        out += f", quoted in {refs[quote.via].narrative}"
    return f"{out}, p. {quote.page}"


def matching_quotes(survey, shown: str) -> list:
    """The entry quotes a displayed text can be: the whole text, or its start when shortened with …."""
    prefix = shown[:-1].rstrip() if shown.endswith("…") else None
    quotes = [q for e in survey.entries for q in e.quotes]
    return [q for q in quotes if squash(q.text) == shown or (prefix and squash(q.text).startswith(prefix))]


def claimed_by_contributors(survey, shown: str) -> list:
    """The quotes a displayed text can be that a contributor (not a published work) placed and
    gave as someone other than the source's words: their entries follow their own rules."""
    contributed = [e for e in survey.entries if placer_kind(e.placed_by, survey.library) != PUBLISHED]
    texts = {id(q) for q in matching_quotes(survey, shown)}
    return [q for e in contributed for q in e.quotes if id(q) in texts and q.cite != SOURCE_KEY]


def test_launch_entries_never_give_the_sources_words_as_another_works(survey) -> None:
    """The rule the page check relaxes for contributors holds for every published placement."""
    source_words = {squash(q.text) for e in survey.entries for q in e.quotes if q.cite == SOURCE_KEY}
    assert source_words
    for entry in survey.entries:
        if placer_kind(entry.placed_by, survey.library) == PUBLISHED:
            for quote in entry.quotes:
                assert quote.cite == SOURCE_KEY or squash(quote.text) not in source_words, (entry.id, quote.text[:60])


@pytest.fixture(scope="module")
def survey():
    return load_survey(ROOT, ROOT / "framework.yml", ROOT / "entries", ROOT / "references.bib")


def test_every_quote_on_every_page_names_its_author_and_page(real_site: Path, survey) -> None:
    source_label = survey.library[SOURCE_KEY].narrative
    seen = 0
    sources_words = [squash(q.text)[:60] for e in survey.entries for q in e.quotes if q.cite == SOURCE_KEY]
    for page in sorted(real_site.rglob("*.html")):
        where = page.relative_to(real_site).as_posix()
        html = page.read_text(encoding="utf-8")
        shown_here = displayed_quotes(parse(html))
        # the source's words appear nowhere on the page (not even in a meta tag) but in a quote element
        anywhere = squash(unescape(html))
        for words in sources_words:
            assert anywhere.count(words) == sum(shown.startswith(words) for shown, _ in shown_here), (where, words)
        for shown, attribution in shown_here:
            candidates = matching_quotes(survey, shown)
            assert candidates, (where, shown)
            assert attribution is not None, (where, shown, "has no attribution next to it")
            assert attribution in {expected_attribution(survey, q) for q in candidates}, (where, shown, attribution)
            if any(q.cite == SOURCE_KEY for q in candidates):
                # the source's own words are never shown under the name of the work they describe,
                # unless a contributor's entry claims those words as the work's own: that claim is
                # theirs (their entry's page), shown as they wrote it; launch entries never make it
                claimed = {expected_attribution(survey, q) for q in claimed_by_contributors(survey, shown)}
                assert attribution.startswith(f"— {source_label},") or attribution in claimed, (where, shown, attribution)
            seen += 1
    cards = sum(1 for q in survey.framework.quadrants for _ in survey.entries_in(q.id))
    assert seen >= cards + sum(len(e.quotes) for e in survey.entries)


def test_each_card_prefers_the_works_own_words_and_otherwise_names_the_source(real_site: Path, survey) -> None:
    for quadrant in survey.framework.quadrants:
        page = parse((real_site / "quadrants" / quadrant.id / "index.html").read_text(encoding="utf-8"))
        cards = [n for n in page.walk() if n.tag == "li" and "ls-entry-card" in n.classes]
        by_title = {squash(c.text()): c for c in cards}
        for entry in survey.entries_in(quadrant.id):
            label = survey.library[entry.key].label
            card = next(c for t, c in by_title.items() if t.startswith(label + " "))
            ((shown, attribution),) = displayed_quotes(card)
            own = [q for q in entry.quotes if q.cite == entry.key]
            if own:
                ref = survey.library[entry.key]
                assert attribution.startswith((f"— {ref.narrative}", f"— {ref.label_authors} ({ref.year}, p. ")), (entry.id, attribution)
            else:
                assert attribution.startswith(f"— {survey.library[SOURCE_KEY].narrative},"), (entry.id, attribution)


def test_search_snippets_carry_the_attribution_after_each_quote(real_site: Path, survey) -> None:
    index = json.loads((real_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    checked = 0
    for doc in index["docs"]:
        text = squash(re.sub(r"<[^>]+>", " ", doc["text"]))
        for entry in survey.entries:
            for quote in entry.quotes:
                if quote.cite != SOURCE_KEY:
                    continue
                words = squash(quote.text)
                # the source's attribution, or the attribution a contributor's entry gives the same words
                allowed = (
                    expected_attribution(survey, quote),
                    *(expected_attribution(survey, q) for q in claimed_by_contributors(survey, words)),
                )
                at = text.find(words)
                while at >= 0:
                    after = text[at + len(words) :].lstrip('”" ')
                    assert after.startswith(allowed), (doc["location"], words[:40], after[:60])
                    checked += 1
                    at = text.find(words, at + 1)
    assert checked, "no quote of the source was found in the search index"


def test_a_second_hand_quote_is_printed_with_where_it_was_read(tmp_path: Path, build_site) -> None:
    entry = """\
key: alpha2020open
quadrant: broad-descriptive
position: [-0.5, -0.5]
quotes:
  - text: "the source's own summary of it"
    cite: source2023map
    page: "2"
  - text: "words of the work, read in the source"
    via: source2023map
    page: "4"
rationale: "Placed here."
placed_by: source2023map
added: "2024-01-15"
"""
    site = build_site(write_sample(tmp_path / "p", entries={"alpha-2020": entry}))
    page = parse((site / "entries" / "alpha-2020" / "index.html").read_text(encoding="utf-8"))
    assert displayed_quotes(page) == [
        ("the source's own summary of it", "— Survey Group (2023), p. 2"),
        ("words of the work, read in the source", "— Alpha et al. (2020), quoted in Survey Group (2023), p. 4"),
    ]
    card = parse((site / "quadrants" / "broad-descriptive" / "index.html").read_text(encoding="utf-8"))
    # the card prefers the work's own words, even read second-hand, to the source's summary
    assert displayed_quotes(card) == [
        ("words of the work, read in the source", "— Alpha et al. (2020), quoted in Survey Group (2023), p. 4")
    ]

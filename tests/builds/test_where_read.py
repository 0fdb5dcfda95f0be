"""Where a quote was read: a page, the abstract (checked against the record's abstract), or a
locator such as a section; shown as such everywhere, never as "p. abstract"."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from html import unescape
from pathlib import Path

import jsonschema

from ..conftest import SAMPLE_BIB, living_survey, write_sample

ABSTRACT_BIB = (
    SAMPLE_BIB
    + r"""
@misc{abs2024open,
  author = {Abs, Ada and R{\"o}ttger, Paul},
  title = {Open feedback from many people},
  year = {2024},
  abstract = {We ask {\em many} people   which reply
    they prefer, and give them no definition of a good reply. R\"ottger's rubric is not used.}
}
"""
)

ENTRY = """\
key: abs2024open
quadrant: broad-descriptive
position: [-0.5, -0.5]
quotes:
  - text: "We ask many people which reply they prefer, and give them no definition of a good reply."
    page: abstract
  - text: "Röttger's rubric is not used."
    page: "abstract"
  - text: "Annotators chose freely."
    locator: "§3.2"
  - text: "We ask many people … no definition"
    page: "4"
    locator: "para. 2"
rationale: >-
  The reply is judged by each annotator, with no definition given.
placed_by: "@octocat"
added: "2024-05-01"
"""


def project(tmp_path: Path, entry: str = ENTRY) -> Path:
    root = write_sample(tmp_path / "p", bib=ABSTRACT_BIB)
    (root / "entries" / "abs-2024.yaml").write_text(entry, encoding="utf-8")
    return root


def validate(root: Path) -> tuple[int, list[str]]:
    done = living_survey("validate", root=root)
    return done.returncode, done.stdout.splitlines()


def test_quotes_read_in_the_abstract_or_at_a_locator_are_shown_as_such_everywhere(tmp_path: Path, build_site: Callable[..., Path]) -> None:
    root = project(tmp_path)
    assert validate(root) == (0, [])
    site = build_site(root)
    page = unescape((site / "entries" / "abs-2024" / "index.html").read_text(encoding="utf-8"))
    sources = [re.sub(r"<[^>]+>", "", s).strip() for s in re.findall(r'<p class="ls-quote-source">(.*?)</p>', page, re.S)]
    assert [s.split("), ", 1)[1] for s in sources] == [
        "abstract",
        "abstract",
        "§3.2",
        "p. 4, para. 2",
    ]
    assert "p. abstract" not in page and "p. §" not in page
    # the quadrant card shows the first quote with where it was read
    card = unescape((site / "quadrants" / "broad-descriptive" / "index.html").read_text(encoding="utf-8"))
    assert re.search(
        r"<strong>Abs and Röttger, 2024</strong>.*?<span class=\"ls-quote-source\">— Abs and Röttger \(2024\), abstract</span>", card, re.S
    )
    assert "p. abstract" not in card
    # the data files keep page and locator apart, and the export validates against its schema
    data = json.loads((site / "data" / "entries.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads((site / "data" / "entries.schema.json").read_text(encoding="utf-8")))
    (placement,) = [p for w in data["works"] for p in w["placements"] if p["id"] == "abs-2024"]
    assert [(q["page"], q["locator"]) for q in placement["quotes"]] == [
        ("abstract", None),
        ("abstract", None),
        (None, "§3.2"),
        ("4", "para. 2"),
    ]
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO((site / "data" / "entries.csv").read_text(encoding="utf-8")))}
    assert rows["abs-2024"]["pages"] == "abstract | abstract |  | 4"
    assert rows["abs-2024"]["quote_locators"] == " |  | §3.2 | para. 2"
    # the schema published for editors knows both
    schema = json.loads((site / "data" / "entry.schema.json").read_text(encoding="utf-8"))
    quote = schema["properties"]["quotes"]["items"]
    assert "locator" in quote["properties"] and re.match(quote["properties"]["page"]["pattern"], "abstract")


def test_a_quote_marked_abstract_that_is_not_in_the_abstract_is_a_located_error(tmp_path: Path) -> None:
    entry = ENTRY.replace("give them no definition of a good reply", "give them a definition of a good reply")
    entry = entry.replace("Röttger's rubric is not used.", "Rottger's rubric is not used.")  # LaTeX decodes to ö
    root = project(tmp_path, entry)
    code, out = validate(root)
    assert code == 1
    assert len(out) == 2, out
    first, second = out
    assert first.startswith("entries/abs-2024.yaml:5: quotes[0].text: is not in the abstract of 'abs2024open' (references.bib:")
    assert "then differs at 'a definition of a good reply" in first
    assert second.startswith("entries/abs-2024.yaml:7: quotes[1].text: is not in the abstract of 'abs2024open'")
    # a record without an abstract leaves nothing to check the quote against
    (root / "references.bib").write_text(ABSTRACT_BIB.split("  abstract = {")[0] + "}\n", encoding="utf-8")
    assert validate(root) == (0, [])


def test_a_quote_with_neither_page_nor_locator_says_what_to_give(tmp_path: Path) -> None:
    root = project(tmp_path, ENTRY.replace('    locator: "§3.2"\n', ""))
    code, out = validate(root)
    assert code == 1
    assert out == [
        'entries/abs-2024.yaml:9: quotes[2].page: missing; give the page the words are on ("12", "abstract"), or a locator instead ("§3.2")'
    ]
    root = project(tmp_path / "again", ENTRY.replace("page: abstract", "page: p. abstract"))
    code, out = validate(root)
    assert code == 1 and out[0].startswith("entries/abs-2024.yaml:6: quotes[0].page: 'p. abstract' is not a page")

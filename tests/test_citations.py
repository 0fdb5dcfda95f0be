"""Citation syntax in Markdown: what is a citation, what is not, and where it was."""

from __future__ import annotations

from living_survey.citations import replace_citations


def render(group, narrative):
    body = ";".join(c.key + (f"|{c.locator}" if c.locator else "") + ("|-" if c.suppress_author else "") for c in group)
    return ("N{" if narrative else "P{") + body + "}"


def cite(text: str):
    return replace_citations(text, render)


def test_every_citation_form() -> None:
    out, found = cite("See [@a2020] and [@b2021, p. 21], [@c; @d, pp. 3-4], [-@e] and @f2019 says.")
    assert out == "See P{a2020} and P{b2021|p. 21}, P{c;d|pp. 3-4}, P{e|-} and N{f2019} says."
    assert [c.key for c in found] == ["a2020", "b2021", "c", "d", "e", "f2019"]


def test_non_citations_are_left_alone() -> None:
    text = (
        "Mail a@example.org, see https://medium.com/@user or [x](https://x.org/@k) or <https://y.org/@z>.\n"
        "`[@code]` and\n```\n@fenced [@fenced]\n```\n<!-- @comment --> <a href=\"mailto:q@r.org\">m</a>\n"
    )
    out, found = cite(text)
    assert out == text and found == []


def test_citation_lines_are_counted_from_the_first_line() -> None:
    _, found = replace_citations("one\n\n```\n@x\n```\nthen [@late]\n", render, first_line=10)
    assert [(c.key, c.line) for c in found] == [("late", 15)]


def test_bracket_citation_before_punctuation() -> None:
    out, _ = cite("into data [@kirk2023empty]: two decisions; see [@a].")
    assert out == "into data P{kirk2023empty}: two decisions; see P{a}."

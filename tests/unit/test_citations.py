"""Citation syntax in Markdown: what is a citation, what is not, and where it was."""

from __future__ import annotations

from living_survey.model.markdown_citations import replace_citations


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
        '`[@code]` and\n```\n@fenced [@fenced]\n```\n<!-- @comment --> <a href="mailto:q@r.org">m</a>\n'
    )
    out, found = cite(text)
    assert out == text and found == []


def test_citation_lines_are_counted_from_the_first_line() -> None:
    _, found = replace_citations("one\n\n```\n@x\n```\nthen [@late]\n", render, first_line=10)
    assert [(c.key, c.line) for c in found] == [("late", 15)]


def test_bracket_citation_before_punctuation() -> None:
    out, _ = cite("into data [@kirk2023empty]: two decisions; see [@a].")
    assert out == "into data P{kirk2023empty}: two decisions; see P{a}."


# -- bounded time: 1 MiB of adversarial text costs about what 1 MiB of prose does -------------

TIMING = r"""
import sys, time
from living_survey.model.markdown_citations import replace_citations

N = 1 << 20


def fill(unit):
    return (unit * (N // len(unit) + 1))[:N]


CASES = {
    "plain": fill("Prose that cites @alpha2020 and [@beta2021, p. 3] now and then.\n"),
    "key then backticks": "@key" + "`" * N,
    "backtick runs of every length": "@k " + "".join("`" * n + "x" for n in range(1, 1400)),
    "bracket then at signs": "[" + "@" * N,
    "brackets and at signs": fill("[@"),
    "nested brackets": fill("[[@a]" + " " * 20),
    "unclosed comments": fill("<!--@"),
    "unclosed tags": fill("<a @"),
    "unclosed link targets": fill("](@"),
    "unclosed fences": fill("\n~~~~ @\n"),
    "fences": fill("```\n@x\n"),
    "locator of spaces": "[@a," + " " * N + "x]",
    "keys ending in dots": fill("@a" + "." * 50 + " "),
    "a citation on every line": fill("@a" + " " * 20 + "\n"),  # lines are counted once, not per citation
}


def render(group, narrative):
    return "X"


for name, text in CASES.items():
    start = time.thread_time()
    replace_citations(text, render)
    print(f"{name}\t{time.thread_time() - start}")
"""


def test_the_citation_scanner_is_linear_on_adversarial_input() -> None:
    import subprocess
    import sys

    # a subprocess with a deadline: a regression must fail the test, not hang the suite
    run = subprocess.run([sys.executable, "-c", TIMING], capture_output=True, text=True, timeout=120, check=True)
    times = dict(line.rsplit("\t", 1) for line in run.stdout.splitlines())
    plain = float(times.pop("plain"))
    slow = {name: float(t) for name, t in times.items() if float(t) > 10 * plain + 0.5}
    assert slow == {}, f"plain 1 MiB: {plain:.3f}s"


def test_protected_spans_follow_commonmark_closely() -> None:
    # an unclosed fence protects to the end; a longer closing fence closes it
    assert cite("```\n@a\n")[1] == [] and cite("```\n@a\n````\n@b")[1][0].key == "b"
    # a backtick run closes only with a run of the same length
    assert [c.key for c in cite("``@a` @b`` @c")[1]] == ["c"]
    assert [c.key for c in cite("x ```` @a")[1]] == ["a"]  # an unmatched run is text
    # an unclosed comment or tag protects nothing
    assert [c.key for c in cite("<!-- @a")[1]] == ["a"] and [c.key for c in cite("<a @b\n>")[1]] == ["b"]
    # a locator keeps its inner spaces, not the outer ones
    assert cite("[@a,   p.  3  ]")[0] == "P{a|p.  3}"

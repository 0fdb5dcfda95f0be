"""references.bib parsing: names, labels, disambiguation, malformed records, escaping."""

from __future__ import annotations

import re

import pytest

from living_survey.model.bibliography import decode, name_list, parse_bibliography, reference_html, reference_text

from ..conftest import ROOT


def parse(text: str):
    return parse_bibliography(text, "references.bib")


def test_names_von_jr_corporate_accents_and_others() -> None:
    lib = parse(
        r"""@misc{x2020a,
  author = {R{\"o}ttger, Paul and {Stanford NLP Group} and van der Berg, Jan and King, Jr., Martin and Noem{\'\i} Mercado and {\v{Z}}i{\v{z}}ek, Slavoj and others},
  title = {T}, year = {2020}}"""
    )
    names = lib["x2020a"].authors
    assert [n.surname for n in names[:6]] == ["Röttger", "Stanford NLP Group", "van der Berg", "King", "Mercado", "Žižek"]
    assert names[3].jr == "Jr." and names[4].first == "Noemí" and names[-1].is_others
    assert name_list(names) == "Röttger, P., Stanford NLP Group, van der Berg, J., King, M., Jr., Mercado, N., Žižek, S., et al."
    assert lib["x2020a"].label == "Röttger et al., 2020"


def test_label_forms_and_a_b_disambiguation() -> None:
    lib = parse(
        """@misc{one, author={Solo, Sam}, title={A}, year={2020}}
@misc{two, author={Pair, Pat and Duo, Dee}, title={B}, year={2021}}
@misc{b1, author={Bai, Yuntao and Jones, Andy and Ndousse, K.}, title={Training a helpful assistant}, year={2022}}
@misc{b2, author={Bai, Yuntao and Kadavath, S. and Kundu, S.}, title={Constitutional AI}, year={2022}}
@misc{o1, author={{OpenAI}}, title={System card}, year={2023}}
@misc{o2, author={{OpenAI}}, title={How should AI systems behave}, year={2023}}
@misc{o3, author={{OpenAI}}, title={Snapshot}, year={2023}}"""
    )
    assert lib["one"].label == "Solo, 2020" and lib["one"].narrative == "Solo (2020)"
    assert lib["two"].label == "Pair and Duo, 2021"
    assert (lib["b2"].label, lib["b1"].label) == ("Bai et al., 2022a", "Bai et al., 2022b")
    assert [lib[k].label for k in ("o2", "o3", "o1")] == ["OpenAI, 2023a", "OpenAI, 2023b", "OpenAI, 2023c"]
    assert "(2023a)" in reference_text(lib["o2"])


def test_string_macros_months_and_crossref() -> None:
    lib = parse(
        """@string{conf = "Proceedings of Tests"}
@proceedings{proc, title = conf, year = {2019}, publisher = {ACL}}
@inproceedings{paper, author = {A, B}, title = {P}, crossref = {proc}, month = mar}"""
    )
    paper = lib["paper"]
    assert paper.get("booktitle") == "Proceedings of Tests"
    assert paper.get("year") == "2019" and paper.get("month") == "March"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("@misc{ok, title={Fine}}\n\n@article{broken,\n  title = {Unclosed\n@misc{next, title={N}}\n", 3, "could not be parsed"),
        ("@misc{dup, title={One}}\n@misc{dup, title={Two}}\n", 2, "duplicate key 'dup' (first defined on line 1)"),
        ("@misc{ok, title={Fine}}\n\narticle{lost,\n  title = {No at sign}\n}\n", 3, "looks like a record without its '@'"),
        ("@misc{a, title={Same work}, doi={10.1/X}}\n@misc{b, title={Other}, doi={https://doi.org/10.1/x}}\n", 2, "same DOI as 'a'"),
        ("@misc{a, title={Same  Work!}}\n@misc{b, title={same work}}\n", 2, "same title as 'a'"),
        ("@misc{a, title={T}, crossref={nowhere}}\n", 1, "crossref 'nowhere' is not in the file"),
    ],
)
def test_malformed_bib_is_reported_with_its_line(text: str, line: int, fragment: str) -> None:
    problems = [str(p) for p in parse(text).problems]
    assert any(p.startswith(f"references.bib:{line}: ") and fragment in p for p in problems), problems


def test_bibtex_text_is_escaped_and_javascript_urls_are_not_links() -> None:
    lib = parse(
        r"""@misc{evil, author={<script>alert(1)</script>}, title={<img src=x onerror=alert(1)> $\frac{1}{2}$}, url={javascript:alert(1)}, year={2020}}"""
    )
    html = str(reference_html(lib["evil"]))
    assert "<script>" not in html and "<img" not in html and "&lt;img" in html
    assert "javascript:" not in html and "href" not in html


def test_latex_is_decoded_for_display() -> None:
    assert decode(r"Tr{\k{e}}bacz and Luko{\v{s}}i{\={u}}t{\.{e}} --- ``quoted''") == "Trębacz and Lukošiūtė — “quoted”"


def test_the_shipped_bibliography() -> None:
    lib = parse_bibliography((ROOT / "references.bib").read_text(encoding="utf-8"), "references.bib")
    assert lib.problems == ()
    # the source's 72 numbered references (two listed twice) and the source itself; contributions add more
    assert len(lib) >= 71
    labels = {r.label for r in lib}
    assert {"Bai et al., 2022a", "Bai et al., 2022b", "OpenAI, 2023c", "Liu et al., 2022b", "Kirk et al., 2023c"} <= labels
    for ref in lib:
        text = reference_text(ref)
        assert "\\" not in text and "{" not in text, (ref.key, text)


# -- decoding what BibTeX writes, as written -----------------------------------------------------


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"{BERT} gets 50% better", "BERT gets 50% better"),
        (r"50\% and {R}{\"o}ttger", "50% and Röttger"),
        (r"With \LaTeX{} and \TeX and \BibTeX", "With LaTeX and TeX and BibTeX"),
        (r"\url{https://example.org/~me/a_b%20c}", "https://example.org/~me/a_b%20c"),
        (r"see \href{https://example.org/x\_y}{the \emph{site}}", "see the site (https://example.org/x_y)"),
        (r"$\alpha$-divergence for $n$-grams", "α-divergence for n-grams"),
        (r"$\mathtext{x}$ and $x^2$ stay", r"$\mathtext{x}$ and $x^2$ stay"),
        (r"costs \$5 {and} a lone $ sign", "costs $5 and a lone $ sign"),
        (r"a~b ``quoted'' -- and --- dashes", "a b \u201cquoted\u201d \u2013 and \u2014 dashes"),
    ],
)
def test_decoding_keeps_what_was_meant(latex: str, text: str) -> None:
    assert decode(latex) == text


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (r"\href{https://example.org/}", "expected a {…} argument"),
        (r"\href{javascript:alert(1)}{x}", "a link must be a web address"),
        (r"\url{ftp://example.org/}", "a link must be a web address"),
        ("{" * 100 + "x" + "}" * 100, "nested more than 32 deep"),
        (r"half a \frac", "cannot be read as LaTeX"),
    ],
)
def test_what_cannot_be_decoded_is_a_located_problem(value: str, reason: str) -> None:
    lib = parse(f"@misc{{k2020,\n  author = {{A, B}},\n  title = {{{value}}},\n  year = {{2020}}\n}}\n")
    assert [str(p) for p in lib.problems if "k2020: title" in str(p)] and reason in str(lib.problems), lib.problems
    assert any(str(p).startswith("references.bib:3: k2020: title: ") for p in lib.problems)


def test_footnotes_and_urls_never_crash_and_urls_keep_their_tilde() -> None:
    lib = parse(
        "@misc{k2020, author = {A\\footnote{x}, B}, title = {T\\footnote{note}}, year = {2020},\n url = {\\url{https://example.org/~a/}}}\n"
    )
    assert lib.problems == () and lib["k2020"].link == "https://example.org/~a/"


def test_a_missing_comma_is_named_and_the_swallowed_year_is_not_blamed_twice() -> None:
    lib = parse(
        "@misc{k2024,\n  author = {A, B},\n  title = {T},\n  year = {2024}\n  eprint = {2404.16019},\n  archiveprefix = {arXiv}\n}\n"
    )
    assert [str(p) for p in lib.problems] == [
        "references.bib:4: k2024: year: likely missing comma before 'eprint': end the line before it with a comma"
    ]


def test_identifiers_are_checked_and_good_ones_pass() -> None:
    good = parse(
        "@article{k2020, author = {A, B}, title = {T}, year = {2020}, doi = {https://doi.org/10.18653/v1/2020.acl-main.1},"
        " eprint = {hep-th/9901001v2}, url = {https://example.org/a?b=c}}\n"
        "@misc{j2021, organization = {Org}, title = {U}, year = {2021}, eprint = {2404.16019v3}, archiveprefix = {arXiv}}\n"
        "@misc{h2021, editor = {E, F}, title = {V}, year = {2021}, eprint = {hal-01234}, eprinttype = {HAL}}\n"
    )
    assert good.problems == ()


def test_keys_differing_only_in_case_are_one_key() -> None:
    lib = parse(
        "@misc{Smith2020, author = {S, A}, title = {A}, year = {2020}}\n@misc{smith2020, author = {S, A}, title = {B}, year = {2020}}\n"
    )
    assert [str(p) for p in lib.problems] == [
        "references.bib:2: smith2020: duplicate key: 'Smith2020' (line 1) differs only in letter case, "
        "and BibTeX ignores case in keys; rename one"
    ]


def test_anchors_differ_for_keys_that_differ() -> None:
    from living_survey.pages.page_content import anchor

    keys = ["a:b", "a-b", "a/b", "a_b", "a.b", "a+b", "a_3a_b", "ab", "a__b"]
    anchors = [anchor(k) for k in keys]
    assert len(set(anchors)) == len(keys)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", a) for a in anchors) and anchor("kirk2023empty") == "kirk2023empty"


def test_an_abbreviated_venue_ends_with_one_full_stop() -> None:
    lib = parse(
        "@article{a2020, author = {A, B}, title = {T}, journal = {Proc.}, year = {2020}}\n"
        "@inproceedings{b2020, author = {A, B}, title = {U}, booktitle = {Proc. Conf.}, year = {2020}}\n"
    )
    assert reference_text(lib["a2020"]).endswith("T. Proc.")
    assert reference_text(lib["b2020"]).endswith("In Proc. Conf.")
    assert ".." not in str(reference_html(lib["a2020"])) + str(reference_html(lib["b2020"]))


BIB_TIMING = r"""
import time
from living_survey.model.bibliography import parse_bibliography

N = 1 << 18


def fill(unit):
    return (unit * (N // len(unit) + 1))[:N]


CASES = {
    "plain": "".join(f"@misc{{k{i}, author = {{Alpha, Ann and Beta, Bob}}, title = {{Title {i}}}, year = {{2020}}}}\n" for i in range(N // 80)),
    "one long braced title": "@misc{k, title = {" + "{" * 30 + "\\'e" + "x" * N + "}" * 31 + ", year = {2020}}",
    "a field that swallowed the file": "@misc{k, author = {A, B}, title = {t}, year = {2020}\n" + fill("x = {1}\n") + "}",
    "records without their @": fill("misc{k, title = x,\n"),
    "blank lines": fill("\n"),
    "bare words": "@misc{k, " + fill("a = ") + "}",
}
for name, text in CASES.items():
    parse_bibliography.cache_clear()
    start = time.thread_time()
    parse_bibliography(text, "references.bib")
    print(f"{name}\t{time.thread_time() - start}")
"""


def test_the_bibliography_is_read_in_bounded_time() -> None:
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", BIB_TIMING], capture_output=True, text=True, timeout=120, check=True)
    times = dict(line.rsplit("\t", 1) for line in run.stdout.splitlines())
    plain = float(times.pop("plain"))
    slow = {name: float(t) for name, t in times.items() if float(t) > 10 * plain + 0.5}
    assert slow == {}, f"plain 256 KiB: {plain:.3f}s"

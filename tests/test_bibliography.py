"""references.bib parsing: names, labels, disambiguation, malformed records, escaping."""

from __future__ import annotations

import pytest

from living_survey.bibliography import decode, parse_bibliography
from living_survey.formatting import name_list, reference_html, reference_text

from .conftest import ROOT


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
    lib = parse(r"""@misc{evil, author={<script>alert(1)</script>}, title={<img src=x onerror=alert(1)> $\frac{1}{2}$}, url={javascript:alert(1)}, year={2020}}""")
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
    assert {"Bai et al., 2022a", "Bai et al., 2022b", "OpenAI, 2023c", "Liu et al., 2023b", "Kirk et al., 2023c"} <= labels
    for ref in lib:
        text = reference_text(ref)
        assert "\\" not in text and "{" not in text, (ref.key, text)

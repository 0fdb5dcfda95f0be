"""The scoring rule: answers give the point, the same in Python and in the locator's script.

The rule is read from the framework file by both; the agreement test runs the script's pure
scoring function under Node (no browser) on every combination of answers to each axis of the
shipped framework, and on a seeded sample of a framework with awkward scores.
"""

from __future__ import annotations

import itertools
import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from living_survey import SurveyError, load_framework, load_survey
from living_survey.model.framework import Axis, Framework, Option, Question, Scoring
from living_survey.model.scoring import axis_value, point, rounded

from ..conftest import ROOT, SAMPLE_ENTRY, write_sample

SCRIPT = ROOT / "tools" / "living_survey" / "assets" / "locator.js"
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="Node is not installed: the locator's script cannot be run outside a browser")

RUNNER = """
const scoring = require(process.argv[1]);
let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const job = JSON.parse(input);
  const out = job.cases.map(([axis, given]) => scoring.scoreAxis(job.axes[axis], job.scoring, given).value);
  process.stdout.write(JSON.stringify(out));
});
"""


def framework() -> Framework:
    return load_framework(ROOT / "framework.yml", "framework.yml")


def _axis_json(axis: Axis) -> dict[str, Any]:
    return {"questions": [{"id": q.id, "options": [{"score": o.score} for o in q.options]} for q in axis.questions]}


def _combinations(axis: Axis) -> list[dict[str, int]]:
    """Every way to answer the axis's questions: each unanswered or one of its options."""
    choices = [[None, *range(len(q.options))] for q in axis.questions]
    return [{q.id: c for q, c in zip(axis.questions, combo, strict=True) if c is not None} for combo in itertools.product(*choices)]


def _run_script(axes: list[Axis], scoring: Scoring, cases: list[tuple[int, dict[str, int]]]) -> list[float | None]:
    assert NODE is not None
    job = {
        "axes": [_axis_json(a) for a in axes],
        "scoring": {"rule": scoring.rule, "decimals": scoring.decimals, "nudge": scoring.nudge},
        "cases": cases,
    }
    done = subprocess.run([NODE, "-e", RUNNER, str(SCRIPT)], input=json.dumps(job), capture_output=True, text=True, check=True, timeout=120)
    return json.loads(done.stdout)


@needs_node
def test_python_and_script_agree_on_every_combination_of_answers() -> None:
    fw = framework()
    cases = [(i, given) for i, axis in enumerate(fw.axes) for given in _combinations(axis)]
    expected = [axis_value(fw.axes[i], given, fw.scoring) for i, given in cases]
    got = _run_script(list(fw.axes), fw.scoring, cases)
    assert len(got) == len(cases)
    differ = [(cases[n], expected[n], got[n]) for n in range(len(cases)) if expected[n] != got[n]]
    assert differ == []
    # the enumeration reached both poles and the dividing line on each axis
    for i in range(2):
        values = {v for (axis, _), v in zip(cases, expected, strict=True) if axis == i}
        assert {-1.0, 0.0, 1.0, None} <= values


@needs_node
def test_python_and_script_agree_on_awkward_scores_and_precisions() -> None:
    rng = random.Random(26)
    for decimals in (0, 1, 2, 3):
        questions = tuple(
            Question(
                f"q{n}",
                f"Question {n}",
                tuple(
                    Option(f"option {k}", None if rng.random() < 0.1 else round(rng.uniform(-1, 1), rng.choice((1, 2, 3, 6))))
                    for k in range(rng.randint(2, 9))
                ),
            )
            for n in range(7)
        )
        axis = Axis("x", "X", _pole(), _pole(), questions=questions)
        scoring = Scoring(decimals=decimals)
        cases = []
        for _ in range(3000):
            given = {q.id: rng.randrange(len(q.options)) for q in questions if rng.random() < 0.7}
            cases.append((0, given))
        expected = [axis_value(axis, given, scoring) for _, given in cases]
        assert _run_script([axis], scoring, cases) == expected


def _pole() -> Any:
    from living_survey.model.framework import Pole

    return Pole("P", "a pole")


def test_rounding_is_half_up_not_to_even() -> None:
    assert rounded(0.125, 2) == 0.13 and rounded(-0.125, 2) == -0.12 and rounded(0.5, 0) == 1.0
    assert rounded(-0.004, 2) == 0.0 and str(rounded(-0.004, 2)) == "0.0"  # no negative zero


def test_null_scores_lean_neither_way() -> None:
    fw = framework()
    y = fw.y
    neutral = [(q, i) for q in y.questions for i, o in enumerate(q.options) if o.score is None]
    assert neutral, "the shipped framework scores some answer as leaning neither way"
    q, i = neutral[0]
    assert axis_value(y, {q.id: i}, fw.scoring) is None
    scored = next(q2 for q2 in y.questions if q2.id != q.id)
    alone = axis_value(y, {scored.id: 0}, fw.scoring)
    assert axis_value(y, {scored.id: 0, q.id: i}, fw.scoring) == alone


def test_personalise_no_is_not_prescriptive() -> None:
    """The source ties personalisation to the Descriptive paradigm and says nothing of the reverse."""
    fw = framework()
    found = fw.question("personalise")
    assert found is not None
    axis, question = found
    by_text = {o.text: o.score for o in question.options}
    # not personalising leans neither way, unless one belief is to be encoded (the source's own words)
    assert [t for t, score in by_text.items() if t.startswith("No") and score is None]
    assert all(score is None or score <= 0 or "one belief" in t for t, score in by_text.items())


def test_rule_is_configuration(tmp_path: Path) -> None:
    text = (ROOT / "framework.yml").read_text(encoding="utf-8")
    assert "\nscoring:\n" in text
    path = tmp_path / "framework.yml"
    path.write_text(text.replace("  decimals: 2\n", "  decimals: 1\n"), encoding="utf-8")
    fw = load_framework(path, "framework.yml")
    assert fw.scoring.decimals == 1
    path.write_text(text.replace("  rule: mean\n", "  rule: median\n"), encoding="utf-8")
    with pytest.raises(SurveyError) as caught:
        load_framework(path, "framework.yml")
    assert "scoring.rule" in str(caught.value)


# -- entries that answer ----------------------------------------------------------------------------


def _answered_entry(position: str | None, answers: str) -> str:
    text = SAMPLE_ENTRY.format(key="alpha2020open", quadrant="broad-descriptive", position=position or "[]", quote="which output is better")
    if position is None:
        text = text.replace("position: []\n", "")
    return text + answers


ANSWERS = """\
answers:
  target:
    option: 0
    quote: 0
  meaning:
    option: 0
    page: "3"
    note: no definitions are given
  aim:
    option: 1
    quote: 0
"""


def _load(tmp_path: Path, text: str) -> Any:
    root = write_sample(tmp_path / "p", entries={"alpha-2020": text})
    return load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")


def test_entry_with_answers_and_no_position_sits_at_the_computed_point(tmp_path: Path) -> None:
    survey = _load(tmp_path, _answered_entry(None, ANSWERS))
    entry = survey.entry("alpha-2020")
    fw = survey.framework
    expected = point(fw, {"target": 0, "meaning": 0, "aim": 1})
    assert entry.position == expected and entry.computed
    assert entry.position == (-0.75, -1.0)
    assert [a.question for a in entry.answers] == ["target", "aim", "meaning"]  # the framework's order


def test_position_within_the_nudge_is_accepted(tmp_path: Path) -> None:
    entry = _load(tmp_path, _answered_entry("[-0.65, -0.9]", ANSWERS)).entry("alpha-2020")
    assert entry.position == (-0.65, -0.9) and not entry.computed


def test_position_that_contradicts_the_answers_is_a_located_error(tmp_path: Path) -> None:
    with pytest.raises(SurveyError) as caught:
        _load(tmp_path, _answered_entry("[-0.2, -0.9]", ANSWERS))
    text = str(caught.value)
    assert "entries/alpha-2020.yaml:3: position: x=-0.2 lies outside the range its answers allow on Dimensions" in text
    assert "-0.75 ± 0.1" in text


@pytest.mark.parametrize(
    ("answers", "where", "message"),
    [
        ("answers:\n  nowhere:\n    option: 0\n    quote: 0\n", 12, "answers.nowhere: 'nowhere' is not one of the framework's questions"),
        ("answers:\n  target:\n    option: 9\n    quote: 0\n", 13, "answers.target.option: 9 is not one of its options (0 to 3)"),
        ("answers:\n  target:\n    option: 0\n    quote: 4\n", 14, "answers.target.quote: 4 is not one of the entry's quotes (0 to 0)"),
        ("answers:\n  target:\n    option: 0\n", 12, "answers.target: gives no evidence"),
        ('answers:\n  target:\n    option: 0\n    page: "3"\n', 12, "answers.target: gives no evidence"),
        (
            "answers:\n  target:\n    option: 3\n    quote: 0\n",
            11,
            "answers: the answers put the work at x=1 (Specific), but quadrant 'broad-descriptive' is Broad",
        ),
    ],
)
def test_bad_answers_are_located(tmp_path: Path, answers: str, where: int, message: str) -> None:
    with pytest.raises(SurveyError) as caught:
        _load(tmp_path, _answered_entry(None, answers))
    assert f"entries/alpha-2020.yaml:{where}: {message}" in str(caught.value)


def test_answers_on_one_axis_leave_the_figure_to_place_the_work(tmp_path: Path) -> None:
    entry = _load(tmp_path, _answered_entry(None, "answers:\n  target:\n    option: 0\n    quote: 0\n")).entry("alpha-2020")
    assert entry.position is None and not entry.computed and len(entry.answers) == 1


# -- everywhere a placement is made ------------------------------------------------------------------


def test_new_scaffolds_the_questions_as_comments_only(tmp_path: Path) -> None:
    import yaml

    from ..conftest import living_survey

    root = write_sample(tmp_path / "p")
    made = living_survey("new", "source2023map", root=root)
    assert made.returncode == 0, made.stderr
    path = root / made.stdout.strip()
    text = path.read_text(encoding="utf-8")
    fw = framework()
    for axis in fw.axes:
        for question in axis.questions:
            assert f"#   {question.id}:   # {axis.name}: {question.text}" in text
    # nothing live: a file given a position (as a contribution script does) holds no answer to contradict it
    assert "answers" not in yaml.safe_load(text)
    assert "\nanswers:" not in text and "\n# answers:\n" in text
    # uncommented and filled in, the answers place the work with no position at all
    block = text[text.index("# answers:\n") :].split("\n\n", 1)[0]
    answers = "\n".join(line[2:] for line in block.splitlines())  # "# " off every line
    filled = (
        text.replace(block, answers)
        .replace('quadrant: ""', "quadrant: broad-descriptive")
        .replace('  - text: ""', '  - text: "A map of datasets"')
        .replace('    page: ""', '    page: "1"')
        .replace('rationale: ""', 'rationale: "It leaves the meaning of better to each annotator."')
        .replace('placed_by: ""', 'placed_by: "@octocat"')
    )
    # every question answered with its first option: x and y come out on the Broad and Descriptive side
    path.write_text(filled, encoding="utf-8")
    check = living_survey("validate", root=root)
    assert check.returncode == 0, check.stdout
    survey = load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")
    entry = survey.entry(path.stem)
    assert entry.computed and entry.position == point(survey.framework, {a.question: a.option for a in entry.answers})
    assert len(entry.answers) == sum(len(a.questions) for a in fw.axes)


def test_the_issue_form_asks_every_question_with_its_options() -> None:
    import yaml

    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "propose-entry.yml").read_text(encoding="utf-8"))
    fields = {item.get("id"): item for item in form["body"] if item.get("id")}
    fw = framework()
    for axis in fw.axes:
        for question in axis.questions:
            field = fields[question.id]
            assert field["type"] == "dropdown" and question.text in field["attributes"]["label"]
            assert field["attributes"]["options"][:-1] == [o.text for o in question.options]
            assert field["validations"]["required"] is False  # unanswered is an answer: no evidence either way
    assert "evidence" in fields

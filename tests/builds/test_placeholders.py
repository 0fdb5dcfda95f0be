"""Template texts left in an entry are refused, each at its line; the texts come from the templates."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from pathlib import Path

from living_survey.model import placeholders
from living_survey.scaffold import scaffold

from ..conftest import ROOT, living_survey, write_sample


def validate(root: Path) -> tuple[int, list[str]]:
    done = living_survey("validate", root=root)
    return done.returncode, done.stdout.splitlines()


def test_the_locator_skeleton_filled_in_but_its_placeholders_is_refused_at_their_lines(
    tmp_path: Path, build_site: Callable[..., Path]
) -> None:
    root = write_sample(tmp_path / "p")
    site = build_site(root)
    html = (site / "place-your-dataset" / "index.html").read_text(encoding="utf-8")
    noscript = re.search(r"<noscript>.*?<pre[^>]*>(.*?)</pre>", html, re.S)
    assert noscript is not None
    skeleton = unescape(noscript.group(1))
    # what a contributor fills in first: the key, the quadrant, the position, the quote, the date
    filled = (
        skeleton.replace("key:   #", "key: alpha2020open   #", 1)
        .replace("quadrant:   #", "quadrant: broad-descriptive   #", 1)
        .replace("position: [0, 0]", "position: [-0.5, -0.5]", 1)
        .replace('text: ""', 'text: "which output is better"', 1)
        .replace('page: ""', 'page: "3"', 1)
        .replace('added: ""', 'added: "2024-01-01"', 1)
    )
    lines = filled.splitlines()
    at = {name: next(i for i, line in enumerate(lines, 1) if line.startswith(name + ":")) for name in ("placed_by", "rationale")}
    path = root / "entries" / "mine.yaml"
    path.write_text(filled, encoding="utf-8")
    code, out = validate(root)
    assert code == 1
    assert sorted(out) == sorted(
        [
            f"entries/mine.yaml:{at['placed_by']}: placed_by: still holds the template's {placeholders.HANDLE!r}; "
            + placeholders.TEXTS[placeholders.HANDLE],
            f"entries/mine.yaml:{at['rationale']}: rationale: still holds the template's {placeholders.RATIONALE_SKELETON[:39] + '…'!r}; "
            + placeholders.TEXTS[placeholders.RATIONALE_SKELETON],
        ]
    ), out
    # once they are the contributor's own, the entry is valid
    path.write_text(
        filled.replace(placeholders.HANDLE, "@octocat").replace(placeholders.RATIONALE_SKELETON, "Open questions, no definition."),
        encoding="utf-8",
    )
    assert validate(root) == (0, [])


def test_a_todo_marker_left_in_any_field_is_refused_at_its_line(tmp_path: Path) -> None:
    root = write_sample(tmp_path / "p")
    path = root / "entries" / "alpha-2020.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('page: "3"', 'page: "3"\n    cite: source2023map') + "edge_case: TODO say why\norganisation: Alpha Lab\n"
    text = text.replace("Placed here because", "Placed here (TODO: check the page) because")
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    code, out = validate(root)
    assert code == 1
    assert sorted(out) == sorted(
        f"entries/alpha-2020.yaml:{lines.index(line) + 1}: {name}: still holds a TODO marker; fill in the field and remove it"
        for name, line in (("rationale", "rationale: >-"), ("edge_case", "edge_case: TODO say why"))
    ), out
    # a word that merely contains the letters is not a marker
    path.write_text(text.replace("TODO: check the page", "see Todorov").replace("TODO say why", "borderline"), encoding="utf-8")
    assert validate(root) == (0, [])


def test_the_scaffold_leaves_no_placeholder_outside_the_fields_a_contributor_fills_in(tmp_path: Path) -> None:
    """`new KEY --placed-by @h`, then quadrant, position, quotes and rationale set and every other
    scaffolded key kept as written: the file validates (so no other key holds a template text)."""
    import yaml

    root = write_sample(tmp_path / "p")
    (root / "entries" / "alpha-2020.yaml").unlink()
    made = living_survey("new", "alpha2020open", "--placed-by", "@h", root=root)
    assert made.returncode == 0, made.stderr
    path = root / made.stdout.strip()
    assert placeholders.TODO in path.read_text(encoding="utf-8")  # in the comments, where it belongs
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(quadrant="broad-descriptive", position=[-0.5, -0.5], quotes=[{"text": "which output is better", "page": "3"}])
    data["rationale"] = "Open questions, no definition."
    kept = {k: v for k, v in data.items() if v not in (None, "", [])}
    path.write_text(yaml.safe_dump(kept, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert validate(root) == (0, [])


def test_the_templates_take_their_placeholder_texts_from_one_place() -> None:
    """The locator's script reads its texts from the page's data, never from a copy of its own,
    and the scaffold marks its fields with the marker validation looks for."""
    script = (ROOT / "tools" / "living_survey" / "assets" / "locator.js").read_text(encoding="utf-8")
    for text in placeholders.TEXTS:
        assert text not in script and text[:20] not in script
    assert "data.placeholders.handle" in script and "data.placeholders.rationale" in script
    template = (ROOT / "tools" / "living_survey" / "templates" / "locator.md").read_text(encoding="utf-8")
    assert "your-handle" not in template and "{{ placeholders.HANDLE }}" in template
    from living_survey.model.bibliography import parse_bibliography
    from living_survey.model.framework import load_framework

    library = parse_bibliography("@misc{k, author = {A, B}, title = {T}, year = {2020}}", "r.bib")
    text = scaffold(library["k"], load_framework(ROOT / "framework.yml", "framework.yml"), "@h")
    marked = [line for line in text.splitlines() if line.startswith(f"# {placeholders.TODO} ")]
    assert len(marked) == 4

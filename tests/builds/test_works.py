"""Works and placements: grouping by key, placer kinds, agreement, contested works (no MkDocs)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from living_survey import load_survey
from living_survey.model.entries import Entry
from living_survey.model.works import CONTRIBUTOR, PUBLISHED, placer_kind, placer_label

from ..conftest import SAMPLE_ENTRY, write_sample


def entry(key: str, quadrant: str, position: str | None, placed_by: str = "source2023map") -> str:
    text = SAMPLE_ENTRY.format(key=key, quadrant=quadrant, position=position or "[0.1, 0.1]", quote="q")
    if position is None:
        text = text.replace("position: [0.1, 0.1]\n", "")
    return text.replace("placed_by: source2023map", f'placed_by: "{placed_by}"')


def survey_with(tmp_path: Path, entries: dict[str, str]):
    root = write_sample(tmp_path / "p", entries=entries)
    return load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")


def test_one_placement_per_work_is_never_contested(sample: Path) -> None:
    survey = load_survey(sample, sample / "framework.yml", sample / "entries", sample / "references.bib")
    assert len(survey.works) == len({e.key for e in survey.entries})
    for work in survey.works:
        assert len(work.placements) == 1 and not work.contested
        assert work.disputed == () and work.distance == 0 and set(work.spread.values()) == {0}
        assert work.others(work.first) == ()
    assert survey.works.contested == ()


def test_placements_sharing_a_key_are_one_work_disagreeing_on_one_axis(tmp_path: Path) -> None:
    survey = survey_with(
        tmp_path,
        {
            "alpha-2020": entry("alpha2020open", "specific-descriptive", "[0.5, -0.25]"),
            "alpha-2020-someone": entry("alpha2020open", "specific-prescriptive", "[0.6, 0.5]", "@someone"),
            "delta-2021": entry("delta2021named", "broad-descriptive", "[-0.5, -0.5]"),
        },
    )
    work = survey.works["alpha2020open"]
    assert [e.id for e in work.placements] == ["alpha-2020", "alpha-2020-someone"]  # the published one first
    assert work.contested and work.quadrants == ("specific-prescriptive", "specific-descriptive")
    # the axis comes from the framework file: whatever it names the vertical axis
    assert [a.key for a in work.disputed] == ["y"] and work.disputed[0].name == survey.framework.y.name
    assert work.spread == {"x": pytest.approx(0.1), "y": pytest.approx(0.75)}
    assert work.distance == pytest.approx(math.hypot(0.1, 0.75))
    assert not work.estimated
    assert [e.id for e in work.others(survey.entry("alpha-2020"))] == ["alpha-2020-someone"]
    assert survey.work_of(survey.entry("alpha-2020-someone")) is work
    assert survey.works.contested == (work,)
    assert [w.key for w in survey.works.in_quadrant("specific-prescriptive")] == ["alpha2020open"]
    assert not survey.works["delta2021named"].contested


def test_both_axes_disputed_and_positions_estimated_from_quadrant_centres(tmp_path: Path) -> None:
    survey = survey_with(
        tmp_path,
        {
            "a": entry("alpha2020open", "broad-descriptive", None),
            "b": entry("alpha2020open", "specific-prescriptive", "[0.5, 0.5]", "@x"),
        },
    )
    work = survey.works["alpha2020open"]
    assert [a.key for a in work.disputed] == ["x", "y"]
    assert work.estimated and work.distance == pytest.approx(math.hypot(1, 1))


def test_placements_in_one_quadrant_agree_but_have_a_spread(tmp_path: Path) -> None:
    survey = survey_with(
        tmp_path,
        {
            "a": entry("alpha2020open", "broad-descriptive", "[-0.2, -0.9]", "@one"),
            "b": entry("alpha2020open", "broad-descriptive", "[-0.8, -0.1]", "@two"),
            "c": entry("alpha2020open", "broad-descriptive", "[-0.5, -0.5]", "@three"),
        },
    )
    work = survey.works["alpha2020open"]
    assert not work.contested and work.disputed == () and len(work.placements) == 3
    assert work.spread == {"x": pytest.approx(0.6), "y": pytest.approx(0.8)}
    assert work.distance == pytest.approx(1.0)
    assert survey.works.contested == ()


def test_placer_kind_is_published_only_for_a_key_of_the_bibliography(sample: Path) -> None:
    survey = load_survey(sample, sample / "framework.yml", sample / "entries", sample / "references.bib")
    library = survey.library
    assert placer_kind("source2023map", library) == PUBLISHED
    assert placer_kind("@source2023map", library) == CONTRIBUTOR
    assert placer_kind("octocat", library) == CONTRIBUTOR
    assert placer_label("source2023map", library) == library["source2023map"].label
    assert placer_label("@octocat", library) == "@octocat"


def _brute_diameter(points: list[tuple[float, float]]) -> float:
    return max((math.dist(a, b) for i, a in enumerate(points) for b in points[i + 1 :]), default=0.0)


def test_diameter_is_the_largest_distance_between_two_placements() -> None:
    import random

    from living_survey.model.works import diameter

    rng = random.Random(17)
    shapes = (
        lambda n: [(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(n)],
        lambda n: [(rng.choice((-0.5, 0.0, 0.5, 1.0)), rng.choice((-0.5, 0.5, 1.0))) for _ in range(n)],  # repeats
        lambda n: [(math.cos(a), math.sin(a)) for a in (rng.uniform(0, 2 * math.pi) for _ in range(n))],  # all on the hull
        lambda n: [(x, 0.3 * x) for x in (rng.uniform(-1, 1) for _ in range(n))],  # collinear, where float turns are noise
    )
    for trial in range(1200):
        points = shapes[trial % len(shapes)](rng.randint(0, 25))
        assert diameter(points) == pytest.approx(_brute_diameter(points), abs=1e-8), points


def test_a_work_placed_thousands_of_times_is_summarised_in_about_linear_time(tmp_path: Path) -> None:
    """Budget test: one work with 4,000 placements on a circle (each on the hull) costs about as much
    as 4,000 works with one placement each; comparing every pair took seconds."""
    import time

    from living_survey.model.bibliography import parse_bibliography
    from living_survey.model.works import Works

    from ..unit.test_entries import framework

    fw = framework()
    library = parse_bibliography("@misc{k, title = {T}, year = {2020}}\n", "r.bib")
    quadrants = {(q.x, q.y): q.id for q in fw.quadrants}
    n = 4000
    placements = []
    for i in range(n):
        angle = 2 * math.pi * (i + 0.5) / n
        x, y = round(0.9 * math.cos(angle), 9), round(0.9 * math.sin(angle), 9)
        quadrant = quadrants[(1 if x > 0 else -1, 1 if y > 0 else -1)]
        placements.append(
            Entry(id=f"p{i}", path="", key="k", quadrant=quadrant, quotes=(), rationale="", placed_by=f"@u{i}", position=(x, y))
        )
    apart = [Entry(**{**e.__dict__, "key": f"k{i}"}) for i, e in enumerate(placements)]

    def cost(entries: list[Entry]) -> float:
        start = time.thread_time()
        Works(entries, fw, library)
        return time.thread_time() - start

    plain = min(cost(apart) for _ in range(3))
    one = min(cost(placements) for _ in range(3))
    # the every-pair distance this guards against took about 1 s at this size; 0.25 s absorbs a pause
    assert one < 5 * plain + 0.25, (one, plain)
    assert Works(placements, fw, library)["k"].distance == pytest.approx(1.8, abs=1e-6)


def test_a_placer_placing_a_work_twice_stops_the_build_at_the_second_file(tmp_path: Path, build_site, caplog) -> None:
    from mkdocs.exceptions import Abort, PluginError

    root = write_sample(
        tmp_path / "p",
        entries={
            "alpha-2020": entry("alpha2020open", "broad-descriptive", "[-0.5, -0.5]", "@octocat"),
            "alpha-2020-again": entry("alpha2020open", "specific-prescriptive", "[0.5, 0.5]", "@octocat"),
            "alpha-2020-other": entry("alpha2020open", "specific-prescriptive", "[0.5, 0.5]", "@someone"),
        },
    )
    with pytest.raises((Abort, PluginError)):
        build_site(root)
    line = next(
        n
        for n, text in enumerate((root / "entries" / "alpha-2020-again.yaml").read_text().splitlines(), 1)
        if text.startswith("placed_by:")
    )
    expected = f"entries/alpha-2020-again.yaml:{line}: placed_by: '@octocat' already placed 'alpha2020open' in entries/alpha-2020.yaml"
    assert expected in caplog.text and "alpha-2020-other" not in caplog.text
    assert not (root / "site").exists()

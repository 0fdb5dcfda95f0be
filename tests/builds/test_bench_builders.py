"""The bench's generate + Zensical column, measured on a small synthetic survey (the full bench is `make bench`)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from ..conftest import ROOT


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.builders
def test_generate_and_zensical_are_timed_on_a_synthetic_survey_and_reported(tmp_path: Path) -> None:
    bench = _bench()
    zensical = bench.zensical_command()
    if zensical is None:
        pytest.skip("zensical is not installed: make zensical (the range of the zensical extra)")
    works = bench.synthetic(12)
    project = tmp_path / "plugin"
    project.mkdir()
    bench.write_plugin_project(project, works)
    gen, gen_cpu, built, built_cpu = bench.timed_generate_zensical(project, zensical)
    assert min(gen, gen_cpu, built, built_cpu) > 0
    site = project / "generated" / "site"
    built_entries = sorted(p.parent.name for p in (site / "entries").glob("*/index.html"))
    assert built_entries == sorted(w["id"] for w in works)
    row = {"n": 12, "plugin_s": 2.0, "plain_s": 1.0, "plugin_cpu": 1.5, **bench.generate_columns([(gen, gen_cpu, built, built_cpu)])}
    report = bench.generate_report([row])
    assert f"{(gen + built) / 2.0:.2f}×" in report and "generate + Zensical" in report


def test_the_column_says_when_zensical_was_not_there() -> None:
    bench = _bench()
    row = {"n": 10, "plugin_s": 2.0, "plain_s": 1.0, "plugin_cpu": 1.5, **bench.generate_columns([])}
    assert "not measured (no Zensical" in bench.generate_report([row])
    # the fastest run is the one with the smallest total, its parts reported with it
    columns = bench.generate_columns([(3.0, 2.0, 3.0, 2.0), (1.0, 1.0, 4.0, 3.0), (2.0, 1.5, 2.5, 2.0)])
    assert (columns["gen_s"], columns["zensical_s"], columns["gen_zensical_cpu"]) == (2.0, 2.5, 3.5)


@pytest.mark.builders
def test_the_plugin_build_by_properdocs_is_timed_on_a_synthetic_survey_and_reported(tmp_path: Path) -> None:
    bench = _bench()
    properdocs = bench.properdocs_command()
    assert properdocs, "properdocs is not installed: the test extras install it"
    works = bench.synthetic(12)
    project = tmp_path / "plugin"
    project.mkdir()
    bench.write_plugin_project(project, works)
    wall, cpu = bench.timed_properdocs(project, properdocs)
    assert min(wall, cpu) > 0
    site = project / "site-properdocs"
    assert sorted(p.parent.name for p in (site / "entries").glob("*/index.html")) == sorted(w["id"] for w in works)
    row = {"n": 12, "plugin_s": 2.0, "plain_s": 4.0, "plugin_cpu": 1.5, "plain_cpu": 3.0, **bench.properdocs_columns([(wall, cpu)])}
    row |= bench.generate_columns([])
    report = bench.generate_report([row])
    header, _, line = report.splitlines()
    columns = [cell.strip() for cell in line.strip("|").split("|")]
    assert "plugin build (ProperDocs 1.6" in header.split("|")[3]
    # each builder's time with its ratio to plain MkDocs + Material, in the order of the header
    assert columns[1] == "2.00 s (0.50×)" and columns[2] == f"{wall:.2f} s ({wall / 4.0:.2f}×)" and columns[4] == "4.00 s (1.00×)"
    assert columns[6] == f"1.50 / {cpu:.2f} / — / 3.00 s"


def test_the_properdocs_column_says_when_properdocs_was_not_there_and_keeps_the_fastest_run() -> None:
    bench = _bench()
    row = {"n": 10, "plugin_s": 2.0, "plain_s": 1.0, "plugin_cpu": 1.5, "plain_cpu": 1.0, **bench.properdocs_columns([])}
    row |= bench.generate_columns([(1.0, 0.5, 1.0, 0.5)])
    line = bench.generate_report([row]).splitlines()[2]
    assert "not measured (no ProperDocs" in line and "2.00 s (2.00×; 1.00 / 1.00 s)" in line and "| 1.00× |" in line
    assert bench.properdocs_columns([(3.0, 2.0), (2.0, 2.5), (4.0, 1.0)]) == {"properdocs_s": 2.0, "properdocs_cpu": 2.5}

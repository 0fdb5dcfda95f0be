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

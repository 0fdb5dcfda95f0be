"""The figure package is a one-way pipeline: fonts → style → model → layout → drawing → cache.

A module imports only modules of earlier stages (drawing modules may use each other, never the
cache), and never another module's private (underscored) name.
"""

from __future__ import annotations

import ast
from pathlib import Path

from ..conftest import ROOT

FIGURE = ROOT / "tools" / "living_survey" / "figure"
STAGES = {
    "fonts": 0,
    "style": 1,
    "model": 2,
    "layout": 3,
    "embed": 4,
    "figure1": 4,
    "mapsvg": 4,
    "printable": 4,
    "draw": 5,
    "cache": 6,
}
"""Each module's stage; ``draw`` gathers the drawing modules, the cache calls it on a miss."""


def figure_imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module of the package imported, names taken from it) for every import in ``path``."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module is None:
                out += [(alias.name, []) for alias in node.names]
            else:
                out.append((node.module.split(".")[0], [alias.name for alias in node.names]))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("living_survey.figure."):
            out.append((node.module.split(".")[2], [alias.name for alias in node.names]))  # type: ignore[union-attr]
    return out


def faults(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.glob("*.py")):
        name = path.stem
        if name == "__init__":
            continue  # the package's face: re-exports what callers use
        if name not in STAGES:
            found.append(f"{name}: no stage (add it to STAGES)")
            continue
        for target, names in figure_imports(path):
            if target not in STAGES:
                found.append(f"{name} imports {target}, which has no stage")
            elif STAGES[target] > STAGES[name] or (STAGES[target] == STAGES[name] and target == "draw"):
                found.append(f"{name} (stage {STAGES[name]}) imports the later {target} (stage {STAGES[target]})")
            found += [f"{name} imports the private {target}.{n}" for n in names if n.startswith("_")]
    return found


def test_each_figure_module_imports_only_earlier_stages_and_public_names() -> None:
    assert faults(FIGURE) == []


def test_the_check_sees_a_backward_import_and_a_private_name(tmp_path: Path) -> None:
    for stage in STAGES:
        (tmp_path / f"{stage}.py").write_text("X = 1\n", encoding="utf-8")
    (tmp_path / "model.py").write_text("def f():\n    from .layout import place_layer\n", encoding="utf-8")
    (tmp_path / "printable.py").write_text("from .layout import _repair\n", encoding="utf-8")
    (tmp_path / "extra.py").write_text("", encoding="utf-8")
    found = faults(tmp_path)
    assert "model (stage 2) imports the later layout (stage 3)" in found
    assert "printable imports the private layout._repair" in found
    assert "extra: no stage (add it to STAGES)" in found

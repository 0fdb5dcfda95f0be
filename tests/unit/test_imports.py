"""No import circle inside the engine: each module of ``living_survey`` can be read after the ones it imports.

The imports are read with ``ast``, not by importing: every ``import`` and ``from … import``
counts, inside functions and ``if TYPE_CHECKING:`` blocks too, since a circle hidden in a function
is still a circle a reader has to untangle.
"""

from __future__ import annotations

import ast
from pathlib import Path

from ..conftest import ROOT

PACKAGE = ROOT / "tools" / "living_survey"

KNOWN: set[frozenset[str]] = set()
"""Import circles still allowed: none (the figure package became a one-way pipeline, issue #27)."""


def _modules(package: Path) -> dict[str, Path]:
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def import_graph(package: Path) -> dict[str, set[str]]:
    """Each module of the package → the modules of the package it imports."""
    modules = _modules(package)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here.split(".")[: len(here.split(".")) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                # `from . import browse` imports the module browse; `from .x import name` imports x
                submodules = [f"{module}.{alias.name}" for alias in node.names if f"{module}.{alias.name}" in modules]
                targets = submodules or [module]
            for target in targets:
                # `import a.b.c` runs a, a.b and a.b.c: the deepest one of ours is the edge
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            nxt = next(edges, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


def test_the_cycle_finder_finds_a_circle_and_only_a_circle(tmp_path: Path) -> None:
    package = tmp_path / "living_survey"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from .a import A\n", encoding="utf-8")
    (package / "a.py").write_text("from .b import B\nA = 1\n", encoding="utf-8")
    (package / "b.py").write_text("def f():\n    from .sub import c\nB = 2\n", encoding="utf-8")
    (package / "sub" / "__init__.py").write_text("", encoding="utf-8")
    (package / "sub" / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..a import A\n", encoding="utf-8")
    (package / "d.py").write_text("import living_survey.a\nfrom . import b\n", encoding="utf-8")
    graph = import_graph(package)
    assert graph["living_survey.d"] == {"living_survey.a", "living_survey.b"}
    assert cycles(graph) == [frozenset({"living_survey.a", "living_survey.b", "living_survey.sub.c"})]
    (package / "sub" / "c.py").write_text("X = 3\n", encoding="utf-8")
    assert cycles(import_graph(package)) == []


def test_no_module_of_the_engine_imports_itself_through_others() -> None:
    graph = import_graph(PACKAGE)
    assert len(graph) > 30 and graph["living_survey.plugin"]
    found = set(cycles(graph))
    new = [sorted(c) for c in found - KNOWN]
    assert not new, f"import circles: {new}"
    # the allowance shrinks with the code: a circle untied must leave KNOWN too
    assert found == KNOWN, f"no longer circles, remove them from KNOWN: {[sorted(c) for c in KNOWN - found]}"


def test_the_command_line_does_not_import_the_mkdocs_hooks() -> None:
    graph = import_graph(PACKAGE)
    reached, todo = set(), ["living_survey.cli"]
    while todo:
        module = todo.pop()
        if module not in reached:
            reached.add(module)
            todo.extend(graph[module])
    assert "living_survey.plugin" not in reached

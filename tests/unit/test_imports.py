"""No import circle inside the engine, and no import from a later layer: each module of
``living_survey`` can be read after the ones it imports, folder by folder.

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

LAYERS: tuple[str, ...] = ("core", "model", "figure", "releases", "pages", "checks", "")
"""The engine's layers, first to last: each is a folder of the package, and a module imports only from
its own layer or an earlier one. ``""`` is the adapters at the package's top (the MkDocs plugin, the
command line, their options and state, ``generate``, ``scaffold``), listed in :data:`ADAPTERS`.
``docs/design.md`` ("Layers") says what each folder owns."""

ADAPTERS = frozenset({"", "plugin", "cli", "config", "state", "generate", "scaffold"})
"""The modules allowed at the package's top (``""`` is its ``__init__``): a new module belongs in a layer."""


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


def layer_of(module: str, layers: tuple[str, ...] = LAYERS, adapters: frozenset[str] = ADAPTERS) -> int | None:
    """The index in ``layers`` of a module's layer (its first folder), or ``None`` outside every layer."""
    parts = module.split(".")[1:]  # below the package
    if parts and parts[0] and parts[0] in layers:
        return layers.index(parts[0])
    if len(parts) <= 1 and ".".join(parts) in adapters and "" in layers:
        return layers.index("")
    return None


def layer_problems(graph: dict[str, set[str]], layers: tuple[str, ...] = LAYERS, adapters: frozenset[str] = ADAPTERS) -> list[str]:
    """Every module outside the layers, and every import of a later layer, as ``a -> b`` lines."""
    out = [f"{m}: outside every layer {layers}" for m in sorted(graph) if layer_of(m, layers, adapters) is None]
    for module in sorted(graph):
        here = layer_of(module, layers, adapters)
        for target in sorted(graph[module]):
            there = layer_of(target, layers, adapters)
            if here is not None and there is not None and there > here:
                out.append(f"{module} ({layers[here] or 'top'}) -> {target} (later layer {layers[there] or 'top'})")
    return out


def test_the_layer_check_finds_an_import_of_a_later_layer_and_a_module_outside_the_layers(tmp_path: Path) -> None:
    package = tmp_path / "living_survey"
    for folder in ("low", "high"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("", encoding="utf-8")
    (package / "__init__.py").write_text("from .high.b import B\n", encoding="utf-8")
    (package / "low" / "a.py").write_text("A = 1\n", encoding="utf-8")
    (package / "high" / "b.py").write_text("from ..low.a import A\nB = A\n", encoding="utf-8")
    (package / "top.py").write_text("from .high import b\n", encoding="utf-8")
    layers, adapters = ("low", "high", ""), frozenset({"", "top"})
    assert layer_problems(import_graph(package), layers, adapters) == []
    # the low layer reaching up, even inside a function
    (package / "low" / "a.py").write_text("A = 1\ndef f():\n    from ..high.b import B\n    return B\n", encoding="utf-8")
    assert layer_problems(import_graph(package), layers, adapters) == [
        "living_survey.low.a (low) -> living_survey.high.b (later layer high)"
    ]
    (package / "low" / "a.py").write_text("A = 1\n", encoding="utf-8")
    # a layer importing the adapters at the top
    (package / "high" / "b.py").write_text("from ..low.a import A\nfrom .. import top\nB = A\n", encoding="utf-8")
    assert layer_problems(import_graph(package), layers, adapters) == ["living_survey.high.b (high) -> living_survey.top (later layer top)"]
    (package / "high" / "b.py").write_text("from ..low.a import A\nB = A\n", encoding="utf-8")
    # a module at the top that is not an adapter, and a folder that is not a layer
    (package / "stray.py").write_text("X = 1\n", encoding="utf-8")
    (package / "misc").mkdir()
    (package / "misc" / "__init__.py").write_text("", encoding="utf-8")
    assert layer_problems(import_graph(package), layers, adapters) == [
        f"living_survey.misc: outside every layer {layers}",
        f"living_survey.stray: outside every layer {layers}",
    ]


def test_every_module_sits_in_a_layer_and_imports_only_its_own_or_earlier_layers() -> None:
    graph = import_graph(PACKAGE)
    problems = layer_problems(graph)
    assert not problems, "\n".join(problems)
    assert {layer_of(m) for m in graph} == set(range(len(LAYERS))), "a layer without modules: drop it from LAYERS"


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

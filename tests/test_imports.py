"""The import graph of indexer/, webapp/ and bench/ has no cycles, and bench never loads test modules.

The graph is read from the source with ast, nothing is imported. Every import statement counts wherever it
stands: at module level, inside a function (a deferred import is still a dependency, it only moves the
failure to call time) and under ``if TYPE_CHECKING:`` (a type a module names is part of what it depends on;
counting them keeps a type-only cycle from hiding a layering mistake). An edge goes to the module an import
names: ``from a.b import c`` to ``a.b.c`` when that is a module, else to ``a.b``; importing ``a.b.c`` is not
counted as importing the packages ``a`` and ``a.b`` (their ``__init__`` files are docstrings, or the app factory
for ``webapp``, which is named whenever it is used).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("indexer", "webapp", "bench")

def module_files(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> dict[str, Path]:
    """Dotted module name → file, for every module of the packages under root."""
    modules: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).with_suffix("")
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            modules[".".join(parts)] = path
    return modules


def imported_names(name: str, path: Path) -> set[str]:
    """Every dotted name an import statement of the module names (candidates: submodule or package)."""
    is_package = path.name == "__init__.py"
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = name.split(".") if is_package else name.split(".")[:-1]
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            # a.b.c when c is a submodule; import_graph strips a name that is not a module back to a.b
            names.update(f"{base}.{alias.name}" for alias in node.names)
        elif (isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name))
              and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names.add(node.args[0].value)
    return names


def import_graph(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> dict[str, set[str]]:
    """Module → the modules of the packages it imports."""
    modules = module_files(root, packages)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for dotted in imported_names(name, path):
            # `from a.b import c`: the submodule a.b.c if there is one, else the module a.b
            while dotted and dotted not in modules:
                dotted = dotted.rpartition(".")[0]
            if dotted and dotted != name:
                targets.add(dotted)
        graph[name] = targets
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components of more than one module (and single modules importing themselves)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:
        nonlocal counter
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def one_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """A shortest cycle through the component's first module, as a path a → … → a."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & members):
                if child == start:
                    return paths[node] + [start]
                if child not in paths:
                    paths[child] = paths[node] + [child]
                    following.append(child)
        frontier = following
    raise AssertionError(f"{component} is not a cycle")


def test_the_graph_reads_every_kind_of_import(tmp_path):
    files = {
        "pkg/__init__.py": "",
        "pkg/a.py": "import pkg.b\nfrom pkg.sub import c\n",
        "pkg/b.py": "def f():\n    from . import d\n",  # deferred and relative
        "pkg/d.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.sub.c import Thing\n",
        "pkg/e.py": "import importlib\nimportlib.import_module('pkg.a')\nfrom pkg import VALUE\nimport json\n",
        "pkg/sub/__init__.py": "from ..a import x\n",
        "pkg/sub/c.py": "from .. import e\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert import_graph(tmp_path, ("pkg",)) == {
        "pkg": set(), "pkg.a": {"pkg.b", "pkg.sub.c"}, "pkg.b": {"pkg.d"}, "pkg.d": {"pkg.sub.c"},
        "pkg.e": {"pkg.a", "pkg"}, "pkg.sub": {"pkg.a"}, "pkg.sub.c": {"pkg.e"},
    }
    assert {"indexer", "indexer.index.build", "webapp", "webapp.api", "bench.run"} <= set(import_graph())


def test_a_cycle_is_found_and_named():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert strongly_connected(graph) == [["a", "b", "c"]]
    assert one_cycle(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    graph = import_graph()
    cycles = strongly_connected(graph)
    assert not cycles, "import cycles (one path shown per set of modules that import each other):\n" + "\n".join(
        f"{' → '.join(one_cycle(graph, c))}   [all of: {', '.join(c)}]" for c in cycles)


def test_bench_and_library_never_load_tests():
    # test data bench needs lives in bench/data; loading tests/ by file path (or importing it) would make the
    # benchmarks depend on the test suite's layout
    offenders = []
    for name, path in module_files().items():
        text = path.read_text(encoding="utf-8")
        if "spec_from_file_location" in text:
            offenders.append(f"{name}: spec_from_file_location")
        if any(n == "tests" or n.startswith("tests.") for n in imported_names(name, path)):
            offenders.append(f"{name}: imports tests")
    assert not offenders, offenders

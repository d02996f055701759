"""The layers import downward only: the runtime executes, codegen renders, the IR names no target.

Read from the source with `ast`, imports inside functions included, so that a lazy import
cannot hide an upward one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
# folder -> its installed package name (pyproject's package-dir)
PACKAGES = {"graphc": "graphc", "codegen": "graphc.codegen", "runtime": "graphc.runtime"}


def module_name(path: Path, root: Path = ROOT) -> str:
    folder, *rest = path.relative_to(root).with_suffix("").parts
    parts = [PACKAGES[folder], *rest]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_statements(path: Path, root: Path = ROOT, skip_type_checking: bool = False):
    """(module, names) for every import in `path`, anywhere in it: `module` absolute (`from . import x`
    resolved), `names` what a `from` import takes from it (None for a plain `import module`)."""
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    tree = ast.parse(path.read_text(), str(path))
    never_run = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If) and _is_type_checking(block.test)
                 for stmt in block.body for n in ast.walk(stmt)} if skip_type_checking else set()
    for node in ast.walk(tree):
        if id(node) in never_run:
            continue
        if isinstance(node, ast.Import):
            yield from ((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            yield base, [alias.name for alias in node.names]


def imported_modules(path: Path, root: Path = ROOT) -> set[str]:
    """Every module `path` imports, anywhere in it, as an absolute name."""
    found = set()
    for module, names in import_statements(path, root):
        found.add(module)
        found.update(f"{module}.{name}" for name in names or ())  # `from graphc import passes`
    return found


def runtime_imports(path: Path, modules: set[str], root: Path = ROOT) -> set[str]:
    """The modules of `modules` that running `path` can import, anywhere in it (inside functions too).

    `from package import name` counts as importing `package.name` when that is a module, else
    `package`.  Only an `if TYPE_CHECKING:` block is left out: it never runs, so it closes no circle.
    """
    found = set()
    for module, names in import_statements(path, root, skip_type_checking=True):
        found.update([module] if names is None else
                     (f"{module}.{n}" if f"{module}.{n}" in modules else module for n in names))
    return found & modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def import_graph(root: Path = ROOT) -> nx.DiGraph:
    """Module -> the project modules it imports, over graphc, graphc.codegen and graphc.runtime."""
    paths = {module_name(p, root): p for folder in PACKAGES if (root / folder).is_dir()
             for p in sorted((root / folder).rglob("*.py"))}
    graph = nx.DiGraph()
    graph.add_nodes_from(paths)
    for name, path in paths.items():
        graph.add_edges_from((name, other) for other in runtime_imports(path, set(paths), root) if other != name)
    return graph


def offending(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    return [f"{path.relative_to(ROOT)} imports {name}"
            for path in sorted((ROOT / folder).rglob("*.py"))
            for name in sorted(imported_modules(path))
            if any(name == f or name.startswith(f + ".") for f in forbidden)]


def test_the_runtime_imports_no_pass_and_no_pipeline():
    assert offending("runtime", ("graphc.passes", "graphc.pipeline", "graphc.compile")) == []


def test_codegen_imports_no_runtime():
    assert offending("codegen", ("graphc.runtime",)) == []


def test_the_ir_imports_no_target():
    targets = ("graphc.codegen", "graphc.runtime", "graphc.compile", "graphc.pipeline", "graphc.backends",
               "llvmlite", "cuda")
    names = imported_modules(ROOT / "graphc" / "ir.py")
    assert [n for n in sorted(names) if any(n == t or n.startswith(t + ".") for t in targets)] == []


def test_no_module_imports_itself_through_others():
    # A circle makes the import order matter (a module half-loaded when another reads it) and means
    # no part of it can be read or tested alone.  One is printed per strongly connected group.
    graph = import_graph()
    groups = [frozenset(g) for g in nx.strongly_connected_components(graph) if len(g) > 1]
    circles = [nx.find_cycle(graph.subgraph(g)) for g in groups]
    assert circles == [], "import circles:\n" + "\n".join(
        " -> ".join([a for a, _ in cycle] + [cycle[0][0]]) for cycle in circles)


@pytest.mark.parametrize("files, circle", [
    ({"graphc/a.py": "def f():\n    from graphc.b import g\n", "graphc/b.py": "import graphc.a\n"}, True),
    ({"graphc/a.py": "from graphc import b\n", "graphc/b.py": "from . import a\n"}, True),
    ({"graphc/a.py": "from graphc.b import g\n", "graphc/b.py": "import numpy\n"}, False),
    ({"graphc/a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from graphc.b import B\n",
      "graphc/b.py": "import graphc.a\n"}, False),
])
def test_the_circle_check_sees_lazy_and_relative_imports(tmp_path, files, circle):
    for name, text in {"graphc/__init__.py": "", **files}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert (not nx.is_directed_acyclic_graph(import_graph(tmp_path))) == circle


@pytest.mark.parametrize("source, expected", [
    ("def f():\n    from graphc.passes.memory_plan import plan_program_memory\n", "graphc.passes.memory_plan"),
    ("import graphc.pipeline as p\n", "graphc.pipeline"),
    ("from graphc import compile\n", "graphc.compile"),
    ("from ..passes import fusion\n", "graphc.passes"),  # relative, from graphc.runtime
])
def test_the_check_sees_every_form_of_import(tmp_path, source, expected):
    path = tmp_path / "runtime" / "m.py"
    path.parent.mkdir(parents=True)
    path.write_text(source)
    assert expected in imported_modules(path, tmp_path)

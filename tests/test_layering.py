"""The layers import downward only: the runtime executes, codegen renders, the IR names no target.

Read from the source with `ast`, imports inside functions included, so that a lazy import
cannot hide an upward one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# folder -> its installed package name (pyproject's package-dir)
PACKAGES = {"graphc": "graphc", "codegen": "graphc.codegen", "runtime": "graphc.runtime"}


def module_name(path: Path, root: Path = ROOT) -> str:
    folder, *rest = path.relative_to(root).with_suffix("").parts
    parts = [PACKAGES[folder], *rest]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, root: Path = ROOT) -> set[str]:
    """Every module `path` imports, anywhere in it, as an absolute name (`from . import x` resolved)."""
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from graphc import passes`
    return found


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

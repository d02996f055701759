"""graphc installs under its own name only: the user's folders and working directory shadow nothing.

The repository keeps three top-level folders (graphc/, codegen/, runtime/), but they
install as `graphc`, `graphc.codegen` and `graphc.runtime`, so a user's own `runtime/` or
`codegen/` folder (common names) is never imported in graphc's place, and graphc never
imports it.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def python(code: str, cwd: Path, script: Path | None = None) -> subprocess.CompletedProcess:
    """Run `code` in `cwd` (from the file `script` when given, else with -c: cwd first on the path)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if script is None:
        command = [sys.executable, "-c", textwrap.dedent(code)]
    else:
        script.write_text(textwrap.dedent(code))
        command = [sys.executable, str(script)]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def plant_hostile_packages(folder: Path, packages=("runtime", "codegen", "codegen/llvm")) -> Path:
    """Packages whose every module leaves a marker when imported or run."""
    marker = folder / "hijacked"
    hostile = f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\n"
    for package in packages:
        (folder / package).mkdir(parents=True, exist_ok=True)
        for module in ("__init__", "llvm_compile", "llvm_jit", "plan", "renderer", "lower", "kernel_ir"):
            (folder / package / f"{module}.py").write_text(hostile)
    return marker


def test_every_package_folder_is_installed_under_the_graphc_namespace():
    tomllib = pytest.importorskip("tomllib")
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    folders = {"graphc": "graphc", "codegen": "graphc.codegen", "runtime": "graphc.runtime"}
    found = {
        ".".join([folders[init.parent.relative_to(REPO).parts[0]], *init.parent.relative_to(REPO).parts[1:]])
        for top in folders for init in (REPO / top).rglob("__init__.py")
    }
    assert found == set(setuptools["packages"])
    assert all(name.split(".")[0] == "graphc" for name in setuptools["packages"])


def test_no_top_level_codegen_or_runtime_module_is_installed(tmp_path):
    done = python("""
        import importlib.util
        print(importlib.util.find_spec("codegen"), importlib.util.find_spec("runtime"))
        import graphc.codegen.lower, graphc.runtime.plan
    """, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["None", "None"]


COMPILE_WITH_A_WORKER = """
        import numpy as np
        import graphc as gc
        import graphc.runtime.llvm_workers as llvm_workers
        llvm_workers.COMPILE_WORKERS, llvm_workers.PARALLEL_COMPILE_SIZE = 1, 1   # a worker compiles a part
        x = gc.placeholder((8, 8), gc.float32)
        f = gc.function([x], [gc.tanh(x), gc.grad(gc.sum(gc.sin(x)), x)], backend="llvm")
        tanh, cos = f(np.ones((8, 8), np.float32))
        assert np.allclose(tanh, np.tanh(1.0)) and np.allclose(cos, np.cos(1.0))
        print("parts:", f.llvm_ir(optimized=False).count('ModuleID = "graphc.part'))
        print("workers that answered:", sum(w.usable for w in llvm_workers._workers))
"""


def test_a_users_runtime_and_codegen_folders_are_never_imported_by_graphc(tmp_path):
    marker = plant_hostile_packages(tmp_path)
    done = python(COMPILE_WITH_A_WORKER, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "parts: 2" in done.stdout
    assert "workers that answered: 1" in done.stdout
    assert not marker.exists(), marker.read_text()


def test_a_compile_worker_imports_nothing_from_the_callers_working_directory(tmp_path):
    # the script lives elsewhere, so only the worker could look in the working directory
    (tmp_path / "project").mkdir()
    marker = plant_hostile_packages(tmp_path / "project", packages=("llvmlite", "llvmlite/binding", "graphc"))
    done = python(COMPILE_WITH_A_WORKER, cwd=tmp_path / "project", script=tmp_path / "train.py")
    assert done.returncode == 0, done.stderr
    assert "workers that answered: 1" in done.stdout
    assert not marker.exists(), marker.read_text()

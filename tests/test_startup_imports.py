"""What `import graphc` costs: ml_dtypes and scipy are imported when first needed, not with graphc.

ml_dtypes' C module takes half a second to start and scipy.special or scipy.linalg a fifth; a
float32 graph needs neither, and `graphc inspect` of one should not wait for them.  Each case
runs in a fresh interpreter, the only place where "not imported yet" means anything.
"""

from __future__ import annotations

import subprocess
import sys

import pytest


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("module", ["ml_dtypes", "scipy.special", "scipy.linalg"])
def test_importing_graphc_leaves_module_unimported(module):
    assert _run(f"import sys, graphc, graphc.cli, graphc.serialize; print({module!r} in sys.modules)") == "False"


def test_a_float32_graph_is_built_differentiated_and_loaded_without_ml_dtypes(tmp_path):
    path = tmp_path / "model.json"
    code = f"""
import sys
import numpy as np
import graphc as gc
x = gc.placeholder((None, 3), gc.float32, name="x")
w = gc.variable(np.ones((3, 2), np.float32), name="w")
loss = gc.sum(gc.tanh(x @ w))
gc.save({str(path)!r}, {{"loss": loss}}, grads=True)
g = gc.load({str(path)!r})
print("ml_dtypes" in sys.modules, len(g.gradients))
"""
    assert _run(code) == "False 1"


def test_bfloat16_is_there_when_first_asked_for():
    out = _run("import sys, graphc as gc; before = 'ml_dtypes' in sys.modules; "
               "print(before, gc.bfloat16, 'ml_dtypes' in sys.modules, gc.dtypes.as_dtype('bfloat16') == gc.bfloat16, "
               "gc.bfloat16 in gc.dtypes.HALF, 'bfloat16' in dir(gc))")
    assert out == "False bfloat16 True True True True"


@pytest.mark.parametrize("module", ["graphc.nn", "graphc.session", "graphc.distributed", "graphc.optim",
                                    "graphc.checkpoint", "graphc.autodiff.check"])
def test_importing_graphc_leaves_what_inspect_does_not_use_unimported(module):
    assert _run(f"import sys, graphc, graphc.cli, graphc.serialize; print({module!r} in sys.modules)") == "False"


def test_every_public_name_is_there_and_the_one_its_module_defines():
    """gc.<name> for every name of __all__ and dir(graphc), the lazily imported ones included, is the object its
    own module holds; `from graphc import *` gives them all."""
    code = """
import importlib, types
import graphc as gc
names = sorted(set(gc.__all__) | {n for n in dir(gc) if not n.startswith("_")})
missing = [n for n in names if not hasattr(gc, n)]
modules = {n for n in names if isinstance(getattr(gc, n), types.ModuleType)}
same = all(getattr(gc, n) is importlib.import_module("graphc." + n) for n in modules)
lazy = {"grad": "graphc.autodiff", "jvp": "graphc.autodiff", "Session": "graphc.session", "load": "graphc.serialize",
        "LoadedGraph": "graphc.serialize", "save_checkpoint": "graphc.checkpoint", "blas_info": "graphc.blas",
        "available_backends": "graphc.backends", "function": "graphc.session", "cond": "graphc.control"}
same_objects = all(getattr(gc, n) is getattr(importlib.import_module(m), n) for n, m in lazy.items())
star = {}
exec("from graphc import *", star)
print(missing, same, same_objects, sorted(set(gc.__all__) - set(star)), {"nn", "session", "distributed"} <= modules)
"""
    assert _run(code) == "[] True True [] True"


def test_import_graphc_registers_every_op_and_numpy_function():
    """Loading a file and the passes' op sets read the op registry: `import graphc` alone must fill it, as
    importing every submodule it offers does."""
    code = """
import graphc as gc
from graphc.ops import numpy_protocol
from graphc.ops.registry import REGISTRY
ops, functions = set(REGISTRY), set(numpy_protocol.FUNCTIONS)
for name in dir(gc):
    getattr(gc, name)
import graphc.cli, graphc.pipeline, graphc.passes, graphc.distributed.engine
print(len(ops) > 50, ops == set(REGISTRY), functions == set(numpy_protocol.FUNCTIONS))
"""
    assert _run(code) == "True True True"

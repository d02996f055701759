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

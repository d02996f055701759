"""The generated code of a few programs is byte-identical to its snapshot in tests/snapshots/.

A guard for refactoring the pipeline, the passes and the renderers: a change meant to
keep behaviour must keep every byte of the LLVM IR and CUDA C it generates.  A change
meant to alter generated code updates the snapshots on purpose:

    GRAPHC_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_generated_code_snapshots.py

The host's facts that shape the LLVM IR (vector widths, BLAS integer width, how many
compile workers split a big module) are fixed here, so the snapshots hold on every machine.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

import graphc as gc
import graphc.runtime.llvm_compile as llvm_compile
import graphc.runtime.llvm_jit as llvm_jit
import graphc.runtime.llvm_workers as llvm_workers
from graphc.cli import main
from graphc.compile import clear_jit_cache

SNAPSHOTS = Path(__file__).parent / "snapshots"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
import models  # noqa: E402  (examples/models.py: the graphs users export)


@pytest.fixture(autouse=True)
def fixed_host(monkeypatch):
    monkeypatch.setattr(llvm_compile, "vector_bits", lambda: (256,))
    monkeypatch.setattr(llvm_jit, "blas_int_bits", lambda: 64)
    monkeypatch.setattr(llvm_workers, "COMPILE_WORKERS", 1)
    clear_jit_cache()
    yield
    clear_jit_cache()


def check(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("GRAPHC_UPDATE_SNAPSHOTS"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"no snapshot {path}: run with GRAPHC_UPDATE_SNAPSHOTS=1 to make it"
    assert text == path.read_text(), f"the generated code differs from {path}"


def adam_mlp_step():
    """An MLP training step with Adam: matmuls, softmax cross-entropy, updates of every variable."""
    outputs = models.tiny_mlp()
    loss = outputs["loss"]
    placeholders = {n.name: n for n in gc.ir.toposort([loss]) if n.op.name == "placeholder"}
    x, labels = placeholders["x"], placeholders["labels"]
    step = gc.optim.Adam(1e-3).minimize(loss)
    return [x, labels], [loss], step, [np.ones((16, 8), np.float32), np.arange(16, dtype=np.int32) % 4]


def remat_chain():
    """A deep tanh chain's gradient under √n rematerialization."""
    loss = models.deep_chain(depth=12, width=32)["loss"]
    (x,) = [n for n in gc.ir.toposort([loss]) if n.op.name == "placeholder"]
    weights = [n for n in gc.ir.toposort([loss]) if n.op.name == "variable"]
    return [x], [loss, *gc.grad(loss, weights)], None, [np.ones((32, 32), np.float32)]


def reductions():
    """Softmax, logsumexp, max and mean over both axes, broadcasting back."""
    x = gc.placeholder((64, 48), gc.float64, name="x")
    y = gc.softmax(x) * gc.logsumexp(x, axis=1, keepdims=True) - gc.max(x, axis=0) + gc.mean(x)
    loss = gc.sum(y * gc.sin(x))
    return [x], [loss, gc.grad(loss, x)], None, [np.ones((64, 48))]


@pytest.mark.parametrize("program", [adam_mlp_step, remat_chain, reductions])
def test_llvm_ir_is_unchanged(program):
    inputs, outputs, updates, example = program()
    f = gc.function(inputs, outputs, updates=updates, backend="llvm",
                    remat="sqrt" if program is remat_chain else "none")
    f.compile(*example)
    check(f"{program.__name__}.ll", f.llvm_ir(optimized=False))


@pytest.mark.parametrize("model, shapes, remat", [
    ("seeds", [], "none"),
    ("tiny_mlp", ["x=16,8", "labels=16"], "none"),
    ("deep_chain", [], "sqrt"),
])
@pytest.mark.parametrize("target, emit", [("llvm", "llvm-ir"), ("cuda", "cuda")])
def test_compiled_example_graphs_are_unchanged(tmp_path, model, shapes, remat, target, emit):
    graph = tmp_path / f"{model}.json"
    gc.save(graph, getattr(models, model)(), grads=True)
    out = tmp_path / "out.txt"
    args = ["compile", str(graph), "--grad", "--target", target, "--emit", emit, "--remat", remat, "-o", str(out)]
    assert main(args + [a for s in shapes for a in ("--shape", s)]) == 0
    check(f"{model}.{'ll' if target == 'llvm' else 'cu'}", out.read_text())

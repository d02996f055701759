"""float16/bfloat16 in the CUDA renderer: `__half`/`__nv_bfloat16` buffers, float arithmetic.

The generated source of a half-precision training step (matmuls with an epilogue, reductions,
casts between every float dtype) compiles with nvcc for sm_80 and sm_90 (skipped without nvcc),
and states its conversions: widened on load, rounded to nearest even on store and on a cast.
Its values are checked on the host emulation of CUDA (tests/cuda_emulation.py, g++), through
the CUDA runtime, against the numpy reference.
"""

from __future__ import annotations

import numpy as np
import pytest
from cuda_emulation import NEEDS_GXX, register_emulated_backend

import graphc as gc
from graphc.codegen.cuda.nvcc import find_nvcc, nvcc_compile
from graphc.codegen.cuda.renderer import render_module
from graphc.compile import plan_kernels
from graphc.program import specialize

needs_nvcc = pytest.mark.skipif(find_nvcc() is None, reason="nvcc (CUDA toolkit) not installed")
HALVES = [gc.float16, gc.bfloat16]


def half_training_step(dtype):
    """An MLP step with `dtype` weights and activations, float32 loss, and big-tile and batched matmuls."""
    rng = np.random.default_rng(0)
    x, labels = gc.placeholder((None, 20), dtype), gc.placeholder((None,), gc.int32)
    w1 = gc.variable(rng.normal(size=(20, 130)).astype(dtype))
    w2 = gc.variable(rng.normal(size=(130, 10)).astype(dtype))
    hidden = gc.relu(x @ w1)
    logits = gc.cast(hidden @ w2, gc.float32)
    loss = gc.mean(gc.softmax_cross_entropy(logits, labels))
    g1, g2 = gc.grad(loss, [w1, w2])
    wide = gc.cast(x, gc.float64) * 1e-3
    outs = [loss, g1, g2, gc.sum(hidden, axis=0), gc.max(hidden, axis=1), gc.cast(wide, dtype),
            gc.cast(labels, dtype), gc.cast(x, gc.bfloat16 if dtype == gc.float16 else gc.float16),
            gc.matmul(gc.reshape(hidden, (2, -1, 130)), gc.reshape(w1, (1, 130, 20)))]
    return [x, labels], outs, [(256, 20), (256,)]


def cuda_source(dtype) -> str:
    inputs, outputs, shapes = half_training_step(dtype)
    _, plan = plan_kernels(specialize(inputs, outputs, [], shapes))
    return render_module(plan.kernels).source


@pytest.mark.parametrize("dtype", HALVES, ids=str)
def test_half_buffers_are_16_bit_types_converted_at_loads_and_stores(dtype):
    source = cuda_source(dtype)
    memory, widen, narrow = {gc.float16: ("__half", "__half2float", "__float2half_rn"),
                             gc.bfloat16: ("__nv_bfloat16", "__bfloat162float", "__float2bfloat16_rn")}[dtype]
    assert f"{memory}* __restrict__" in source
    assert f"{widen}(p" in source and f"= {narrow}(" in source
    assert f"gc_round_{dtype.name}(" in source  # a cast to the half dtype rounds in a register
    assert "#include <cuda_fp16.h>" in source and "#include <cuda_bf16.h>" in source


def test_a_float32_module_includes_no_half_header():
    x = gc.placeholder((4, 4), gc.float32)
    _, plan = plan_kernels(specialize([x], [gc.exp(x) @ x], [], [(4, 4)]))
    assert "cuda_fp16" not in render_module(plan.kernels).source


@needs_nvcc
@pytest.mark.parametrize("arch", ["sm_80", "sm_90"])
@pytest.mark.parametrize("dtype", HALVES, ids=str)
def test_half_training_step_compiles_with_nvcc(dtype, arch):
    ptx = nvcc_compile(cuda_source(dtype), arch, "ptx").decode()
    assert ".entry" in ptx


# ---- the generated CUDA run on the host emulation (tests/cuda_emulation.py) through the CUDA runtime ----

@pytest.fixture
def emulated(monkeypatch):
    return register_emulated_backend(monkeypatch)


def _ulps(a: np.ndarray, b: np.ndarray) -> int:
    ordinal = lambda x: np.where(x.view(np.int16) < 0, -32768 - x.view(np.int16).astype(np.int64),  # noqa: E731
                                 x.view(np.int16).astype(np.int64))
    return int(np.abs(ordinal(a) - ordinal(b)).max())


@NEEDS_GXX
@pytest.mark.parametrize("dtype", HALVES, ids=str)
def test_emulated_cuda_computes_half_graphs_as_the_reference(emulated, dtype):
    """Elementwise chains, reductions, tiled matmuls with epilogues and casts: bit for bit where
    float32 arithmetic is exact, within one half ulp for sums, matmuls and math functions."""
    rng = np.random.default_rng(1)
    a, b = gc.placeholder((None, 40), dtype), gc.placeholder((40, 130), dtype)
    wide = gc.placeholder((None, 40), gc.float64)
    exact = [(a * 3.0 - a / 7.0) * gc.maximum(a, 0.25), gc.cast(wide, dtype), gc.cast(a, gc.float32),
             gc.max(a, axis=1), gc.where(gc.less(a, 0.0), -a, a * a)]
    close = [a @ b, gc.relu(a @ b) + 1.0, gc.sum(a, axis=0), gc.mean(a), gc.exp(a)]
    feeds = [rng.standard_normal((129, 40)).astype(dtype), rng.standard_normal((40, 130)).astype(dtype),
             rng.standard_normal((129, 40)) * 100]
    inputs = [a, b, wide]
    want = gc.function(inputs, exact + close, backend="numpy")(*feeds)
    got = gc.function(inputs, exact + close, backend=emulated)(*feeds)
    for i, (g, w) in enumerate(zip(got, want)):
        assert g.dtype == w.dtype
        if i < len(exact):
            np.testing.assert_array_equal(g, w)
        else:
            assert _ulps(g, w) <= 1

"""The generated CUDA, compiled as host C++ and run one thread per block, computes numpy's results.

No GPU here, so this is the numerical check of what the CUDA renderer writes:
index arithmetic, broadcasting strides, multi-phase reductions, scalar
semantics.  A tiny header maps CUDA's keywords and intrinsics to C++; with one
thread per block `gc_block_reduce` is the identity (a block's total is its only
partial), so warp shuffles and the tiled matmul are *not* exercised here (the
gpu tests in test_cuda_runtime.py do that).  Skips without g++.
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess

import numpy as np
import pytest

import graphc as gc
from codegen.cuda.renderer import REDUCE_PRELUDE, render_module
from graphc.compile import plan_kernels
from graphc.program import specialize

pytestmark = pytest.mark.skipif(shutil.which("g++") is None, reason="g++ not installed")

HOST_HEADER = r"""
#include <cmath>
#include <cstring>
using std::exp; using std::log; using std::sin; using std::cos; using std::tanh; using std::sqrt;
using std::log1p; using std::expm1; using std::floor; using std::pow; using std::fabs;
#define __global__
#define __device__
#define __forceinline__ inline
#define __launch_bounds__(n)
#define __restrict__
#define __shared__ static
#define __align__(n) __attribute__((aligned(n)))
struct Dim3 { unsigned x, y, z; };
static Dim3 blockIdx = {0, 0, 0}, threadIdx = {0, 0, 0}, blockDim = {1, 1, 1}, gridDim = {1, 1, 1};
static inline float __int_as_float(unsigned bits) { float f; std::memcpy(&f, &bits, 4); return f; }
static inline double __longlong_as_double(long long bits) { double d; std::memcpy(&d, &bits, 8); return d; }
struct GcAdd { template <typename T> static T apply(T a, T b) { return a + b; } };
template <typename T> T gc_max(T a, T b);
template <typename T> T gc_min(T a, T b);
struct GcMax { template <typename T> static T apply(T a, T b) { return gc_max(a, b); } };
struct GcMin { template <typename T> static T apply(T a, T b) { return gc_min(a, b); } };
template <typename Op, typename T> T gc_block_reduce(T v, T*, T) { return v; }  // one thread per block
"""


def run_emulated(inputs, outputs, feeds, tmp_path):
    program = specialize(inputs, outputs, [], [f.shape for f in feeds])
    program, plan = plan_kernels(program)
    module = render_module(plan.kernels)
    assert not any(k.matmul for k in plan.kernels), "the emulation has no matmul (it needs 32x8 threads)"
    source = module.source.replace("#include <cuda_runtime.h>", HOST_HEADER).replace(REDUCE_PRELUDE, "")
    source = source.replace('extern "C"  void', 'extern "C" void')
    (tmp_path / "k.cpp").write_text(source)
    lib = tmp_path / "k.so"
    proc = subprocess.run(["g++", "-std=c++17", "-O1", "-shared", "-fPIC", "-o", str(lib), str(tmp_path / "k.cpp")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    so = ctypes.CDLL(str(lib))
    arrays = {}
    arena = np.zeros(plan.arena_bytes + 64, np.uint8)
    for name, spec in plan.buffers.items():
        if spec.kind == "input":
            arrays[name] = np.ascontiguousarray(feeds[spec.index], dtype=spec.dtype)
        elif spec.kind == "constant":
            arrays[name] = np.ascontiguousarray(spec.value, dtype=spec.dtype)
        elif spec.kind == "output":
            arrays[name] = np.zeros(spec.shape, spec.dtype)
        elif spec.kind == "arena":
            arrays[name] = arena[spec.offset:spec.offset + spec.nbytes].view(spec.dtype).reshape(spec.shape)
    for k in plan.kernels:
        for launch in module.launches[k.name]:
            fn = getattr(so, launch.function)
            fn.restype = None
            ptrs = [ctypes.c_void_p(arrays[p.name].ctypes.data) for p in k.params]
            fn(*ptrs)  # blockIdx 0 of 1, one thread: grid-stride and row loops cover everything
    return [np.array(arrays[name]) for name in plan.outputs]


def compare(inputs, outputs, feeds, tmp_path, rtol=1e-6, atol=1e-7):
    want = gc.function(inputs, outputs, backend="numpy")(*feeds)
    got = run_emulated(inputs, outputs, feeds, tmp_path)
    for w, g in zip(want, got, strict=True):
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


def test_elementwise_chain_with_broadcasting(tmp_path):
    x, y = gc.placeholder((None, 33)), gc.placeholder((33,))
    z = gc.tanh(x * 2.0 + y) * gc.exp(-x) + gc.sigmoid(x) - gc.log1p(gc.abs(x)) + gc.sqrt(gc.abs(y))
    rng = np.random.default_rng(0)
    feeds = [rng.normal(size=(7, 33)).astype(np.float32), rng.normal(size=33).astype(np.float32)]
    compare([x, y], [z, gc.maximum(z, 0.0), gc.where(gc.less(x, y), x, -y)], feeds, tmp_path, rtol=2e-6)


@pytest.mark.parametrize("axis", [None, 0, 1, 2, (0, 2)])
def test_reductions_along_every_axis(axis, tmp_path):
    x = gc.placeholder((None, 5, 7), gc.float64)
    feed = np.random.default_rng(1).normal(size=(6, 5, 7))
    compare([x], [gc.sum(x, axis=axis), gc.max(x, axis=axis), gc.min(x, axis=axis), gc.mean(x, axis=axis)],
            [feed], tmp_path, rtol=1e-12)


def test_softmax_cross_entropy_and_gradient(tmp_path):
    logits, labels = gc.placeholder((None, 10), gc.float64), gc.placeholder((None,), gc.int64)
    loss = gc.mean(gc.softmax_cross_entropy(logits, labels))
    rng = np.random.default_rng(2)
    feeds = [rng.normal(size=(8, 10)) * 5, rng.integers(0, 10, 8)]
    compare([logits, labels], [loss, gc.grad(loss, [logits])[0], gc.softmax(logits)], feeds, tmp_path, rtol=1e-12)


def test_special_values_follow_numpy(tmp_path):
    x = gc.placeholder((6,), gc.float32)
    feed = np.array([np.nan, np.inf, -np.inf, 0.0, -80.0, 80.0], np.float32)
    compare([x], [gc.sigmoid(x), gc.maximum(x, 1.0), gc.max(x), gc.exp(x), gc.tanh(x)], [feed], tmp_path)

"""The generated CUDA, compiled as host C++ and run on emulated blocks, computes numpy's results.

No GPU here, so this is the numerical check of what the CUDA renderer writes:
index arithmetic, broadcasting strides, multi-phase reductions, scalar
semantics, and (threaded mode) the block reduction and the tiled matmul.  A
small header (tests/cuda_emulation.py) maps CUDA's keywords and intrinsics to C++:
- serial: one thread per block, `gc_block_reduce` the identity (a block's total
  is its only partial);
- threaded: each block's threads are std::threads, `__syncthreads` a barrier,
  `__shfl_down_sync` an exchange through a per-warp slot array between two warp
  barriers, blocks run one after another (a few of them: the grid-stride loops
  cover the rest).
It shows the generated code's logic right; it cannot show it fast, nor catch
what only real hardware does (memory model, warp scheduling): the gpu tests in
test_cuda_runtime.py do that (which also run the whole CUDA runtime on this
emulation).  Skips without g++.
"""

from __future__ import annotations

import ctypes
import subprocess

import numpy as np
import pytest
from cuda_emulation import EMULATED_BLOCKS, HOST_HEADER, NEEDS_GXX, THREADED_HEADER

import graphc as gc
from graphc.codegen.cuda.renderer import REDUCE_PRELUDE, render_module
from graphc.codegen.cuda.scalar import c_type
from graphc.compile import plan_kernels
from graphc.program import specialize

pytestmark = NEEDS_GXX


def emulated_source(plan, module, threaded: bool) -> str:
    if not threaded:
        assert not any(k.matmul for k in plan.kernels), "the serial emulation has no matmul (it needs 32x8 threads)"
        return HOST_HEADER + module.source.replace(REDUCE_PRELUDE, "")
    wrappers = []
    for k in plan.kernels:
        types = [("const " if p.role == "input" else "") + c_type(p.dtype) + "*" for p in k.params]
        args = ", ".join(f"({t})a[{i}]" for i, t in enumerate(types))
        for launch in module.launches[k.name]:
            grid = list(launch.grid)
            if not launch.function.endswith("_matmul"):  # grid-stride / row loops: any grid is correct
                grid = [min(g, EMULATED_BLOCKS) for g in grid]
            dims = "{{{}, {}, {}}}, {{{}, {}, {}}}".format(*grid, *launch.block)
            wrappers.append(f'extern "C" void run_{launch.function}(void** a) '
                            f"{{ gc_launch({dims}, [=] {{ {launch.function}({args}); }}); }}")
    return THREADED_HEADER + module.source + "\n".join(wrappers) + "\n"


def aligned_copy(array: np.ndarray, shift: int = 0) -> np.ndarray:
    """A copy of `array` whose data starts `shift` bytes past a 64-byte boundary (the CUDA runtime's is 256)."""
    raw = np.zeros(array.nbytes + 64 + shift, np.uint8)
    start = (-raw.ctypes.data) % 64 + shift
    out = raw[start:start + array.nbytes].view(array.dtype).reshape(array.shape)
    out[...] = array
    return out


def run_emulated(inputs, outputs, feeds, tmp_path, threaded=False, misalign=(), updates=(), accumulate=False):
    """Outputs (then new values) of the emulated kernels and how often vectorizable kernels took the
    (scalar, vector) path.

    `misalign`: indices of feeds placed 4 bytes past an aligned address (the kernels must fall back to scalar).
    `accumulate`: SGD updates as gemm accumulating into a copy of the variable (as the llvm runtime runs them).
    """
    program = specialize(inputs, outputs, updates, [f.shape for f in feeds])
    program, plan = plan_kernels(program, accumulate=accumulate)
    module = render_module(plan.kernels)
    (tmp_path / "k.cpp").write_text(emulated_source(plan, module, threaded))
    lib = tmp_path / "k.so"
    proc = subprocess.run(["g++", "-std=c++20", "-O1", "-shared", "-fPIC", "-pthread", "-o", str(lib),
                           str(tmp_path / "k.cpp")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    so = ctypes.CDLL(str(lib))
    arrays = {}
    arena = aligned_copy(np.zeros(plan.arena_bytes, np.uint8))
    for name, spec in plan.buffers.items():
        if spec.kind == "input":
            feed = np.asarray(feeds[spec.index], dtype=spec.dtype)
            arrays[name] = aligned_copy(feed, 4 if spec.index in misalign else 0)
        elif spec.kind == "constant":
            arrays[name] = aligned_copy(np.asarray(spec.value, dtype=spec.dtype))
        elif spec.kind == "output":
            arrays[name] = aligned_copy(np.zeros(spec.shape, spec.dtype))
        elif spec.kind in ("variable", "update"):
            arrays[name] = aligned_copy(program.variables[spec.index].value)
        elif spec.kind == "arena":
            arrays[name] = arena[spec.offset:spec.offset + spec.nbytes].view(spec.dtype).reshape(spec.shape)
    for k in plan.kernels:
        for launch in module.launches[k.name]:
            ptrs = [arrays[p.name].ctypes.data for p in k.params]
            if threaded:
                getattr(so, f"run_{launch.function}")((ctypes.c_void_p * max(1, len(ptrs)))(*ptrs))
            else:  # blockIdx 0 of 1, one thread: grid-stride and row loops cover everything
                getattr(so, launch.function)(*[ctypes.c_void_p(p) for p in ptrs])
    so.gc_path_count.restype = ctypes.c_long
    paths = (so.gc_path_count(0), so.gc_path_count(1))
    return [np.array(arrays[name]) for name in plan.outputs + plan.new_values], paths


def compare(inputs, outputs, feeds, tmp_path, rtol=1e-6, atol=1e-7, threaded=False, misalign=()):
    """Assert the emulated kernels match numpy; returns the (scalar, vector) path counts."""
    want = gc.function(inputs, outputs, backend="numpy")(*feeds)
    got, paths = run_emulated(inputs, outputs, feeds, tmp_path, threaded, misalign)
    for w, g in zip(want, got, strict=True):
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)
    return paths


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
    compare([x], [gc.sigmoid(x), gc.maximum(x, 1.0), gc.max(x), gc.exp(x), gc.tanh(x), gc.sign(x), gc.relu(x),
                  gc.minimum(x, 1.0), gc.min(x), gc.floor(x), gc.where(x > 1.0, x, -x), gc.grad(gc.sum(gc.abs(x)), x)],
            [feed], tmp_path)


# ---- threaded: real block reductions (shuffles, shared memory) and the tiled matmul -------------

@pytest.mark.parametrize("axis, shape", [(None, (37, 2, 300)), (0, (70, 2, 3)), (2, (3, 2, 300))])
def test_block_reductions_with_many_threads(axis, shape, tmp_path):
    # few rows (each is a block of emulated threads: slow on a small machine), long reduced extents
    x = gc.placeholder((None, *shape[1:]), gc.float64)
    feed = np.random.default_rng(3).normal(size=shape)
    compare([x], [gc.sum(x, axis=axis), gc.max(x, axis=axis), gc.min(x, axis=axis)], [feed], tmp_path,
            rtol=1e-12, threaded=True)


def test_softmax_cross_entropy_with_many_threads(tmp_path):
    logits, labels = gc.placeholder((None, 100), gc.float32), gc.placeholder((None,), gc.int32)
    loss = gc.mean(gc.softmax_cross_entropy(logits, labels))
    rng = np.random.default_rng(4)
    feeds = [rng.normal(size=(5, 100)).astype(np.float32) * 4, rng.integers(0, 100, 5).astype(np.int32)]
    compare([logits, labels], [loss, gc.grad(loss, [logits])[0]], feeds, tmp_path, rtol=1e-5, atol=1e-7,
            threaded=True)


@pytest.mark.parametrize("shape", [(1, 1, 1), (33, 65, 17), (40, 3, 70)])
def test_tiled_matmul_with_epilogue(shape, tmp_path):
    m, k, n = shape
    a, w, bias = gc.placeholder((m, k)), gc.placeholder((k, n)), gc.placeholder((n,))
    rng = np.random.default_rng(5)
    feeds = [rng.normal(size=s).astype(np.float32) for s in ((m, k), (k, n), (n,))]
    compare([a, w, bias], [gc.relu(a @ w + bias), gc.transpose(a) @ a], feeds, tmp_path, rtol=1e-5, atol=1e-5,
            threaded=True)


def test_sgd_update_accumulated_by_the_tiled_matmul(tmp_path):
    x, g = gc.placeholder((40, 33)), gc.placeholder((40, 70))
    w = gc.variable(np.random.default_rng(8).normal(size=(33, 70)).astype(np.float32))
    feeds = [np.random.default_rng(9).normal(size=s).astype(np.float32) for s in ((40, 33), (40, 70))]
    update = [(w, w - 0.1 * (gc.transpose(x) @ g))]
    _, plan = plan_kernels(specialize([x, g], [], update, [f.shape for f in feeds]), accumulate=True)
    assert [k.matmul.alpha for k in plan.kernels if k.matmul is not None and k.matmul.accumulate] \
        == [-np.float32(0.1)]
    (new,), _ = run_emulated([x, g], [], feeds, tmp_path, threaded=True, updates=update, accumulate=True)
    np.testing.assert_allclose(new, w.value - np.float32(0.1) * (feeds[0].T @ feeds[1]), rtol=1e-5, atol=1e-5)


def test_batched_matmul(tmp_path):
    a, b = gc.placeholder((3, 2, 9, 5), gc.float64), gc.placeholder((3, 2, 5, 34), gc.float64)
    rng = np.random.default_rng(6)
    compare([a, b], [gc.matmul(a, b)], [rng.normal(size=(3, 2, 9, 5)), rng.normal(size=(3, 2, 5, 34))], tmp_path,
            rtol=1e-12, threaded=True)


def test_integer_and_bool_block_reductions(tmp_path):
    x = gc.placeholder((None, 300), gc.int32)
    flags = gc.greater(x, 40)
    feed = np.random.default_rng(7).integers(-50, 50, (3, 300)).astype(np.int32)
    compare([x], [gc.max(x, axis=1), gc.sum(x, axis=1), gc.max(flags, axis=1), gc.min(flags, axis=1)], [feed],
            tmp_path, threaded=True)


# ---- vectorized elementwise kernels: 4 elements per thread, 16-byte accesses, scalar tail and fallback ----------

@pytest.mark.parametrize("dtype, rows, cols", [("float32", 7, 33), ("float64", 5, 13), ("float32", 3, 3)])
def test_vectorized_elementwise_with_a_scalar_tail(dtype, rows, cols, tmp_path):
    # rows * cols is not a multiple of 4: the last elements go through the scalar loop
    x, y = gc.placeholder((None, cols), dtype), gc.placeholder((None, cols), dtype)
    rng = np.random.default_rng(8)
    feeds = [rng.normal(size=(rows, cols)).astype(dtype), rng.normal(size=(rows, cols)).astype(dtype)]
    scalar, vector = compare([x, y], [gc.tanh(x) * y + 1.0, gc.less(x, y)], feeds, tmp_path, rtol=1e-6)
    assert vector > 0 and scalar == 0


def test_vectorized_row_broadcasts_loop_indices_and_unaligned_runs(tmp_path):
    # inner size 32 (a multiple of 4): a bias row (vector loads), a per-row value (one load per group of 4),
    # one_hot's loop index, and a slice starting at element 1 (4 scalar loads per group)
    x, bias, v = gc.placeholder((None, 33)), gc.placeholder((32,)), gc.placeholder((None,))
    labels = gc.placeholder((None,), gc.int32)
    inner = x[:, 1:]
    outs = [inner + bias, inner * gc.reshape(v, (-1, 1)), gc.one_hot(labels, 32) * bias, gc.exp(x[:, :32]) - bias]
    rng = np.random.default_rng(9)
    feeds = [rng.normal(size=(6, 33)).astype(np.float32), rng.normal(size=32).astype(np.float32),
             rng.normal(size=6).astype(np.float32), rng.integers(0, 32, 6).astype(np.int32)]
    scalar, vector = compare([x, bias, v, labels], outs, feeds, tmp_path, rtol=1e-6)
    assert vector >= len(outs) and scalar == 0


def test_misaligned_base_pointer_falls_back_to_the_scalar_loop(tmp_path):
    x, y = gc.placeholder((None, 16)), gc.placeholder((None, 16))
    rng = np.random.default_rng(10)
    feeds = [rng.normal(size=(9, 16)).astype(np.float32), rng.normal(size=(9, 16)).astype(np.float32)]
    scalar, vector = compare([x, y], [x * y - x], feeds, tmp_path, misalign={1})
    assert scalar == 1 and vector == 0


def test_vectorized_elementwise_with_many_threads_and_blocks(tmp_path):
    x = gc.placeholder((None, 40), gc.float64)
    feed = np.random.default_rng(11).normal(size=(50, 40))  # 500 groups of 4 over 3 blocks of 256 threads
    scalar, vector = compare([x], [gc.sigmoid(x) * 2.0], [feed], tmp_path, rtol=1e-12, threaded=True)
    assert vector > 0 and scalar == 0


# ---- the register-tiled matmul with its fused epilogue -------------------------------------------------------

def matmul_launches(inputs, outputs, shapes):
    _, plan = plan_kernels(specialize(inputs, outputs, [], shapes))
    return [launch for k in plan.kernels for launch in render_module([k]).launches[k.name]]


@pytest.mark.parametrize("shape", [(130, 7, 135), (129, 33, 200)])
def test_wide_register_tiles_with_epilogue_at_odd_sizes(shape, tmp_path):
    # m, n >= 128: 128 x 128 tiles, 8 x 8 outputs per thread; sizes are not multiples of the tile
    m, k, n = shape
    a, w, bias = gc.placeholder((m, k)), gc.placeholder((k, n)), gc.placeholder((n,))
    launches = matmul_launches([a, w, bias], [gc.tanh(a @ w + bias)], [(m, k), (k, n), (n,)])
    assert [launch.block for launch in launches] == [(16, 16, 1)], "the epilogue is not fused into the matmul"
    assert launches[0].grid[:2] == (-(-n // 128), -(-m // 128))
    rng = np.random.default_rng(12)
    feeds = [rng.normal(size=s).astype(np.float32) for s in ((m, k), (k, n), (n,))]
    compare([a, w, bias], [gc.tanh(a @ w + bias), a @ w], feeds, tmp_path, rtol=1e-5, atol=1e-5, threaded=True)


def test_batched_float64_matmul_with_transposed_operands_and_epilogue(tmp_path):
    a, b = gc.placeholder((2, 5, 19), gc.float64), gc.placeholder((2, 21, 5), gc.float64)
    scale = gc.placeholder((2, 1, 21), gc.float64)
    out = gc.exp(gc.matmul(gc.transpose(a, (0, 2, 1)), gc.transpose(b, (0, 2, 1))) * scale)
    launches = matmul_launches([a, b, scale], [out], [(2, 5, 19), (2, 21, 5), (2, 1, 21)])
    assert len(launches) == 1
    rng = np.random.default_rng(13)
    feeds = [rng.normal(size=(2, 5, 19)), rng.normal(size=(2, 21, 5)), rng.normal(size=(2, 1, 21))]
    compare([a, b, scale], [out], feeds, tmp_path, rtol=1e-12, threaded=True)

"""The CUDA runtime.

Without a GPU: the backend refuses with a BackendError naming what is missing,
nvcc builds a cached cubin, and the executable's bookkeeping (arena placement,
resident variables, write-back of updates) is checked through a recording
launcher that runs no kernels.  Every op, fusion pattern and gradient equals
the numpy reference: on a GPU (marked `gpu`, skipped cleanly elsewhere), and
everywhere through the same runtime on a launcher that runs the generated code
as host threads (tests/cuda_emulation.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from cuda_emulation import EMULATED, register_emulated_backend

import graphc as gc
from graphc.codegen.cuda.nvcc import find_nvcc
from graphc.compile import render_program
from graphc.runtime import cuda as cuda_runtime
from graphc.runtime.cuda_launch import Launcher, available_bindings, driver_library

HAVE_GPU = driver_library() is not None and bool(available_bindings())
gpu = pytest.mark.skipif(not HAVE_GPU, reason="no NVIDIA driver (libcuda.so.1) or no pycuda/cuda-python: no GPU here")
needs_nvcc = pytest.mark.skipif(find_nvcc() is None, reason="nvcc not installed")


@pytest.mark.skipif(HAVE_GPU, reason="a GPU is present")
def test_backend_without_gpu_is_a_clear_backend_error():
    x = gc.placeholder((3,))
    with pytest.raises(gc.BackendError, match="backend 'cuda' is not available here: (no NVIDIA driver|neither)"):
        gc.function([x], [gc.exp(x)], backend="cuda")(np.ones(3, np.float32))


@needs_nvcc
def test_binary_is_compiled_once_and_cached_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(cuda_runtime, "_BINARIES", {})
    source = 'extern "C" __global__ void k(float* x) { x[threadIdx.x] *= 2.0f; }\n'
    first = cuda_runtime.compile_binary(source, "sm_80")
    assert first[:4] == b"\x7fELF"  # a cubin is an ELF image
    assert len(list((tmp_path / "graphc" / "cuda").glob("*.cubin"))) == 1
    monkeypatch.setattr(cuda_runtime, "_BINARIES", {})
    monkeypatch.setattr(cuda_runtime, "nvcc_compile", lambda *a: pytest.fail("recompiled despite the disk cache"))
    assert cuda_runtime.compile_binary(source, "sm_80") == first


@pytest.mark.parametrize("damage", ["random bytes", "empty", "truncated", "flipped bit", "a directory", "raw cubin"])
def test_a_damaged_disk_cache_entry_is_rebuilt_not_loaded(tmp_path, monkeypatch, damage):
    """Whatever sits at a cache entry's path, the driver is only ever given a binary that nvcc made."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(cuda_runtime, "_BINARIES", {})
    builds = []
    monkeypatch.setattr(cuda_runtime, "nvcc_compile", lambda *a: builds.append(a) or b"\x7fELF cubin of k" * 64)
    source = 'extern "C" __global__ void k() {}\n'
    good = cuda_runtime.compile_binary(source, "sm_80", "nvcc")
    (entry,) = (tmp_path / "graphc" / "cuda").glob("*.cubin")
    data = entry.read_bytes()
    if damage == "a directory":
        entry.unlink()
        entry.mkdir()
    else:
        entry.write_bytes({"random bytes": np.random.default_rng(0).bytes(len(data)), "empty": b"",
                           "truncated": data[:-10], "flipped bit": data[:-1] + bytes([data[-1] ^ 1]),
                           "raw cubin": good}[damage])
    monkeypatch.setattr(cuda_runtime, "_BINARIES", {})
    assert cuda_runtime.compile_binary(source, "sm_80", "nvcc") == good and len(builds) == 2
    if damage != "a directory":  # rewritten whole: the next process reads it back
        monkeypatch.setattr(cuda_runtime, "_BINARIES", {})
        assert cuda_runtime.compile_binary(source, "sm_80", "nvcc") == good and len(builds) == 2


@needs_nvcc
def test_compile_error_carries_nvccs_message(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with pytest.raises(gc.BackendError, match="(?s)nvcc failed for sm_80.*undefined_name"):
        cuda_runtime.compile_binary('extern "C" __global__ void k() { undefined_name(); }\n', "sm_80")


class RecordingLauncher(Launcher):
    """Device memory as host bytearrays; launches are recorded, not run."""

    name = "recording"

    def __init__(self):
        self.memory: dict[int, bytearray] = {}
        self.uploads: list[int] = []
        self.launches: list[str] = []
        self.copies: list[tuple] = []
        self.next = 1 << 20

    def arch(self):
        return "sm_80"

    def load(self, image):
        return image

    def function(self, module, name):
        return name

    def alloc(self, nbytes):
        ptr, self.next = self.next, self.next + nbytes + 4096
        self.memory[ptr] = bytearray(nbytes)
        return ptr

    def free(self, ptr):
        self.memory.pop(ptr, None)

    def _block(self, ptr):
        base = max(p for p in self.memory if p <= ptr)
        return self.memory[base], ptr - base

    def htod(self, ptr, array):
        self.uploads.append(ptr)
        block, at = self._block(ptr)
        block[at:at + array.nbytes] = np.ascontiguousarray(array).tobytes()

    def dtoh(self, array, ptr):
        block, at = self._block(ptr)
        array.reshape(-1).view(np.uint8)[:] = np.frombuffer(bytes(block[at:at + array.nbytes]), np.uint8)

    def dtod(self, dst, src, nbytes):
        self.copies.append((dst, src, nbytes))

    def launch(self, fn, grid, block, shared, pointers):
        self.launches.append(fn)

    def synchronize(self):
        pass


@needs_nvcc
def test_variables_stay_resident_and_updates_are_written_back(tmp_path, monkeypatch):
    from graphc.codegen.lower import buffer_name
    from graphc.program import specialize

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    x = gc.placeholder((None, 4))
    w = gc.variable(np.ones((4, 3), np.float32))
    loss = gc.sum((x @ w) ** 2)
    new_w = w - 0.1 * gc.grad(loss, [w])[0]
    program = specialize([x], [loss], [(w, new_w)], [(2, 4)])
    launcher = RecordingLauncher()
    program, plan, module = render_program(program)
    exe = cuda_runtime.CudaExecutable(program, plan, module, launcher)
    w_ptr = exe.pointers[buffer_name(w)]
    feed = np.ones((2, 4), np.float32)
    _, (new_value,) = exe([feed], [w.value])
    assert launcher.uploads.count(w_ptr) == 1
    assert launcher.launches == [launch.function for _, launch, _ in exe.calls]
    assert any(dst == w_ptr for dst, _, _ in launcher.copies)  # the update lands in the resident copy
    exe([feed], [new_value])  # what the session stores after the call: no upload
    assert launcher.uploads.count(w_ptr) == 1
    exe([feed], [np.zeros((4, 3), np.float32)])  # assigned on the host: uploaded again
    assert launcher.uploads.count(w_ptr) == 2
    arena = [s for s in plan.buffers.values() if s.kind == "arena"]
    assert arena and all(s.offset + s.nbytes <= plan.arena_bytes for s in arena)


# ---- every op, fusion pattern and gradient against the numpy reference --------------------------------------
# on a GPU ("cuda", marked gpu, skipped cleanly elsewhere), and everywhere on the host emulation of the same
# generated code through the same runtime ("cuda-emulated": tests/cuda_emulation.py); ops are grouped into few
# graphs because each emulated executable is one g++ build.

BACKENDS = [pytest.param("cuda", marks=[gpu, pytest.mark.gpu]), EMULATED]


@pytest.fixture(params=BACKENDS)
def backend(request, monkeypatch):
    register_emulated_backend(monkeypatch)
    return request.param


def _compare(backend, inputs, outputs, feeds, rtol=1e-5, atol=1e-6):
    ref = gc.function(inputs, outputs, backend="numpy")(*feeds)
    got = gc.function(inputs, outputs, backend=backend)(*feeds)
    for r, g in zip(ref, got, strict=True):
        np.testing.assert_allclose(g, r, rtol=rtol, atol=atol)


UNARY = ["exp", "log", "sin", "cos", "tanh", "sigmoid", "sqrt", "log1p", "expm1", "abs", "floor", "neg", "relu"]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_every_unary_op_matches_numpy(backend, dtype):
    x = gc.placeholder((None, 37), dtype)
    feed = np.random.default_rng(0).uniform(0.1, 3, (129, 37)).astype(dtype)
    _compare(backend, [x], [getattr(gc, name)(x) for name in UNARY], [feed],
             rtol=2e-6 if dtype == "float32" else 1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_special_values_and_large_trigonometric_arguments_match_numpy(backend, dtype):
    """NaN, infinities and signed zeros through the ops that compare or select (sign(NaN) is NaN,
    and so is the gradient of abs there), and sin/cos far beyond a few periods: CUDA's sin/sinf
    reduce any argument exactly, as long as no fast-math intrinsic replaces them."""
    x = gc.placeholder((None,), dtype)
    big = [1.6e113, -1e300, 1e22] if dtype == "float64" else [3e38, -1e30, 1e20]
    feed = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, -2.5, 1.6e9, -3e15, *big], dtype)
    outs = [gc.sin(x), gc.cos(x), gc.sign(x), gc.abs(x), gc.relu(x), gc.floor(x), gc.maximum(x, 0.0),
            gc.minimum(x, 1.0), gc.where(x > 1.0, x, -x), gc.grad(gc.sum(gc.abs(x)), x)]
    _compare(backend, [x], outs, [feed], rtol=2e-6 if dtype == "float32" else 1e-12, atol=0)


def test_reductions_on_every_axis_match_numpy(backend):
    shape = (17, 33, 65) if backend == "cuda" else (5, 7, 65)  # every row a block of emulated threads: keep few
    x = gc.placeholder((None, *shape[1:]), "float32")
    feed = np.random.default_rng(1).normal(size=shape).astype(np.float32)
    outs = [getattr(gc, reduce)(x, axis=axis) for reduce in ("sum", "max", "min", "mean")
            for axis in (None, 0, 1, 2, (0, 2))]
    _compare(backend, [x], outs, [feed], rtol=1e-5, atol=1e-5)


def test_fused_chain_with_broadcasting_matches_numpy(backend):
    x, b = gc.placeholder((None, 64)), gc.placeholder((64,))
    y = gc.where(gc.greater(x, 0.0), gc.tanh(x * b + 1.0), gc.exp(x) - 1.0)
    rng = np.random.default_rng(2)
    _compare(backend, [x, b], [y, gc.sum(y, axis=0), x[:, 1:] * 2.0],
             [rng.normal(size=(1000, 64)).astype(np.float32), rng.normal(size=64).astype(np.float32)], atol=1e-5)


@pytest.mark.parametrize("shape", [(1, 1, 1), (33, 65, 17), (128, 256, 64), (300, 7, 500)])
def test_matmul_with_epilogue_matches_numpy(backend, shape):
    m, k, n = shape
    a, w, bias = gc.placeholder((m, k)), gc.placeholder((k, n)), gc.placeholder((n,))
    rng = np.random.default_rng(3)
    feeds = [rng.normal(size=s).astype(np.float32) for s in ((m, k), (k, n), (n,))]
    _compare(backend, [a, w, bias], [gc.relu(a @ w + bias), gc.transpose(a) @ a], feeds, rtol=1e-4, atol=1e-4)


def test_softmax_cross_entropy_and_its_gradient_match_numpy(backend):
    logits, labels = gc.placeholder((None, 10), "float64"), gc.placeholder((None,), "int64")
    loss = gc.mean(gc.softmax_cross_entropy(logits, labels))
    rng = np.random.default_rng(4)
    feeds = [rng.normal(size=(64, 10)), rng.integers(0, 10, 64)]
    _compare(backend, [logits, labels], [loss, gc.grad(loss, [logits])[0]], feeds, rtol=1e-10, atol=1e-12)


def test_mlp_training_steps_match_numpy(backend):
    def run(backend):
        rng = np.random.default_rng(5)
        x, t = gc.placeholder((None, 20)), gc.placeholder((None, 3))
        w1 = gc.variable(rng.normal(size=(20, 32)).astype(np.float32) * 0.3)
        w2 = gc.variable(rng.normal(size=(32, 3)).astype(np.float32) * 0.3)
        loss = gc.mean((gc.relu(x @ w1) @ w2 - t) ** 2)
        g1, g2 = gc.grad(loss, [w1, w2])
        step = gc.function([x, t], [loss], updates=[(w1, w1 - 0.1 * g1), (w2, w2 - 0.1 * g2)], backend=backend)
        feeds = rng.normal(size=(16, 20)).astype(np.float32), rng.normal(size=(16, 3)).astype(np.float32)
        losses = [step(*feeds) for _ in range(5)]
        return np.array(losses, dtype=np.float64).ravel(), w1.value, w2.value

    for r, g in zip(run("numpy"), run(backend), strict=True):
        np.testing.assert_allclose(g, r, rtol=1e-4, atol=1e-5)

"""Generated CUDA run as host C++: the headers that emulate CUDA, and a Launcher that runs kernels that way.

Two headers map CUDA's keywords and intrinsics to C++ (g++ -std=c++20):
- HOST_HEADER, serial: one thread per block, `gc_block_reduce` the identity
  (a block's total is its only partial);
- THREADED_HEADER: each block's threads are std::threads, `__syncthreads` a
  barrier, `__shfl_down_sync` an exchange through a per-warp slot array between
  two warp barriers, blocks run one after another.
Both count which path vectorized kernels took (GC_VECTORIZE).

`EmulatedLauncher` implements graphc.runtime.cuda_launch.Launcher on top of the
threaded header: "device" memory is aligned host memory, the "binary" is the
source compiled by g++ into a shared library, each launch runs its grid (a few
blocks for grid-stride kernels, every block of a matmul).  With it the whole
CUDA runtime (runtime/cuda.py: arena placement, copies, resident variables,
write-backs) runs without a GPU: `build_emulated` is a backend factory.
"""

from __future__ import annotations

import ctypes
import hashlib
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import numpy as np
import pytest

from graphc import backends
from graphc.errors import BackendError
from graphc.runtime.cuda_launch import Launcher

NEEDS_GXX = pytest.mark.skipif(shutil.which("g++") is None, reason="g++ not installed")
EMULATED = pytest.param("cuda-emulated", marks=NEEDS_GXX)  # a backend parameter for tests


def register_emulated_backend(monkeypatch) -> str:
    """Make "cuda-emulated" (the CUDA runtime over this host emulation) a backend for one test."""
    monkeypatch.setitem(backends._FACTORIES, "cuda-emulated", "cuda_emulation:build_emulated")
    return "cuda-emulated"

# what both headers share: CUDA's keywords as C++, the path counters of vectorized kernels, bit casts
COMMON_HEADER = r"""#include <atomic>
static std::atomic<long> gc_paths[2];  // [0]: scalar-only runs of a vectorizable kernel, [1]: vector runs
static inline bool gc_count_path(bool aligned) { gc_paths[aligned ? 1 : 0] += 1; return aligned; }
extern "C" long gc_path_count(int vector) { return gc_paths[vector].load(); }
#define GC_VECTORIZE(aligned) gc_count_path(aligned)
#include <cmath>
#include <cstring>
using std::exp; using std::log; using std::sin; using std::cos; using std::tanh; using std::sqrt;
using std::log1p; using std::expm1; using std::floor; using std::pow; using std::fabs;
#define __global__
#define __device__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __restrict__
#define __shared__ static
#define __align__(n) __attribute__((aligned(n)))
struct Dim3 { unsigned x, y, z; };
static inline float __int_as_float(unsigned bits) { float f; std::memcpy(&f, &bits, 4); return f; }
static inline double __longlong_as_double(long long bits) { double d; std::memcpy(&d, &bits, 8); return d; }
// scatter_add's adds: threads of a block are std::threads here, so the emulated add is atomic too
template <typename T> T atomicAdd(T* p, T v) { return std::atomic_ref<T>(*p).fetch_add(v); }
"""

HOST_HEADER = COMMON_HEADER + r"""
static Dim3 blockIdx = {0, 0, 0}, threadIdx = {0, 0, 0}, blockDim = {1, 1, 1}, gridDim = {1, 1, 1};
struct GcAdd { template <typename T> static T apply(T a, T b) { return a + b; } };
template <typename T> T gc_max(T a, T b);
template <typename T> T gc_min(T a, T b);
struct GcMax { template <typename T> static T apply(T a, T b) { return gc_max(a, b); } };
struct GcMin { template <typename T> static T apply(T a, T b) { return gc_min(a, b); } };
template <typename Op, typename T> T gc_block_reduce(T v, T*, T) { return v; }  // one thread per block
"""


THREADED_HEADER = COMMON_HEADER + r"""#include <barrier>
#include <functional>
#include <thread>
#include <vector>
static thread_local Dim3 blockIdx, threadIdx;
static Dim3 blockDim, gridDim;
// a block's barrier, warp barriers and shuffle slots, per thread: a cooperative grid runs its blocks at once
static thread_local std::barrier<>* gc_block_barrier;
static thread_local std::vector<std::barrier<>*>* gc_warp_barriers;
alignas(8) static unsigned char gc_serial_slots[1024][8];
static thread_local unsigned char (*gc_slots)[8];
static thread_local unsigned char* gc_smem_block;  // a loop kernel's shared buffer, its block's
static std::barrier<>* gc_grid_barrier;
static inline void __syncthreads() { gc_block_barrier->arrive_and_wait(); }
template <typename T> T __shfl_down_sync(unsigned, T v, int offset) {
  const unsigned t = threadIdx.x, warp = t >> 5;
  std::memcpy(gc_slots[t], &v, sizeof(T));
  (*gc_warp_barriers)[warp]->arrive_and_wait();
  T out = v;
  if ((t & 31) + offset < 32 && t + offset < blockDim.x) { std::memcpy(&out, gc_slots[t + offset], sizeof(T)); }
  (*gc_warp_barriers)[warp]->arrive_and_wait();
  return out;
}
static void gc_launch(Dim3 grid, Dim3 block, const std::function<void()>& body) {
  blockDim = block; gridDim = grid;
  const unsigned n = block.x * block.y * block.z;
  for (unsigned bz = 0; bz < grid.z; ++bz)
  for (unsigned by = 0; by < grid.y; ++by)
  for (unsigned bx = 0; bx < grid.x; ++bx) {
    std::barrier<> bar(n);
    std::vector<std::barrier<>*> warps;
    for (unsigned w = 0; w * 32 < n; ++w) { warps.push_back(new std::barrier<>(std::min(32u, n - w * 32))); }
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < n; ++t) {
      threads.emplace_back([=, &body, &bar, &warps] {
        gc_block_barrier = &bar; gc_warp_barriers = &warps; gc_slots = gc_serial_slots;
        threadIdx = {t % block.x, (t / block.x) % block.y, t / (block.x * block.y)};
        blockIdx = {bx, by, bz};
        body();
      });
    }
    for (auto& th : threads) { th.join(); }
    for (auto* w : warps) { delete w; }
  }
}
// every block of the grid at once (each with its own barriers, slots and shared buffer), as a cooperative
// launch guarantees: what a grid barrier needs
struct GcBlock {
  explicit GcBlock(unsigned n) : bar(n) {
    for (unsigned w = 0; w * 32 < n; ++w) { warps.push_back(new std::barrier<>(std::min(32u, n - w * 32))); }
  }
  ~GcBlock() { for (auto* w : warps) { delete w; } }
  std::barrier<> bar;
  std::vector<std::barrier<>*> warps;
  alignas(16) unsigned char smem[49152];
  alignas(8) unsigned char slots[1024][8];
};
static void gc_launch_cooperative(Dim3 grid, Dim3 block, const std::function<void()>& body) {
  blockDim = block; gridDim = grid;
  const unsigned n = block.x * block.y * block.z, blocks = grid.x * grid.y * grid.z;
  std::barrier<> grid_barrier(n * blocks); gc_grid_barrier = &grid_barrier;
  std::vector<GcBlock*> states;
  for (unsigned b = 0; b < blocks; ++b) { states.push_back(new GcBlock(n)); }
  std::vector<std::thread> threads;
  for (unsigned b = 0; b < blocks; ++b) {
    for (unsigned t = 0; t < n; ++t) {
      GcBlock* state = states[b];
      threads.emplace_back([=, &body] {
        gc_block_barrier = &state->bar; gc_warp_barriers = &state->warps; gc_slots = state->slots;
        gc_smem_block = state->smem;
        threadIdx = {t % block.x, (t / block.x) % block.y, t / (block.x * block.y)};
        blockIdx = {b % grid.x, (b / grid.x) % grid.y, b / (grid.x * grid.y)};
        body();
      });
    }
  }
  for (auto& th : threads) { th.join(); }
  for (auto* state : states) { delete state; }
}
"""
# cuda_fp16.h and cuda_bf16.h as host C++, replacing their #include lines in generated source:
# __half is GCC's _Float16 (its conversions round to nearest even, doubles in one rounding, as
# CUDA's), __nv_bfloat16 its bits with CUDA's round-to-nearest-even conversions written out
# (a double first rounded to float *to odd*, so that the second rounding is the correct one).
HALF_HEADER = r"""typedef _Float16 __half;
static inline float __half2float(__half h) { return (float)h; }
static inline __half __float2half_rn(float f) { return (__half)f; }
static inline __half __double2half(double d) { return (__half)d; }
struct __nv_bfloat16 { unsigned short bits; };
static inline float __bfloat162float(__nv_bfloat16 b) {
  const unsigned u = (unsigned)b.bits << 16; float f; std::memcpy(&f, &u, 4); return f;
}
static inline __nv_bfloat16 __float2bfloat16_rn(float f) {
  unsigned u; std::memcpy(&u, &f, 4);
  if (f != f) { return {(unsigned short)((u >> 16) | 0x40)}; }
  return {(unsigned short)((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16)};
}
static inline __nv_bfloat16 __double2bfloat16(double d) {
  float r = (float)d;
  unsigned u; std::memcpy(&u, &r, 4);
  if (d == d && (double)r != d && (u & 1u) == 0) {
    u = std::fabs((double)r) > std::fabs(d) ? u - 1 : u + 1; std::memcpy(&r, &u, 4);
  }
  return __float2bfloat16_rn(r);
}
"""
_HALF_INCLUDES = "#include <cuda_fp16.h>\n#include <cuda_bf16.h>\n"
# a loop kernel's grid barrier (codegen/cuda/loop.py): a barrier over every thread of the grid, whose blocks
# gc_launch_cooperative runs at once; its one shared buffer becomes its block's
COOPERATIVE_HEADER = r"""#define __noinline__
namespace cooperative_groups {
struct grid_group { void sync() const { gc_grid_barrier->arrive_and_wait(); } };
static inline grid_group this_grid() { return {}; }
}
"""
_COOPERATIVE_INCLUDE = "#include <cooperative_groups.h>\n"
_LOOP_SHARED = re.compile(r"__shared__ __align__\(16\) unsigned char gc_smem\[\d+\];")


def host_source(source: str) -> str:
    """Generated CUDA with the half-precision and cooperative-groups headers replaced by their host emulation."""
    source = source.replace(_HALF_INCLUDES, HALF_HEADER).replace(_COOPERATIVE_INCLUDE, COOPERATIVE_HEADER)
    return _LOOP_SHARED.sub("unsigned char* gc_smem = gc_smem_block;", source)


EMULATED_BLOCKS = 3  # blocks per grid dimension that grid-stride loops may shrink to

_KERNEL = re.compile(r'extern "C" __global__ void __launch_bounds__\([^)]*\) (\w+)\(([^)]*)\)')
_WORKDIR = tempfile.TemporaryDirectory(prefix="graphc-cuda-emulation-")
# a library's blocks share static state (blockDim, barriers, warp slots): one grid at a time, as a stream runs them
_LAUNCH = threading.Lock()


def compile_host_library(source: str) -> ctypes.CDLL:
    """g++ the (header + generated + wrapper) C++ into a shared library, cached by its hash for this process."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:16]
    cpp, lib = Path(_WORKDIR.name) / f"{digest}.cpp", Path(_WORKDIR.name) / f"{digest}.so"
    if not lib.exists():
        cpp.write_text(source)
        proc = subprocess.run(["g++", "-std=c++20", "-O1", "-shared", "-fPIC", "-pthread", "-o", str(lib), str(cpp)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise BackendError(f"g++ could not compile the emulated CUDA:\n{proc.stderr[-4000:]}")
    return ctypes.CDLL(str(lib))


class EmulatedLauncher(Launcher):
    """The CUDA runtime's launcher interface on host threads (see the module docstring)."""

    name = "emulated"

    def __init__(self):
        self.buffers: dict[int, np.ndarray] = {}
        self.launched: list[str] = []

    def arch(self) -> str:
        return "sm_80"

    def compile(self, source: str, arch: str) -> bytes:
        return source.encode()  # the "binary" is the source: load() builds it for the host

    def load(self, image: bytes):
        source = image.decode()
        wrappers = []
        for name, params in _KERNEL.findall(source):
            # each parameter's type: its text without the name (and without __restrict__, where it has one)
            types = [p.rsplit(" ", 1)[0].removesuffix(" __restrict__") for p in params.split(", ")]
            args = ", ".join(f"({t})a[{i}]" for i, t in enumerate(types))
            for kind, launch in (("run", "gc_launch"), ("cooperative", "gc_launch_cooperative")):
                wrappers.append(f'extern "C" void gc_{kind}_{name}(unsigned gx, unsigned gy, unsigned gz, unsigned bx, '
                                f"unsigned by, unsigned bz, void** a) "
                                f"{{ {launch}({{gx, gy, gz}}, {{bx, by, bz}}, [=] {{ {name}({args}); }}); }}")
        return compile_host_library(THREADED_HEADER + host_source(source) + "\n".join(wrappers) + "\n")

    def function(self, module, name: str):
        return name, getattr(module, f"gc_run_{name}"), getattr(module, f"gc_cooperative_{name}")

    def alloc(self, nbytes: int) -> int:
        raw = np.zeros(max(1, nbytes) + 256, np.uint8)
        start = (-raw.ctypes.data) % 256  # cuMemAlloc's alignment
        ptr = raw.ctypes.data + start
        self.buffers[ptr] = raw
        return ptr

    def free(self, ptr: int) -> None:
        self.buffers.pop(ptr, None)

    def htod(self, ptr: int, array: np.ndarray) -> None:
        array = np.ascontiguousarray(array)
        ctypes.memmove(ptr, array.ctypes.data, array.nbytes)

    def dtoh(self, array: np.ndarray, ptr: int) -> None:
        ctypes.memmove(array.ctypes.data, ptr, array.nbytes)

    def dtod(self, dst: int, src: int, nbytes: int) -> None:
        ctypes.memmove(dst, src, nbytes)

    def pack(self, pointers: list[int]):
        return (ctypes.c_void_p * max(1, len(pointers)))(*pointers)

    def launch(self, fn, grid, block, shared, packed) -> None:
        name, run, _ = fn
        self.launched.append(name)
        if not name.endswith("_matmul"):  # grid-stride and row loops: any grid is correct
            grid = [min(g, EMULATED_BLOCKS) for g in grid]
        with _LAUNCH:
            run(*(ctypes.c_uint(int(v)) for v in (*grid, *block)), packed)

    def synchronize(self) -> None:
        pass

    def cooperative(self) -> bool:
        return True

    def resident_blocks(self, fn, threads: int, shared: int) -> int:
        return EMULATED_BLOCKS  # a cooperative grid's blocks run at once, as threads: keep them few

    def launch_cooperative(self, fn, grid, block, shared, packed) -> None:
        if int(np.prod(grid)) > EMULATED_BLOCKS:
            raise BackendError(f"cooperative grid {tuple(grid)} has more blocks than fit ({EMULATED_BLOCKS})")
        name, _, run = fn
        self.launched.append(name)
        with _LAUNCH:
            run(*(ctypes.c_uint(int(v)) for v in (*grid, *block)), packed)


def build_emulated(program, options: dict):
    """Backend factory ("cuda-emulated" in the tests): the CUDA runtime on an EmulatedLauncher."""
    from graphc.compile import render_program
    from graphc.runtime.cuda import CudaExecutable

    program, plan, module = render_program(program, options)
    return CudaExecutable(program, plan, module, EmulatedLauncher())


def build_emulated_loops(program, options: dict):
    """Backend factory ("cuda-emulated-loops"): as build_emulated, with its loops run as loop kernels
    (graphc/control/cuda.py) on the emulated launcher, every block of the grid at once."""
    return build_emulated(program, options)


def _emulated_control_flow(factory):
    from graphc.control.cuda import with_cuda_control_flow

    return with_cuda_control_flow(factory, EmulatedLauncher())


build_emulated_loops.control_flow = _emulated_control_flow


def register_emulated_loops_backend(monkeypatch) -> str:
    monkeypatch.setitem(backends._FACTORIES, "cuda-emulated-loops", "cuda_emulation:build_emulated_loops")
    return "cuda-emulated-loops"

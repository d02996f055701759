"""Kernel IR -> CUDA C: one `extern "C" __global__` function per kernel (a matmul and its epilogue are one).

Three shapes of kernel, chosen from the IR alone:
- no reduce dims: a grid-stride loop, one thread per element of the parallel nest,
  or per 4 consecutive elements with 16-byte loads and stores where the
  accesses allow (codegen/cuda/vector.py), the remainder one by one;
- reduce dims: one block per point of the parallel nest (a row); its threads
  stride over the reduce nest, then combine their partials with warp shuffles
  and one shared-memory exchange; every thread gets the result, so later phases
  (softmax's sum after its max) read it, and thread 0 does the final stores.
  Any axis works: the IR's strides say where each element lives;
- matmul: C = A @ B by a register-tiled shared-memory kernel (batches on grid
  z) whose stores apply the epilogue (bias, activation...): codegen/cuda/matmul.py.

`render_module(kernels)` gives a `CudaModule`: the source and, per kernel, the
launches (function name, grid, block) a runtime makes in order.

    module = render_module(plan.kernels)
    module.source          # CUDA C, the same text for the same kernels
    module.launches["k3"]  # [Launch("k3", (1024, 1, 1), (256, 1, 1))]
"""

from __future__ import annotations

import numpy as np

from graphc.codegen.cuda import half
from graphc.codegen.cuda.matmul import c_load_operands, render_matmul
from graphc.codegen.cuda.module import THREADS, CudaModule, Launch
from graphc.codegen.cuda.scalar import PRELUDE, ScalarEmitter, c_type, literal, memory_type
from graphc.codegen.cuda.vector import LANES, VECTOR_PRELUDE, plan_vectors, render_vector_loop
from graphc.codegen.kernel_ir import Accumulator, Kernel, Load, LoopIndex, Reduction, Store

MAX_BLOCKS = 1 << 16   # grid-stride loops cover the rest

REDUCE_PRELUDE = r"""
template <typename T> __device__ __forceinline__ T gc_shfl_down(T v, int offset) {
  if constexpr (sizeof(T) < 4) {  // bool, 8- and 16-bit ints: shuffles move 32-bit words
    return (T)__shfl_down_sync(0xffffffffu, (int)v, offset);
  } else {
    return __shfl_down_sync(0xffffffffu, v, offset);
  }
}
struct GcAdd { template <typename T> __device__ static T apply(T a, T b) { return a + b; } };
struct GcMax { template <typename T> __device__ static T apply(T a, T b) { return gc_max(a, b); } };
struct GcMin { template <typename T> __device__ static T apply(T a, T b) { return gc_min(a, b); } };
__device__ __forceinline__ bool gc_max(bool a, bool b) { return a || b; }
__device__ __forceinline__ bool gc_min(bool a, bool b) { return a && b; }

// Every thread of the block passes its partial and gets the block's total.
// `scratch` holds one value per warp (<= 32 warps) and is reused: the leading
// __syncthreads keeps a previous call's readers ahead of this call's writers.
template <typename Op, typename T> __device__ T gc_block_reduce(T v, T* scratch, T identity) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
  for (int o = 16; o > 0; o >>= 1) { v = Op::apply(v, gc_shfl_down(v, o)); }
  __syncthreads();
  if (lane == 0) { scratch[warp] = v; }
  __syncthreads();
  if (warp == 0) {
    v = lane < warps ? scratch[lane] : identity;
    for (int o = 16; o > 0; o >>= 1) { v = Op::apply(v, gc_shfl_down(v, o)); }
    if (lane == 0) { scratch[0] = v; }
  }
  __syncthreads();
  return scratch[0];
}
"""


def _blocks(n: int, per_block: int) -> int:
    return max(1, min(MAX_BLOCKS, -(-n // per_block)))


class CudaKernelRenderer:
    """Renders one kernel of the kernel IR."""

    def __init__(self, kernel: Kernel, device: bool = False):
        self.k = kernel
        # device: render `__device__` functions a loop kernel calls in turn (codegen/cuda/loop.py), each
        # covering its whole index space with whatever grid runs it, shared memory carved from `gc_smem`
        self.device = device
        self.shared_bytes = 0  # the most shared memory a device-mode function carves
        self.shared_used = 0   # what the function being rendered has carved so far
        self.lines: list[str] = []
        self.launches: list[Launch] = []
        self.temps = 0
        self.overrides: dict[int, str] = {}  # operand index -> C text replacing its load (a register it is in)
        # buffers are named by position, not by node id: the same graph built twice renders the same text
        self.local = {p.name: f"p{i}" for i, p in enumerate(kernel.params)}

    # ---- text helpers -------------------------------------------------------------------------

    def signature(self, name: str) -> str:
        params = []
        # in device mode no __restrict__: a `const __restrict__` buffer may be read through the non-coherent
        # cache, valid only for memory nothing writes during the kernel, and a loop kernel rewrites its buffers
        restrict = "" if self.device else " __restrict__"
        for p in self.k.params:
            const = "const " if p.role == "input" else ""
            params.append(f"{const}{memory_type(p.dtype)}*{restrict} {self.local[p.name]}")
        if self.device:
            return f'__device__ __noinline__ void {name}({", ".join([*params, "unsigned char* gc_smem"])})'
        return f'extern "C" __global__ void __launch_bounds__({THREADS}) {name}({", ".join(params)})'

    def shared_array(self, ctype: str, itemsize: int, name: str, dims: tuple, align: int) -> str:
        """The declaration of a shared array `ctype name[d0][d1]...`.  In device mode it is a view into the loop
        kernel's one shared buffer `gc_smem`: its functions run one at a time (a grid barrier between them),
        so each carves from offset 0 and the loop kernel needs the largest function's share, not the sum."""
        extents = "".join(f"[{d}]" for d in dims)
        if not self.device:
            return f"__shared__ __align__({align}) {ctype} {name}{extents};"
        offset = -(-self.shared_used // align) * align
        self.shared_used = offset + int(np.prod(dims)) * itemsize
        self.shared_bytes = max(self.shared_bytes, self.shared_used)
        inner = "".join(f"[{d}]" for d in dims[1:])
        return f"{ctype} (*{name}){inner} = reinterpret_cast<{ctype} (*){inner}>(gc_smem + {offset});"

    def index(self, access) -> str:
        terms = [str(access.offset)] if access.offset or not any(access.strides) else []
        terms += [f"i{d} * {s}LL" if s != 1 else f"i{d}" for d, s in enumerate(access.strides) if s]
        return " + ".join(terms)

    def operand(self, i: int) -> str:
        if i in self.overrides:
            return self.overrides[i]
        op = self.k.operands[i]
        if isinstance(op, Load):
            return half.load_text(f"{self.local[op.access.buffer]}[{self.index(op.access)}]", op.dtype)
        if isinstance(op, Accumulator):
            return f"acc{op.index}"
        if isinstance(op, LoopIndex):
            return f"(long long)i{op.dim}"
        raise TypeError(f"unknown operand {op!r}")

    def emit_values(self, exprs, indent: str, extents=()) -> list[str]:
        """Emit expressions in one scope, sharing their common subexpressions; returns their names
        (those of the indices of `extents`, one per trailing expression, clamped into their axes)."""
        emitter = ScalarEmitter(self.operand, prefix=f"v{self.temps}_", gathered=lambda i, index: self.gathered(
            emitter, i, index))
        names = [emitter.emit(e) for e in exprs]
        tail = len(names) - len(extents)
        names[tail:] = [emitter.clamped(name, n) for name, n in zip(names[tail:], extents, strict=True)]
        self.temps += 1
        self.lines += [indent + line for line in emitter.lines]
        return names

    def gathered(self, emitter: ScalarEmitter, i: int, index: str) -> str:
        """Operand i (a `Gather`) at the clamped `index` along its gathered axis: an indirect read."""
        op = self.k.operands[i]
        at = emitter.clamped(index, op.extent)
        return f"{self.local[op.access.buffer]}[{self.index(op.access)} + {at} * {op.stride}LL]"

    def stores(self, stores: list[Store], indent: str) -> None:
        indirect = [s.add_at for s in stores if s.add_at is not None]
        names = self.emit_values([s.expr for s in stores] + [a.index for a in indirect], indent,
                                 extents=[a.extent for a in indirect])
        at = iter(names[len(stores):])
        for st, name in zip(stores, names, strict=False):
            param = next(p for p in self.k.params if p.name == st.access.buffer)
            if st.add_at is not None:  # two threads may add into one element: atomically
                target = f"{self.local[st.access.buffer]}[{self.index(st.access)} + {next(at)} * {st.add_at.stride}LL]"
                self.lines.append(f"{indent}{_atomic_add(param.dtype, target, name)}")
                continue
            target = f"{self.local[st.access.buffer]}[{self.index(st.access)}]"
            value = f"({c_type(param.dtype)}){name}"
            if half.is_half(param.dtype):
                value = half.store_text(name, param.dtype)
            self.lines.append(f"{indent}{target} = {value};")

    def unflatten(self, flat: str, dims: list[int], indent: str) -> None:
        """Declare i<d> for each of `dims` from the flat index `flat` (row-major over dims)."""
        if not dims:
            return
        self.lines.append(f"{indent}long long {flat}_rem = {flat};")
        for d in reversed(dims[1:]):
            size = self.k.dims[d].size
            self.lines.append(f"{indent}const long long i{d} = {flat}_rem % {size}LL; {flat}_rem /= {size}LL;")
        self.lines.append(f"{indent}const long long i{dims[0]} = {flat}_rem;")

    def extent(self, dims: list[int]) -> int:
        return int(np.prod([self.k.dims[d].size for d in dims], dtype=np.int64))

    # ---- kernels ------------------------------------------------------------------------------

    def render(self) -> str:
        parts = []
        rest = any(p.stores or p.reductions for p in self.k.phases) or self.k.final_stores
        if self.k.matmul is not None:
            fuse = bool(rest) and c_load_operands(self.k) is not None
            parts.append(render_matmul(self, fuse))
            rest = rest and not fuse
        if rest:
            parts.append(self.render_reduce() if self.k.reduce_dims else self.render_elementwise())
        return "\n".join(parts)

    def body(self, name: str) -> str:
        text = "\n".join([self.signature(name) + " {", *self.lines, "}", ""])
        self.lines = []
        self.shared_used = 0
        return text

    def render_elementwise(self) -> str:
        k, par = self.k, self.k.parallel_dims
        n = self.extent(par)
        self.lines.append(f"  const long long n = {n}LL;")
        vectors = plan_vectors(k)
        if vectors is not None:
            render_vector_loop(self, vectors)  # groups of 4 elements, then this loop does the rest
        start = "done + " if vectors is not None else ""
        self.lines.append(f"  for (long long flat = {start}(long long)blockIdx.x * blockDim.x + threadIdx.x; flat < n;"
                          " flat += (long long)gridDim.x * blockDim.x) {")
        self.unflatten("flat", par, "    ")
        for phase in k.phases:
            self.stores(phase.stores, "    ")
        self.stores(k.final_stores, "    ")
        self.lines.append("  }")
        per_thread = LANES if vectors is not None else 1
        self.launches.append(Launch(k.name, (_blocks(-(-n // per_thread), THREADS), 1, 1), (THREADS, 1, 1)))
        return self.body(k.name)

    def render_reduce(self) -> str:
        k, par, red = self.k, self.k.parallel_dims, self.k.reduce_dims
        rows, n = self.extent(par), self.extent(red)
        threads = min(THREADS, max(32, 1 << max(0, (n - 1).bit_length())))
        widest = max((np.dtype(r.dtype).itemsize for r in k.reductions()), default=8)
        if self.device:
            self.lines.append("  " + self.shared_array("unsigned char", 1, "scratch", (32 * max(widest, 8),), 8))
        else:
            self.lines.append(f"  __shared__ __align__(8) unsigned char scratch[32 * {max(widest, 8)}];")
        self.lines.append(f"  for (long long row = blockIdx.x; row < {rows}LL; row += gridDim.x) {{")
        self.unflatten("row", par, "    ")
        first = 0
        for phase in k.phases:
            accs = range(first, first + len(phase.reductions))
            for i, r in zip(accs, phase.reductions, strict=True):
                self.lines.append(f"    {c_type(r.dtype)} acc{i} = {literal(r.identity, r.dtype)};")
            self.lines.append(f"    for (long long red = threadIdx.x; red < {n}LL; red += blockDim.x) {{")
            self.unflatten("red", red, "      ")
            values = self.emit_values([r.expr for r in phase.reductions], "      ")
            for i, r, v in zip(accs, phase.reductions, values, strict=True):
                self.lines.append(f"      acc{i} = {_combine(r)}::apply(acc{i}, ({c_type(r.dtype)}){v});")
            self.stores(phase.stores, "      ")
            self.lines.append("    }")
            for i, r in zip(accs, phase.reductions, strict=True):
                t = c_type(r.dtype)
                identity = literal(r.identity, r.dtype)
                call = f"gc_block_reduce<{_combine(r)}, {t}>(acc{i}, ({t}*)scratch, {identity})"
                self.lines.append(f"    acc{i} = {call};")
            first += len(phase.reductions)
        if k.final_stores:
            self.lines.append("    if (threadIdx.x == 0) {")
            self.stores(k.final_stores, "      ")
            self.lines.append("    }")
        self.lines.append("  }")
        self.launches.append(Launch(k.name, (_blocks(rows, 1), 1, 1), (threads, 1, 1)))
        return self.body(k.name)


def _atomic_add(dtype, target: str, value: str) -> str:
    """`target += value` atomically: CUDA's atomicAdd has float, double (sm_60 and later), int,
    unsigned and unsigned 64-bit forms; a signed 64-bit add is the unsigned one (two's complement)."""
    dtype = np.dtype(dtype)
    if dtype == np.int64:
        return f"atomicAdd((unsigned long long*)&{target}, (unsigned long long){value});"
    if dtype == np.uint32 or dtype == np.uint64:
        return f"atomicAdd(&{target}, ({c_type(dtype)}){value});"
    if dtype in (np.float32, np.float64, np.int32):
        return f"atomicAdd(&{target}, ({c_type(dtype)}){value});"
    raise TypeError(f"no atomic add for {dtype} on CUDA")


def _combine(r: Reduction) -> str:
    return {"add": "GcAdd", "max": "GcMax", "min": "GcMin"}[r.combine]


def prelude(kernels: list[Kernel]) -> list[str]:
    """The helpers every translation unit of `kernels` starts with (the half types' only when one is used)."""
    # no #include but the half types': nvcc includes cuda_runtime.h itself, and NVRTC (no toolkit headers) needs none
    parts = ["// generated by graphc: CUDA backend", PRELUDE, REDUCE_PRELUDE, VECTOR_PRELUDE]
    if any(half.is_half(p.dtype) for k in kernels for p in k.params):
        parts.insert(1, half.PRELUDE)
    return parts


def render_module(kernels: list[Kernel], header: bool = True) -> CudaModule:
    """All kernels of a plan in one translation unit (one nvcc run compiles them all); without `header`, the
    kernels alone, to join other parts under one `prelude`."""
    parts = prelude(kernels) if header else []
    module = CudaModule("")
    for k in kernels:
        r = CudaKernelRenderer(k)
        parts.append(f"// {k.name}: {', '.join(k.ops) or k.kind}")
        parts.append(r.render())
        module.launches[k.name] = r.launches
        module.params[k.name] = [p.name for p in k.params]
    module.source = "\n".join(parts)
    return module

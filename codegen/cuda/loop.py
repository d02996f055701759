"""A scan as one CUDA kernel: the loop over its steps is in the source, the body's kernels are its steps.

The body is compiled once, as any program (its `ExecutionPlan`: kernels over an arena), and each of its
kernels is rendered as a `__device__` function (CudaKernelRenderer in device mode: grid-stride over its
whole index space, matmul tiles walked by 1-d blocks, shared memory carved from one buffer).  One
cooperative kernel then runs

    carry <- init;                                    grid.sync()
    for step in 0 .. length-1:  t = step (or length-1-step when reverse)
        each body function f(carry, xs + t*slice, captures, workspace);  grid.sync()
        ys[t] <- y (when not written there directly), stack[t] <- carry,
        staging <- a carry's new value that is another carry's old one;   grid.sync()
        carry <- new carry;                           grid.sync()

`grid.sync()` (cooperative groups) is a barrier over every thread of the grid, with the memory
ordering of a kernel boundary, so each body function sees what the one before it wrote, exactly as
between launches: the body's memory plan (buffers reused along the body) stays valid, and a matmul or
a reduction over the whole carry is as correct as in its own launch.  It needs every block resident at
once, so the runtime launches at most as many blocks as fit (cuLaunchCooperativeKernel checks that).

The step index `t` picks each step's slice of xs by offset (`xs0 + t * 32LL`), and a body output that
is a y and nothing else is written straight into `ys0 + t * 16LL`; the carries live in the final-carry
arguments themselves.  The body's arena, its other outputs, its constants and the staging copies live
in one workspace argument.

    module = render_scan("scan7", body_plan, LoopShape(...))
    module.source        # one translation unit: the body's functions and the loop kernel `scan7`
    module.params        # the kernel's arguments in order (LoopArg: name, dtype, shape, role)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from graphc.codegen.cuda.module import Launch, LoopArg, LoopModule
from graphc.codegen.cuda.renderer import THREADS, CudaKernelRenderer, prelude
from graphc.codegen.cuda.scalar import memory_type
from graphc.codegen.plan import ExecutionPlan

ALIGN = 256  # bytes: every workspace region starts on a boundary this wide (16-byte vector loads need 16)

LOOP_PRELUDE = r"""#include <cooperative_groups.h>
// dst[i] = src[i] for i < n, the whole grid striding over it (a loop kernel's copies between its steps)
template <typename T> __device__ __forceinline__ void gc_copy(T* __restrict__ dst, const T* __restrict__ src,
                                                              long long n) {
  for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
    dst[i] = src[i];
  }
}
"""

Type = tuple  # (shape, dtype)


@dataclass(frozen=True)
class LoopShape:
    """What a scan does with its body's plan: the body's inputs are the carries, then one slice of each
    xs, then the captures; its outputs the new carries, then the ys (one step's)."""

    carries: tuple  # (shape, dtype) of each carry
    xs: tuple       # (shape, dtype) of one step's slice of each xs
    captures: tuple
    ys: tuple       # (shape, dtype) of one step's y
    length: int
    reverse: bool = False
    record: bool = False  # also stack each step's carry before the step (a VJP's recording twin)


def _elements(shape) -> int:
    return int(np.prod(shape, dtype=np.int64))


def loop_params(shape: LoopShape) -> list[LoopArg]:
    """The loop kernel's arguments, in order: init carries, xs, captures (read), final carries, ys, stacks
    (written), the workspace."""
    steps = shape.length
    args = [LoopArg(f"init{i}", np.dtype(d), tuple(s), "input") for i, (s, d) in enumerate(shape.carries)]
    args += [LoopArg(f"xs{j}", np.dtype(d), (steps, *s), "input") for j, (s, d) in enumerate(shape.xs)]
    args += [LoopArg(f"capture{c}", np.dtype(d), tuple(s), "input") for c, (s, d) in enumerate(shape.captures)]
    args += [LoopArg(f"carry{i}", np.dtype(d), tuple(s), "output") for i, (s, d) in enumerate(shape.carries)]
    args += [LoopArg(f"ys{j}", np.dtype(d), (steps, *s), "output") for j, (s, d) in enumerate(shape.ys)]
    if shape.record:
        args += [LoopArg(f"stack{i}", np.dtype(d), (steps, *s), "output") for i, (s, d) in enumerate(shape.carries)]
    return args


class _Workspace:
    """Regions of the workspace argument, each aligned, after the body's arena at offset 0."""

    def __init__(self, arena_bytes: int):
        self.size = arena_bytes

    def take(self, nbytes: int) -> int:
        offset = -(-self.size // ALIGN) * ALIGN
        self.size = offset + max(nbytes, 1)
        return offset


def render_scan(name: str, plan: ExecutionPlan, shape: LoopShape) -> LoopModule:
    """The scan whose body is `plan` as the cooperative kernel `name` (see the module's docstring)."""
    n, k = len(shape.carries), len(shape.xs)
    work = _Workspace(plan.arena_bytes)
    outputs = plan.outputs
    # a y that is a kernel-written output of the body and nothing else goes straight into ys[t]
    direct = {outputs[n + j]: j for j in range(len(shape.ys))
              if plan.buffers[outputs[n + j]].kind == "output" and outputs.count(outputs[n + j]) == 1}
    places: dict[str, int] = {}
    constants = []
    # in order of first use, not by name: names carry node ids, and the same graph built twice must render alike
    used = dict.fromkeys([p.name for kernel in plan.kernels for p in kernel.params] + list(outputs))
    for buf in used:
        spec = plan.buffers[buf]
        if spec.kind in ("output", "constant") and buf not in direct and buf not in places:
            places[buf] = work.take(spec.nbytes)
            if spec.kind == "constant":
                constants.append((places[buf], np.ascontiguousarray(spec.value, dtype=spec.dtype)))

    def pointer(buf: str) -> str:
        """The C expression of body buffer `buf` at step t."""
        spec = plan.buffers[buf]
        t = memory_type(spec.dtype)
        if spec.kind == "input":
            i = spec.index
            if i < n:
                return f"carry{i}"
            if i < n + k:
                return f"xs{i - n} + t * {_elements(shape.xs[i - n][0])}LL"
            return f"capture{i - n - k}"
        if buf in direct:
            j = direct[buf]
            return f"ys{j} + t * {_elements(shape.ys[j][0])}LL"
        if spec.kind == "arena":
            return f"({t}*)(ws + {spec.offset})"
        if spec.kind in ("output", "constant"):
            return f"({t}*)(ws + {places[buf]})"
        raise NotImplementedError(f"a loop body buffer of kind {spec.kind!r} ({buf})")

    functions, calls, steps, shared, blocks = [], [], [], 0, 1
    for kernel in plan.kernels:
        r = CudaKernelRenderer(replace(kernel, name=f"{name}_{kernel.name}"), device=True)
        functions.append(f"// {r.k.name}: {', '.join(kernel.ops) or kernel.kind}")
        functions.append(r.render())
        shared = max(shared, r.shared_bytes)
        args = ", ".join([pointer(p.name) for p in kernel.params] + ["gc_smem"])
        for launch in r.launches:
            calls.append(f"{launch.function}({args});")
            steps.append(launch.function)
            blocks = max(blocks, _grid_size(launch))

    # after the body: phase A reads the carries' old values (stacks, staging, ys that are carries), phase B
    # overwrites the carries
    phase_a, phase_b = [], []
    for j, (y_shape, y_dtype) in enumerate(shape.ys):
        if outputs[n + j] not in direct:
            count = _elements(y_shape)
            phase_a.append(f"gc_copy(ys{j} + t * {count}LL, {_const(pointer(outputs[n + j]), y_dtype)}, {count}LL);")
            blocks = max(blocks, -(-count // THREADS))
    for i, (c_shape, c_dtype) in enumerate(shape.carries):
        count = _elements(c_shape)
        blocks = max(blocks, -(-count // THREADS))
        if shape.record:
            phase_a.append(f"gc_copy(stack{i} + t * {count}LL, carry{i}, {count}LL);")
        source = pointer(outputs[i])
        if source == f"carry{i}":
            continue  # the body passes this carry through unchanged
        if source.startswith("carry"):  # another carry's old value: staged before any carry is overwritten
            staged = f"({memory_type(c_dtype)}*)(ws + {work.take(count * np.dtype(c_dtype).itemsize)})"
            phase_a.append(f"gc_copy({staged}, {_const(source, c_dtype)}, {count}LL);")
            source = staged
        phase_b.append(f"gc_copy(carry{i}, {_const(source, c_dtype)}, {count}LL);")

    params = loop_params(shape)
    lines = [f'extern "C" __global__ void __launch_bounds__({THREADS}) {name}({_signature(params)}) {{',
             "  cooperative_groups::grid_group grid = cooperative_groups::this_grid();",
             f"  __shared__ __align__(16) unsigned char gc_smem[{max(shared, 16)}];"]
    lines += [f"  gc_copy(carry{i}, init{i}, {_elements(s)}LL);" for i, (s, _) in enumerate(shape.carries)]
    lines.append("  grid.sync();")
    lines.append(f"  for (long long step = 0; step < {shape.length}LL; ++step) {{")
    lines.append(f"    const long long t = {f'{shape.length - 1}LL - step' if shape.reverse else 'step'};")
    for call in calls:
        lines += [f"    {call}", "    grid.sync();"]
    if phase_a:
        lines += [f"    {c}" for c in phase_a] + ["    grid.sync();"]
    if phase_b:
        lines += [f"    {c}" for c in phase_b] + ["    grid.sync();"]
    lines += ["  }", "}", ""]
    text = "\n".join([*functions, f"// {name}: the loop over {shape.length} steps", *lines])
    source = "\n".join([*prelude(plan.kernels), LOOP_PRELUDE, text])
    return LoopModule(name, source, text, params, work.size, constants, blocks, THREADS, shared, steps,
                      list(plan.kernels))


def _signature(params: list[LoopArg]) -> str:
    parts = []
    for a in params:
        const = "const " if a.role == "input" else ""
        parts.append(f"{const}{memory_type(a.dtype)}* __restrict__ {a.name}")
    return ", ".join([*parts, "unsigned char* __restrict__ ws"])


def _const(pointer: str, dtype) -> str:
    """`pointer` as a pointer to const (gc_copy's source), whatever it was."""
    return f"(const {memory_type(dtype)}*)({pointer})"


def _grid_size(launch: Launch) -> int:
    return int(np.prod(launch.grid))


__all__ = ["LoopArg", "LoopModule", "LoopShape", "loop_params", "render_scan"]

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

A plain while loop (`render_while`) is the same kernel with an open loop: each trip runs its condition's
functions, every thread reads the condition's bool after the barrier (so the grid leaves together),
then the body's functions and the carry update; reaching max_iterations sets a status argument.

    module = render_scan("scan7", body_plan, LoopShape(...))
    module.source        # one translation unit: the body's functions and the loop kernel `scan7`
    module.params        # the kernel's arguments in order (LoopArg: name, dtype, shape, role)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from graphc.codegen.cuda.module import LoopArg, LoopModule
from graphc.codegen.cuda.renderer import THREADS, CudaKernelRenderer, prelude
from graphc.codegen.cuda.scalar import memory_type
from graphc.codegen.plan import ExecutionPlan

ALIGN = 256  # bytes: every workspace region starts on a boundary this wide (16-byte vector loads need 16)

LOOP_PRELUDE = r"""#include <cooperative_groups.h>
// dst[i] = src[i] for i < n, the whole grid striding over it (a loop kernel's copies between its steps).
// No __restrict__: a `const __restrict__` source may be read through the non-coherent (read-only) cache,
// valid only for memory no thread writes during the kernel, and this kernel rewrites it every step.  The
// loads are volatile: a source that is a slice of a kernel parameter declared `const __restrict__` (an xs
// slice copied into a carry) would otherwise be read through that cache too, after the loop's first call.
template <typename T> __device__ __forceinline__ void gc_copy(T* dst, const T* src, long long n) {
  for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
    dst[i] = *(const volatile T*)(src + i);
  }
}
"""

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
    max_iterations: int | None = None  # a while loop's bound (length None): reaching it sets `status`


def _elements(shape) -> int:
    return int(np.prod(shape, dtype=np.int64))


def loop_params(shape: LoopShape) -> list[LoopArg]:
    """The loop kernel's arguments, in order: init carries, xs, captures (read), final carries, ys, stacks
    (written), a while loop's status (0, or 1 when it reached max_iterations), the workspace."""
    steps = shape.length
    args = [LoopArg(f"init{i}", np.dtype(d), tuple(s), "input") for i, (s, d) in enumerate(shape.carries)]
    args += [LoopArg(f"xs{j}", np.dtype(d), (steps, *s), "input") for j, (s, d) in enumerate(shape.xs)]
    args += [LoopArg(f"capture{c}", np.dtype(d), tuple(s), "input") for c, (s, d) in enumerate(shape.captures)]
    args += [LoopArg(f"carry{i}", np.dtype(d), tuple(s), "output") for i, (s, d) in enumerate(shape.carries)]
    args += [LoopArg(f"ys{j}", np.dtype(d), (steps, *s), "output") for j, (s, d) in enumerate(shape.ys)]
    if shape.record:
        args += [LoopArg(f"stack{i}", np.dtype(d), (steps, *s), "output") for i, (s, d) in enumerate(shape.carries)]
    if shape.length is None:
        args.append(LoopArg("status", np.dtype(np.int32), (1,), "status"))
    return args


class _Workspace:
    """Regions of the workspace argument, each aligned, after the bodies' arena at offset 0 (the bodies run
    one after another, so they share it)."""

    def __init__(self, arena_bytes: int):
        self.size = arena_bytes

    def take(self, nbytes: int) -> int:
        offset = -(-self.size // ALIGN) * ALIGN
        self.size = offset + max(nbytes, 1)
        return offset


class _Body:
    """One body (its plan) as `__device__` functions of the loop kernel `name`, and the calls that run it.

    `inputs[i]` is the C expression of the body's input i at step t; `direct` maps an output buffer
    to the C expression it is written to instead of a workspace region (a y, straight into ys[t])."""

    def __init__(self, name: str, plan: ExecutionPlan, inputs: list[str], work: _Workspace,
                 direct: dict[str, str] | None = None):
        self.plan, self.inputs, self.direct = plan, inputs, direct or {}
        self.places: dict[str, int] = {}
        self.constants: list = []
        # in order of first use, not by name: names carry node ids, and the same graph built twice renders alike
        used = dict.fromkeys([p.name for kernel in plan.kernels for p in kernel.params] + list(plan.outputs))
        for buf in used:
            spec = plan.buffers[buf]
            if spec.kind in ("output", "constant") and buf not in self.direct:
                self.places[buf] = work.take(spec.nbytes)
                if spec.kind == "constant":
                    self.constants.append((self.places[buf], np.ascontiguousarray(spec.value, dtype=spec.dtype)))
        self.functions, self.calls, self.steps, self.shared, self.blocks = [], [], [], 0, 1
        for kernel in plan.kernels:
            r = CudaKernelRenderer(replace(kernel, name=f"{name}_{kernel.name}"), device=True)
            self.functions += [f"// {r.k.name}: {', '.join(kernel.ops) or kernel.kind}", r.render()]
            self.shared = max(self.shared, r.shared_bytes)
            args = ", ".join([self.pointer(p.name) for p in kernel.params] + ["gc_smem"])
            for launch in r.launches:
                self.calls.append(f"{launch.function}({args});")
                self.steps.append(launch.function)
                self.blocks = max(self.blocks, int(np.prod(launch.grid)))

    def pointer(self, buf: str) -> str:
        """The C expression of the body's buffer `buf` at step t."""
        spec = self.plan.buffers[buf]
        if spec.kind == "input":
            return self.inputs[spec.index]
        if buf in self.direct:
            return self.direct[buf]
        if spec.kind == "arena":
            return f"({memory_type(spec.dtype)}*)(ws + {spec.offset})"
        if buf in self.places:
            return f"({memory_type(spec.dtype)}*)(ws + {self.places[buf]})"
        raise NotImplementedError(f"a loop body buffer of kind {spec.kind!r} ({buf})")

    def output(self, i: int) -> str:
        return self.pointer(self.plan.outputs[i])

    def run(self, indent: str) -> list[str]:
        return [line for call in self.calls for line in (indent + call, indent + "grid.sync();")]


def _carry_update(body: _Body, carries, work: _Workspace, phase_a: list[str], record: bool) -> list[str]:
    """Phase B (the carries overwritten by their new values), adding to phase A (run before it, between
    barriers) the stacking of each carry and the staging of a new value that is another carry's old one."""
    phase_b = []
    for i, (shape, dtype) in enumerate(carries):
        count = _elements(shape)
        if record:
            phase_a.append(f"gc_copy(stack{i} + t * {count}LL, carry{i}, {count}LL);")
        source = body.output(i)
        if source == f"carry{i}":
            continue  # the body passes this carry through unchanged
        if source in {f"carry{j}" for j in range(len(carries))}:
            staged = f"({memory_type(dtype)}*)(ws + {work.take(count * np.dtype(dtype).itemsize)})"
            phase_a.append(f"gc_copy({staged}, {_const(source, dtype)}, {count}LL);")
            source = staged
        phase_b.append(f"gc_copy(carry{i}, {_const(source, dtype)}, {count}LL);")
    return phase_b


def _phases(phase_a: list[str], phase_b: list[str], indent: str) -> list[str]:
    lines = []
    for phase in (phase_a, phase_b):
        if phase:
            lines += [indent + c for c in phase] + [indent + "grid.sync();"]
    return lines


def _module(name: str, shape: LoopShape, bodies: list[_Body], loop: list[str], work: _Workspace,
            error: str = "") -> LoopModule:
    """The loop kernel: the carries initialized, then `loop` (its lines), after the bodies' functions."""
    params = loop_params(shape)
    shared = max(b.shared for b in bodies)
    blocks = max([b.blocks for b in bodies] + [-(-_elements(s) // THREADS) for s, _ in (*shape.carries, *shape.ys)])
    lines = [f'extern "C" __global__ void __launch_bounds__({THREADS}) {name}({_signature(params)}) {{',
             "  cooperative_groups::grid_group grid = cooperative_groups::this_grid();",
             f"  __shared__ __align__(16) unsigned char gc_smem[{max(shared, 16)}];"]
    lines += [f"  gc_copy(carry{i}, init{i}, {_elements(s)}LL);" for i, (s, _) in enumerate(shape.carries)]
    lines += ["  grid.sync();", *loop, "}", ""]
    what = f"the loop over {shape.length} steps" if shape.length is not None else "the while loop"
    text = "\n".join([*[f for b in bodies for f in b.functions], f"// {name}: {what}", *lines])
    kernels = [k for b in bodies for k in b.plan.kernels]
    source = "\n".join([*prelude(kernels), LOOP_PRELUDE, text])
    return LoopModule(name, source, text, params, work.size, [c for b in bodies for c in b.constants], blocks,
                      THREADS, shared, [s for b in bodies for s in b.steps], kernels, error)


def render_scan(name: str, plan: ExecutionPlan, shape: LoopShape) -> LoopModule:
    """The scan whose body is `plan` as the cooperative kernel `name` (see the module's docstring)."""
    n = len(shape.carries)
    work = _Workspace(plan.arena_bytes)
    outputs = plan.outputs
    inputs = [f"carry{i}" for i in range(n)]
    inputs += [f"xs{j} + t * {_elements(s)}LL" for j, (s, _) in enumerate(shape.xs)]
    inputs += [f"capture{c}" for c in range(len(shape.captures))]
    # a y that is a kernel-written output of the body and nothing else goes straight into ys[t]
    direct = {outputs[n + j]: f"ys{j} + t * {_elements(s)}LL" for j, (s, _) in enumerate(shape.ys)
              if plan.buffers[outputs[n + j]].kind == "output" and outputs.count(outputs[n + j]) == 1}
    body = _Body(name, plan, inputs, work, direct)
    # after the body: phase A reads the carries' old values (stacks, staging, ys that are carries), phase B
    # overwrites the carries
    phase_a = []
    for j, (y_shape, y_dtype) in enumerate(shape.ys):
        if outputs[n + j] not in direct:
            count = _elements(y_shape)
            phase_a.append(f"gc_copy(ys{j} + t * {count}LL, {_const(body.output(n + j), y_dtype)}, {count}LL);")
    phase_b = _carry_update(body, shape.carries, work, phase_a, shape.record)
    loop = [f"  for (long long step = 0; step < {shape.length}LL; ++step) {{",
            f"    const long long t = {f'{shape.length - 1}LL - step' if shape.reverse else 'step'};",
            *body.run("    "), *_phases(phase_a, phase_b, "    "), "  }"]
    return _module(name, shape, [body], loop, work)


def render_while(name: str, cond: ExecutionPlan, cond_captures: list[int], plan: ExecutionPlan,
                 body_captures: list[int], shape: LoopShape, error: str) -> LoopModule:
    """A while loop (without recording) as the cooperative kernel `name`: each trip runs the condition's
    functions, every thread reads its bool after the barrier (all read the same: the loop ends for the
    whole grid at once), then the body's and the carry update.  `*_captures[c]`: which of the loop's
    captures is the body's capture c.  Reaching `shape.max_iterations` with the condition still true
    sets the `status` argument (the runtime raises `error`) and ends the loop."""
    n = len(shape.carries)
    work = _Workspace(max(cond.arena_bytes, plan.arena_bytes))
    carries = [f"carry{i}" for i in range(n)]
    test = _Body(f"{name}_cond", cond, carries + [f"capture{c}" for c in cond_captures], work)
    body = _Body(name, plan, carries + [f"capture{c}" for c in body_captures], work)
    phase_a: list[str] = []
    phase_b = _carry_update(body, shape.carries, work, phase_a, False)
    loop = ["  for (long long trips = 0;; ++trips) {", *test.run("    "),
            f"    if (!(bool)*({test.output(0)})) {{ break; }}"]
    if shape.max_iterations is not None:
        loop += [f"    if (trips >= {shape.max_iterations}LL) {{",
                 "      if (blockIdx.x == 0 && threadIdx.x == 0) { status[0] = 1; }",
                 "      break;", "    }"]
    after = [*body.run("    "), *_phases(phase_a, phase_b, "    ")]
    # no barrier before the next trip's condition writes its result again: one, so every thread has read it
    loop += after or ["    grid.sync();"]
    loop.append("  }")
    return _module(name, shape, [test, body], loop, work, error)


def _signature(params: list[LoopArg]) -> str:
    """The loop kernel's parameters: `const __restrict__` only on what no step writes (init, xs, captures)."""
    parts = []
    for a in params:
        qualifiers = ("const ", " __restrict__") if a.role == "input" else ("", "")
        parts.append(f"{qualifiers[0]}{memory_type(a.dtype)}*{qualifiers[1]} {a.name}")
    return ", ".join([*parts, "unsigned char* ws"])


def _const(pointer: str, dtype) -> str:
    """`pointer` as a pointer to const (gc_copy's source), whatever it was."""
    return f"(const {memory_type(dtype)}*)({pointer})"


__all__ = ["LoopArg", "LoopModule", "LoopShape", "loop_params", "render_scan", "render_while"]

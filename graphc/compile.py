"""The compile pipeline shared by the native backends: program -> passes -> fused kernels -> plan.

    program -> simplify (graphc.passes) -> rematerialize (options["remat"]) -> fuse -> lower to kernel IR
            -> memory plan (arena by liveness) -> ExecutionPlan

`build_llvm(program, options)` renders the kernels with LLVM, JIT-compiles them
and returns the executable (graphc.runtime.plan.LlvmExecutable); the CUDA backend
reuses `plan_kernels` and renders the same kernels its own way.
"""

from __future__ import annotations

import collections
import functools

import numpy as np

from graphc.passes import run_passes
from graphc.passes.fusion import fuse
from graphc.passes.memory_plan import Step, plan_memory
from graphc.program import Program


def prepare(program: Program, options: dict) -> Program:
    """Simplify, then rematerialize when asked, judging candidates by the kernels' arena plan."""
    from graphc.passes.remat import check_remat_option, rematerialize

    remat = check_remat_option(options.get("remat", "none"))
    program = run_passes(program)
    if remat != "none":
        program = rematerialize(program, remat, planner=_kernel_planner)
    return program


def _kernel_planner(candidate: Program):
    """A candidate's arena plan; the whole plan is kept on it, so that the chosen one is not
    fused, lowered and planned a second time by `plan_prepared`."""
    _, plan = plan_prepared(candidate)
    candidate._kernel_plan = plan  # the plan, not (candidate, plan): that would be a cycle
    return plan.memory


def plan_kernels(program: Program, options: dict | None = None, accumulate: bool = False):
    """(program after passes, ExecutionPlan with kernels and buffer placement).

    `accumulate`: SGD-style weight updates become gemm accumulating into the variable's
    array (graphc.codegen.accumulate); the backend's runtime must place "update" buffers.
    The plan must fit `options["memory_limit"]` (graphc.memory_limit): the runtimes allocate it as planned.
    """
    options = options or {}
    program, plan = plan_prepared(prepare(program, options), accumulate)
    check_plan_memory(program, plan, options.get("memory_limit"))
    return program, plan


def check_plan_memory(program: Program, plan, option=None) -> None:
    """The compiled backends' check: the arena and every buffer a call allocates, within the cap."""
    from graphc import memory_limit
    from graphc.codegen.lower import buffer_name

    op_of = {buffer_name(n): n.op.name for n in program.nodes()}
    allocated = [s for s in plan.buffers.values() if s.kind in ("arena", "output")]
    buffers = [memory_limit.Buffer(op_of.get(s.name, s.name), s.shape, str(s.dtype), s.nbytes) for s in allocated]
    planned = plan.arena_bytes + sum(s.nbytes for s in allocated if s.kind == "output")
    memory_limit.check(memory_limit.resolve(option), planned, buffers, "the compiled kernels' arena and outputs")


def plan_prepared(program: Program, accumulate: bool = False):
    """(program, ExecutionPlan) for a program already through `prepare`: fuse, lower, place the buffers."""
    from graphc.codegen.accumulate import accumulate_updates
    from graphc.codegen.lower import buffer_name, lower
    from graphc.runtime.plan import BufferSpec, ExecutionPlan

    planned = vars(program).pop("_kernel_plan", None)  # taken once: a plan is not shared by two callers
    if planned is not None and not accumulate:
        return program, planned
    fusion = fuse(program)
    kernels = lower(fusion)
    accumulated = []
    if accumulate:
        # a value given to two variables is stored once and copied: it cannot be written over either
        given = collections.Counter(buffer_name(n) for n in program.new_values)
        updates = {buffer_name(n): buffer_name(program.variables[i])
                   for i, n in zip(program.updated, program.new_values) if given[buffer_name(n)] == 1}
        kernels, accumulated = accumulate_updates(kernels, updates, {buffer_name(n) for n in program.outputs})
    buffers: dict[str, BufferSpec] = {}
    for i, node in enumerate(program.inputs):
        buffers[buffer_name(node)] = BufferSpec(buffer_name(node), node.dtype, node.shape, "input", index=i)
    for i, node in enumerate(program.variables):
        buffers[buffer_name(node)] = BufferSpec(buffer_name(node), node.dtype, node.shape, "variable", index=i)
    roots = {buffer_name(n) for n in program.roots}
    nodes = {buffer_name(n): n for n in fusion.order}
    for n in program.roots:
        nodes[buffer_name(n)] = n
    for name in roots:
        if name not in buffers:
            node = nodes[name]
            if node.op.name == "constant":
                buffers[name] = BufferSpec(name, node.dtype, node.shape, "constant", value=node.attrs["value"])
            else:
                buffers[name] = BufferSpec(name, node.dtype, node.shape, "output")
    for acc in accumulated:  # written over its variable's value (graphc.runtime.plan decides which array that is)
        spec = buffers[acc.variable]
        buffers[acc.new_value] = BufferSpec(acc.new_value, spec.dtype, spec.shape, "update", index=spec.index)
    steps, sizes = [], {}
    for k in kernels:
        writes, reads = [], []
        for p in k.params:
            if p.name not in buffers:
                node = nodes[p.name]
                if node.op.name == "constant":
                    buffers[p.name] = BufferSpec(p.name, node.dtype, node.shape, "constant",
                                                 value=node.attrs["value"])
                elif node.op.kind == "source":
                    raise AssertionError(f"unplaced source {node}")
            spec = buffers.get(p.name)
            if spec is not None and spec.kind != "arena":
                continue
            sizes[p.name] = p.size * np.dtype(p.dtype).itemsize
            if p.role in ("output", "inout"):
                writes.append(p.name)
            if p.role in ("input", "inout"):
                reads.append(p.name)
        # a buffer written in this kernel for the first time is written before it is read
        steps.append(Step(writes=[w for w in writes], reads=reads, name=k.name))
    seen: set = set()
    for s in steps:  # a kernel that writes a buffer another already wrote (concat parts) only reads it
        s.reads = list(s.reads) + [w for w in s.writes if w in seen]
        s.writes = [w for w in s.writes if w not in seen]
        seen.update(s.writes)
    memory = plan_memory(steps, sizes, names={k: _label(nodes.get(k), k) for k in sizes})
    for name in sizes:
        node = nodes[name]
        buffers[name] = BufferSpec(name, node.dtype, node.shape, "arena", offset=memory.offset(name) or 0)
    plan = ExecutionPlan(kernels, buffers, memory.arena_bytes, [buffer_name(n) for n in program.outputs],
                         [buffer_name(n) for n in program.new_values], memory)
    return program, plan


def _label(node, key):
    return node.label if node is not None else str(key)


_JIT_CACHE: collections.OrderedDict = collections.OrderedDict()
JIT_CACHE_SIZE = 64
# Rendering a module's text takes about this fraction of the time LLVM then takes to compile it.
RENDER_COST = 0.17


def clear_jit_cache() -> None:
    """Forget every compiled module: the next build of any program runs LLVM (cold-build timings)."""
    _JIT_CACHE.clear()


def build_llvm(program: Program, options: dict):
    """Backend factory for "llvm": compile `program` to native code."""
    from graphc.codegen.kernel_ir import distinct_structures
    from graphc.codegen.llvm.renderer import code_size, entries, module_text, render_module, split_parts
    from graphc.runtime.llvm_compile import vector_bits
    from graphc.runtime.llvm_jit import JitModule, blas_int_bits
    from graphc.runtime.llvm_workers import compile_parts
    from graphc.runtime.plan import NO_KERNELS_IR, LlvmExecutable

    program, plan = plan_kernels(program, options, accumulate=True)
    kernels = plan.kernels
    slots = {n: i for i, n in enumerate(sorted(plan.buffers))}
    if not kernels:  # every output is an input, a variable or a constant: nothing to compile
        return LlvmExecutable(program, plan, None, NO_KERNELS_IR, {}, slots)
    structures, keys = distinct_structures(kernels)
    widths, int_bits = vector_bits(), blas_int_bits()
    sizes = {s: code_size(kernels[s], widths) for s in set(structures)}
    parts = split_parts(kernels, compile_parts(sum(sizes.values())), structures, sizes, head_start=RENDER_COST)
    # what the module's text is made of: executables with the same kernels compile it once
    key = (tuple(keys), tuple(structures), tuple(k.name for k in kernels), tuple(map(tuple, parts)),
           widths, int_bits)
    jit = _JIT_CACHE.get(key)
    if jit is None:
        def render(n: int) -> str:
            part = parts[n]
            return module_text(render_module([kernels[i] for i in part], slots, f"graphc.part{n}", int_bits,
                                             [structures[i] for i in part], widths))

        jit = JitModule([functools.partial(render, n) for n in range(len(parts))])
        _JIT_CACHE[key] = jit
        if len(_JIT_CACHE) > JIT_CACHE_SIZE:
            _JIT_CACHE.popitem(last=False)
    else:
        _JIT_CACHE.move_to_end(key)
    return LlvmExecutable(program, plan, jit, jit.text, entries(kernels, slots, structures), slots)

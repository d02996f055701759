"""The compiled backends' compile side: graphc.pipeline's stages, then each target's render stage.

    program -> graphc.pipeline (simplify -> remat -> fuse -> lower -> memory plan) -> render_llvm | render_cuda

`build_llvm(program, options)` returns the executable (graphc.runtime.plan.LlvmExecutable): LLVM renders
and JIT-compiles the kernels.  `build_cuda(program, options)` returns graphc.runtime.cuda.CudaExecutable:
the kernels rendered as one CUDA module (`render_program` stops there: no device needed), which the
runtime compiles to a cubin (cached) and launches.
`prepare`, `plan_kernels` and `plan_prepared` are the pipeline stopped after remat or after
the memory plan, kept for the tests and tools that call them.
"""

from __future__ import annotations

import collections
import functools
from collections.abc import Mapping

from graphc import pipeline
from graphc.program import Program


def prepare(program: Program, options: Mapping | None) -> Program:
    """Simplify, then rematerialize when asked, judging candidates by the kernels' arena plan."""
    return pipeline.run(program, options, pipeline.LLVM, stop_after="remat").program


def plan_kernels(program: Program, options: Mapping | None = None, accumulate: bool = False):
    """(program after passes, ExecutionPlan with kernels and buffer placement): graphc.pipeline up to the
    memory plan, for the CUDA target or, with `accumulate` (SGD-style updates accumulate into the
    variable's array, graphc.codegen.accumulate), for llvm.  The plan must fit `options["memory_limit"]`."""
    built = pipeline.run(program, options, pipeline.LLVM if accumulate else pipeline.CUDA)
    return built.program, built.plan


def plan_prepared(program: Program, accumulate: bool = False):
    """(program, ExecutionPlan) for a program already through `prepare`: fuse, lower, place the buffers."""
    target = pipeline.LLVM if accumulate else pipeline.CUDA
    return program, pipeline.plan_stages(pipeline.Built(target, program), program).plan


_JIT_CACHE: collections.OrderedDict = collections.OrderedDict()
JIT_CACHE_SIZE = 64
# Rendering a module's text takes about this fraction of the time LLVM then takes to compile it.
RENDER_COST = 0.17


def clear_jit_cache() -> None:
    """Forget every compiled module: the next build of any program runs LLVM (cold-build timings)."""
    _JIT_CACHE.clear()


def build_llvm(program: Program, options: Mapping | None):
    """Backend factory for "llvm": compile `program` to native code (graphc.pipeline, then `render_llvm`)."""
    return pipeline.build(program, options, pipeline.LLVM)


def render_llvm(built: pipeline.Built, options: pipeline.Options):
    """The render stage of "llvm": the planned kernels as LLVM modules, JIT-compiled, in an executable."""
    from graphc.codegen.kernel_ir import distinct_structures
    from graphc.codegen.llvm.renderer import code_size, entries, module_text, render_module, split_parts
    from graphc.runtime.llvm_compile import vector_bits
    from graphc.runtime.llvm_jit import JitModule, blas_int_bits
    from graphc.runtime.llvm_workers import compile_parts
    from graphc.runtime.plan import NO_KERNELS_IR, LlvmExecutable

    program, plan = built.program, built.plan
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


def render_program(program: Program, options: Mapping | None = None) -> tuple:
    """(program after passes, plan, CudaModule): everything short of a device, for `graphc compile --target cuda`."""
    from graphc.codegen.cuda.renderer import render_module

    built = pipeline.run(program, options, pipeline.CUDA)
    return built.program, built.plan, render_module(built.plan.kernels)


def render_cuda(built: pipeline.Built, options: pipeline.Options):
    """The render stage of "cuda" (graphc.pipeline.build): the planned kernels as one CUDA module."""
    from graphc.codegen.cuda.renderer import render_module
    from graphc.runtime.cuda import CudaExecutable
    from graphc.runtime.cuda_launch import open_launcher

    launcher = open_launcher(options.get("cuda_launcher"))
    return CudaExecutable(built.program, built.plan, render_module(built.plan.kernels), launcher)


def build_cuda(program: Program, options: Mapping):
    """Backend factory for "cuda".  Checks for the GPU first: no device means a BackendError saying what is missing."""
    from graphc.runtime.cuda import CudaExecutable
    from graphc.runtime.cuda_launch import open_launcher

    launcher = open_launcher(options.get("cuda_launcher"))
    program, plan, module = render_program(program, options)
    return CudaExecutable(program, plan, module, launcher)

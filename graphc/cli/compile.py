"""graphc compile model.json --target llvm|cuda --emit llvm-ir|asm|cuda|ptx -o OUT: write the generated code.

The graph is specialised to concrete shapes (--shape for feed-time sizes),
compiled by the target's pipeline (simplify → rematerialize → fuse → plan →
codegen), and the text the target generates is written out: LLVM IR or
native assembly for llvm, CUDA C or PTX for cuda.  A target that is not built
into this installation (or needs a tool that is missing) says so, exit code 1.
"""

from __future__ import annotations

import re
from pathlib import Path

from graphc.cli.common import (
    NotAvailableError,
    UsageError,
    add_memory_limit,
    add_remat_planner,
    note,
    parse_memory_limit,
    parse_remat,
    parse_shapes,
    progress,
    remat_planner_options,
)

TARGETS = {"llvm": ("llvm-ir", "asm"), "cuda": ("cuda", "ptx")}


def add_parser(subparsers, common) -> None:
    p = subparsers.add_parser(
        "compile", parents=[common], help="generate LLVM IR, assembly, CUDA C or PTX for a graph",
        description="Compile a saved graph for a target and write the generated code. "
                    "Targets and what they emit: " + "; ".join(f"{t}: {', '.join(e)}" for t, e in TARGETS.items())
                    + ". CUDA needs no GPU here: CUDA C is rendered by graphc, PTX compiled by nvcc.")
    p.add_argument("graph", metavar="GRAPH.json")
    p.add_argument("--target", required=True, choices=sorted(TARGETS))
    p.add_argument("--emit", choices=sorted(e for es in TARGETS.values() for e in es),
                   help="what to write (default: llvm-ir for llvm, cuda for cuda)")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="the file to write ('-' for stdout)")
    p.add_argument("--grad", action="store_true",
                   help="include the gradient outputs (the saved ones, or those of the first output)")
    p.add_argument("--shape", action="append", metavar="NAME=D1,D2", help="sizes of feed-time (None) dimensions")
    p.add_argument("--remat", default="none", metavar="sqrt|optimal|none|BYTES",
                   help="rematerialization (default none)")
    add_remat_planner(p)
    p.add_argument("--arch", default="sm_80", metavar="sm_XY",
                   help="ptx: the GPU architecture nvcc compiles for (default sm_80)")
    p.add_argument("--optimized", action="store_true",
                   help="llvm-ir: the IR after LLVM's -O3 (what runs) instead of the IR graphc renders")
    add_memory_limit(p, "refuse a program whose memory plan needs more than this (the code is for running)")
    p.set_defaults(run=run)


def generated_code(graph, grads: bool, shapes: dict, remat, target: str, emit: str, optimized: bool = False,
                   arch: str = "sm_80", memory_limit=None, planner_options: dict | None = None) -> str:
    """The text `target` generates for the graph's fetches, as `emit` asks."""
    from graphc.cli.pipeline import feed_shapes
    from graphc.program import specialize

    inputs = graph.inputs_for(grads)
    program = specialize(inputs, list(graph.fetches(grads).values()), [], feed_shapes(inputs, shapes))
    options = {"remat": remat, "memory_limit": memory_limit, **(planner_options or {})}
    if target == "cuda":
        return cuda_code(program, options, emit, arch)
    executable = _build_llvm(program, options)
    if emit == "asm":
        return native_assembly(executable.llvm_ir(optimized=True))
    return executable.llvm_ir(optimized=optimized)


def cuda_code(program, options: dict, emit: str, arch: str) -> str:
    """CUDA C or PTX of the program: rendering needs no GPU and no driver, PTX needs nvcc (not a device)."""
    from graphc.codegen.cuda.nvcc import compile_to_ptx, find_nvcc, nvcc_missing
    from graphc.compile import render_program
    from graphc.control.executable import has_control_flow

    if has_control_flow(program):  # a scan as one loop kernel, other control flow noted as host steps
        from graphc.control.cuda import render_cuda_program

        source = render_cuda_program(program, options).source
    else:
        source = render_program(program, options)[2].source
    if emit == "cuda":
        return source
    if find_nvcc() is None:
        raise NotAvailableError("--target cuda --emit ptx", f"{nvcc_missing()}; --emit cuda needs no toolkit")
    return compile_to_ptx(source, arch)


def _build_llvm(program, options: dict):
    from graphc import backends
    from graphc.errors import BackendError

    if "llvm" not in backends.available_backends():
        raise NotAvailableError("--target llvm", "the llvm backend is not in this installation "
                                                 f"(backends: {', '.join(backends.available_backends())})")
    try:
        build = backends.builder("llvm")
    except BackendError as exc:
        raise NotAvailableError("--target llvm", str(exc)) from None
    return build(program, options)


def native_assembly(llvm_ir: str) -> str:
    """Assembly for this machine's CPU from (optimized) LLVM IR."""
    import llvmlite.binding as llvm

    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    machine = llvm.Target.from_default_triple().create_target_machine(
        cpu=llvm.get_host_cpu_name(), features=llvm.get_host_cpu_features().flatten(), opt=3)
    return machine.emit_assembly(llvm.parse_assembly(llvm_ir))


def run(args) -> int:
    from graphc.serialize import load

    emit = args.emit or TARGETS[args.target][0]
    if emit not in TARGETS[args.target]:
        raise UsageError(f"--target {args.target} emits {' or '.join(TARGETS[args.target])}, not {emit}")
    if not re.fullmatch(r"sm_\d+[a-z]?", args.arch):
        raise UsageError(f"--arch {args.arch!r}: expected sm_XY, e.g. sm_80 or sm_90")
    shapes, remat = parse_shapes(args.shape), parse_remat(args.remat)
    memory_limit = parse_memory_limit(args.memory_limit)
    graph = load(args.graph, memory_limit=memory_limit)
    if args.grad:
        graph = graph.with_gradients()
    with progress(f"compiling {args.graph} for {args.target}"):
        text = generated_code(graph, args.grad, shapes, remat, args.target, emit, args.optimized, args.arch,
                              memory_limit, remat_planner_options(args))
    if args.output == "-":
        print(text, end="" if text.endswith("\n") else "\n")
    else:
        Path(args.output).write_text(text)
        note(f"wrote {emit} for {args.target} to {args.output} ({len(text.splitlines())} lines)")
    return 0

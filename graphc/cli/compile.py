"""graphc compile model.json --target llvm|cuda --emit llvm-ir|asm|cuda|ptx -o OUT: write the generated code.

The graph is specialised to concrete shapes (--shape for feed-time sizes),
compiled by the target's pipeline (simplify → rematerialize → fuse → plan →
codegen), and the text the target generates is written out: LLVM IR or
native assembly for llvm, CUDA C or PTX for cuda.  A target that is not built
into this installation (or needs a tool that is missing) says so, exit code 1.
"""

from __future__ import annotations

from pathlib import Path

from graphc.cli.common import NotAvailableError, UsageError, note, parse_remat, parse_shapes, progress

TARGETS = {"llvm": ("llvm-ir", "asm"), "cuda": ("cuda", "ptx")}


def add_parser(subparsers, common) -> None:
    p = subparsers.add_parser(
        "compile", parents=[common], help="generate LLVM IR, assembly, CUDA C or PTX for a graph",
        description="Compile a saved graph for a target and write the generated code. "
                    "Targets and what they emit: " + "; ".join(f"{t}: {', '.join(e)}" for t, e in TARGETS.items()))
    p.add_argument("graph", metavar="GRAPH.json")
    p.add_argument("--target", required=True, choices=sorted(TARGETS))
    p.add_argument("--emit", choices=sorted(e for es in TARGETS.values() for e in es),
                   help="what to write (default: llvm-ir for llvm, cuda for cuda)")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="the file to write ('-' for stdout)")
    p.add_argument("--grad", action="store_true",
                   help="include the gradient outputs (the saved ones, or those of the first output)")
    p.add_argument("--shape", action="append", metavar="NAME=D1,D2", help="sizes of feed-time (None) dimensions")
    p.add_argument("--remat", default="none", metavar="sqrt|none|BYTES", help="rematerialization (default none)")
    p.set_defaults(run=run)


def generated_code(graph, grads: bool, shapes: dict, remat, target: str, emit: str) -> str:
    """The text `target` generates for the graph's fetches, as `emit` asks."""
    raise NotAvailableError(f"--target {target}", f"the {target} code generator is not in this installation yet")


def run(args) -> int:
    from graphc.serialize import load

    emit = args.emit or TARGETS[args.target][0]
    if emit not in TARGETS[args.target]:
        raise UsageError(f"--target {args.target} emits {' or '.join(TARGETS[args.target])}, not {emit}")
    shapes, remat = parse_shapes(args.shape), parse_remat(args.remat)
    graph = load(args.graph)
    if args.grad:
        graph = graph.with_gradients()
    with progress(f"compiling {args.graph} for {args.target}"):
        text = generated_code(graph, args.grad, shapes, remat, args.target, emit)
    if args.output == "-":
        print(text, end="" if text.endswith("\n") else "\n")
    else:
        Path(args.output).write_text(text)
        note(f"wrote {emit} for {args.target} to {args.output} ({len(text.splitlines())} lines)")
    return 0

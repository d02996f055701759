"""The FLOPs a program's loops compute, and what remat's loop checkpointing recomputes.

graphc.cost counts an op once per node; a loop is one node whose body runs once per step, so its
work is the body's FLOPs (by the same rule, `graphc.cost.flops`) times its trip count.  A body is
traced once, often with feed-time (None) sizes (a batch); it is counted at the sizes the loop node
receives, its nodes rebuilt over stand-ins of those types (as graphc.control.executable compiles it).

    loop_flops(scan_node)                       # steps x body FLOPs (nested scans too); None: unknown
    program_flops(program)                      # every node, loops as above; None: unknown
    with_loop_recompute(stats, before, after)   # RematStats counting what checkpoint_loops added

The checkpointed program (graphc.control.checkpoint) computes what the original does (a loop and its
recording twin run once: `share_recorded_loops`) plus the steps its backward sweep runs again from the
checkpoints, nothing else (the segments' reshapes do no arithmetic), so the recomputed FLOPs are the
difference of the two counts: exact, by graphc.cost's rule.  A while loop's trip count is known only
when it runs: a program holding one has no count (None), and nothing is added for it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from graphc.control.loop_compute import scan_length, scan_parts
from graphc.control.loops import scan_op
from graphc.control.subgraph import Subgraph
from graphc.cost import flops
from graphc.ir import Node
from graphc.ops.registry import make_node
from graphc.ops.source import placeholder_op
from graphc.program import Program


def body_flops(body: Subgraph, types: Sequence[tuple]) -> int | None:
    """The FLOPs of one run of `body` on parameters and captures of these (shape, dtype)s, as the compiled
    backends run it: simplified first (graphc.passes), as a body is compiled (a derivative body traced with
    work only its shapes are read from, dropped there)."""
    from graphc.passes import run_passes

    bound = (*body.params, *body.captures)
    mapping = {n.id: Node(placeholder_op, (), {"shape": tuple(shape), "dtype": dtype}, tuple(shape), dtype,
                          name=f"{body.name}/{n.label}") for n, (shape, dtype) in zip(bound, types)}
    for node in body.order:
        mapping[node.id] = make_node(node.op, [mapping[i.id] for i in node.inputs], node.attrs, name=node.name,
                                     source=node.source)
    program = Program(inputs=[mapping[n.id] for n in bound], variables=[],
                      outputs=[mapping[o.id] for o in body.outputs], updated=[], new_values=[])
    return program_flops(run_passes(program))


def loop_flops(node: Node) -> int | None:
    """A scan node's FLOPs: its trip count times its body's at the types it receives (None where a size
    is known only at feed time)."""
    attrs = node.attrs
    init, xs, captures = scan_parts(node.inputs, attrs)
    steps = scan_length(xs, attrs)
    types = [(c.shape, c.dtype) for c in init] + [(x.shape[1:], x.dtype) for x in xs]
    types += [(c.shape, c.dtype) for c in captures]
    if steps is None or any(None in shape for shape, _ in types):
        return None
    per_step = body_flops(attrs["body"], types)
    return None if per_step is None else steps * per_step


def node_flops(node: Node) -> int | None:
    """graphc.cost's count of one node, a scan's loop included; None for a while loop or cond (their trip
    count or branch is known only when they run) and for feed-time sizes."""
    if node.op is scan_op:
        return loop_flops(node)
    if node.op.kind == "control" and node.op.flops is None and node.op.name != "control_result":
        return None
    return flops(node)


def program_flops(program: Program) -> int | None:
    """The FLOPs of one run of `program`, its scans' steps counted (None: some count is unknown)."""
    total = 0
    for node in program.nodes():
        count = node_flops(node)
        if count is None:
            return None
        total += count
    return total


def with_loop_recompute(stats, before: Program, after: Program, strategy="sqrt"):
    """`stats` (the remat pass's RematStats of `after` under `strategy`, or None when it changed nothing outside
    the loops) with the FLOPs checkpoint_loops made `after` recompute over `before` added, and the step's FLOPs
    those of `before`, loops included; `stats` unchanged where the loops' work is unknown or nothing was
    recomputed."""
    from graphc.passes.remat_rewrite import RematStats

    if getattr(stats, "loops_counted", False):  # a plan judged again (graphc.passes.remat.RematCache): counted
        return stats
    from graphc.control.checkpoint import share_recorded_loops

    original, rewritten = program_flops(share_recorded_loops(before)), program_flops(after)
    if original is None or rewritten is None or rewritten <= original:
        return stats
    recomputed = rewritten - original
    if stats is None:
        counted = RematStats(strategy=strategy, segments=0, checkpoints=0, recomputed_nodes=0,
                             recompute_flops=recomputed, total_flops=original, planner="sqrt")
    else:
        counted = dataclasses.replace(stats, recompute_flops=stats.recompute_flops + recomputed, total_flops=original)
    counted.loops_counted = True
    return counted


__all__ = ["body_flops", "loop_flops", "node_flops", "program_flops", "with_loop_recompute"]

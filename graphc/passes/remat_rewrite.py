"""Rematerialisation, fourth step: the program rewritten for a choice of kept values; what it recomputes.

Later passes cannot undo it: copies carry `attrs["recompute"] = <segment>` and the
forward pass's own nodes `attrs["recompute"] = "forward"`; CSE keys on all attrs and
fusion never fuses across tags, so a copy is never merged back into its twin and a
helper is never fused back into the forward kernel that would store it (it joins the
backward kernel that reads it: the epilogue of the matmul that makes `dh`, see fusion).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphc.ir import Node, same_nodes
from graphc.passes.remat_analysis import Analysis
from graphc.passes.remat_schedule import backward_runs, run_in_order
from graphc.passes.remat_segments import Segmentation
from graphc.program import Program

FORWARD_TAG = "forward"


def planned_peak(program: Program, planner=None) -> int:
    """The peak `planner` plans for `program` (default: node by node, what the numpy backend runs).  Every
    strategy compares its choice with the program unchanged and keeps the program when the choice plans no
    less: a rewrite that only reorders (a graph whose forward values are all cheap or all needed) can plan
    more than the original."""
    if planner is None:
        from graphc.passes.memory_plan import plan_program_memory as planner
    return planner(program).peak_bytes


def known_peak(plan: Program, planner=None) -> int:
    """A plan's planned peak: the one its stats already give (each planner writes it), else planned again
    (a planner that returned the program unchanged gives no stats)."""
    stats = plan.remat_stats
    known = stats.planned_peak_bytes if stats is not None else None
    return known if known is not None else planned_peak(plan, planner)


def copy_segment(node: Node) -> int | None:
    """The segment (or the MILP's stage) a copy was made for: its `recompute` tag when that is a number;
    None for the forward pass's own nodes (FORWARD_TAG) and for untagged ones."""
    tag = node.attrs.get("recompute")
    return tag if isinstance(tag, int) and not isinstance(tag, bool) else None


@dataclass
class RematStats:
    """What a rematerialised program recomputes: the `remat_stats` field of the Program the pass returns."""

    strategy: str | int
    segments: int
    checkpoints: int
    recomputed_nodes: int
    recompute_flops: int     # estimated: work done twice
    total_flops: int         # estimated: work of the program without rematerialisation
    planned_peak_bytes: int | None = None
    modelled_peak_bytes: int | None = None  # checkpoints + stash of the worst segment, what the cuts aim at
    recomputed_ops: dict = field(default_factory=dict)  # op name -> count of nodes computed twice
    planner: str = "greedy"  # the planner whose plan this is: "sqrt", "greedy" or "optimal" (the MILP)
    gap: float | None = None  # the MILP's optimality gap, 0 (proved optimal) to 1; None for a heuristic's plan
    solve_seconds: float | None = None  # the MILP's time, when it made the plan

    @property
    def recompute_fraction(self) -> float:
        return self.recompute_flops / self.total_flops if self.total_flops else 0.0


def rebuild_with_copies(program: Program, a: Analysis, keep: set[int], segment: dict[int, int],
                        forward: dict[int, Node] | None = None):
    """Backward nodes read helpers computed afresh and copies of the spine values not kept.

    Returns (program, copies, new): `copies` maps an original node id to its recomputed
    copy (spine copies, tagged with their segment, and helpers, untagged so that
    they fuse with the backward nodes that read them); `new` maps every other original
    id to its node in the result.  The forward pass's own nodes are tagged FORWARD_TAG:
    the same for every choice of `keep`, so candidates may share them through `forward`
    (original id -> tagged node, filled as they are made).  The backward side is the same graph in
    every candidate (a backward node reads the twins of the same backward nodes, whatever it reads
    of the forward pass), so the order its nodes run in is found once per analysis
    (`a.backward_runs`, remat_schedule.backward_runs) and each candidate only emits it.
    """
    forward = {} if forward is None else forward
    copies: dict[int, Node] = {}
    copied = a.forward_ids - keep | a.helpers  # what backward nodes and copies read through a copy
    helpers = a.helpers
    # once the forward pass's twins are made (by the first candidate of this analysis), a candidate starts
    # from them and walks its backward nodes only: the forward nodes it would pass over are half the graph
    made = len(forward) == len(a.spine)
    new: dict[int, Node] = {**a.sources, **forward} if made else {}
    # what a backward node or a copy reads for an original id: its copy when it is copied (absent until the
    # copy is made), else its node in `new`; one lookup per read where a copy was told from a twin by two
    read: dict[int, Node] = dict(a.sources)
    if made:
        read.update((k, forward[k]) for k in keep if k in forward)

    def copy_of(node: Node) -> None:
        """Make the copy of forward `node`, after the copies it reads (each forward input it reads is
        copied or kept: `read` has the kept ones, made before the backward node that asks).  Depth first,
        the last input first (the order the copies were always made in)."""
        stack = [(node, reversed(node.inputs))]
        while stack:
            top, inputs = stack[-1]
            for i in inputs:
                if i.id not in read:
                    stack.append((i, reversed(i.inputs)))
                    break
            else:
                stack.pop()
                top_id = top.id
                attrs = top.attrs
                if "recompute" in attrs:
                    attrs = dict(attrs)
                    del attrs["recompute"]
                if top_id not in helpers:  # a spine copy: tagged with its segment (a helper's copy, untagged, fuses)
                    attrs = {**attrs, "recompute": segment[top_id]}
                copies[top_id] = read[top_id] = same_value(top, [read[i.id] for i in top.inputs], attrs)

    backward = a.backward
    for node in a.backward_nodes if made else a.order:
        node_id = node.id
        if node_id in backward:
            for i in node.inputs:
                if i.id not in read:  # a forward value read through a copy, not made yet
                    copy_of(i)
            inputs = [read[i.id] for i in node.inputs]
            for k in node.op.shape_only:
                inputs[k] = shape_stand_in(node, k, inputs)
            new[node_id] = read[node_id] = (node if same_nodes(inputs, node.inputs)
                                            else same_value(node, inputs, node.attrs))
        elif node.op.kind == "source":
            new[node_id] = node
        elif node_id in helpers:
            continue  # only the backward pass reads it: through its copy
        else:
            twin = forward.get(node_id)
            if twin is None:
                twin = forward[node_id] = same_value(node, [new[i.id] for i in node.inputs],
                                                     {**node.attrs, "recompute": FORWARD_TAG})
            new[node_id] = twin
            if node_id not in copied:
                read[node_id] = twin
    n = len(program.outputs)
    roots = [new[r.id] for r in program.roots]
    rebuilt = Program(inputs=list(program.inputs), variables=list(program.variables), outputs=roots[:n],
                      updated=list(program.updated), new_values=roots[n:])
    backward_ids = {new[i].id for i in a.backward}
    if a.backward_runs is None:  # the first candidate of this analysis: the order is found on it
        original = {new[i].id: i for i in a.backward}
        runs = backward_runs(rebuilt.roots, backward_ids)
        a.backward_runs = [original[n.id] for n in runs]
    else:  # a backward node reads the same backward nodes in every candidate: the same order, of its nodes
        runs = [new[i] for i in a.backward_runs]
    rebuilt.schedule = run_in_order(rebuilt, backward_ids, runs)
    return rebuilt, copies, new


def same_value(node: Node, inputs: list[Node], attrs: dict) -> Node:
    """`node`'s op over `inputs` shaped and typed as its own: its shape and dtype, not inferred again.

    Every input its callers give (this rewrite, remat_cheap_reads, remat_realise) is a copy, a
    rebuilt twin or a same-shaped stand-in, so inference would give the same answer; it was most of
    a rebuild's time, and each candidate is rebuilt.
    """
    return Node(node.op, inputs, attrs, node.shape, node.dtype, name=node.name, source=node.source)


def shape_stand_in(node: Node, k: int, inputs: list[Node]) -> Node:
    """For input k, read only for its shape: a value input of the same shape and dtype if there is one
    (`sum_to_like(g, like)` with `g` shaped like `like`), so that nothing is kept or recomputed for it."""
    for j, x in enumerate(inputs):
        if j != k and j not in node.op.shape_only and x.shape == inputs[k].shape \
                and x.dtype == inputs[k].dtype:
            return x
    return inputs[k]


def rewrite(program: Program, a: Analysis, keep: set[int], seg: Segmentation, strategy,
            forward: dict[int, Node] | None = None):
    """The program that keeps `keep` and recomputes the rest by `seg`, and its RematStats.

    The stats count only work really done twice, on the program as built; the planned peak is
    left for the caller, which alone knows the planner the target runs.  `forward`: the forward
    pass's tagged nodes, shared with other candidates (see rebuild_with_copies).
    """
    rebuilt, copies, new = rebuild_with_copies(program, a, keep, seg.segment, forward)
    reachable = {n.id for n in rebuilt.schedule}
    # work done twice: spine copies whose forward twin still runs (a helper's original no longer runs at all)
    twice = [nid for nid in copies if nid in new and new[nid].id in reachable]
    ops: dict[str, int] = {}
    for nid in twice:
        name = copies[nid].op.name
        ops[name] = ops.get(name, 0) + 1
    # a copy's work is its original's (the same op and attributes over the same shapes), counted once per analysis
    spine_flops = a.spine_flops
    stats = RematStats(strategy=strategy, segments=seg.count, checkpoints=len(keep & a.stashed),
                       recomputed_nodes=len(twice), recompute_flops=sum(spine_flops[nid] for nid in twice),
                       total_flops=a.total_flops, modelled_peak_bytes=seg.modelled_peak,
                       recomputed_ops=ops)
    return rebuilt, stats

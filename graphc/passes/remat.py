"""Rematerialisation: keep only some forward values for the backward pass, recompute the rest.

Reverse mode reads forward intermediates in reverse order, so a plain schedule
keeps every one of them alive until the backward pass reaches it: memory grows
linearly with depth.  This pass trades compute for memory (seed 002; Chen et
al. 2016, "Training deep nets with sublinear memory cost"):

    rematerialize(program, "sqrt")        # ~sqrt(n) segments: O(sqrt n) memory, one extra forward pass
    rematerialize(program, 512 * 2**20)   # the least recompute whose planned peak fits 512 MiB
    rematerialize(program, "none")        # the program unchanged

It is called by the backends when `gc.function(..., remat=...)` / `gc.Session(remat=...)`
is not "none" (`graphc.backends._build_reference`, `graphc.compile`): the signature
`rematerialize(program: Program, strategy: str | int, planner=None) -> Program` is the
contract; `planner(program) -> MemoryPlan` is what a byte budget is checked with (default
`plan_program_memory`; a compiled backend should pass one that fuses and plans its kernels).

How the graph is read (a structural rule, no tags from autodiff needed):
  * *Seeds* are the cotangents `grad` starts from: non-source nodes whose value depends
    on no placeholder and no variable (`ones_like(y)`, or the `broadcast_to(1.0)`
    the simplifier lowers it to).  Inputs read only for their shape (the `like` of
    `fill_like`, `*_like`, `count`) do not count as value dependencies.  `count`
    itself (mean's divisor) is a constant of the forward pass, never a seed.
  * The simplifier often folds the seed away (`1 * g` is `g`), so a second sign
    marks the backward side too: a node that reads a value made more than
    `LONG_EDGE` levels earlier (levels: longest paths from the sources).  That is
    what a backward node does when it reads the forward value its VJP needs; it
    is also what makes a value costly to keep, which is the thing to fix.
  * The *backward side* B is every node that is a seed or reads far back, and
    everything that depends on those, which includes the update expressions of
    variables (`w - lr * grad`).  Everything else that is not a source is the
    *forward side* F.  A misjudged node (a forward broadcast constant taken for a
    seed, a long skip connection taken for a backward read, the last layer's first
    adjoints taken for forward ones) only changes what is rematerialised, never
    the values computed.
  * F is cut into segments along its longest-path order from the sources, each
    holding about the same bytes of "stashed" values (forward values some
    backward node reads).  A forward node read by a later segment is a
    *checkpoint*: kept from the forward pass to the backward one, and so is the
    whole last segment, which the backward pass reads first.  Every other
    forward value a backward node reads is replaced, for the backward nodes
    only, by a copy recomputed from the checkpoints, tagged
    `attrs["recompute"] = <segment>`: CSE keys on all attrs and fusion does not
    cross tags, so later passes cannot merge a copy back into its twin.
  * The schedule runs the forward values the fetched forward outputs need, then
    the backward nodes by list scheduling (the most recently produced input
    first; among equals, the node nearest an output, so weight gradients are
    taken as soon as their adjoint exists); each copy, and each seed, is
    emitted just before its first user, so a segment is recomputed just before
    its backward part runs.

Values are identical with and without rematerialisation: copies run the same
ops on the same inputs, and no sum is reordered.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from graphc.errors import GraphcError, MemoryBudgetError
from graphc.ir import Node, consumers, toposort
from graphc.ops.registry import make_node
from graphc.ops.source import placeholder_op, variable_op
from graphc.program import Program

STRATEGIES = ("none", "sqrt")

# op name -> indices of inputs read only for their shape (values unused)
SHAPE_ONLY_INPUTS = {"fill_like": (0,), "count": (0,), "reshape_like": (1,), "broadcast_like": (1,),
                     "sum_to_like": (1,), "slice_grad": (1,)}
_NEVER_SEEDS = frozenset({"count"})
# a read this many levels (longest paths from the sources) after the value was made marks the reader as backward
LONG_EDGE = 8
_EXPENSIVE_KINDS = frozenset({"matmul", "reduce"})


def check_remat_option(remat) -> str | int:
    """The remat option as given, or a GraphcError saying what is allowed."""
    if isinstance(remat, str) and remat in STRATEGIES:
        return remat
    if isinstance(remat, (int, np.integer)) and not isinstance(remat, (bool, np.bool_)) and remat > 0:
        return int(remat)
    raise GraphcError(f"remat must be 'none', 'sqrt' or a positive number of bytes (a memory budget), "
                      f"got {remat!r}")


@dataclass
class Analysis:
    """The forward/backward split of a program (see the module docstring)."""

    order: list[Node]                    # every node, topological
    forward: list[Node]                  # non-source nodes independent of the seeds, by longest path
    backward: set[int]                   # ids of nodes that depend on a seed
    stashed: set[int]                    # ids of forward nodes some backward node reads
    users: dict[int, list[Node]] = field(default_factory=dict)
    roots: set[int] = field(default_factory=set)   # ids of the outputs and new values

    def is_forward(self, node: Node) -> bool:
        return node.op.kind != "source" and node.id not in self.backward


@dataclass
class RematStats:
    """What a rematerialised program recomputes; `program.remat_stats` after the pass."""

    strategy: str | int
    segments: int
    checkpoints: int
    recomputed_nodes: int
    recompute_flops: int     # estimated: work done twice
    total_flops: int         # estimated: work of the program without rematerialisation
    planned_peak_bytes: int | None = None

    @property
    def recompute_fraction(self) -> float:
        return self.recompute_flops / self.total_flops if self.total_flops else 0.0


def analyse(program: Program) -> Analysis:
    order = toposort(program.roots)
    level: dict[int, int] = {}
    for node in order:
        level[node.id] = 1 + max((level[i.id] for i in node.inputs), default=-1)
    value_dep: dict[int, bool] = {}
    backward: set[int] = set()
    for node in order:
        if node.op.kind == "source":
            value_dep[node.id] = node.op is placeholder_op or node.op is variable_op
            continue
        skip = SHAPE_ONLY_INPUTS.get(node.op.name, ())
        value_dep[node.id] = any(value_dep[i.id] for k, i in enumerate(node.inputs) if k not in skip)
        is_seed = not value_dep[node.id] and node.op.name not in _NEVER_SEEDS
        reads_far_back = any(i.op.kind != "source" and level[node.id] - level[i.id] > LONG_EDGE for i in node.inputs)
        if is_seed or reads_far_back or any(i.id in backward for i in node.inputs):
            backward.add(node.id)
    position = {n.id: k for k, n in enumerate(order)}
    forward = sorted((n for n in order if n.op.kind != "source" and n.id not in backward),
                     key=lambda n: (level[n.id], position[n.id]))
    users = consumers(order)
    stashed = {n.id for n in forward if any(u.id in backward for u in users[n.id])}
    return Analysis(order, forward, backward, stashed, users, {r.id for r in program.roots})


def nbytes(node: Node) -> int:
    return int(np.prod(node.shape, dtype=np.int64)) * node.dtype.itemsize


def flops(node: Node) -> int:
    """A rough cost: 2·M·N·K for a matmul, one per input element for reductions, one per output element else."""
    if node.op.kind == "source":
        return 0
    if node.op.kind == "matmul":
        return 2 * int(np.prod(node.shape, dtype=np.int64)) * int(node.inputs[0].shape[-1])
    if node.op.kind == "reduce":
        return int(np.prod(node.inputs[0].shape, dtype=np.int64))
    return int(np.prod(node.shape, dtype=np.int64))


# ---- choosing what to keep ---------------------------------------------------------------------


def segment_forward(a: Analysis, n_segments: int) -> dict[int, int]:
    """Segment of each forward node: cuts along `a.forward` with equal stashed bytes per segment.

    Only the spine (forward nodes that lead on to more forward work or to a
    forward output) is cut; a helper that only feeds the backward pass (the
    `1 - y²` of tanh's VJP) joins the segment of what it reads, so a cut never
    falls between a value and its helpers, and one value crosses each cut.
    """
    roots = a.roots | {n.id for n in a.forward if not a.users[n.id]}
    helper: dict[int, bool] = {}
    for node in reversed(a.forward):
        forward_users = [u for u in a.users[node.id] if u.id in helper]
        helper[node.id] = node.id not in roots and all(helper[u.id] for u in forward_users)
    total = sum(nbytes(n) for n in a.forward if n.id in a.stashed) or 1
    segment, before = {}, 0
    for node in a.forward:
        inputs = [segment[i.id] for i in node.inputs if i.id in segment]
        if helper[node.id] and inputs:
            segment[node.id] = max(inputs)
        else:
            segment[node.id] = max([min(n_segments - 1, before * n_segments // total), *inputs])
        if node.id in a.stashed:
            before += nbytes(node)
    return segment


def checkpoints(a: Analysis, segment: dict[int, int], keep_expensive: bool = False) -> set[int]:
    """Forward nodes to keep: those a later segment reads (and, if asked, stashed matmuls and reductions).

    The last segment is kept whole: the backward pass starts with it right after
    the forward pass made it, so recomputing it would save nothing.
    """
    keep = set()
    last = max(segment.values(), default=0)
    for node in a.forward:
        if segment[node.id] == last or any(u.id in segment and segment[u.id] > segment[node.id]
                                           for u in a.users[node.id]):
            keep.add(node.id)
        elif keep_expensive and node.id in a.stashed and node.op.kind in _EXPENSIVE_KINDS:
            keep.add(node.id)
    return keep


def sqrt_segments(a: Analysis) -> int:
    return max(1, round(math.sqrt(len(a.stashed))))


# ---- rewriting and scheduling ------------------------------------------------------------------


def rebuild_with_copies(program: Program, a: Analysis, keep: set[int], segment: dict[int, int]):
    """Backward nodes read recomputed copies of the forward values not kept; returns (program, copies)."""
    copies: dict[int, Node] = {}
    new: dict[int, Node] = {}

    def recomputed(node: Node) -> bool:
        return a.is_forward(node) and node.id not in keep

    def copy_of(node: Node) -> Node:
        stack = [node]
        while stack:
            top = stack[-1]
            if top.id in copies:
                stack.pop()
                continue
            missing = [i for i in top.inputs if recomputed(i) and i.id not in copies]
            if missing:
                stack.extend(missing)
                continue
            stack.pop()
            inputs = [copies[i.id] if recomputed(i) else i for i in top.inputs]
            attrs = {**top.attrs, "recompute": segment[top.id]}
            copies[top.id] = make_node(top.op, inputs, attrs, name=top.name, source=top.source)
        return copies[node.id]

    for node in a.order:
        if node.id not in a.backward:
            new[node.id] = node
            continue
        inputs = [copy_of(i) if recomputed(i) else new[i.id] for i in node.inputs]
        if all(x is y for x, y in zip(inputs, node.inputs)):
            new[node.id] = node
        else:
            new[node.id] = make_node(node.op, inputs, node.attrs, name=node.name, source=node.source)
    n = len(program.outputs)
    roots = [new[r.id] for r in program.roots]
    rebuilt = Program(inputs=list(program.inputs), variables=list(program.variables), outputs=roots[:n],
                      updated=list(program.updated), new_values=roots[n:])
    backward_ids = {new[i].id for i in a.backward}
    rebuilt.schedule = schedule_backward(rebuilt, backward_ids)
    return rebuilt, copies


def schedule_backward(program: Program, backward: set[int]) -> list[Node]:
    """Forward outputs first, then backward nodes by list scheduling; other nodes just before their first user.

    A backward node becomes ready when the backward nodes it reads (seeds aside)
    have run; of the ready nodes, the one whose latest such input ran last goes
    first (depth first along the adjoint chain), ties to the node nearest an
    output (a weight gradient is taken as soon as its adjoint exists, so the
    adjoint can die).  Everything else (forward values, copies, seeds) is
    emitted on demand, depth first, right before the first node that needs it.
    """
    order = toposort(program.roots)
    index = {n.id: k for k, n in enumerate(order)}
    users = consumers(order)
    lazy = {n.id for n in order if n.id not in backward or not any(i.id in backward for i in n.inputs)}
    height: dict[int, int] = {}
    for node in reversed(order):
        height[node.id] = 1 + max((height[u.id] for u in users[node.id]), default=-1)
    emitted: set[int] = set()
    schedule: list[Node] = []

    def emit(node: Node) -> None:
        stack = [(node, iter(node.inputs))]
        while stack:
            top, children = stack[-1]
            for child in children:
                if child.id not in emitted:
                    stack.append((child, iter(child.inputs)))
                    break
            else:
                stack.pop()
                if top.id not in emitted:
                    emitted.add(top.id)
                    schedule.append(top)

    for root in program.roots:  # the forward pass proper: what the fetched forward outputs need
        if root.id not in backward:
            emit(root)
    waiting = {n.id: sum(1 for i in set(n.inputs) if i.id not in lazy) for n in order if n.id not in lazy}
    ready: list[tuple] = []

    def push(node: Node) -> None:
        latest = max((schedule_pos[i.id] for i in node.inputs if i.id not in lazy), default=-1)
        heapq.heappush(ready, (-latest, height[node.id], index[node.id], node.id))

    schedule_pos: dict[int, int] = {}
    by_id = {n.id: n for n in order}
    for node_id, count in waiting.items():
        if count == 0:
            push(by_id[node_id])
    while ready:
        *_, node_id = heapq.heappop(ready)
        node = by_id[node_id]
        emit(node)
        schedule_pos[node_id] = len(schedule) - 1
        for user in dict.fromkeys(users[node_id]):
            if user.id in waiting:
                waiting[user.id] -= 1
                if waiting[user.id] == 0:
                    push(user)
    for root in program.roots:
        emit(root)
    return schedule


# ---- strategies --------------------------------------------------------------------------------


def _apply(program: Program, a: Analysis, keep: set[int], segment: dict[int, int], strategy, n_segments: int):
    rebuilt, copies = rebuild_with_copies(program, a, keep, segment)
    reachable = {n.id for n in rebuilt.schedule}
    twice = [n for nid, n in copies.items() if nid in reachable]  # originals that still run: work done twice
    stats = RematStats(strategy=strategy, segments=n_segments, checkpoints=len(keep & a.stashed),
                       recomputed_nodes=len(twice), recompute_flops=sum(flops(n) for n in twice),
                       total_flops=sum(flops(n) for n in a.order))
    return rebuilt, stats


def _planned_peak(program: Program, planner=None) -> int:
    if planner is None:
        from graphc.passes.memory_plan import plan_program_memory as planner
    return planner(program).peak_bytes


def rematerialize(program: Program, strategy, planner=None) -> Program:
    """Rematerialise `program` under `strategy` ("none", "sqrt" or a byte budget); see the module docstring.

    `planner(program) -> MemoryPlan` judges a budget (default: `plan_program_memory`, node by
    node, what the numpy backend runs); a compiled backend passes its own (fuse, then plan the
    kernels) so that the budget holds for what it really runs.  The result carries
    `remat_stats` (a RematStats) as an attribute.
    """
    strategy = check_remat_option(strategy)
    if strategy == "none":
        return program
    a = analyse(program)
    if not a.stashed:  # no backward pass reads forward values: nothing to trade
        if isinstance(strategy, int):
            peak = _planned_peak(program, planner)
            if peak > strategy:
                raise MemoryBudgetError(_budget_message(strategy, peak, "no forward value to rematerialise"))
        return program
    if strategy == "sqrt":
        k = sqrt_segments(a)
        segment = segment_forward(a, k)
        rebuilt, stats = _apply(program, a, checkpoints(a, segment), segment, strategy, k)
        stats.planned_peak_bytes = _planned_peak(rebuilt, planner)
        rebuilt.remat_stats = stats
        return rebuilt
    return fit_budget(program, a, strategy, planner)


def candidate_segment_counts(n_stashed: int) -> list[int]:
    """Segment counts worth trying: every count up to 16, then geometric steps up to one per stashed value."""
    counts = set(range(1, min(n_stashed, 16) + 1))
    k = 16.0
    while k < n_stashed:
        k *= 1.25
        counts.add(min(n_stashed, round(k)))
    return sorted(counts)


def candidates(program: Program, a: Analysis, strategy) -> Iterable[tuple[Program, RematStats]]:
    """Keep everything (no recompute), then each segmentation with and without keeping matmuls and reductions."""
    everything = {n.id for n in a.forward}
    yield _apply(program, a, everything, {n.id: 0 for n in a.forward}, strategy, 0)
    for k in candidate_segment_counts(len(a.stashed)):
        segment = segment_forward(a, k)
        for keep_expensive in (True, False):
            yield _apply(program, a, checkpoints(a, segment, keep_expensive), segment, strategy, k)


def fit_budget(program: Program, a: Analysis, budget: int, planner=None) -> Program:
    """The candidate whose planned peak fits `budget` with the least recompute (ties: the lower peak)."""
    best = None
    smallest = None
    for rebuilt, stats in candidates(program, a, budget):
        stats.planned_peak_bytes = peak = _planned_peak(rebuilt, planner)
        if smallest is None or peak < smallest[0]:
            smallest = (peak, stats)
        if peak <= budget:
            key = (stats.recompute_flops, peak)
            if best is None or key < best[0]:
                best = (key, rebuilt, stats)
    if best is None:
        raise MemoryBudgetError(_budget_message(budget, smallest[0], f"{smallest[1].segments} segments"))
    _, rebuilt, stats = best
    rebuilt.remat_stats = stats
    return rebuilt


def _budget_message(budget: int, smallest: int, how: str) -> str:
    return (f"remat budget of {budget} bytes cannot be met: the smallest planned peak found is {smallest} bytes "
            f"({how}); raise the budget to at least {smallest}, or use remat='sqrt'")

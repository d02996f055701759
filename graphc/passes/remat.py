"""Rematerialisation: keep only some forward values for the backward pass, recompute the rest.

Reverse mode reads forward intermediates in reverse order, so a plain
schedule keeps every one of them alive until the backward pass reaches it: memory grows
linearly with depth.  This pass trades compute for memory (seed 002; Chen et
al. 2016, "Training deep nets with sublinear memory cost"):

    rematerialize(program, "sqrt")        # O(sqrt n) memory for about one extra forward pass
    rematerialize(program, 512 * 2**20)   # the least recompute whose planned peak fits 512 MiB
    rematerialize(program, "none")        # the program unchanged

It is called by the backends when `gc.function(..., remat=...)` / `gc.Session(remat=...)`
is not "none" (`graphc.backends._build_reference`, `graphc.compile`): the signature
`rematerialize(program: Program, strategy: str | int, planner=None) -> Program` is the
contract; `planner(program) -> MemoryPlan` is what every candidate is planned with (default
`plan_program_memory`, node by node; the llvm pipeline passes one that fuses and plans its kernels).

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
    is also what makes a value costly to keep.
  * The *backward side* B is every node that is a seed or reads far back, and
    everything that depends on those (variable updates `w - lr * grad` included).
    Everything else that is not a source is the *forward side* F.  A misjudged node
    (a forward broadcast constant taken for a seed, a long skip connection taken for
    a backward read, the last layer's first adjoints taken for forward ones) only
    changes what is rematerialised, never the values computed.

What is kept (see `sqrt_candidates` and `candidates`):
  * *Helpers* are cheap forward nodes (elementwise ops and views) that only the
    backward pass reads, directly or through other helpers: tanh's `1 - y*y`, the
    `transpose(h)` of a weight gradient.  Kept, each would be one more stashed
    buffer per layer beside the value it is computed from; so the backward pass
    always computes them itself, from that value, right where it needs them (the
    llvm backend fuses them into the backward kernels, and a transpose becomes a
    strided read).  This alone halves a tanh MLP's stash.
  * The other forward nodes, the *spine*, in longest-path order, are cut into
    segments.  A spine node read by a later segment is a *checkpoint*, kept from
    the forward pass to the backward one, and so is the whole last segment, which
    the backward pass reads first.  Every other spine value the backward pass
    needs is recomputed from the checkpoints, just before its segment's backward
    part runs: about one extra forward pass in all.
  * While the backward pass works on segment j, the checkpoints of segments 1..j
    and segment j's recomputed values are alive.  Cuts are therefore placed
    greedily for a target peak P: a segment ends where its checkpoints plus its
    stashed bytes would pass P, so later segments are shorter (the checkpoints
    before them are more).  The cut goes right after the segment's last stashed
    value (before `h @ w`, not between it and its `tanh`): the checkpoint is then a
    value the backward pass reads anyway, and no recomputed matmul loses its
    epilogue to a kernel of its own.  Every target P from the whole stash down gives a
    segmentation; "sqrt" plans the few with the lowest modelled peak and keeps the
    lowest planned one (O(sqrt n) checkpoints and O(sqrt n) values per segment).
    A byte budget takes, of keep-everything and of every segmentation (each also
    with matmul and reduction outputs kept, so that only cheap elementwise work is
    recomputed), the one with the least estimated recompute whose planned peak fits
    (there also with cuts right at the value that overflows, after `h @ w`: free
    checkpoints when matmul outputs are kept anyway).

Later passes cannot undo it: copies carry `attrs["recompute"] = <segment>` and the
forward pass's own nodes `attrs["recompute"] = "forward"`; CSE keys on all attrs and
fusion never fuses across tags, so a copy is never merged back into its twin and a
helper is never fused back into the forward kernel that would store it (it joins the
backward kernel that reads it: the epilogue of the matmul that makes `dh`, see fusion).

The schedule runs the forward values the fetched forward outputs need, then the
backward nodes by list scheduling (the most recently produced input first; among
equals, the node nearest an output, so weight gradients are taken as soon as their
adjoint exists); copies, helpers and seeds are emitted just before their first user.

Values are identical with and without rematerialisation: copies run the same
ops on the same inputs, and no sum is reordered.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from graphc.errors import GraphcError, MemoryBudgetError
from graphc.ir import Node, consumers, toposort
from graphc.ops.source import placeholder_op, variable_op
from graphc.program import Program

STRATEGIES = ("none", "sqrt")
FORWARD_TAG = "forward"

_NEVER_SEEDS = frozenset({"count"})
# a read this many levels (longest paths from the sources) after the value was made marks the reader as backward
LONG_EDGE = 8
_EXPENSIVE_KINDS = frozenset({"matmul", "reduce"})
# segmentations modelled for "sqrt" and planned: the ones with the lowest modelled peaks
SQRT_CANDIDATES = 4
# targets tried: the whole stash, then each this much smaller (sqrt's), and the finer steps budgets add
TARGET_STEP = 0.9
BUDGET_STEP = 0.97


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
    helpers: set[int]                    # ids of cheap forward nodes only the backward pass reads
    spine: list[Node]                    # forward nodes that are not helpers, by longest path
    stashed: set[int]                    # ids of spine nodes a backward node or a helper reads
    users: dict[int, list[Node]] = field(default_factory=dict)
    roots: set[int] = field(default_factory=set)   # ids of the outputs and new values

    def is_forward(self, node: Node) -> bool:
        return node.op.kind != "source" and node.id not in self.backward

    @functools.cached_property
    def total_flops(self) -> int:
        """The program's estimated work: the same for every candidate, so summed once."""
        return sum(flops(n) for n in self.order)


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

    @property
    def recompute_fraction(self) -> float:
        return self.recompute_flops / self.total_flops if self.total_flops else 0.0


def is_cheap(node: Node) -> bool:
    """Elementwise ops and views of a whole input (`Op.view`) move no data or cost one operation per
    element: recomputed in the backward pass rather than stored."""
    return node.op.kind == "elementwise" or node.op.view == "whole"


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
        skip = node.op.shape_only  # inputs read for their shape only (values unused)
        value_dep[node.id] = any(value_dep[i.id] for k, i in enumerate(node.inputs) if k not in skip)
        is_seed = not value_dep[node.id] and node.op.name not in _NEVER_SEEDS
        reads_far_back = any(i.op.kind != "source" and level[node.id] - level[i.id] > LONG_EDGE for i in node.inputs)
        if is_seed or reads_far_back or any(i.id in backward for i in node.inputs):
            backward.add(node.id)
    position = {n.id: k for k, n in enumerate(order)}
    forward = sorted((n for n in order if n.op.kind != "source" and n.id not in backward),
                     key=lambda n: (level[n.id], position[n.id]))
    users = consumers(order)
    roots = {r.id for r in program.roots}
    helpers: set[int] = set()
    for node in reversed(forward):
        if (is_cheap(node) and node.id not in roots and users[node.id]
                and all(u.id in backward or u.id in helpers for u in users[node.id])):
            helpers.add(node.id)
    spine = [n for n in forward if n.id not in helpers]
    value_readers: dict[int, set[int]] = {n.id: set() for n in order}
    for node in order:
        skip = node.op.shape_only  # inputs read for their shape only (values unused)
        for k, i in enumerate(node.inputs):
            if k not in skip:
                value_readers[i.id].add(node.id)
    stashed = {n.id for n in spine if any(u in backward or u in helpers for u in value_readers[n.id])}
    return Analysis(order, forward, backward, helpers, spine, stashed, users, roots)


def nbytes(node: Node) -> int:
    return math.prod(node.shape) * node.dtype.itemsize  # math.prod: np.prod costs microseconds a call


def flops(node: Node) -> int:
    """A rough cost: the op's FLOP rule (`Op.flops`, what graphc.cost counts), and for an op that does
    no arithmetic (a view, a copy, an index) one per element it writes; sources cost nothing."""
    if node.op.kind == "source":
        return 0
    rule = node.op.flops
    return math.prod(node.shape) if rule is None else rule(node)


# ---- choosing what to keep ---------------------------------------------------------------------


@dataclass
class Segmentation:
    segment: dict[int, int]   # spine node id -> segment
    count: int
    modelled_peak: int        # max over segments of (checkpoints up to its start + its stashed bytes)
    cuts: tuple = ()          # spine positions where segments 1, 2, ... start: the segmentation, in short


def crossing_bytes(a: Analysis) -> list[int]:
    """Bytes of spine values that a cut right before each spine position would have to keep."""
    pos = {n.id: k for k, n in enumerate(a.spine)}
    delta = [0] * (len(a.spine) + 1)
    for k, node in enumerate(a.spine):
        last = max((pos[u.id] for u in a.users[node.id] if u.id in pos), default=k)
        if last > k:
            delta[k + 1] += nbytes(node)
            delta[last + 1] -= nbytes(node)
    out, running = [], 0
    for k in range(len(a.spine)):
        running += delta[k]
        out.append(running)
    return out


def allowed_cuts(crossing: list[int]) -> list[bool]:
    """Cut only where few bytes cross: at most 1.5 times the lower quartile of the cuts' bytes.

    In a residual net that is between layers (one value crosses), not inside one (two do);
    the quartile, not the minimum, because the scalar tail of a loss crosses almost nothing.
    """
    inner = sorted(c for c in crossing[1:] if c > 0)
    cheap = inner[len(inner) // 4] if inner else 0
    return [k > 0 and c <= 1.5 * cheap for k, c in enumerate(crossing)]


def segment_for_target(a: Analysis, target: int, crossing: list[int], allowed: list[bool],
                       after_stashed: bool = True) -> Segmentation:
    """Greedy cuts: a segment ends where its checkpoints so far plus its stashed bytes would pass `target`.

    With `after_stashed`, the cut goes right after the last stashed value when it may (before
    `h @ w`, not between it and its `tanh`): the checkpoint is then a value the backward pass
    reads anyway, and a recomputed matmul keeps its epilogue.  Without, it goes right before the
    value that overflows (after `h @ w`): best when matmul outputs are kept anyway.
    """
    cutter = _Cutter(a, crossing, allowed)
    return cutter.segmentation(*cutter.cuts(target, after_stashed))


class _Cutter:
    """`segment_for_target`'s greedy cuts for many targets, each in O(segments * log n), not O(n).

    Scanning the spine once per target made "sqrt" cost about 90 spine walks on a big graph.
    Within a segment the stash only grows, so where it first passes the target is a bisection
    of the stashed bytes' prefix sums, and the first allowed cut from there is looked up.
    """

    def __init__(self, a: Analysis, crossing: list[int], allowed: list[bool]):
        self.ids = [node.id for node in a.spine]
        self.bytes = [nbytes(node) if node.id in a.stashed else 0 for node in a.spine]
        self.prefix = list(itertools.accumulate(self.bytes, initial=0))  # [k]: stashed bytes before position k
        self.crossing, self.allowed = crossing, allowed
        n = len(self.ids)
        self.next_allowed = [n] * (n + 1)  # [k]: the first position >= k where a cut is allowed (n: none)
        for k in range(n - 1, -1, -1):
            self.next_allowed[k] = k if allowed[k] else self.next_allowed[k + 1]
        self.after_last_stashed = []  # [k]: 1 + the position of the last stashed node before k (0: none)
        last = 0
        for k, b in enumerate(self.bytes):
            self.after_last_stashed.append(last)
            if b:
                last = k + 1

    def cuts(self, target: int, after_stashed: bool = True) -> tuple[list[int], int]:
        """(the cut positions, the modelled peak) for `target`."""
        n, prefix = len(self.ids), self.prefix
        cuts: list[int] = []
        kept = worst = start = 0  # start: the position from which the current segment's stash counts
        while True:
            # the first k whose bytes pass the target (kept + stash before k + its own), and the
            # first with some stash before it; the cut is at the first allowed position after both
            over = bisect.bisect_right(prefix, target - kept + prefix[start]) - 1
            stashing = bisect.bisect_right(prefix, prefix[start])
            k = self.next_allowed[min(max(over, stashing, start), n)]
            if k >= n:
                break
            since = self.after_last_stashed[k]
            cut = since if after_stashed and self.bytes[k] and self.allowed[since] else k
            worst = max(worst, kept + prefix[k] - prefix[start])
            kept += self.crossing[cut]
            cuts.append(cut)
            start = k  # the overflowing value is the new segment's first stash
        return cuts, max(worst, kept + prefix[n] - prefix[start])

    def segmentation(self, cuts: list[int], worst: int) -> Segmentation:
        labels: list[int] = []
        for seg, (lo, hi) in enumerate(zip([0, *cuts], [*cuts, len(self.ids)])):
            labels += [seg] * (hi - lo)
        return Segmentation(dict(zip(self.ids, labels)), len(cuts) + 1, worst, tuple(cuts))


def segmentations(a: Analysis, after_stashed: bool = True, step: float = TARGET_STEP) -> list[Segmentation]:
    """One segmentation per target, from the whole stash down in steps of `step`; distinct ones only."""
    crossing = crossing_bytes(a)
    cutter = _Cutter(a, crossing, allowed_cuts(crossing))
    total = sum(nbytes(n) for n in a.spine if n.id in a.stashed)
    smallest = max((nbytes(n) for n in a.spine if n.id in a.stashed), default=1)
    out, seen, target = [], set(), float(total)
    while target >= smallest:
        cuts, worst = cutter.cuts(int(target), after_stashed)
        if tuple(cuts) not in seen:  # the cuts determine the segmentation
            seen.add(tuple(cuts))
            out.append(cutter.segmentation(cuts, worst))
        target *= step
    return out


def checkpoints(a: Analysis, segment: dict[int, int], keep_expensive: bool = False) -> set[int]:
    """Spine nodes to keep: those a later segment reads, the whole last segment, and (if asked) every
    matmul and reduction, so that only elementwise work is recomputed."""
    keep = set()
    last = max(segment.values(), default=0)
    for node in a.spine:
        if segment[node.id] == last or any(u.id in segment and segment[u.id] > segment[node.id]
                                           for u in a.users[node.id]):
            keep.add(node.id)
        elif keep_expensive and node.op.kind in _EXPENSIVE_KINDS:
            keep.add(node.id)
    return keep


def computed_twice(a: Analysis, keep: set[int]) -> list[Node]:
    """The spine nodes `rebuild_with_copies` will copy and whose forward originals still run.

    Mirrors that rewrite without building it, so that budget candidates can be ranked by
    recompute before any is built: a backward node (or a helper's copy) reads a copy of each
    forward value that is a helper or not kept, and a copy reads copies of its own such inputs.
    """
    def replaced(node: Node) -> bool:
        return a.is_forward(node) and (node.id in a.helpers or node.id not in keep)

    copied: set[int] = set()
    stack = [i for n in a.order if n.id in a.backward for i in n.inputs if replaced(i)]
    while stack:
        node = stack.pop()
        if node.id not in copied:
            copied.add(node.id)
            stack.extend(i for i in node.inputs if replaced(i))
    # originals that still run: what the outputs need, and the kept values the backward pass reads
    runs: set[int] = set()
    stack = [n for n in a.forward if n.id in a.roots
             or (n.id not in a.helpers and n.id in keep and n.id in a.stashed)]
    while stack:
        node = stack.pop()
        if node.id not in runs and a.is_forward(node) and node.id not in a.helpers:
            runs.add(node.id)
            stack.extend(node.inputs)
    return [n for n in a.spine if n.id in copied and n.id in runs]


# ---- rewriting and scheduling ------------------------------------------------------------------


def rebuild_with_copies(program: Program, a: Analysis, keep: set[int], segment: dict[int, int]):
    """Backward nodes read helpers computed afresh and copies of the spine values not kept.

    Returns (program, copies, new): `copies` maps an original node id to its recomputed
    copy (spine copies, tagged with their segment, and helpers, untagged so that
    they fuse with the backward nodes that read them); `new` maps every other original
    id to its node in the result.  The forward pass's own nodes are tagged FORWARD_TAG.
    """
    new: dict[int, Node] = {}
    copies: dict[int, Node] = {}

    def replacement(node: Node) -> Node:
        """What a backward node (or a copy) reads in place of forward/source `node`."""
        if node.op.kind == "source":
            return new[node.id]
        if node.id in a.helpers or node.id not in keep:
            return copy_of(node)
        return new[node.id]

    def copy_of(node: Node) -> Node:
        stack = [node]
        while stack:
            top = stack[-1]
            if top.id in copies:
                stack.pop()
                continue
            missing = [i for i in top.inputs if a.is_forward(i) and (i.id in a.helpers or i.id not in keep)
                       and i.id not in copies]
            if missing:
                stack.extend(missing)
                continue
            stack.pop()
            inputs = [replacement(i) for i in top.inputs]
            attrs = dict(top.attrs)
            attrs.pop("recompute", None)
            if top.id not in a.helpers:
                attrs["recompute"] = segment[top.id]
            copies[top.id] = _same_value(top, inputs, attrs)
        return copies[node.id]

    for node in a.order:
        if node.op.kind == "source":
            new[node.id] = node
        elif node.id in a.helpers:
            continue  # only the backward pass reads it: through its copy
        elif node.id in a.backward:
            inputs = [new[i.id] if i.id in a.backward else replacement(i) for i in node.inputs]
            for k in node.op.shape_only:
                inputs[k] = shape_stand_in(node, k, inputs)
            if all(x is y for x, y in zip(inputs, node.inputs)):
                new[node.id] = node
            else:
                new[node.id] = _same_value(node, inputs, node.attrs)
        else:
            inputs = [new[i.id] for i in node.inputs]
            new[node.id] = _same_value(node, inputs, {**node.attrs, "recompute": FORWARD_TAG})
    n = len(program.outputs)
    roots = [new[r.id] for r in program.roots]
    rebuilt = Program(inputs=list(program.inputs), variables=list(program.variables), outputs=roots[:n],
                      updated=list(program.updated), new_values=roots[n:])
    backward_ids = {new[i].id for i in a.backward}
    rebuilt.schedule = schedule_backward(rebuilt, backward_ids)
    copy_of = None  # noqa: F811 - it and `replacement` call each other: a cycle that kept each candidate alive
    return rebuilt, copies, new


def _same_value(node: Node, inputs: list[Node], attrs: dict) -> Node:
    """`node`'s op over `inputs` shaped and typed as its own: its shape and dtype, not inferred again.

    Every input here is a copy, a rebuilt twin or a same-shaped stand-in, so inference would
    give the same answer; it was most of a rebuild's time, and each candidate is rebuilt.
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


def _apply(program: Program, a: Analysis, keep: set[int], seg: Segmentation, strategy):
    rebuilt, copies, new = rebuild_with_copies(program, a, keep, seg.segment)
    reachable = {n.id for n in rebuilt.schedule}
    # work done twice: spine copies whose forward twin still runs (a helper's original no longer runs at all)
    twice = [copy for nid, copy in copies.items() if nid in new and new[nid].id in reachable]
    ops: dict[str, int] = {}
    for node in twice:
        ops[node.op.name] = ops.get(node.op.name, 0) + 1
    stats = RematStats(strategy=strategy, segments=seg.count, checkpoints=len(keep & a.stashed),
                       recomputed_nodes=len(twice), recompute_flops=sum(flops(n) for n in twice),
                       total_flops=a.total_flops, modelled_peak_bytes=seg.modelled_peak,
                       recomputed_ops=ops)
    return rebuilt, stats


def _planned_peak(program: Program, planner=None) -> int:
    if planner is None:
        from graphc.passes.memory_plan import plan_program_memory as planner
    return planner(program).peak_bytes


def rematerialize(program: Program, strategy, planner=None) -> Program:
    """Rematerialise `program` under `strategy` ("none", "sqrt" or a byte budget); see the module docstring.

    `planner(program) -> MemoryPlan` plans each candidate (default: `plan_program_memory`, node by
    node, what the numpy backend runs); a compiled backend passes its own (fuse, then plan the
    kernels) so that the choice and the budget hold for what it really runs.  The returned Program's
    `remat_stats` field says what it recomputes (None when nothing changed).
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
        best = None
        for rebuilt, stats in sqrt_candidates(program, a, strategy):
            stats.planned_peak_bytes = _planned_peak(rebuilt, planner)
            key = (stats.planned_peak_bytes, stats.recompute_flops)
            if best is None or key < best[0]:
                best = (key, rebuilt, stats)
        _, rebuilt, stats = best
        rebuilt.remat_stats = stats  # a field of the candidate it built: the planner knows it by identity
        return rebuilt
    return fit_budget(program, a, strategy, planner)


def sqrt_candidates(program: Program, a: Analysis, strategy):
    """The SQRT_CANDIDATES segmentations with the lowest modelled peaks (ties: fewer segments)."""
    best = sorted(segmentations(a), key=lambda s: (s.modelled_peak, s.count))[:SQRT_CANDIDATES]
    for seg in best:
        yield _apply(program, a, checkpoints(a, seg.segment), seg, strategy)


@dataclass
class Candidate:
    """A way to rematerialise, ranked before it is built: what it keeps and how it is segmented."""

    keep: set
    segmentation: Segmentation
    recompute_flops: int     # computed_twice's work: exactly what _apply will count
    modelled_peak: int       # the segmentation's model, plus matmul/reduction outputs kept beside it

    def build(self, program: Program, a: Analysis, strategy):
        rebuilt, stats = _apply(program, a, self.keep, self.segmentation, strategy)
        stats.modelled_peak_bytes = self.modelled_peak
        return rebuilt, stats


def candidates(a: Analysis) -> list[Candidate]:
    """Keep everything (helpers aside), then each segmentation with and without keeping matmuls and
    reductions; sqrt's own candidates are among them, so a budget at sqrt's peak recomputes no more.

    Targets are tried in finer steps than sqrt's (BUDGET_STEP): a budget between two of sqrt's
    targets should get the segmentation that fits it, and ranking a candidate costs no rebuild.
    """
    crossing = crossing_bytes(a)
    whole = segment_for_target(a, 2**62, crossing, allowed_cuts(crossing))
    spine = {n.id for n in a.spine}
    out = [Candidate(spine, whole, 0, whole.modelled_peak)]
    seen = set()
    for after_stashed in (True, False):  # cuts after stashed values (sqrt's), or at kept matmul outputs
        for step in (TARGET_STEP, BUDGET_STEP):
            for seg in segmentations(a, after_stashed, step):
                plain = checkpoints(a, seg.segment)
                for keep in (plain, checkpoints(a, seg.segment, keep_expensive=True)):
                    key = (frozenset(keep), seg.cuts)
                    if key in seen:
                        continue
                    seen.add(key)
                    extra = sum(nbytes(n) for n in a.spine if n.id in keep and n.id not in plain)
                    out.append(Candidate(keep, seg, sum(flops(n) for n in computed_twice(a, keep)),
                                         seg.modelled_peak + extra))
    return out


def fit_budget(program: Program, a: Analysis, budget: int, planner=None) -> Program:
    """The candidate whose planned peak fits `budget` with the least recompute (ties: the lower peak).

    Candidates are ranked by recompute without being built, then built and planned in that
    order; the first that fits wins.  One whose modelled peak (a lower estimate: checkpoints
    and stash, no temporaries) already passes the budget is skipped.  When none fits, the
    error names the smallest planned peak among the candidates with the lowest modelled peaks.
    """
    every = candidates(a)
    for cand in sorted(every, key=lambda c: (c.recompute_flops, c.modelled_peak)):
        if cand.modelled_peak > budget:
            continue
        rebuilt, stats = cand.build(program, a, budget)
        stats.planned_peak_bytes = _planned_peak(rebuilt, planner)
        if stats.planned_peak_bytes <= budget:
            rebuilt.remat_stats = stats
            return rebuilt
    lowest = sorted(every, key=lambda c: c.modelled_peak)[:SQRT_CANDIDATES]
    smallest = min((_planned_peak(c.build(program, a, budget)[0], planner), c.segmentation.count) for c in lowest)
    raise MemoryBudgetError(_budget_message(budget, smallest[0], f"{smallest[1]} segments"))


def _budget_message(budget: int, smallest: int, how: str) -> str:
    return (f"remat budget of {budget} bytes cannot be met: the smallest planned peak found is {smallest} bytes "
            f"({how}); raise the budget to at least {smallest}, or use remat='sqrt'")

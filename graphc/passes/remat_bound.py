"""Rematerialisation, judging: a lower bound of a candidate's kernel arena, from its graph alone.

"sqrt" judged by the compiled kernels fuses, lowers and plans each of its candidates (most
of `graphc inspect --grad`'s time on a big graph).  A candidate whose arena cannot be lower
than the best one planned so far need not be: `arena_lower_bound(program)` says how low it
could possibly be, for the cost of two walks over the graph, and the judge
(graphc.passes.remat.rematerialize) skips a candidate whose bound already loses.

Why the bound holds for the compiled targets' plan (graphc.pipeline.place_buffers of
graphc.passes.fusion's kernels):
  * A value v read by a node u whose `recompute` tag differs from v's is in another group
    (fusion never joins across tags), so v is written to memory and u's kernel reads it: an
    arena buffer of v's bytes, unless v is fetched (its own buffer), a source or a constant.
    Views and leaves (`Op.index_scalar`) are left out: they may be strides over another
    buffer, or computed where they are read.
  * Kernels run in an order that respects every edge, a loop or matmul group is one kernel,
    and a group's kernels are consecutive.  Take such a node r (its kernel T).  A stored value
    v made by r or one of its ancestors, and read from memory by r or one of its descendants, is
    written at or before T and read at or after T.
  * `plan_memory` places a step's writes before it frees what dies there: at step T every such
    buffer is placed at once, none overlapping another, so the arena holds the sum of their bytes.

The witness r is chosen where a candidate's memory peaks (see `_witnesses`); any r gives a
valid bound, a good one a tight bound.  tests/test_remat_bound.py holds the bound under the
planned arena of every candidate, and the judge's choice to the exhaustive one.

A program without copies (the program unchanged, or with copies of its cheap reads: the
comparison every search ends with) has no tags to tell its groups apart, but a matmul starts a
group of its own, and what it reads is made in another kernel: a stored value v made at or before
r and read by a matmul at or after r is live at r's kernel, directly or through a path of
elementwise ops and views (the kernels along it run in order: where the path crosses r's kernel,
the buffer it crosses with is live, v or one on the path, so the smallest counts).  The witnesses
are the backward pass's first matmuls (`_matmul_witnesses`): the whole stash of a network's
weight gradients is live there, and the comparison need not fuse the program to lose to a plan.

    bound = arena_lower_bound(candidate)   # <= plan_stages(...).plan.memory.peak_bytes
"""

from __future__ import annotations

from graphc.ir import Node
from graphc.passes.memory_plan import program_live_peak
from graphc.passes.remat_analysis import levels, nbytes
from graphc.passes.remat_rewrite import FORWARD_TAG
from graphc.program import Program

# witnesses tried per candidate: the segments with the highest estimated peaks
WITNESSES = 2
# helpers followed from a value to a kernel after the witness (tanh's y*y, then 1 - y*y)
HELPER_DEPTH = 3


def arena_lower_bound(program: Program) -> int:
    """Bytes that the compiled kernels' arena of `program` holds at least (see the module docstring)."""
    order = program.nodes()
    roots = {n.id for n in program.roots}
    # copy_segment(n) is not None, written out: asked of every node of every candidate bounded
    copies = [n for n in order
              if isinstance(n.attrs.get("recompute"), int) and not isinstance(n.attrs["recompute"], bool)]
    if not copies:  # no copies: the matmuls tell the groups apart
        return _matmul_bound(program, order, roots)
    users = program.users()  # the program's own: fusion asks it next, of a candidate planned
    readers = _value_readers(order, users)
    across: dict[int, list[Node]] = {}  # shared by the witnesses: each value's readers in another group
    return max((_live_together(r, readers, roots, across) for r in _witnesses(copies, users)), default=0)


# An upper estimate of the bound, for a fifth of its time: the buffers it counts are made at or before
# the witness and read at or after it in the candidate's schedule too, so each is live (itself, or one
# of the helpers or views it is counted through) at the witness's node run node by node.  The judge
# asks it first, and not the bound, when it is already below what the bound must reach to rule the
# candidate out (on a random graph, every candidate after the first: their bounds were a tenth of it).
arena_lower_bound.at_most = program_live_peak


def _matmul_bound(program: Program, order: list[Node], roots: set[int]) -> int:
    """The bound of a program without copies: the stored values read by a matmul after a witness."""
    if not any(n.op.kind == "matmul" for n in order):  # nothing to witness: not even the consumers are needed
        return 0
    users = program.users()  # the program's own: fusion asks it next, of a candidate planned
    readers = _value_readers(order, users)
    return max((_read_by_matmuls(r, readers, roots) for r in _matmul_witnesses(program, order, users)), default=0)


def _one_kernel(node: Node) -> bool:
    """True when fusion puts `node` in a loop or matmul group, which lowers to one kernel."""
    op = node.op
    return op.kind in ("elementwise", "reduce", "matmul") and op.view is None and op.index_scalar is None


def _stored(node: Node, roots: set[int]) -> bool:
    """True when `node`, read across tags, is an arena buffer of its bytes (roots have their own)."""
    op = node.op
    return (op.kind != "source" and op.view is None and op.index_scalar is None and node.id not in roots
            and None not in node.shape)


def _value_readers(order: list[Node], users: dict[int, list[Node]]) -> dict[int, list[Node]]:
    """For each node id, the nodes that read its value (not only its shape): `users`, less the readers of
    a node for its shape alone.  Made once per bound: the walks below ask it of most nodes, several times."""
    readers = dict(users)
    for u in order:
        shape_only = u.op.shape_only
        for k in shape_only:
            if k < len(u.inputs):
                x = u.inputs[k]
                readers[x.id] = [w for w in users[x.id] if _reads_value(w, x)]
    return readers


def _reads_value(u: Node, node: Node) -> bool:
    """Whether `u` reads `node`'s value, not only its shape."""
    shape_only = u.op.shape_only
    return not shape_only or any(x is node for k, x in enumerate(u.inputs) if k not in shape_only)


def _live_together(r: Node, readers: dict[int, list[Node]], roots: set[int],
                   across_of: dict[int, list[Node]] | None = None) -> int:
    """Bytes that are in the arena at r's kernel: values made at or before it and needed at or after it.

    A stored value v made at or before r counts in full when a kernel at or after r reads it:
      * a reader of v in another group that descends from r, or
      * such a reader through views of v (a view is strides over v's buffer, or, when it must be
        in memory, a copy of it: then v or that copy is live, so the smaller counts).
    Else, through *helpers* (readers of v in another group, neither before nor after r in the
    graph: tanh's `y * y` and `1 - y*y`, recomputed just where the backward pass needs them)
    that lead to a kernel after r: along that path the first kernel at or after r's reads a
    buffer made before it, so v or one of the helpers is live, and the smallest counts (each
    helper on one path only; HELPER_DEPTH helpers at most).  `across_of`: each value's readers in another
    group, filled as they are found, for another witness of the same program.
    """
    before, after = _ancestors(r), _descendants(r, readers)
    across_of = {} if across_of is None else across_of

    def kernel_after(u: Node) -> bool:
        return u.id in after and u.op.view is None and u.op.index_scalar is None

    walk = _HelperWalk(before, after, readers, roots, kernel_after)

    def counted(v: Node) -> int:
        across = across_of.get(v.id)
        if across is None:
            tag = v.attrs.get("recompute")
            across = across_of[v.id] = [u for u in readers[v.id]
                                        if u.attrs.get("recompute") != tag and u.op.index_scalar is None]
        if not across:  # most of the forward pass: read within its own group only
            return 0
        best, size = 0, nbytes(v)
        for u in across:
            if u.op.view is not None:  # strides over v, or a copy of it: follow the views to their kernels
                best = max(best, min(size, _view_reach(u, readers, roots, kernel_after)))
            elif u.id in after:
                best = size
            elif u.id not in before:  # neither before r nor after it: perhaps a path of helpers
                best = max(best, walk.bytes_through(u, size))
            if best == size:
                break
        return best

    return _stash_bytes(before, roots, counted)


def _read_by_matmuls(r: Node, readers: dict[int, list[Node]], roots: set[int]) -> int:
    """Bytes in the arena at matmul r's kernel: stored values made at or before it that a matmul at or
    after it reads, directly or through elementwise ops and views (each of those on one path only, at
    most HELPER_DEPTH of them: see the module docstring)."""
    before, after = _ancestors(r), _descendants(r, readers)

    def matmul_after(u: Node) -> bool:
        return u.op.kind == "matmul" and u.id in after

    walk = _HelperWalk(before, after, readers, roots, matmul_after, through_views=True)

    def counted(v: Node) -> int:
        best, size = 0, nbytes(v)
        for u in readers[v.id]:
            if u.id in after:
                if u.op.kind == "matmul":
                    return size
            elif u.id not in before:  # neither before r nor after it: perhaps a path of helpers to a matmul
                best = max(best, walk.bytes_through(u, size))
        return best

    return _stash_bytes(before, roots, counted)


def _stash_bytes(before: dict[int, Node], roots: set[int], counted) -> int:
    """The sum of `counted(v)` (at most v's bytes) over the stored values v made at or before the witness, in
    order (a helper walk takes the helpers each one counts)."""
    return sum(counted(v) for v in before.values() if _stored(v, roots))


def _ancestors(r: Node) -> dict[int, Node]:
    """r and its ancestors through value edges, by id, in the order a depth-first walk finds them (the
    order `_stash_bytes` counts them in)."""
    found: dict[int, Node] = {}
    stack = [r]
    while stack:
        node = stack.pop()
        if node.id not in found:
            found[node.id] = node
            shape_only = node.op.shape_only
            stack.extend(node.inputs if not shape_only else
                         [x for k, x in enumerate(node.inputs) if k not in shape_only])
    return found


def _descendants(r: Node, readers: dict[int, list[Node]]) -> set[int]:
    """The ids of r and its descendants through value edges."""
    found: set[int] = set()
    stack = [r]
    while stack:
        node = stack.pop()
        if node.id not in found:
            found.add(node.id)
            stack.extend(readers[node.id])
    return found


class _HelperWalk:
    """Paths of helpers from a value's reader to a kernel after the witness (a class, not a nested
    recursive function: that would be a reference cycle, left to a collector `graphc inspect` pauses).
    `through_views`: the path may hold elementwise ops and views only (to a matmul: see _read_by_matmuls)."""

    def __init__(self, before, after, readers, roots, kernel_after, through_views: bool = False):
        self.before, self.after = before, after
        self.used: set[int] = set()  # helpers already on a counted path
        self.readers, self.roots, self.kernel_after = readers, roots, kernel_after
        self.through_views = through_views

    def bytes_through(self, u: Node, size: int) -> int:
        """What a path of helpers from reader u leaves live of a value of `size` bytes (0: no path); its
        helpers are then taken (each buffer counts once)."""
        path = self.path(u, HELPER_DEPTH - 1)
        if path is None:
            return 0
        self.used.update(h.id for h in path)
        return min(size, *(nbytes(h) for h in path))

    def _passes(self, u: Node) -> bool:
        if not self.through_views:
            return _stored(u, self.roots) and u.op.view is None
        op = u.op
        return (op.kind == "elementwise" or op.view is not None) and op.index_scalar is None \
            and u.id not in self.roots and None not in u.shape

    def path(self, u: Node, depth: int) -> list[Node] | None:
        """Helpers from u (u included) to a kernel after r, each one a stored value in a kernel."""
        if u.id in self.before or u.id in self.after or u.id in self.used or not self._passes(u):
            return None
        readers = self.readers[u.id]
        if any(self.kernel_after(d) for d in readers):
            return [u]
        if depth == 0:
            return None
        for d in readers:
            rest = self.path(d, depth - 1)
            if rest is not None:
                return [u, *rest]
        return None


def _view_reach(u: Node, readers: dict[int, list[Node]], roots: set[int], kernel_after) -> int:
    """The fewest bytes of a chain of views from u to a kernel after r that reads through them (0: none)."""
    least = 0
    stack = [(u, nbytes(u))]
    seen: set[int] = set()
    while stack:
        w, size = stack.pop()
        if w.id in seen or w.id in roots:  # a fetched view is a copy that kernels do not read
            continue
        seen.add(w.id)
        for d in readers[w.id]:
            if d.op.view is not None:
                stack.append((d, min(size, nbytes(d))))
            elif kernel_after(d):
                least = max(least, size)
    return least


def _matmul_witnesses(program: Program, order: list[Node], users: dict[int, list[Node]]) -> list[Node]:
    """The backward pass's first matmuls, when the program fetches a scalar (its loss): the matmuls of
    the lowest level (longest path from the sources) above the loss's, those read most first (a
    `dh = g @ W^T` that the rest of the backward pass descends from before a weight gradient)."""
    level = levels(order)
    turn = max((level[o.id] for o in program.outputs if o.shape == ()), default=None)
    if turn is None:
        return []
    backward = [n for n in order if n.op.kind == "matmul" and level[n.id] > turn]
    # ties in `order` (the sort is stable)
    return sorted(backward, key=lambda n: (level[n.id], -len(users[n.id])))[:WITNESSES]


def _witnesses(copies: list[Node], users: dict[int, list[Node]]) -> list[Node]:
    """Where a candidate's memory is likely to peak: just after a segment is recomputed.

    While the backward pass works on segment j, the checkpoints that segments 1..j are
    recomputed from and segment j's recomputed values are alive.  The segments with the highest
    such estimate are taken; the witness of one is the first backward node (in the schedule)
    that reads the segment's last recomputed value, which in a chain needs all of them.
    `copies`: the program's (copy_segment not None), in its order: only they and what they read are asked;
    `users`: its readers, each node's in that order (Program.users), so the first of them is the first run.
    """
    stash: dict[int, int] = {}      # segment -> bytes of its copies that a node outside it reads
    last: dict[int, Node] = {}      # segment -> its last copy (in the schedule) read from outside it
    first_reader: dict[int, tuple[int, Node]] = {}  # forward value -> (the first segment whose copies read it, it)
    for node in copies:
        tag = node.attrs["recompute"]  # its segment (each of `copies` has one)
        outside = [u for u in users[node.id] if u.attrs.get("recompute") != tag and _one_kernel(u)]
        if outside:
            stash[tag] = stash.get(tag, 0) + nbytes(node)
            last[tag] = node
        for i in node.inputs:
            if i.attrs.get("recompute") == FORWARD_TAG and first_reader.get(i.id, (tag,))[0] >= tag:
                first_reader[i.id] = (tag, i)
    if not stash:
        return []
    sizes = [(j, nbytes(i)) for j, i in first_reader.values()]
    estimate = {j: s + sum(b for first, b in sizes if first <= j) for j, s in stash.items()}
    chosen = sorted(estimate, key=lambda j: -estimate[j])[:WITNESSES]
    return [next(u for u in users[last[j].id] if u.attrs.get("recompute") != j and _one_kernel(u)) for j in chosen]

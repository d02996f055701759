"""Fusion's join rules: one per kind of op, chosen from the op's facts, never from its name.

Each rule takes the fusion state and a node (all of whose inputs are placed) and puts
the node somewhere: in a producer's group, in a new group, or in a layout over a
stored value.  `rule_for(op)` picks the rule from what the op declares (graphc/ops):

    kind "source"            nothing: its value is in memory
    view (Op.view)           a register view in its producer's group (Op.view_axes,
                             Op.broadcasts), else strides over its input (Op.view_strides)
    Op.index_scalar          a leaf: each consumer computes it from its position (one_hot)
    kind "elementwise"       joins a group of an input over the same loop dims, unless the group
                             would then wait for a later kernel holding buffers (liveness), else starts one
    kind "reduce"            accumulates over an in-group value (Op.reduce_axes), else starts a
                             group that reads its operand from memory
    kind "matmul"            a BLAS call starting a group; its elementwise consumers are its epilogue
    Op.scatter               a group of its own: a fill, then one copy per piece
    Op.indexed_add           a group of its own: a copy of the first input, then the adds
    every input shape-only   refused: its value is a constant once shapes are known, which
                             simplification folds (count)
    anything else            refused: NoKernelError names the op and the user's line

A new op whose facts fit a row needs no change here.
"""

from __future__ import annotations

from collections.abc import Callable

from graphc.ir import Node
from graphc.ops.layout import INDEXED_ADD
from graphc.ops.registry import Op
from graphc.passes.fusion_groups import MAX_KERNEL_SIZE, MAX_PHASES, Group, NoKernelError, reduce_axes
from graphc.passes.fusion_state import FusionState, own_loop

# A rule may return True when the node reads nothing across groups: a source, or a node put in the group of every
# input but sources (FusionState.crossing); None or False: it may
Rule = Callable[[FusionState, Node], bool | None]


# ---- elementwise --------------------------------------------------------------------------------


def join_elementwise(f: FusionState, node: Node) -> bool:
    """Join the first candidate group (an input's loop or matmul group) that may take `node`, else start a loop
    group of its own (`_own_group`).  The rule itself, not a wrapper around a join that says whether it joined:
    asked for nine nodes in ten.

    One walk over the inputs finds the candidates, the inputs each holds, and the groups every
    candidate waits for (`outside`: a scatter's group, and what an input in no group reads, `dep_groups`);
    a candidate's sources outside it (`FusionState.sources_outside`) are those and the other candidates.
    True when the group joined holds every input but sources (`Rule`)."""
    held: dict[int, list] = {}  # group id -> the inputs it holds (by id: a Group's == compares every field)
    cands = []                  # the groups, in the order of the inputs
    outside: tuple | list = ()  # a list made only for the few nodes that have such inputs
    read_sources = 0            # inputs that are sources (in memory, no kernel)
    group_of, layouts, leaf = f.group_of, f.layouts, f.leaf
    for x in node.inputs:
        g = group_of.get(x.id)
        if g is None:
            if x.id in layouts or x.id in leaf:  # else a source: no kernel to wait for
                outside = [*outside, *f.dep_groups(x)]
            else:
                read_sources += 1
        elif g.kind == "loop" or g.kind == "matmul":
            mine = held.get(g.id)
            if mine is None:
                held[g.id] = [x]
                cands.append(g)
            else:
                mine.append(x)
        else:
            outside = [*outside, g.id]
    if not cands:
        _own_group(f, node)
        return False
    tag = node.attrs.get("recompute")
    if len(cands) > 1:
        cands = _merge_siblings(f, node, cands, held, tag)
    size = f.size(node)
    for g in cands:
        if g.tag != tag or g.size + size > MAX_KERNEL_SIZE:  # FusionState.may_join's first questions
            continue
        srcs = outside
        if len(cands) > 1:
            srcs = [h.id for h in cands if h is not g]
            if outside:
                srcs += outside
        # no sources outside g (most joins): no cycle, no wait, no new dependency
        if srcs and (f.closes_cycle(g, srcs) or f.waits_for_later(g, srcs)):
            continue
        in_group = held[g.id]
        node_map = f.elementwise_map(g, node, in_group)
        if node_map is None:
            continue
        if g.reduce:
            phase, avail = f.phase_of(g, node, node_map, in_group)
            if phase >= MAX_PHASES or avail >= MAX_PHASES:
                continue
        else:  # every member of a group without reduce dims is in phase 0, available at 0
            phase = avail = 0
        if srcs:
            f.depend_on(g, srcs)
        f.add(g, node, node_map, phase, avail, size)
        # every input in g (held lists repeats) or a source; a layout or leaf read that waits for no group is none
        return not outside and len(in_group) + read_sources == len(node.inputs)
    _own_group(f, node)
    return False


def _own_group(f: FusionState, node: Node) -> None:
    """A loop group that starts at `node` (an elementwise node no input's group may take)."""
    dims, node_map = own_loop(node)
    f.new_group("loop", dims, node, node_map, node.inputs)


def _matmul_then_largest(g: Group) -> tuple:
    return g.kind != "matmul", -len(g.members)


def _merge_siblings(f: FusionState, node: Node, cands: list, held: dict, tag) -> list:
    """The candidates once the others are merged into the first where they may be: a matmul first, so that a
    sibling loop group joins its epilogue rather than the matmul's output being stored and read back
    (dh * (1 - y*y) where the backward pass recomputes tanh's 1 - y*y).  `held` follows the merges;
    `tag`: node's recompute tag."""
    if len(cands) == 2:  # most: two inputs in two groups (`_matmul_then_largest`'s order, without its calls)
        a, b = cands
        if (b.kind == "matmul", len(b.members)) > (a.kind == "matmul", len(a.members)):
            cands.reverse()
        first = cands[0]
        if tag != first.tag or not _merged(f, first, cands[1], node):
            return cands
        kept = []
    else:
        cands.sort(key=_matmul_then_largest)
        first = cands[0]
        if tag != first.tag:
            return cands
        kept = [h for h in cands[1:] if not _merged(f, first, h, node)]
        if len(kept) == len(cands) - 1:
            return cands
    group_of = f.group_of  # the merged groups' inputs are first's now
    held[first.id] = [x for x in node.inputs if group_of.get(x.id) is first]
    return [first, *kept]


def _merged(f: FusionState, first: Group, h: Group, node: Node) -> bool:
    """Whether sibling h was merged into `first` (`FusionState.merge`): its cheap tests first, then the schedule's,
    then the dependencies'."""
    return (f.may_merge(first, h) and not _merge_spans_recompute(f, first, h) and f.independent(first, h)
            and f.merge_asked(first, h, node))


def _merge_spans_recompute(f: FusionState, g: Group, h: Group) -> bool:
    """True when a recomputed node (a remat copy, `attrs["recompute"]` a stage number) lies in the schedule
    between the first members of sibling groups g and h: one kernel would run both sides of a recomputation.

    Folded together, the kernel runs at one place: before the recomputation, h's outputs are made early and
    live through it beside what g's readers still need; after it, g waits and its inputs live through it.
    Both happened in a rematerialised residual net's backward unit (`dx = dz @ W.T + dh`, then
    `dx * (1 - y*y)`): with the helper over a recomputed `y` the matmul ran after the recomputation holding `dz`
    and `dh`; over a kept `y`, the next unit's `dz` was made before it, beside `dx`, which the residual add
    still reads (the residual net at 1/4: 18 MiB planned on llvm against 16 live node by node).  Kept apart,
    each runs where the schedule puts it.  A program without remat has no such node: it fuses as before."""
    lo, hi = (g.first, h.first) if g.first < h.first else (h.first, g.first)  # not sorted(): asked per sibling pair
    return f.recomputes_between(lo, hi)


# ---- reductions ---------------------------------------------------------------------------------


def join_reduce(f: FusionState, node: Node) -> None:
    if not _join_reduce(f, node):
        _reduce_group(f, node)


def _join_reduce(f: FusionState, node: Node) -> bool:
    x = node.inputs[0]
    g = f.group_of.get(x.id)
    if g is None or g.kind != "loop" or not f.legal(g, node, [x]):
        return False
    axes, where = reduce_axes(node)
    xmap = g.maps[x.id]
    reduced = {xmap[a] for a in axes if xmap[a] is not None}
    out_map = [None] * node.ndim
    for i, w in enumerate(where):
        if w is not None and i not in axes:
            out_map[w] = xmap[i]
    if not reduced:
        if g.reduce and x.id in g.phase:
            return False  # a size-1 reduction of an inner value would need the full loop
        phase, avail = f.phase_of(g, node, out_map, [x])
        f.add(g, node, out_map, phase, avail)
        return True
    if g.reduce and reduced != g.reduce:
        return False
    if not g.reduce:
        # dims become reduce dims: only members that do not yet consume a reduction exist
        g.reduce = set(reduced)
        for m in g.members:
            if g.is_inner(m):
                g.phase[m.id] = g.avail.pop(m.id, 0)
    if x.id not in g.phase:
        return False
    phase = g.phase[x.id]
    if phase + 1 >= MAX_PHASES:
        return False
    f.add(g, node, out_map, phase, phase + 1)
    g.phase.pop(node.id, None)
    g.avail[node.id] = phase + 1
    g.reductions[node.id] = phase
    return True


def _reduce_group(f: FusionState, node: Node) -> None:
    """A group whose loops run over the reduction's operand, read from memory."""
    x = node.inputs[0]
    axes, where = reduce_axes(node)
    full = [i for i, d in enumerate(x.shape) if d != 1]
    idx = {a: k for k, a in enumerate(full)}
    dims = [x.shape[a] for a in full]
    out_map = [None] * node.ndim
    for i, w in enumerate(where):
        if w is not None and i not in axes:
            out_map[w] = idx.get(i)
    reduced = {idx[a] for a in axes if a in idx}
    g = Group(len(f.groups), "loop", dims, reduce=reduced, tag=node.attrs.get("recompute"), first=f.pos[node.id])
    f.groups.append(g)
    f._depend(g, [x])
    # the reduced operand is read from memory; a pseudo-member is not needed: lowering loads it
    g.members.append(node)
    g.maps[node.id] = tuple(out_map)
    g.avail[node.id] = 1 if reduced else 0
    g.input_maps[node.id] = tuple(idx.get(i) for i in range(x.ndim))
    g.refs.append((x.shape, g.input_maps[node.id]))
    if reduced:
        g.reductions[node.id] = 0
    f.group_of[node.id] = g


# ---- views --------------------------------------------------------------------------------------


def join_view(f: FusionState, node: Node) -> None:
    """In registers when the loop map can follow the data; else strides over the input's memory,
    copying the input first when strides cannot express the view."""
    if _join_view_in_registers(f, node):
        return
    lay = f.view_layout(node) if node.inputs[0].id not in f.leaf else None
    if lay is None:
        f.materialize(node.inputs[0])
        lay = f.view_layout(node)
    f.layouts[node.id] = lay


def _reorders(axes: tuple) -> bool:
    moved = [a for a in axes if a is not None]
    return moved != sorted(moved)


def _join_view_in_registers(f: FusionState, node: Node) -> bool:
    """Register-level views of an in-group value: the map follows the data."""
    x, op = node.inputs[0], node.op
    g = f.group_of.get(x.id)
    if g is None or g.kind not in ("loop", "matmul") or not f.legal(g, node, [x]):
        return False
    if op.broadcasts:
        out = f.elementwise_map(g, node, [x])  # broadcasting, as an elementwise op's operands are
        if out is None:
            return False
    elif op.view_axes is not None:
        axes = op.view_axes(node)
        if axes is None:
            return False
        if _reorders(axes) and f.feeds_only_matmuls(node):
            return False  # BLAS reads the stored value transposed (a 'T' flag): storing a transposed copy is waste
        xmap = g.maps[x.id]
        out = tuple(None if a is None else xmap[a] for a in axes)
    else:
        return False  # a window (slice): its loops are not its input's
    phase, avail = f.phase_of(g, node, out, [x])
    f.add(g, node, out, phase, avail)
    return True


# ---- the other kinds ----------------------------------------------------------------------------


def join_leaf(f: FusionState, node: Node) -> None:
    """Computed by each consumer from its loop position (Op.index_scalar): no kernel, no buffer.
    An input it reads at computed positions (Op.gathers) must be a buffer: a leaf there is copied."""
    for i in node.op.gathers:
        if node.inputs[i].id in f.leaf:
            f.materialize(node.inputs[i])
    f.leaf.add(node.id)


def join_matmul(f: FusionState, node: Node) -> None:
    """A BLAS call reads its operands through strides it can take, copying the others first."""
    for x in node.inputs:
        if not f.blas_ready(x):
            f.materialize(x)
    f.new_group("matmul", list(node.shape), node, tuple(range(node.ndim)), node.inputs)


def join_indexed_add(f: FusionState, node: Node) -> None:
    """A group of its own (scatter_add): lowering copies the first input, then adds the updates."""
    f.new_group(INDEXED_ADD, list(node.shape), node, tuple(range(node.ndim)), node.inputs)


def join_scatter(f: FusionState, node: Node) -> None:
    """A group of its own, named by the op's scatter label; lowering writes its pieces."""
    f.new_group(node.op.scatter.label, list(node.shape), node, tuple(range(node.ndim)), node.inputs)


def refuse_shape_only(f: FusionState, node: Node) -> None:
    raise NoKernelError(node, " (internal error: it reads only its inputs' shapes, so simplification should "
                              "have folded it to a constant: shapes are concrete here)")


def refuse(f: FusionState, node: Node) -> None:
    raise NoKernelError(node)


def _skip(f: FusionState, node: Node) -> bool:
    """A source: its value is in memory already (and it reads nothing)."""
    return True


# (applies to the op?, rule): the first that applies is the op's rule
RULES: list[tuple[Callable[[Op], bool], Rule]] = [
    (lambda op: op.kind == "source", _skip),
    (lambda op: op.view is not None, join_view),
    (lambda op: op.index_scalar is not None, join_leaf),
    (lambda op: op.kind == "elementwise", join_elementwise),
    (lambda op: op.kind == "reduce", join_reduce),
    (lambda op: op.kind == "matmul", join_matmul),
    (lambda op: op.scatter is not None, join_scatter),
    (lambda op: op.indexed_add is not None, join_indexed_add),
    (lambda op: op.reads_only_shapes, refuse_shape_only),
]

_RULE_OF: dict[Op, Rule] = {}


def rule_for(op: Op) -> Rule:
    """The join rule of `op`'s nodes, from its facts (see the module docstring)."""
    rule = _RULE_OF.get(op)
    if rule is None:
        rule = next((r for applies, r in RULES if applies(op)), refuse)
        _RULE_OF[op] = rule
    return rule

"""A params-only lowering's flat walk: a kernel's buffers, in the order the full lowering first uses them.

A memory plan needs only each kernel's params (graphc.pipeline.place_buffers), and remat plans
every candidate, so `lower(fusion, params_only=True)` runs once per candidate.  Each member of a
group is evaluated at its turn, and its in-group inputs come before it among the members (fusion
adds a node after its inputs; a merged sibling reads nothing of the group it joins).  The full
lowering's depth-first walk (graphc.codegen.lower) therefore meets the values read from memory
member by member, input by input, and each stored member right after its inputs: a flat loop over
the members finds the same params in the same order, without the walk's memo and stand-in values.
Reading a buffer again changes nothing (`_KernelBuilder.use`), so no memo is kept.

What the flat loop cannot see is which stored members a later phase of a group with reduce dims
reads back (the full walk's `stored_earlier`: their params are "inout"): it notes where a phase
evaluates a member of an earlier phase, and `read_back` follows the values evaluated from there
down, without building them.

    kb = _KernelBuilder(fusion, dims, kinds, params_only=True)
    ops = loop_params(kb, g, kpos)  # then kb.kernel(name, "loop", (), ops=ops) has the full lowering's params
"""

from __future__ import annotations

from graphc.errors import ShapeError
from graphc.ir import Node
from graphc.ops.layout import contiguous_strides
from graphc.passes.fusion_groups import reduce_axes


def _read(kb, x: Node, consumer: Node, consumer_map, kpos) -> None:
    """A value that is not a member, read by `consumer`: its buffer (or nothing: a literal; a leaf's own
    inputs: Op.index_scalar, computed at the loop position, so only a leaf needs the map)."""
    if x.op.index_scalar is None:
        kb.read(x)
    else:
        kb.load(x, broadcast_map(x, consumer, consumer_map), kpos)


def broadcast_map(x: Node, consumer: Node, consumer_map) -> tuple:
    """x's axes -> loop dims, when x is broadcast into `consumer`'s shape."""
    lead = consumer.ndim - x.ndim
    return tuple(consumer_map[lead + i] if x.shape[i] == consumer.shape[lead + i] and x.shape[i] != 1 else None
                 for i in range(x.ndim))


def require_identity(node: Node) -> None:
    """A ShapeError when reduction `node` has no value to start from: max or min over an empty axis."""
    if node.op.extra["combine"] == "add" or 0 not in node.inputs[0].shape:  # the usual case, without the op's rule
        return
    x = node.inputs[0]
    axes, _ = reduce_axes(node)
    if any(x.shape[a] == 0 for a in axes):
        raise ShapeError(f"{node.op.name}: reduction of an empty axis has no identity (operand {x.shape})")


def loop_params(kb, g, kpos) -> list[str]:
    """The params of loop group `g` into `kb` (the module docstring); the members' op names, met on the way.

    Its hottest part (a value read from a buffer: most inputs of most members) adds to the builder's
    params itself, without `KernelBuilder.read`'s calls per input; the group's membership is `g.maps`,
    whose keys are its members' ids (FusionState.add), not a set built per kernel.  In a group with
    reduce dims it also notes where a phase reaches below its own (`read_back`'s starting points)."""
    fusion = kb.fusion
    maps, stored, copy_of, layouts, literals = g.maps, fusion.stored, g.copy_of, fusion.layouts, fusion.literals
    phase_of, reductions = g.phase, g.reductions  # both empty without reduce dims
    buffers, reads, writes = kb.buffers, kb.reads, kb.writes
    ops: list[str] = []
    later: list[tuple[Node, int]] = []  # (member, a phase after its own that evaluates it)
    for m in g.members:
        mop, mid = m.op, m.id
        ops.append(mop.name)
        kind = mop.kind
        own = phase_of.get(mid)  # None: evaluated after the reduce loops, or without reduce dims
        if m is copy_of:
            if g.copy_layout is not None:
                kb.use(g.copy_layout.base, write=False)
            else:
                kb.at_position(m, maps[mid], kpos)
        elif kind == "elementwise":
            for x in m.inputs:
                xid = x.id
                if xid in maps:
                    if own is not None and phase_of.get(xid, -1) < own:
                        later.append((x, own))
                    continue
                op = x.op
                if op.index_scalar is not None:  # a leaf, computed from the loop position
                    kb.load(x, broadcast_map(x, m, maps[mid]), kpos)
                    continue
                if op.immediate is not None:  # KernelBuilder.literal, its call made only the first time
                    literal = literals.get(xid, literals)
                    if (kb.literal(x) if literal is literals else literal) is not None:
                        continue  # a literal, written into the code
                lay = layouts.get(xid)  # its buffer, or its view's base's
                if lay is not None:
                    x = lay.base
                    xid = x.id
                reads.add(xid)
                buffers.setdefault(xid, x)  # the first use places it among the params
        else:  # a reduction, or a register view of a member (nothing read)
            x = m.inputs[0]
            phase = own  # the phase its operand is evaluated in: its own, or the one it accumulates in
            if mid in reductions:
                require_identity(m)
                phase = reductions[mid]
            if x.id not in maps:
                if kind == "reduce":  # its operand's value, accumulated or (of size 1) as it is
                    kb.load(x, g.input_maps[mid], kpos)
            elif phase is not None and phase_of.get(x.id, -1) < phase:
                later.append((x, phase))
        if mid in stored:
            writes.add(mid)
            buffers.setdefault(mid, m)
    if later:
        read_back(kb, g, kpos, later)
    return ops


def read_back(kb, g, kpos, later: list) -> None:
    """The stored members of `g` that a later phase reads back from memory, as reads (their params "inout").

    The phases evaluate each inner member in its own phase, and each reduction's operand in the phase
    it accumulates in; each value so evaluated evaluates its in-group inputs in the same phase, except
    one read back instead: an inner member, stored, asked in a phase after its own, at a different
    address for every point of the reduce dims (the full walk's `stored_earlier`).  Values after the
    reduce loops read nothing back.

    A phase matters only where it reaches a member below that member's own phase: `later` holds the
    (member, phase) pairs where an evaluation steps down so (loop_params notes them), and the walk goes
    down from there only, each member again only for a later phase than it was reached in.  Most
    members are evaluated in their own phase only, and are never visited."""
    phase_of, reductions, stored, copy_of, maps = g.phase, g.reductions, kb.fusion.stored, g.copy_of, g.maps
    reached: dict[int, int] = {}  # member id -> the latest phase that reached it below its own
    while later:
        node, phase = later.pop()
        nid = node.id
        if reached.get(nid, -1) >= phase:
            continue
        reached[nid] = phase
        if nid in phase_of and nid in stored and _one_address_per_reduce_point(g, node, kpos):
            kb.use(node, write=False)  # the later phase reads it: it evaluates nothing below it
        elif nid not in reductions and node is not copy_of:  # a reduction: its operand has its phase; a copy: memory
            for x in node.inputs if node.op.kind == "elementwise" else node.inputs[:1]:  # else a view, a size-1 sum
                if x.id in maps and phase_of.get(x.id, -1) < phase:
                    later.append((x, phase))


def _one_address_per_reduce_point(g, node: Node, kpos) -> bool:
    """Whether `node`'s store moves along every reduce dim of `g` (of size above 1): each point of the
    reduce loops reads back what it wrote itself (on a GPU, the thread that wrote it)."""
    strides = [0] * len(kpos)
    for s, d in zip(contiguous_strides(node.shape), g.maps[node.id]):
        if d is not None:
            strides[kpos[d]] += s
    return all(strides[kpos[d]] != 0 for d in g.reduce if g.dims[d] > 1)


def matmul_params(kb, g, kpos) -> None:
    """The params of matmul group `g` into `kb`: its operands and product, then its epilogue's."""
    product = g.members[0]
    a, b = product.inputs
    base_of, use = kb.base_of, kb.use
    use(base_of(a), write=False)
    use(base_of(b), write=False)
    c = base_of(product)
    use(c, write=True)
    maps, stored = g.maps, kb.fusion.stored  # maps: keyed by the members' ids, as in loop_params
    reads, writes, buffers = kb.reads, kb.writes, kb.buffers
    for m in g.members[1:]:
        if m.op.kind == "elementwise":
            for x in m.inputs:
                if x.id in maps:
                    if x is product:  # the epilogue reads the product back
                        reads.add(c.id)
                elif x.op.index_scalar is None:  # as in loop_params
                    kb.read(x)
                else:
                    _read(kb, x, m, maps[m.id], kpos)
        else:  # a size-1 reduction or a register view: its operand's value
            x = m.inputs[0]
            if x.id in maps:
                if x is product:
                    reads.add(c.id)
            else:
                kb.load(x, g.input_maps[m.id], kpos)
        mid = m.id
        if mid in stored:
            writes.add(mid)
            buffers.setdefault(mid, m)

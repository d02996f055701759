"""A params-only lowering's flat walk: a kernel's buffers, in the order the full lowering first uses them.

A memory plan needs only each kernel's params (graphc.pipeline.place_buffers), and remat plans
every candidate, so `lower(fusion, params_only=True)` runs once per candidate.  Each member of a
group is evaluated at its turn, and its in-group inputs come before it among the members (fusion
adds a node after its inputs; a merged sibling reads nothing of the group it joins).  The full
lowering's depth-first walk (graphc.codegen.lower) therefore meets the values read from memory
member by member, input by input, and each stored member right after its inputs: a flat loop over
the members finds the same params in the same order, without the walk's memo and stand-in values.
Reading a buffer again changes nothing (`_KernelBuilder.param`), so no memo is kept.

What the flat loop cannot see is which stored members a later phase of a group with reduce dims
reads back (the full walk's `stored_earlier`: their params are "inout"): `read_back` finds them by
following the values each phase evaluates, without building them.

    kb = _KernelBuilder(fusion, dims, kinds, params_only=True)
    loop_params(kb, g, kpos)        # then kb.kernel(name, "loop", ()) has the full lowering's params
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
    x = node.inputs[0]
    axes, _ = reduce_axes(node)
    if node.op.extra["combine"] != "add" and any(x.shape[a] == 0 for a in axes):
        raise ShapeError(f"{node.op.name}: reduction of an empty axis has no identity (operand {x.shape})")


def loop_params(kb, g, kpos) -> None:
    """The params of loop group `g` into `kb` (the module docstring)."""
    members = {m.id for m in g.members}
    maps, stored, copy_of, read = g.maps, kb.fusion.stored, g.copy_of, kb.read
    for m in g.members:
        kind = m.op.kind
        if m is copy_of:
            if g.copy_layout is not None:
                kb.param(g.copy_layout.base, write=False)
            else:
                kb.at_position(m, maps[m.id], kpos)
        elif kind == "elementwise":
            for x in m.inputs:
                if x.id not in members:
                    if x.op.index_scalar is None:  # `_read`'s usual case, without the call: most inputs of most members
                        read(x)
                    else:
                        _read(kb, x, m, maps[m.id], kpos)
        elif kind == "reduce":  # its operand's value, accumulated or (of size 1) as it is
            x = m.inputs[0]
            if x.id not in members:
                kb.load(x, g.input_maps[m.id], kpos)
            if m.id in g.reductions:
                require_identity(m)
        # else a register view of a member: nothing read
        if m.id in stored:
            kb.param(m, write=True)
    if g.reduce:
        read_back(kb, g, kpos, members)


def read_back(kb, g, kpos, members: set) -> None:
    """The stored members of `g` that a later phase reads back from memory, as reads (their params "inout").

    The phases evaluate each inner member in its own phase, and each reduction's operand in the phase
    it accumulates in; each value so evaluated evaluates its in-group inputs in the same phase, except
    one read back instead: an inner member, stored, asked in a phase after its own, at a different
    address for every point of the reduce dims (the full walk's `stored_earlier`).  Values after the
    reduce loops read nothing back.  The members are walked once, consumers first (they follow their
    inputs), each carrying the phases it is evaluated in as bits."""
    phase_of, reductions, stored, copy_of = g.phase, g.reductions, kb.fusion.stored, g.copy_of
    evaluated_in: dict[int, int] = {}  # member id -> bit p set when a phase p evaluates it
    for node in reversed(g.members):
        nid = node.id
        phases = evaluated_in.get(nid, 0)
        own = phase_of.get(nid)
        if own is not None:
            phases |= 1 << own
            if phases >> (own + 1) and nid in stored and _one_address_per_reduce_point(g, node, kpos):
                kb.param(node, write=False)
                phases &= (2 << own) - 1  # the later phases read it: they evaluate nothing below it
        if nid in reductions:  # its operand is evaluated in the phase it accumulates in, once
            x = node.inputs[0]
            if x.id in members:
                evaluated_in[x.id] = evaluated_in.get(x.id, 0) | 1 << reductions[nid]
        elif phases and node is not copy_of:  # a copy reads memory
            for x in node.inputs if node.op.kind == "elementwise" else node.inputs[:1]:  # else a view, a size-1 sum
                if x.id in members:
                    evaluated_in[x.id] = evaluated_in.get(x.id, 0) | phases


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
    kb.param(kb.base_of(a), write=False)
    kb.param(kb.base_of(b), write=False)
    kb.param(kb.base_of(product), write=True)
    members = {m.id for m in g.members}
    maps, stored = g.maps, kb.fusion.stored
    for m in g.members[1:]:
        if m.op.kind == "elementwise":
            for x in m.inputs:
                if x is product:  # the epilogue reads the product back
                    kb.param(kb.base_of(product), write=False)
                elif x.id not in members:
                    if x.op.index_scalar is None:  # as in loop_params
                        kb.read(x)
                    else:
                        _read(kb, x, m, maps[m.id], kpos)
        else:  # a size-1 reduction or a register view: its operand's value
            x = m.inputs[0]
            if x is product:
                kb.param(kb.base_of(product), write=False)
            elif x.id not in members:
                kb.load(x, g.input_maps[m.id], kpos)
        if m.id in stored:
            kb.param(m, write=True)

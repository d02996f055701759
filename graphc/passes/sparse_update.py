"""Sparse updates: `w - c * scatter_add(zeros, ids, u)` becomes `scatter_add(w, ids, -c * u)`.

The gradient of a gather (an embedding lookup) is a scatter_add of the rows' cotangents into a
zero table, and plain gradient descent subtracts it from the table: a fill, a copy and an
update, three passes over a (vocab, dim) table to change the few rows a batch touched.  Adding
the scaled rows straight into a copy of the table is one pass, and the same sum up to the
order of additions.  Only when the scatter_add (and the scaling) feed nothing else: a gradient
that an optimizer's moment or a fetch also reads stays dense.

    step = gc.optim.SGD(0.1).minimize(loss)     # on llvm/cuda, the table's update is one scatter_add

Registered in the "specialize" phase (after canonicalize has made `zeros_like` a broadcast zero
constant); the numpy reference, which runs no passes, keeps the dense form.
"""

from __future__ import annotations

import numpy as np

from graphc.ir import Node, consumers, toposort
from graphc.ops import indexing
from graphc.ops.registry import get_op, make_node
from graphc.ops.source import constant_op
from graphc.passes.registry import register_pass, sweep, with_roots
from graphc.program import Program


def _is_zeros(node: Node) -> bool:
    """A constant zero, or one broadcast (what canonicalize makes of `zeros_like`)."""
    if node.op.name == "broadcast_to":
        node = node.inputs[0]
    return node.op is constant_op and not np.any(node.attrs["value"])


@register_pass("specialize")
def fold_sparse_updates(program: Program) -> Program:
    """`w ± scatter_add(0, ids, u)` and `w ± scatter_add(0, ids, u) * c` (c a scalar) become
    `scatter_add(w, ids, ±u [* c])`, when the scatter_add and the product have no other reader."""
    order = toposort(program.roots) if program.schedule is not None else program.nodes()
    if program.schedule is None and all(n.op is not indexing.scatter_add_op for n in order):
        return with_roots(program, program.roots, {})  # nothing to fold: the sweep would copy it as it is
    users = consumers(order)
    roots = {n.id for n in program.roots}

    def only_for(node: Node, user: Node) -> bool:
        return node.id not in roots and [u.id for u in users.get(node.id, [])] == [user.id]

    def scatter_of_zeros(old: Node, new: Node, user: Node) -> bool:
        return (old.op is indexing.scatter_add_op and new.op is indexing.scatter_add_op and only_for(old, user)
                and _is_zeros(new.inputs[0]))

    def sparse(term: Node, new_term: Node, user: Node):
        """(scatter_add node, scalar factor or None) when `term` is one (times a scalar) read only by `user`."""
        if not only_for(term, user):
            return None
        if scatter_of_zeros(term, new_term, user):
            return new_term, None
        if term.op.name == "mul" and new_term.op.name == "mul":
            for k in (0, 1):
                factor = new_term.inputs[1 - k]
                if factor.shape == () and scatter_of_zeros(term.inputs[k], new_term.inputs[k], term):
                    return new_term.inputs[k], factor
        return None

    def rewrite(node: Node, new_inputs: list[Node]) -> Node | None:
        if node.op.name not in ("add", "sub"):
            return None
        for k in ((1, 0) if node.op.name == "add" else (1,)):
            w, found = new_inputs[1 - k], sparse(node.inputs[k], new_inputs[k], node)
            if found is None:
                continue
            s, factor = found
            if w.shape != node.shape or w.dtype != node.dtype:
                continue
            _, ids, u = s.inputs
            if factor is not None:
                u = make_node(get_op("mul"), (u, factor), {}, source=node.source)
            if node.op.name == "sub":
                u = make_node(get_op("neg"), (u,), {}, source=node.source)
            return make_node(indexing.scatter_add_op, (w, ids, u), s.attrs, source=node.source)
        return None

    rewrite.rewrite_ops = ("add", "sub")
    return sweep(program, [rewrite], use_cse=False)[0]

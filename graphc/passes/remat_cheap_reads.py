"""Rematerialisation, step zero: the backward pass recomputes cheap forward values from the ones it keeps.

A forward value the backward pass reads is stashed: kept from the forward kernel that makes it
to the backward kernel that reads it.  When that value is a short chain of elementwise ops over
another stashed value, keeping both is waste.  A tanh-gelu, `0.5 x (1 + tanh(c (x + k x³)))`, has
its VJP read x, x², x³, the tanh, `1 + tanh` and the gelu itself (for the next matmul's weight
gradient): six values of the activation's size per layer where one, x, is enough.  They were
the peak of the benchmark transformer under every planner (docs/remat.md).

So before the planners look at the program, every backward read (by a backward node, or by a
helper) of a stashed forward value v that is cheap (elementwise or a whole view) and can be
computed from ONE stashed value that stays kept, sources and other cheap forward values (at
most `MAX_CHAIN` nodes) reads a copy of v instead, made of copies of that chain.  The copies are
*helpers* to remat_analysis (cheap forward nodes only the backward pass reads), which every
planner already recomputes in the backward pass, untagged, where fusion puts them into the
epilogue of the backward kernel that reads them: nothing of them is stored.  The originals are
then read by the forward pass alone and live no longer than it needs them.

Values are decided in topological order and a value is kept when its chain would reach a value
that is neither kept nor cheap (a matmul nobody stashes): the copies read only values that are
stored anyway, so no choice here stores more than before.  One kept value, not several: a
residual stream `h' = h + 0.5 tanh(h W)` is cheap over h and the tanh, and recomputing it from
both would tie each layer's backward to the layer before it, so that √n could no longer drop
whole segments (its peak on a 32-layer residual net rose from under 0.5 of none's to 0.63).
Stashed values that are not cheap (matmuls, reductions) stay as they are: recomputing those is
the planners' trade, not this one.

    program, copies = recompute_cheap_reads(program)   # copies: the nodes it added, [] when none
"""

from __future__ import annotations

from graphc.ir import Node, same_nodes
from graphc.passes.registry import with_roots
from graphc.passes.remat_analysis import Analysis, analyse, is_cheap
from graphc.passes.remat_rewrite import same_value
from graphc.program import Program

# the most nodes one recomputed value may need copied: a tanh-gelu's chain from x is ten
MAX_CHAIN = 32


def recompute_cheap_reads(program: Program, a: Analysis | None = None) -> tuple[Program, list[Node]]:
    """(`program` with each backward read of a cheap stashed value reading a recomputed copy, the copies);
    `program` itself and [] when there is nothing to recompute."""
    a = analyse(program) if a is None else a
    chains = _recomputed_chains(a)
    if not chains:
        return program, []
    copies: dict[int, Node] = {}
    for v_id in chains:
        for node in chains[v_id]:
            if node.id not in copies:
                inputs = [copies.get(i.id, i) for i in node.inputs]
                copies[node.id] = Node(node.op, inputs, dict(node.attrs), node.shape, node.dtype,
                                       name=node.name, source=node.source)
    readers_of_copies = a.backward | a.helpers
    # every input is the value it was, or a copy of it, shaped as it: no shape to infer again (rewrite.rebuild's
    # make_node would, for each node after a swapped read, most of the backward pass); and the nodes that read
    # nothing changed (the forward pass) are passed over, not handed to a callback each
    changed: dict[int, Node] = {}  # original id -> its rebuilt node, for the nodes that change
    for node in a.order:  # the analysis walked the roots already: its order is their toposort
        inputs = node.inputs
        if node.id in readers_of_copies:
            skip = node.op.shape_only  # read for its shape only: nothing to recompute
            new_inputs = [copies[i.id] if i.id in chains and k not in skip else changed.get(i.id, i)
                          for k, i in enumerate(inputs)]
        else:
            for i in inputs:
                if i.id in changed:
                    break
            else:
                continue  # reads nothing that changed: itself
            new_inputs = [changed.get(i.id, i) for i in inputs]
        if not same_nodes(new_inputs, inputs):
            changed[node.id] = same_value(node, new_inputs, node.attrs)
    # a schedule is carried over through every node's map, unchanged ones included
    mapping = changed if program.schedule is None else {n.id: changed.get(n.id, n) for n in a.order}
    return with_roots(program, [changed.get(r.id, r) for r in program.roots], mapping), list(copies.values())


def _recomputed_chains(a: Analysis) -> dict[int, list[Node]]:
    """Stashed value id -> the nodes its copy is made of (topological, the value last), for each stashed
    value recomputed; see the module docstring."""
    position = {n.id: k for k, n in enumerate(a.order)}
    chains: dict[int, list[Node]] = {}
    kept: set[int] = set()
    for v in a.order:
        if v.id not in a.stashed:
            continue
        chain = _chain(v, a, kept) if is_cheap(v) and v.id not in a.roots else None
        if chain is None:
            kept.add(v.id)
        else:
            chains[v.id] = sorted(chain, key=lambda n: position[n.id])
    return _fusable(chains, a)


def _fusable(chains: dict[int, list[Node]], a: Analysis) -> dict[int, list[Node]]:
    """The chains that join a backward kernel: those of values an elementwise backward node (or helper)
    reads, and those that share work with one.  A value only a matmul reads back (`h^T @ g`, the first
    residual sum) would be one more loop kernel storing what the forward kernel stored: the planners'
    trade, left to them."""
    backward = a.backward | a.helpers

    def read_elementwise(v_id: int) -> bool:
        return any(u.id in backward and u.op.kind == "elementwise" for u in a.users[v_id])

    fused = {v_id for v_id in chains if read_elementwise(v_id)}
    shared = {n.id for v_id in fused for n in chains[v_id]}
    return {v_id: chain for v_id, chain in chains.items()
            if v_id in fused or any(n.id in shared for n in chain)}


def _chain(v: Node, a: Analysis, kept: set[int]) -> list[Node] | None:
    """The cheap forward nodes between `v` and the one kept value (and the sources) it is computed from,
    `v` included; None when it reaches anything else, a second kept value, or passes MAX_CHAIN nodes."""
    found = {v.id: v}
    stack, leaves = [v], set()
    while stack:
        node = stack.pop()
        for k, i in enumerate(node.inputs):
            if i.id in kept:
                leaves.add(i.id)
                if len(leaves) > 1:
                    return None
                continue
            if i.op.kind == "source" or i.id in found:
                continue
            if k in node.op.shape_only or not a.is_forward(i) or not is_cheap(i) or i.id in a.roots:
                return None
            if len(found) == MAX_CHAIN:
                return None
            found[i.id] = i
            stack.append(i)
    return list(found.values())

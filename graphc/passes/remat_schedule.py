"""Rematerialisation, last step: the order a rewritten program runs in.

The schedule runs the forward values the fetched forward outputs need, then the
backward nodes by list scheduling (the most recently produced input first; among
equals, the node nearest an output, so weight gradients are taken as soon as their
adjoint exists); copies, helpers and seeds are emitted just before their first user.
"""

from __future__ import annotations

import heapq

from graphc.ir import Node, extend_postorder
from graphc.program import Program


def schedule_backward(program: Program, backward: set[int]) -> list[Node]:
    """Forward outputs first, then backward nodes by list scheduling; other nodes just before their first user.

    A backward node becomes ready when the backward nodes it reads (seeds aside)
    have run; of the ready nodes, the one whose latest such input ran last goes
    first (depth first along the adjoint chain), ties to the node nearest an
    output (a weight gradient is taken as soon as its adjoint exists, so the
    adjoint can die).  Everything else (forward values, copies, seeds) is
    emitted on demand, depth first, right before the first node that needs it.

    Every candidate of a remat search is scheduled (it was two thirds of building one), so the
    walks are few and over the backward side only: `backward` is closed under readers (every
    reader of a backward node is one, as remat_analysis's backward side is), so a backward node's
    height and its place among the others in `toposort(program.roots)` depend on backward nodes
    alone; only the listed nodes (backward nodes that read another) get positions, waiting counts
    and readers.  (Were `backward` not closed, the schedule would still run every node after its
    inputs; only the choice among ready nodes would differ.)
    """
    return run_in_order(program, backward, backward_runs(program.roots, backward))


def backward_runs(roots: list[Node], backward: set[int]) -> list[Node]:
    """The listed backward nodes (those that read another backward node) in the order `schedule_backward`
    runs them.  Which one is ready next depends on the backward nodes alone: the input that readies
    a node is compared by when it ran, and each run emits at least the node itself, so its place in
    this list orders the readied nodes as its place in the schedule would.  The candidates of one
    remat search differ only outside their backward sides (graphc.passes.remat_rewrite), so this
    list, found once, orders them all."""
    order = _backward_postorder(roots, backward)
    height = dict.fromkeys([n.id for n in order], 0)  # the longest path to an output
    for node in reversed(order):  # a node's readers come after it: its height is final when reached
        above = height[node.id] + 1
        for i in node.inputs:
            if height.get(i.id, above) < above:
                height[i.id] = above
    # listed: backward nodes reading a backward node; the others ("lazy") are emitted on demand
    listed: dict[int, int] = {}  # listed node -> its position in `order`
    by_id: dict[int, Node] = {}
    waiting: dict[int, int] = {}  # listed node -> listed inputs not run yet
    readers: dict[int, list[Node]] = {}  # listed node -> the listed nodes that read it, each once
    for k, node in enumerate(order):
        reads = [i.id for i in node.inputs if i.id in backward]
        if reads:  # its inputs come before it: whether they are listed is known
            listed[node.id], by_id[node.id] = k, node
            inputs = {i for i in reads if i in listed}
            waiting[node.id] = len(inputs)
            for i in inputs:
                readers.setdefault(i, []).append(node)
    ready: list[tuple] = []
    for node_id, count in waiting.items():
        if count == 0:  # no listed input: its latest ran before any
            heapq.heappush(ready, (1, height[node_id], listed[node_id], node_id))
    runs: list[Node] = []
    while ready:
        node_id = heapq.heappop(ready)[-1]
        ran = len(runs)
        runs.append(by_id[node_id])
        for user in readers.get(node_id, ()):
            waiting[user.id] -= 1
            if waiting[user.id] == 0:
                heapq.heappush(ready, (-ran, height[user.id], listed[user.id], user.id))
    return runs


def run_in_order(program: Program, backward: set[int], runs: list[Node]) -> list[Node]:
    """The schedule that runs the fetched forward outputs' needs, then `runs` (backward_runs), each node
    with whatever it needs and nothing already run just before it, then the rest of the roots."""
    emitted: set[int] = set()
    schedule: list[Node] = []
    for root in program.roots:  # the forward pass proper: what the fetched forward outputs need
        if root.id not in backward:
            extend_postorder(root, emitted, schedule)
    for node in runs:
        extend_postorder(node, emitted, schedule)
    for root in program.roots:
        extend_postorder(root, emitted, schedule)
    return schedule


def _backward_postorder(roots: list[Node], backward: set[int]) -> list[Node]:
    """The backward nodes reachable from `roots`, in their order in `toposort(roots)`: the same depth-first
    walk (extend_postorder), fenced off from every other node: what the backward nodes read outside their
    side is marked done first, so the walk enters nothing else (what it would enter holds no backward
    node, `backward` being closed under readers)."""
    fence: set[int] = set()  # non-backward inputs of the backward nodes
    seen: set[int] = set()
    stack = [r for r in roots if r.id in backward]
    while stack:
        node = stack.pop()
        if node.id in seen:
            continue
        seen.add(node.id)
        for i in node.inputs:
            if i.id in backward:
                stack.append(i)
            else:
                fence.add(i.id)
    order: list[Node] = []
    for root in roots:
        if root.id in backward:
            extend_postorder(root, fence, order)
    return order

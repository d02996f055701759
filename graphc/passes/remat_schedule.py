"""Rematerialisation, last step: the order a rewritten program runs in.

The schedule runs the forward values the fetched forward outputs need, then the
backward nodes by list scheduling (the most recently produced input first; among
equals, the node nearest an output, so weight gradients are taken as soon as their
adjoint exists); copies, helpers and seeds are emitted just before their first user.
"""

from __future__ import annotations

import heapq

from graphc.ir import Node, extend_postorder, toposort
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
    walks are few: heights are pushed to the inputs in one reversed pass, and only the listed
    nodes (backward nodes that read another) get positions, waiting counts and readers.
    """
    order = toposort(program.roots)
    height = dict.fromkeys([n.id for n in order], 0)  # the longest path to an output
    for node in reversed(order):  # a node's users come after it: its height is final when reached
        above = height[node.id] + 1
        for i in node.inputs:
            if height[i.id] < above:
                height[i.id] = above
    # listed: backward nodes reading a backward node; the others ("lazy") are emitted on demand
    listed = {n.id: k for k, n in enumerate(order)
              if n.id in backward and any(i.id in backward for i in n.inputs)}
    by_id: dict[int, Node] = {}
    waiting: dict[int, int] = {}  # listed node -> listed inputs not run yet
    readers: dict[int, list[Node]] = {}  # listed node -> the listed nodes that read it, each once
    for node in order:
        if node.id in listed:
            by_id[node.id] = node
            inputs = {i.id for i in node.inputs if i.id in listed}
            waiting[node.id] = len(inputs)
            for i in inputs:
                readers.setdefault(i, []).append(node)
    emitted: set[int] = set()
    schedule: list[Node] = []
    for root in program.roots:  # the forward pass proper: what the fetched forward outputs need
        if root.id not in backward:
            extend_postorder(root, emitted, schedule)
    ran: dict[int, int] = {}  # listed node -> its position in the schedule
    ready: list[tuple] = []

    def push(node: Node) -> None:
        latest = max((ran[i.id] for i in node.inputs if i.id in listed), default=-1)
        heapq.heappush(ready, (-latest, height[node.id], listed[node.id], node.id))

    for node_id, count in waiting.items():
        if count == 0:
            push(by_id[node_id])
    while ready:
        node_id = heapq.heappop(ready)[-1]
        extend_postorder(by_id[node_id], emitted, schedule)
        ran[node_id] = len(schedule) - 1
        for user in readers.get(node_id, ()):
            waiting[user.id] -= 1
            if waiting[user.id] == 0:
                push(user)
    for root in program.roots:
        extend_postorder(root, emitted, schedule)
    return schedule

"""Rematerialisation, last step: the order a rewritten program runs in.

The schedule runs the forward values the fetched forward outputs need, then the
backward nodes by list scheduling (the most recently produced input first; among
equals, the node nearest an output, so weight gradients are taken as soon as their
adjoint exists); copies, helpers and seeds are emitted just before their first user.
"""

from __future__ import annotations

import heapq

from graphc.ir import Node, consumers, extend_postorder, toposort
from graphc.program import Program


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

    for root in program.roots:  # the forward pass proper: what the fetched forward outputs need
        if root.id not in backward:
            extend_postorder(root, emitted, schedule)
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
        extend_postorder(node, emitted, schedule)
        schedule_pos[node_id] = len(schedule) - 1
        for user in dict.fromkeys(users[node_id]):
            if user.id in waiting:
                waiting[user.id] -= 1
                if waiting[user.id] == 0:
                    push(user)
    for root in program.roots:
        extend_postorder(root, emitted, schedule)
    return schedule

"""What fusion decides once every node is placed: which values go to memory, and the kernels' order."""

from __future__ import annotations

import heapq

from graphc.errors import BackendError
from graphc.passes.fusion_groups import Group
from graphc.passes.fusion_state import FusionState


def stored_values(f: FusionState) -> set:
    """Ids of the members whose values are written to memory: read by another group, a view or a
    leaf, fetched, or the one value of a group that is not a loop (a matmul's product, a scatter's)."""
    stored = set()
    group_of = f.group_of
    # a leaf or a view is in no group: what it reads from a group is stored by this loop
    for node in f.order:
        home = group_of.get(node.id)
        for x in node.inputs:
            g = group_of.get(x.id)
            if g is not None and g is not home:
                stored.add(x.id)
    stored.update(r for r in f.roots if r in group_of)  # fetched members
    for g in f.groups:
        if g.kind == "dead":
            continue
        if g.kind != "loop" or g.copy_of is not None:
            stored.add(g.members[0].id)
    # a view reads its base from memory, its input or not (a view of a view)
    for lay in f.layouts.values():
        if lay.base.id in group_of:
            stored.add(lay.base.id)
    return stored


def execution_order(f: FusionState) -> list[Group]:
    """Groups in dependency order, earliest schedule position first among the ready ones."""
    live = [g for g in f.groups if g.kind != "dead"]
    group_of = f.group_of
    succ: dict[int, list] = {g.id: [] for g in live}
    waiting: dict[int, int] = {}  # group id -> its predecessors not run yet
    for g in live:
        preds = set()
        for m in g.members:
            for x in m.inputs:
                h = group_of.get(x.id)
                if h is None:
                    preds.update(f.dep_groups(x))
                elif h is not g:
                    preds.add(h.id)
        preds.discard(g.id)
        for p in preds:
            succ[p].append(g.id)
        waiting[g.id] = len(preds)
    ready = [(f.groups[gid].first, gid) for gid, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    out = []
    while ready:
        _, gid = heapq.heappop(ready)
        out.append(f.groups[gid])
        for s in succ[gid]:
            waiting[s] -= 1
            if waiting[s] == 0:
                heapq.heappush(ready, (f.groups[s].first, s))
    if len(out) != len(live):
        raise BackendError("internal error: fusion produced a cycle between kernels")
    return out

"""What fusion decides once every node is placed: which values go to memory, and the kernels' order.

Both come from what each node reads across groups, so one walk over the nodes' inputs finds both
(`placed`): the values read by another group are stored, and those groups run first."""

from __future__ import annotations

import heapq

from graphc.errors import BackendError
from graphc.passes.fusion_groups import Group
from graphc.passes.fusion_state import FusionState


def placed(f: FusionState) -> tuple[list[Group], set]:
    """(the groups in dependency order, earliest schedule position first among the ready ones; the ids of
    the members whose values are written to memory: read by another group, a view or a leaf, fetched, or
    the one value of a group that is not a loop: a matmul's product, a scatter's)."""
    stored, preds = _reads_across_groups(f)
    return _ordered(f, preds), _stored(f, stored)


def _reads_across_groups(f: FusionState) -> tuple[set, dict]:
    """(ids of the members that a node outside their group reads, group id -> the groups whose kernels
    must run before it: those of its members' inputs outside it, `FusionState.dep_groups`)."""
    stored: set = set()
    preds: dict[int, set] = {}
    group_of, layouts, leaf = f.group_of, f.layouts, f.leaf
    last = mine = None  # the group of the node before, and its predecessors: most nodes follow one of their group
    # a leaf or a view is in no group: what it reads from a group is stored by this loop.  The nodes put in the
    # group of every input they read (most) read nothing across groups: only the others are looked at
    for node in f.crossing:
        home = group_of.get(node.id)
        if home is None:
            for x in node.inputs:
                if x.id in group_of:
                    stored.add(x.id)
            continue
        if home is not last:
            last, mine = home, preds.get(home.id)
            if mine is None:
                mine = preds[home.id] = set()
        for x in node.inputs:
            h = group_of.get(x.id)
            if h is None:
                if x.id in layouts or x.id in leaf:  # else a source: no kernel before it
                    mine.update(f.dep_groups(x))
            elif h is not home:
                stored.add(x.id)
                mine.add(h.id)
    return stored, preds


def _stored(f: FusionState, stored: set) -> set:
    """The stored members (`placed`), from those read outside their group."""
    group_of = f.group_of
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


def _ordered(f: FusionState, preds: dict) -> list[Group]:
    """The groups in execution order (`placed`), from each live group's predecessors."""
    live = [g for g in f.groups if g.kind != "dead"]
    succ: dict[int, list] = {g.id: [] for g in live}
    waiting: dict[int, int] = {}  # group id -> its predecessors not run yet
    for g in live:
        mine = preds.get(g.id, set())
        mine.discard(g.id)
        for p in mine:
            succ[p].append(g.id)
        waiting[g.id] = len(mine)
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

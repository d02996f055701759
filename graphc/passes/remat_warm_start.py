"""The optimal planner's starting point: a heuristic's plan written in the MILP's own terms.

    recomputed = recomputed_nodes(prepared, greedy_plan)    # ids of the forward nodes it computes twice
    units = coarsen(prepared, a, apart=recomputed)          # no unit half recomputed, half kept
    start = unit_schedule(units, recomputed)                # a UnitSchedule for remat_milp.solve(start=...)

The greedy planner's plan is a rewritten program: the forward pass as it was, then the backward
pass reading either a forward value (a checkpoint, kept) or a copy of it (recomputed, once, just
before the backward pass first needs it).  In the MILP's terms (remat_milp.py) that is: a unit
whose nodes the plan copies is recomputed in the first stage that reads it (directly, or
through a copy of a unit recomputed there), kept from there to the last stage that reads it,
and dropped after its last forward read; every other unit is kept from its stage to its last
reader.  The recomputed FLOPs of that schedule are the plan's exactly when no unit holds both
nodes the plan copies and nodes it keeps, which `coarsen(..., apart=...)` ensures by cutting the
forward pass where the plan's choice changes.  Its model memory is not the plan's planned peak
(the model counts a stage's values for the whole stage), so the caller solves in a model budget
of at least `remat_milp.model_peak(units, start)`, where the start is feasible.

Copies are matched to the nodes they copy by walking both graphs together from their roots: the
plan's program holds new nodes, not the originals.
"""

from __future__ import annotations

from graphc.passes.remat_milp import UnitSchedule, last_forward_read
from graphc.passes.remat_rewrite import copy_segment
from graphc.passes.remat_units import Units
from graphc.program import Program


def recomputed_nodes(prepared: Program, plan: Program) -> set[int] | None:
    """The ids of `prepared`'s nodes whose copies `plan` runs (its nodes tagged with an integer segment or
    stage), or None when `plan` is not `prepared` rewritten with copies (a warm start then cannot be made).

    The two graphs are walked together from their roots, input by input: a plan's node stands for the node of
    `prepared` in the same place, whether it is that node, its forward twin or a copy.  (Matching by what a
    node computes is not enough: a program may compute one value twice, `y * y` for two readers.)"""
    if len(plan.roots) != len(prepared.roots):
        return None
    match: dict[int, int] = {}
    found: set[int] = set()
    stack = list(zip(plan.roots, prepared.roots))
    while stack:
        mine, theirs = stack.pop()
        if mine.id in match:
            if match[mine.id] != theirs.id:
                return None
            continue
        if mine.op.name != theirs.op.name or len(mine.inputs) != len(theirs.inputs) \
                or (mine.op.kind == "source") != (theirs.op.kind == "source"):
            return None
        if mine.op.kind == "source" and mine.id != theirs.id:
            return None
        match[mine.id] = theirs.id
        if copy_segment(mine) is not None:
            found.add(theirs.id)
        # an input read for its shape alone may be a same-shaped stand-in on one side only (without_shape_reads)
        stack.extend((x, y) for k, (x, y) in enumerate(zip(mine.inputs, theirs.inputs))
                     if k not in mine.op.shape_only or x.op.name == y.op.name)
    return found


def unit_schedule(units: Units, recomputed: set[int]) -> UnitSchedule | None:
    """The schedule that recomputes exactly the units holding `recomputed`, each in the first stage that needs it
    (see the module docstring), or None when that is no schedule of these units: a unit holding both copied
    and kept nodes, or a copied node in a unit that may not be recomputed."""
    n = len(units)
    first_backward = next((u.index for u in units.units if not u.recomputable), n)
    copied = []
    for u in units.units:
        inside = sum(1 for node in u.nodes if node.id in recomputed)
        if inside and (inside != len(u.nodes) or not u.recomputable):
            return None
        copied.append(inside > 0)
    readers: list[list[int]] = [[] for _ in range(n)]
    for u in units.units:
        for j in u.inputs:
            readers[j].append(u.index)
    # the stages at which each unit's value is read outside the forward pass: by a backward unit in its own
    # stage, by a copied unit in the stage that recomputes it; readers come later, so in reverse order
    first: list[int | None] = [None] * n
    last: list[int | None] = [None] * n
    for i in range(n - 1, -1, -1):
        stages = [r for r in readers[i] if r >= first_backward] + [first[r] for r in readers[i] if copied[r]]
        stages = [s for s in stages if s is not None]
        if stages:
            first[i], last[i] = min(stages), max(stages)
    forward_read = last_forward_read(units, first_backward)
    recompute: dict[int, list[int]] = {}
    keep: set[tuple[int, int]] = set()
    for i in range(n):
        end = forward_read[i]  # the original lives to its last forward read (its own stage at least)
        if copied[i]:
            if first[i] is None:
                continue  # a copy nobody reads: not run
            recompute.setdefault(first[i], []).append(i)
            keep.update((t, i) for t in range(first[i] + 1, last[i] + 1))
        elif last[i] is not None:
            end = max(end, last[i])
        keep.update((t, i) for t in range(i + 1, end + 1))
    for ii in recompute.values():
        ii.sort()
    return UnitSchedule(recompute, keep)

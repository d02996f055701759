"""Fusion: group a Program's nodes into kernels whose intermediate values stay in registers.

Every group has loop dims (concrete sizes) and gives each member a *map*: for
each axis of the member's shape, the loop dim it runs along (None for size 1).
A consumer joins its producer's group when its values line up with the
producer's on those loop dims, so the two are computed at the same loop
position.  What joins:

  * elementwise ops (and leaves such as one_hot, constants) over the group's loop dims, broadcasting
    in-group values only along dims they do not vary on;
  * reductions (sum, max, min) of an in-group value: the reduced loop dims become the
    group's reduce dims (all reductions of a group reduce the same dims);
  * elementwise consumers of a reduction, at the reduced shape (log of a sum) or back at
    the full shape (x - max): each use of an accumulator in the full loop starts a new
    *phase*, a new pass over the reduce dims (softmax: max | exp, sum | divide, 3 phases);
  * a matmul starts a group whose elementwise consumers (bias, activation, SGD update)
    form its epilogue; a consumer of a matmul and of a loop group folds the loop group
    into the epilogue (`dh * (1 - y*y)`: the helper is computed there, nothing is stored);
  * views of an in-group value (transpose, reshape, expand_dims, squeeze, broadcast_to: ops
    with `view_axes` or `broadcasts`), when the map can follow (they move no data);
  * an op with a `scatter` (concatenate, slice_grad) is a group of its own, one copy per piece.

View ops of values in memory (transpose, broadcast, slices, reshape of a contiguous
buffer) never become kernels: they are strides of a load (`layouts`, from `Op.view_strides`).  A view
that must exist in memory (a fetched output, a matmul operand BLAS cannot read,
a reshape of non-contiguous strides) gets a copy kernel.

Never fused: nodes with different `attrs["recompute"]` tags (rematerialised copies stay
apart from the forward pass), sibling groups with a recomputed node between them in the schedule
(one kernel would hold a value through the recomputation: `fusion_rules._merge_spans_recompute`),
a consumer whose other inputs depend on the group (a cycle),
a consumer that would make the kernel's body larger than MAX_KERNEL_SIZE instructions, an
elementwise consumer that would make the group wait for a kernel that starts later while it
holds a buffer nothing else needs by then (`FusionState.delays`: partial adjoints of a shared
weight are summed as they are made, in the epilogue of the matmul that makes each one).
Kernels are ordered by dependencies, ties broken by `program.schedule` when a pass set one.

Which of these a node tries is decided by its op's facts, not its name: the join rules and
how they are chosen are in `fusion_rules.py`; the groups, layouts and `NoKernelError` in
`fusion_groups.py`; the state they share (dependencies, loop maps, merging) in
`fusion_state.py`; what is stored and the kernels' order in `fusion_order.py`.

    fusion = fuse(program)
    for group in fusion.groups: print(group.kind, [n.op.name for n in group.members])
"""

from __future__ import annotations

from graphc.ops.layout import contiguous_strides as _contiguous_strides
from graphc.passes.fusion_groups import (
    MAX_KERNEL_SIZE,
    MAX_PHASES,
    Fusion,
    Group,
    Layout,
    NoKernelError,
    reduce_axes,
)
from graphc.passes.fusion_order import placed
from graphc.passes.fusion_rules import rule_for
from graphc.passes.fusion_state import FusionState
from graphc.program import Program


def fuse(program: Program) -> Fusion:
    """Group `program`'s nodes into kernels; see the module docstring."""
    f = FusionState(program)
    rules: dict = {}  # op -> rule_for(op), asked per op, not per node
    crossing = f.crossing
    for node in f.order:
        rule = rules.get(node.op)
        if rule is None:
            rule = rules[node.op] = rule_for(node.op)
        if not rule(f, node):  # True: it reads nothing across groups (a source, most joins)
            crossing.append(node)
    for node in program.roots:  # a fetched view or leaf needs a buffer of its own
        if node.id in f.layouts or node.id in f.leaf:
            f.materialize(node)
    groups, stored = placed(f)
    return Fusion(program, groups, f.group_of, f.layouts, stored, f.order)


def kernel_count(program: Program) -> int:
    return len(fuse(program).groups)


__all__ = ["MAX_KERNEL_SIZE", "MAX_PHASES", "Fusion", "Group", "Layout", "NoKernelError", "fuse", "kernel_count",
           "reduce_axes", "_contiguous_strides"]

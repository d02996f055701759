"""The run-time check of integer indices (gather, scatter_add): an index outside [-n, n) is an error.

The kernels clamp every index into its axis, so generated code never reads or writes outside
a buffer whatever the indices hold; what tells the user is this check.  Each specialised
program gets, per distinct (indices, axis size) an op declares (`Op.checked_indices`), three
extra outputs computed by ordinary kernels on every backend (how many indices are out of
range, their least and greatest value); the calling Function reads them before it returns
outputs or writes any variable, and raises.  Indices fed by the caller give a `FeedError`.

    checks = add_index_checks(program)            # appends their outputs to program.outputs
    raise_for_indices(checks, outputs[-3 * len(checks):])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphc.errors import FedIndexRangeError, IndexRangeError, printable
from graphc.ir import Node, toposort
from graphc.ops.source import placeholder_op


@dataclass(frozen=True)
class IndexCheck:
    op: str          # the op that reads the indices (the first one, when several share them)
    indices: Node
    extent: int      # the size of the axis they index
    source: str      # the user's line that built the op
    fed: bool        # the indices are an input of the call


def add_index_checks(program) -> list[IndexCheck]:
    """Append to `program.outputs`, for each distinct (indices, axis size) of its nodes, the count of
    indices out of range and their least and greatest values; the checks, in that order."""
    import graphc.ops as ops

    checks: dict[tuple[int, int], IndexCheck] = {}
    for node in toposort(program.roots):
        rule = node.op.checked_indices
        if rule is None:
            continue
        position, extent = rule(node)
        idx = node.inputs[position]
        key = (idx.id, int(extent))
        if key not in checks and np.prod(idx.shape, dtype=np.int64) > 0:
            checks[key] = IndexCheck(node.op.name, idx, int(extent), node.source or "", idx.op is placeholder_op)
    for check in checks.values():
        idx = ops.cast(check.indices, np.int64)
        outside = ops.logical_or(ops.less(idx, -check.extent), ops.greater_equal(idx, check.extent))
        program.outputs += [ops.sum(ops.cast(outside, np.int64)), ops.min(idx), ops.max(idx)]
    return list(checks.values())


def raise_for_indices(checks: list[IndexCheck], values) -> None:
    """Raise for the first check whose count (of `values`, three per check) is not zero."""
    for i, check in enumerate(checks):
        bad, low, high = (int(v) for v in values[3 * i: 3 * i + 3])
        if bad:
            idx = check.indices
            what = f"the fed indices {idx.label!r}" if check.fed else f"indices {idx.label!r}"
            where = f"\n  at {printable(check.source)}" if check.source else ""
            error = FedIndexRangeError if check.fed else IndexRangeError
            raise error(f"{check.op}: {bad} of {what} (shape {tuple(idx.shape)}, values from {low} to {high}) "
                        f"out of range for an axis of size {check.extent}: valid indices are "
                        f"{-check.extent} to {check.extent - 1}{where}")

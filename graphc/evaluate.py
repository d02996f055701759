"""Computing one node with numpy: the reference semantics, shared by the reference executor and by
control-flow bodies (graphc/control), so both check results the same way.

Values of control-flow nodes are tuples of arrays (their op's `extra["tuple_output"]`):
a loop's carries and stacked outputs, picked apart by `control_result` nodes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from graphc.dtypes import widened
from graphc.errors import GraphcError


def evaluate(node, arrays: Sequence):
    """`node`'s value from its inputs' values: an array of its dtype and shape, or a control node's tuple.

    Half-precision operands are computed in float32 (dtypes.widened) and the result rounded once
    to the node's dtype, as the compiled backends compute them."""
    value = node.op.compute(node.attrs, *(a if isinstance(a, tuple) else widened(a) for a in arrays))
    if node.op.extra.get("tuple_output"):
        return tuple(value)
    value = np.asarray(value)
    if value.dtype != node.dtype:
        value = value.astype(node.dtype)
    if len(value.shape) != len(node.shape) or any(d is not None and d != v for d, v in zip(node.shape, value.shape)):
        raise GraphcError(f"internal error: {node.op.name} computed shape {value.shape}, inferred {node.shape}")
    return value


def value_bytes(value) -> int:
    """Bytes a value holds: an array's, or the sum over a control node's tuple."""
    if isinstance(value, tuple):
        return sum(v.nbytes for v in value)
    return value.nbytes

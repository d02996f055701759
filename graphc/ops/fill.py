"""Constants of another node's shape: the zeros and ones that derivative rules of every op family need.

They sit below both the elementwise and the shape families (which each build them in
their gradients) so that neither has to import the other for them.
"""

from __future__ import annotations

import numpy as np

from graphc import dtypes
from graphc import scalar as S  # noqa: N812 - reads like math
from graphc.errors import ShapeError
from graphc.ir import Node
from graphc.ops.registry import Op, make_node, output_elements


def check_representable(value, dtype, what: str) -> None:
    """An integer attribute must be a value of the integer dtype it is used in: numpy refuses to convert it."""
    integral = isinstance(value, (int, np.integer)) or isinstance(value, (float, np.floating)) and value.is_integer()
    if dtype.kind in "iu" and integral and not isinstance(value, (bool, np.bool_)):
        info = np.iinfo(dtype)
        if not info.min <= value <= info.max:
            raise ShapeError(f"{what} {value} is out of the range of {dtype} ({info.min} to {info.max})")


def _fill_like_infer(inputs, attrs):
    check_representable(attrs["value"], attrs["dtype"], "value")
    return inputs[0].shape, attrs["dtype"]


fill_like_op = Op("fill_like", "elementwise", _fill_like_infer,
                  lambda attrs, x: np.full(x.shape, attrs["value"], attrs["dtype"]),
                  vjp=lambda y, g: [None], jvp=lambda y, t: None,
                  scalar=lambda attrs, dtype, x: S.const(attrs["value"], dtype), extra={"singular": False}, arity=1,
                  attributes={"value": "number", "dtype": "dtype"}, shape_only=(0,), flops=output_elements,
                  doc="A constant of `like`'s shape (its values unused): zeros and ones of symbolic shape.")


def fill_like(like: Node, value, dtype=None) -> Node:
    return make_node(fill_like_op, (like,), {"value": value, "dtype": dtypes.as_dtype(dtype or like.dtype)})


def zeros_like(like: Node, dtype=None) -> Node:
    return fill_like(like, 0, dtype)


def ones_like(like: Node, dtype=None) -> Node:
    return fill_like(like, 1, dtype)

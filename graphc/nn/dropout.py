"""Dropout (Srivastava et al., 2014), inverted as in TensorFlow and PyTorch: survivors are scaled by
1 / (1 - rate) in training, so inference is the identity and needs no rescaling."""

from __future__ import annotations

from graphc import dtypes
from graphc.errors import GraphcError
from graphc.ir import Node
from graphc.ops.common import as_node
from graphc.ops.elementwise import greater_equal, where
from graphc.random import uniform_like


def dropout(x, rate: float, seed: int | None = None, training: bool = True) -> Node:
    """Zero each element of x with probability `rate` and scale the rest by 1 / (1 - rate).

    A fresh mask on every call of a compiled function (graphc.random); its gradient is the same
    mask, scaled, times the cotangent.  With `training=False` (or rate 0) it is x itself.
    """
    x = as_node(x)
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1:
        raise GraphcError(f"dropout: rate is a number in [0, 1), not {rate!r}")
    if not isinstance(training, bool):
        raise GraphcError(f"dropout: training is True or False (a Python bool), not {training!r}")
    if not training or rate == 0:
        return x
    if not dtypes.is_float(x.dtype):
        raise GraphcError(f"dropout: x must be float32 or float64, not {x.dtype}")
    keep = greater_equal(uniform_like(x, seed), as_node(float(rate), x))
    return where(keep, x * (1.0 / (1.0 - rate)), 0.0)


__all__ = ["dropout"]

"""Full Jacobians and Hessians, built from reverse mode (one row per output element) or forward
mode (one column per input element); "auto" picks the cheaper side, as JAX's jacfwd/jacrev advice goes."""

from __future__ import annotations

import numpy as np

from graphc.autodiff.forward import jvp
from graphc.autodiff.reverse import grad
from graphc.errors import GraphcError
from graphc.ir import Node
from graphc.ops import constant, reshape, stack


def _static_size(x: Node, what: str) -> int:
    if not x.is_static:
        raise GraphcError(f"jacobian: the {what} has shape {x.shape} with feed-time sizes; "
                          f"a Jacobian needs static shapes")
    return int(np.prod(x.shape, dtype=np.int64))


def jacobian(y: Node, x: Node, mode: str = "auto") -> Node:
    """dy/dx with shape y.shape + x.shape; mode is "forward", "reverse" or "auto"."""
    if mode not in ("forward", "reverse", "auto"):
        raise GraphcError(f"jacobian: mode must be 'forward', 'reverse' or 'auto', not {mode!r}")
    m, n = _static_size(y, "output"), _static_size(x, "input")
    if mode == "auto":
        mode = "forward" if n < m else "reverse"
    if mode == "reverse":
        rows = [reshape(grad(y, x, grad_y=constant(_unit(m, i, y))), (n,)) for i in range(m)]
        flat = stack(rows, axis=0) if rows else constant(np.zeros((0, n), y.dtype))
    else:
        cols = [reshape(jvp(y, x, constant(_unit(n, j, x))), (m,)) for j in range(n)]
        flat = stack(cols, axis=1) if cols else constant(np.zeros((m, 0), y.dtype))
    return reshape(flat, y.shape + x.shape)


def _unit(size: int, index: int, like: Node) -> np.ndarray:
    e = np.zeros(size, like.dtype)
    e[index] = 1
    return e.reshape(like.shape)


def hessian(y: Node, x: Node, mode: str = "auto") -> Node:
    """Second derivatives of a scalar `y`: the Jacobian of its gradient, shape x.shape + x.shape."""
    if y.shape != ():
        raise GraphcError(f"hessian: the output must be a scalar, got shape {y.shape}")
    return jacobian(grad(y, x), x, mode="forward" if mode == "auto" else mode)  # forward-over-reverse

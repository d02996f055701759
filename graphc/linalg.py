"""gc.linalg: numpy.linalg's (and scipy.linalg.solve_triangular's) functions on graph tensors.

    import graphc as gc
    a = gc.placeholder((None, 4, 4), gc.float64)
    x = gc.linalg.solve(a, b)                 # a stack of systems, leading axes broadcast
    w, v = gc.linalg.eigh(a @ gc.transpose(a, (0, 2, 1)))
    loss = gc.linalg.slogdet(a).logabsdet.sum() + gc.linalg.norm(x)

Signatures, defaults and dtypes follow numpy (integers computed in float64; float32 stays
float32).  The factorizations run LAPACK through numpy/scipy on the host, between the
compiled parts of a program (graphc/ops/linalg_solve.py, graphc/ops/linalg_spectral.py);
`norm` is a composition of ordinary ops (and of svd for the spectral and nuclear norms).
Every function is differentiable in both modes, again and again; see docs/linalg.md for
the caveats (repeated eigenvalues, symmetric inputs, full_matrices).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

import graphc.ops.elementwise as ew
import graphc.ops.reduce as reduce_ops
import graphc.ops.shape as shape_ops
from graphc.errors import ShapeError
from graphc.ir import Node
from graphc.ops import numpy_protocol
from graphc.ops.common import as_nodes, normalize_axes
from graphc.ops.linalg_solve import (
    cholesky_op,
    det_op,
    float_operands,
    inv_op,
    slogdet_log_op,
    slogdet_sign_op,
    solve_op,
    static_matrix,
    swap_last,
    system,
    triangular,
)
from graphc.ops.linalg_spectral import eigh as _eigh
from graphc.ops.linalg_spectral import svd as _svd
from graphc.ops.numpy_shape import moveaxis
from graphc.ops.registry import make_node, user_facing

SlogdetResult = namedtuple("SlogdetResult", ["sign", "logabsdet"])
EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])


def _matrix(a) -> Node:
    (a,) = as_nodes(a)
    (a,) = float_operands(a)
    if a.ndim < 2:
        raise ShapeError(f"needs a matrix (at least 2-d), got shape {a.shape}")
    return a


@user_facing
def solve(a, b) -> Node:
    """numpy.linalg.solve: x with a @ x = b; b is a vector (1-d) or a stack of matrices (..., M, K)."""
    a, b, vector = system(a, b)
    x = make_node(solve_op, (a, b), {})
    return shape_ops.squeeze(x, -1) if vector else x


@user_facing
def solve_triangular(a, b, trans=0, lower: bool = False, unit_diagonal: bool = False, overwrite_b: bool = False,
                     check_finite: bool = True) -> Node:
    """scipy.linalg.solve_triangular: x with T x = b (trans 0 or "N") or Tᵀ x = b (1, "T" or, for real
    matrices, 2 and "C"), T the lower or upper triangle of a (its diagonal taken as ones if
    `unit_diagonal`); `overwrite_b` and `check_finite` are accepted for scipy's sake (a graph
    never overwrites, and a non-finite value simply propagates)."""
    codes = {0: 0, 1: 1, 2: 1, "N": 0, "T": 1, "C": 1}
    if trans not in codes:
        raise ShapeError(f"trans is 0, 1, 2, 'N', 'T' or 'C', not {trans!r}")
    a, b, vector = system(a, b)
    static_matrix(a)
    x = triangular(a, b, lower=lower, trans=codes[trans], unit_diagonal=unit_diagonal)
    return shape_ops.squeeze(x, -1) if vector else x


@user_facing
def inv(a) -> Node:
    """numpy.linalg.inv: the inverse of each matrix of a stack; a singular one is a LinAlgError when run."""
    return make_node(inv_op, (_matrix(a),), {})


@user_facing
def det(a) -> Node:
    """numpy.linalg.det: the determinant of each matrix of a stack."""
    return make_node(det_op, (_matrix(a),), {})


@user_facing
def slogdet(a) -> SlogdetResult:
    """numpy.linalg.slogdet: (sign, logabsdet) with det = sign · exp(logabsdet), without overflow."""
    a = _matrix(a)
    return SlogdetResult(make_node(slogdet_sign_op, (a,), {}), make_node(slogdet_log_op, (a,), {}))


@user_facing
def cholesky(a, upper: bool = False) -> Node:
    """numpy.linalg.cholesky: L (lower) with L Lᵀ = a, or Lᵀ with `upper`; a must be symmetric positive
    definite (only its lower triangle is read), or running it is a LinAlgError."""
    a = _matrix(a)
    static_matrix(a)
    chol = make_node(cholesky_op, (a,), {})
    return swap_last(chol) if upper else chol


@user_facing
def eigh(a, UPLO: str = "L") -> EighResult:  # noqa: N803 - numpy's name
    """numpy.linalg.eigh: (eigenvalues ascending, eigenvectors as columns) of symmetric matrices, read
    from the lower ("L") or upper ("U") triangle."""
    if UPLO not in ("L", "U"):
        raise ShapeError(f"UPLO is 'L' or 'U', not {UPLO!r}")
    a = _matrix(a)
    static_matrix(a)
    if UPLO == "U":  # the upper triangle, read as the lower one of the transpose
        a = swap_last(a)
    return EighResult(*_eigh(a))


@user_facing
def svd(a, full_matrices: bool = True, compute_uv: bool = True, hermitian: bool = False):
    """numpy.linalg.svd: (U, S, Vh) with a = U diag(S) Vh, S descending; S alone without `compute_uv`.

    With `full_matrices` (numpy's default) and a non-square matrix, U and Vh are square and
    not differentiable (their extra columns are any basis); use full_matrices=False to
    differentiate.  `hermitian` is accepted and changes nothing (the result is the same).
    """
    a = _matrix(a)
    static_matrix(a)
    factors = _svd(a, full_matrices=bool(full_matrices), compute_uv=bool(compute_uv))
    return SVDResult(*factors) if compute_uv else factors


_MATRIX_ORDS = (None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf)


@user_facing
def norm(x, ord=None, axis=None, keepdims: bool = False) -> Node:  # noqa: A002 - numpy's name
    """numpy.linalg.norm: vector norms (any ord) over one axis, matrix norms ('fro', 'nuc', ±1, ±2, ±inf)
    over two; with neither `ord` nor `axis`, the 2-norm of all elements."""
    (x,) = as_nodes(x)
    (x,) = float_operands(x)
    if axis is None:
        if ord is None:
            return _keep(ew.sqrt(reduce_ops.sum(x * x)), x, tuple(range(x.ndim)), keepdims)
        if x.ndim not in (1, 2):
            raise ShapeError(f"with an ord and no axis, x must be 1-d or 2-d, got shape {x.shape}")
        axis = tuple(range(x.ndim))
    given = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    normalize_axes(given, x.ndim)  # range and repeats checked; the order (rows, columns) is kept
    axes = tuple(int(a) % x.ndim for a in given)
    if len(axes) == 1:
        return _keep(_vector_norm(x, ord, axes[0]), x, axes, keepdims)
    if len(axes) == 2:
        return _keep(_matrix_norm(x, ord, *axes), x, axes, keepdims)
    raise ShapeError(f"axis names one axis (a vector norm) or two (a matrix norm), got {axis!r}")


def _vector_norm(x: Node, ord, axis: int) -> Node:  # noqa: A002
    if isinstance(ord, str):
        raise ShapeError(f"ord {ord!r} is a matrix norm; a vector norm takes a number")
    magnitude = ew.abs(x)
    if ord is None or ord == 2:
        return ew.sqrt(reduce_ops.sum(x * x, axis))
    if ord == np.inf:
        return reduce_ops.max(magnitude, axis)
    if ord == -np.inf:
        return reduce_ops.min(magnitude, axis)
    if ord == 0:
        return reduce_ops.sum(ew.cast(ew.not_equal(x, 0.0), x.dtype), axis)
    if ord == 1:
        return reduce_ops.sum(magnitude, axis)
    p = float(ord)
    return ew.power(reduce_ops.sum(ew.power(magnitude, p), axis), 1.0 / p)


def _matrix_norm(x: Node, ord, row: int, col: int) -> Node:  # noqa: A002
    if ord not in _MATRIX_ORDS:
        raise ShapeError(f"a matrix norm's ord is one of {_MATRIX_ORDS}, not {ord!r}")
    if ord in (None, "fro"):
        return ew.sqrt(reduce_ops.sum(x * x, (row, col)))
    if ord in (1, -1, np.inf, -np.inf):
        summed, other = (row, col) if abs(ord) == 1 else (col, row)
        sums = reduce_ops.sum(ew.abs(x), summed, keepdims=True)
        pick = reduce_ops.max if ord > 0 else reduce_ops.min
        return reduce_ops.sum(pick(sums, other, keepdims=True), (row, col))
    singular = svd(moveaxis(x, (row, col), (-2, -1)), compute_uv=False)
    if ord == "nuc":
        return reduce_ops.sum(singular, -1)
    return (reduce_ops.max if ord == 2 else reduce_ops.min)(singular, -1)


def _keep(result: Node, x: Node, axes: tuple, keepdims: bool) -> Node:
    """numpy's keepdims: the reduced axes back as size 1."""
    if not keepdims:
        return result
    return shape_ops.expand_dims(result, sorted(axes)) if axes else result


# numpy's dispatch: np.linalg.solve(t, b) on a graph tensor builds the node gc.linalg.solve does
numpy_protocol.FUNCTIONS.update({getattr(np.linalg, name): fn for name, fn in [
    ("solve", solve), ("inv", inv), ("det", det), ("slogdet", slogdet), ("cholesky", cholesky), ("eigh", eigh),
    ("svd", svd), ("norm", norm)]})

__all__ = ["solve", "solve_triangular", "inv", "det", "slogdet", "cholesky", "eigh", "svd", "norm",
           "SlogdetResult", "EighResult", "SVDResult"]

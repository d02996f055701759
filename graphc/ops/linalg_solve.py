"""Linear systems and determinants as host ops: solve, solve_triangular, inv, det, slogdet, cholesky.

Each runs LAPACK (through numpy or scipy) on the host: its op says `runs_on_host`, so the
backends cut a program around it and compile the rest (graphc.distributed.executable).
All take stacks of matrices (leading axes broadcast, as numpy's), float32 or float64.

Every derivative is written with these ops again, so derivatives of derivatives work:

    x = solve(A, B)          B̄ = solve(Aᵀ, X̄)            Ā = -B̄ xᵀ              ẋ = solve(A, Ḃ - Ȧ x)
    Y = inv(A)               Ā = -Yᵀ Ȳ Yᵀ                                       Ẏ = -Y Ȧ Y
    d = det(A)               Ā = d̄ d A⁻ᵀ                                        ḋ = d tr(A⁻¹ Ȧ)
    l = log|det A|           Ā = l̄ A⁻ᵀ                                          l̇ = tr(A⁻¹ Ȧ)
    L = cholesky(A)          Ā = sym(L⁻ᵀ Φ(Lᵀ L̄) L⁻¹)                            L̇ = L Φ(L⁻¹ sym(Ȧ) L⁻ᵀ)

with Φ the lower triangle with its diagonal halved and sym(M) = (M + Mᵀ)/2 (Murray 2016).
Cholesky reads only the lower triangle of A (numpy's), but its derivatives take A as
symmetric, as JAX's do: perturb A symmetrically, or build it as symmetric (X Xᵀ + c I).
A singular matrix (solve, inv, a zero on a triangular diagonal) or one that is not
positive definite (cholesky) is a `LinAlgError` at run time, naming the op.
"""

from __future__ import annotations

import contextlib

import numpy as np

import graphc.ops.elementwise as ew
import graphc.ops.reduce as reduce_ops
import graphc.ops.shape as shape_ops
from graphc.errors import LinAlgError, ShapeError
from graphc.ir import Node
from graphc.ops.common import as_nodes, broadcast_shapes
from graphc.ops.linalg import matmul
from graphc.ops.numpy_shape import tril, triu
from graphc.ops.registry import Op, elements, make_node
from graphc.ops.source import constant


@contextlib.contextmanager
def lapack(op_name: str):
    """numpy's and scipy's LinAlgError (a singular matrix, not positive definite) as graphc's, naming the op."""
    try:
        yield
    except np.linalg.LinAlgError as exc:
        raise LinAlgError(f"{op_name}: {exc}") from None


def check_float_matrices(*xs: Node) -> None:
    """Shape-rule checks every linalg op shares: float operands of one dtype, at least 2-d."""
    for x in xs:
        if x.ndim < 2:
            raise ShapeError(f"needs a matrix (at least 2-d), got shape {x.shape}")
        if x.dtype not in (np.float32, np.float64):
            raise ShapeError(f"takes float32 or float64 matrices (LAPACK's), got {x.dtype} "
                             f"(gc.linalg casts integers to float64)")
    if len({x.dtype for x in xs}) > 1:
        raise ShapeError(f"operand dtypes differ ({' vs '.join(str(x.dtype) for x in xs)}): cast one of them")


def check_square(a: Node) -> None:
    rows, cols = a.shape[-2:]
    if rows is not None and cols is not None and rows != cols:
        raise ShapeError(f"needs square matrices, got {rows}x{cols} (shape {a.shape})")


def _square_infer(inputs, attrs):
    (a,) = inputs
    check_float_matrices(a)
    check_square(a)
    return a.shape, a.dtype


def _batch_infer(inputs, attrs):
    """A scalar per matrix (det, slogdet)."""
    shape, dtype = _square_infer(inputs, attrs)
    return shape[:-2], dtype


def _system_infer(inputs, attrs):
    """solve and solve_triangular: A (..., M, M) and B (..., M, K), the leading axes broadcast."""
    a, b = inputs
    check_float_matrices(a, b)
    check_square(a)
    m, rows = a.shape[-1], b.shape[-2]
    if m is not None and rows is not None and m != rows:
        raise ShapeError(f"the matrix is {m}x{m} but the right-hand side has {rows} rows (shape {b.shape})")
    return broadcast_shapes(a.shape[:-2], b.shape[:-2]) + b.shape[-2:], a.dtype


def swap_last(x: Node) -> Node:
    """The matrix transpose of a stack of matrices (numpy's `x.mT`)."""
    return shape_ops.transpose(x, tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2))


def symmetric_part(x: Node) -> Node:
    return (x + swap_last(x)) * 0.5


def as_matrix_scalars(d: Node) -> Node:
    """A scalar per matrix as (..., 1, 1), to scale each matrix of a stack."""
    return shape_ops.expand_dims(d, (-2, -1)) if d.ndim else shape_ops.reshape(d, (1, 1))


def trace_of_product(a: Node, b: Node) -> Node:
    """tr(A B) for stacks of matrices, as Σ (Aᵀ ∘ B): no diagonal needs extracting."""
    return reduce_ops.sum(swap_last(a) * b, axis=(-2, -1))


def _cubic_flops(node: Node) -> int | None:
    """About n³ multiply-adds per matrix (an LU or Cholesky factorization and its solves)."""
    a = node.inputs[0]
    count = elements(a.shape)
    return None if count is None else 2 * count * a.shape[-1]


# ---- solve ----------------------------------------------------------------------------------


def _solve_compute(attrs, a, b):
    with lapack("linalg_solve"):
        return np.linalg.solve(a, b)


def _solve_vjp(x, g):
    a, b = x.inputs
    gb = make_node(solve_op, (swap_last(a), g), {})
    return [shape_ops.sum_to_like(-matmul(gb, swap_last(x)), a), shape_ops.sum_to_like(gb, b)]


def _solve_jvp(x, tangents):
    (a, _), (ta, tb) = x.inputs, tangents
    rhs = tb if ta is None else -matmul(ta, x) if tb is None else tb - matmul(ta, x)
    return shape_ops.broadcast_like(make_node(solve_op, (a, rhs), {}), x)


solve_op = Op("linalg_solve", "linalg", _system_infer, _solve_compute, vjp=_solve_vjp, jvp=_solve_jvp,
              doc="X with A X = B (LU with partial pivoting).", arity=2, runs_on_host=True, flops=_cubic_flops)


# ---- solve_triangular -----------------------------------------------------------------------


def _triangular_compute(attrs, a, b):
    import scipy.linalg  # here, not with graphc: its import is a tenth of a second

    with lapack("linalg_solve_triangular"):
        return scipy.linalg.solve_triangular(a, b, trans=attrs["trans"], lower=attrs["lower"],
                                             unit_diagonal=attrs["unit_diagonal"], check_finite=False)


def read_triangle(x: Node, attrs: dict) -> Node:
    """The part of a matrix that solve_triangular reads: its triangle, without the diagonal if it is unit."""
    strict = 1 if attrs["unit_diagonal"] else 0
    return tril(x, -strict) if attrs["lower"] else triu(x, strict)


def _triangular_vjp(x, g):
    a, b = x.inputs
    gb = make_node(triangular_op, (a, g), {**x.attrs, "trans": 1 - x.attrs["trans"]})
    ga = -matmul(gb, swap_last(x)) if x.attrs["trans"] == 0 else -matmul(x, swap_last(gb))
    return [shape_ops.sum_to_like(read_triangle(ga, x.attrs), a), shape_ops.sum_to_like(gb, b)]


def _triangular_jvp(x, tangents):
    (a, _), (ta, tb) = x.inputs, tangents
    terms = []
    if ta is not None:
        read = read_triangle(ta, x.attrs)
        terms.append(-matmul(read if x.attrs["trans"] == 0 else swap_last(read), x))
    if tb is not None:
        terms.append(tb)
    rhs = terms[0] if len(terms) == 1 else terms[0] + terms[1]
    return shape_ops.broadcast_like(make_node(triangular_op, (a, rhs), x.attrs), x)


def _triangular_attrs_fit(attrs, inputs) -> str | None:
    return None if attrs["trans"] in (0, 1) else f"trans is 0 (A x = b) or 1 (Aᵀ x = b), not {attrs['trans']}"


triangular_op = Op("linalg_solve_triangular", "linalg", _system_infer, _triangular_compute,
                   vjp=_triangular_vjp, jvp=_triangular_jvp,
                   doc="X with T X = B (trans 0) or Tᵀ X = B (trans 1), T the lower or upper triangle of A.",
                   arity=2, attributes={"lower": "bool", "trans": "count", "unit_diagonal": "bool"},
                   attrs_fit=_triangular_attrs_fit, runs_on_host=True,
                   flops=lambda node: None if elements(node.shape) is None else
                   elements(node.shape) * node.inputs[0].shape[-1])


def triangular(a: Node, b: Node, lower: bool, trans: int = 0, unit_diagonal: bool = False) -> Node:
    return make_node(triangular_op, (a, b), {"lower": bool(lower), "trans": int(trans),
                                             "unit_diagonal": bool(unit_diagonal)})


# ---- inv, det, slogdet ----------------------------------------------------------------------


def _inv_compute(attrs, a):
    with lapack("linalg_inv"):
        return np.linalg.inv(a)


inv_op = Op("linalg_inv", "linalg", _square_infer, _inv_compute,
            vjp=lambda y, g: [-matmul(swap_last(y), matmul(g, swap_last(y)))],
            jvp=lambda y, t: -matmul(y, matmul(t[0], y)),
            doc="A⁻¹ (LU with partial pivoting).", arity=1, runs_on_host=True, flops=_cubic_flops)


def _inverse_transposed(a: Node) -> Node:
    return swap_last(make_node(inv_op, (a,), {}))


det_op = Op("linalg_det", "linalg", _batch_infer, lambda attrs, a: np.asarray(np.linalg.det(a)),
            vjp=lambda y, g: [as_matrix_scalars(g * y) * _inverse_transposed(y.inputs[0])],
            jvp=lambda y, t: y * trace_of_product(make_node(inv_op, (y.inputs[0],), {}), t[0]),
            doc="det A (from an LU factorization; 0 for a singular matrix, whose gradient needs A⁻¹).",
            arity=1, runs_on_host=True, flops=_cubic_flops)
slogdet_sign_op = Op("linalg_slogdet_sign", "linalg", _batch_infer,
                     lambda attrs, a: np.asarray(np.linalg.slogdet(a)[0]),
                     vjp=lambda y, g: [None], jvp=lambda y, t: None,
                     doc="The sign of det A (0 when singular): piecewise constant, derivative 0.",
                     arity=1, runs_on_host=True, flops=_cubic_flops)
slogdet_log_op = Op("linalg_slogdet_log", "linalg", _batch_infer,
                    lambda attrs, a: np.asarray(np.linalg.slogdet(a)[1]),
                    vjp=lambda y, g: [as_matrix_scalars(g) * _inverse_transposed(y.inputs[0])],
                    jvp=lambda y, t: trace_of_product(make_node(inv_op, (y.inputs[0],), {}), t[0]),
                    doc="log |det A|, without the overflow of det (-inf when singular).",
                    arity=1, runs_on_host=True, flops=_cubic_flops)


# ---- cholesky -------------------------------------------------------------------------------


def _cholesky_compute(attrs, a):
    with lapack("linalg_cholesky"):
        return np.linalg.cholesky(a)


def _phi(x: Node) -> Node:
    """The lower triangle of x with its diagonal halved (Φ of Murray's rules)."""
    return tril(x, -1) + ew.where(identity_mask(x.shape[-1]), x * 0.5, 0.0)


def identity_mask(n: int) -> Node:
    """True on the diagonal of an n x n matrix: selects, so an inf elsewhere makes no NaN."""
    return constant(np.eye(n, dtype=bool))


def _cholesky_vjp(chol, g):
    inner = _phi(matmul(swap_last(chol), g))
    left = triangular(chol, inner, lower=True, trans=1)             # L⁻ᵀ Φ
    both = swap_last(triangular(chol, swap_last(left), lower=True, trans=1))  # (L⁻ᵀ Φ) L⁻¹
    return [symmetric_part(both)]


def _cholesky_jvp(chol, tangents):
    left = triangular(chol, symmetric_part(tangents[0]), lower=True)  # L⁻¹ Ṡ
    both = swap_last(triangular(chol, swap_last(left), lower=True))   # L⁻¹ Ṡ L⁻ᵀ
    return matmul(chol, _phi(both))


cholesky_op = Op("linalg_cholesky", "linalg", _square_infer, _cholesky_compute,
                 vjp=_cholesky_vjp, jvp=_cholesky_jvp,
                 doc="L lower triangular with L Lᵀ = A, from A's lower triangle.",
                 arity=1, runs_on_host=True,
                 flops=lambda node: None if elements(node.shape) is None else
                 elements(node.shape) * node.shape[-1] // 3)


def static_matrix(a: Node) -> None:
    """Derivatives that build masks (triangles, identities) need the matrix sizes when the graph is built."""
    if any(d is None for d in a.shape[-2:]):
        raise ShapeError(f"the matrix sizes must be known when the graph is built, got shape {a.shape}")


def system(a, b):
    """(A, B as a stack of matrices, whether B was a vector): numpy's rule for solve's right-hand side."""
    a, b = as_nodes(a, b)
    a, b = float_operands(a, b)
    if b.ndim == 0:
        raise ShapeError("the right-hand side is a scalar; it must be a vector or matrices")
    vector = b.ndim == 1
    return a, shape_ops.expand_dims(b, 1) if vector else b, vector


def float_operands(*xs: Node) -> list[Node]:
    """numpy.linalg's dtypes: integers and bools computed in float64, mixed floats promoted."""
    kinds = [x.dtype if x.dtype.kind == "f" else np.dtype("float64") for x in xs]
    common = np.result_type(*kinds)
    return [ew.cast(x, common) for x in xs]


__all__ = ["solve_op", "triangular_op", "inv_op", "det_op", "slogdet_sign_op", "slogdet_log_op", "cholesky_op",
           "triangular", "swap_last", "system", "float_operands", "static_matrix", "as_matrix_scalars",
           "identity_mask", "symmetric_part", "check_float_matrices", "check_square", "lapack"]

"""Eigendecomposition of symmetric matrices and the singular value decomposition, as host ops.

An op has one output, so each factorization is one node holding all its factors in one
array, and the public functions (graphc.linalg) slice the factors out of it; LAPACK runs
once however many factors are read.  The eigenvalues and the singular values are also ops of
their own (linalg_eigvalsh, linalg_svdvals): the public functions return those, so that
their derivatives stay finite where the factors' are not (see below):

    eigh  (..., n, n) -> (..., 1 + n, n):        row 0 the eigenvalues (ascending), rows 1.. V
    svd   (..., m, n) -> (..., m + 1 + n, k):    rows :m U, row m the singular values, rows m+1.. V
                                                 (k = min(m, n); V = Vhᵀ: the factors share k columns)

Derivatives, with F[i, j] = 1 / (w[j] - w[i]) (eigh) or 1 / (s[j]² - s[i]²) (svd) off the
diagonal and 0 on it, and sym(M) = (M + Mᵀ)/2:

    eigh   Ā = sym(V (diag(w̄) + F ∘ (Vᵀ V̄)) Vᵀ)          ẇ = diag(Vᵀ Ṡ V),  V̇ = V (F ∘ (Vᵀ Ṡ V)),  Ṡ = sym(Ȧ)
    svd    Ā = U (F∘(UᵀŪ - ŪᵀU) S + diag(s̄) + S F∘(VᵀV̄ - V̄ᵀV)) Vᵀ
               + (I - UUᵀ) Ū S⁻¹ Vᵀ + U S⁻¹ V̄ᵀ (I - VVᵀ)           (Townsend 2016; the JVP as JAX's)

F is infinite where two eigenvalues (singular values) coincide: the eigenvectors of a repeated
eigenvalue are not unique, and neither are their derivatives.  As in JAX, the gradients are
then inf or NaN, unless the function differentiated depends on the eigenvalues only (w̄ alone
never meets F, nor does s̄ of distinct nonzero singular values).  eigh reads A's lower
triangle (numpy's UPLO="L") and, like cholesky, differentiates A as symmetric.
"""

from __future__ import annotations

import numpy as np

import graphc.ops.elementwise as ew
import graphc.ops.reduce as reduce_ops
import graphc.ops.shape as shape_ops
from graphc.errors import GraphcError, ShapeError
from graphc.ir import Node
from graphc.ops.linalg import matmul
from graphc.ops.linalg_solve import (
    check_float_matrices,
    check_square,
    identity_mask,
    lapack,
    swap_last,
    symmetric_part,
)
from graphc.ops.registry import Op, elements, make_node


def _cubic(node: Node) -> int | None:
    """About 10 n³ FLOPs per matrix: the reduction to tridiagonal or bidiagonal form and the QR sweeps."""
    a = node.inputs[0]
    count = elements(a.shape)
    return None if count is None else 10 * count * max(a.shape[-2:])


def _factorization(name: str, infer, compute, vjp, jvp, doc: str) -> Op:
    """One of this module's ops: one matrix in, run on the host."""
    return Op(name, "linalg", infer, compute, vjp=vjp, jvp=jvp, doc=doc, arity=1, runs_on_host=True, flops=_cubic)


def _diag_matrix(v: Node) -> Node:
    """A stack of vectors (..., n) as diagonal matrices (..., n, n)."""
    return ew.where(identity_mask(v.shape[-1]), shape_ops.expand_dims(v, -2), 0.0)


def _diagonal(m: Node) -> Node:
    """The diagonal of each matrix of a stack, selected by the identity mask and summed along a row."""
    return reduce_ops.sum(ew.where(identity_mask(m.shape[-1]), m, 0.0), axis=-1)


def _inverse_gaps(values: Node, gap) -> Node:
    """F[i, j] = 1 / gap(values[j], values[i]) off the diagonal, 0 on it (the diagonal's gap is
    replaced by 1 before dividing, so no inf or NaN appears there, in derivatives either)."""
    eye = identity_mask(values.shape[-1])
    gaps = gap(shape_ops.expand_dims(values, -2), shape_ops.expand_dims(values, -1))
    return ew.where(eye, 0.0, 1.0 / ew.where(eye, 1.0, gaps))


def _rows(packed: Node, start: int, stop: int | None) -> Node:
    return packed[..., start:stop, :]


# ---- eigh -----------------------------------------------------------------------------------


def _eigh_compute(attrs, a):
    with lapack("linalg_eigh"):
        w, v = np.linalg.eigh(a)
    return np.concatenate([w[..., None, :], v], axis=-2)


def _eigh_infer(inputs, attrs):
    (a,) = inputs
    check_float_matrices(a)
    check_square(a)
    n = a.shape[-1]
    return a.shape[:-2] + (None if n is None else n + 1, n), a.dtype


def eigh_parts(packed: Node) -> tuple[Node, Node]:
    """(eigenvalues (..., n), eigenvectors (..., n, n)) of a `linalg_eigh` node."""
    return packed[..., 0, :], _rows(packed, 1, None)


def _eigen_gaps(w: Node) -> Node:
    return _inverse_gaps(w, lambda wj, wi: wj - wi)


def _eigh_vjp(packed, g):
    w, v = eigh_parts(packed)
    gw, gv = eigh_parts(g)
    inner = _diag_matrix(gw) + _eigen_gaps(w) * matmul(swap_last(v), gv)
    return [symmetric_part(matmul(v, matmul(inner, swap_last(v))))]


def _eigh_jvp(packed, tangents):
    w, v = eigh_parts(packed)
    rotated = matmul(swap_last(v), matmul(symmetric_part(tangents[0]), v))
    dw = _diagonal(rotated)
    dv = matmul(v, _eigen_gaps(w) * rotated)
    return shape_ops.concatenate([shape_ops.expand_dims(dw, -2), dv], axis=-2)


eigh_op = _factorization("linalg_eigh", _eigh_infer, _eigh_compute, _eigh_vjp, _eigh_jvp,
                         "Eigenvalues (ascending) over eigenvectors of a symmetric matrix, in one array.")


def _eigvalsh_compute(attrs, a):
    with lapack("linalg_eigvalsh"):
        return np.linalg.eigvalsh(a)


def _eigvalsh_infer(inputs, attrs):
    shape, dtype = _eigh_infer(inputs, attrs)
    return shape[:-2] + shape[-1:], dtype


def _eigenvectors(w: Node) -> Node:
    """V of the matrix whose eigenvalues `w` are (CSE makes it the user's own eigh node, if any)."""
    return eigh_parts(make_node(eigh_op, w.inputs, {}))[1]


def _eigvalsh_vjp(w, g):
    v = _eigenvectors(w)
    return [matmul(v * shape_ops.expand_dims(g, -2), swap_last(v))]


def _eigvalsh_jvp(w, tangents):
    v = _eigenvectors(w)
    return _diagonal(matmul(swap_last(v), matmul(symmetric_part(tangents[0]), v)))


# The eigenvalues alone are a node of their own: their derivatives never meet the 1 / (wj - wi)
# of the eigenvectors', so they stay finite where eigenvalues repeat (the identity, say).
eigvalsh_op = _factorization("linalg_eigvalsh", _eigvalsh_infer, _eigvalsh_compute, _eigvalsh_vjp, _eigvalsh_jvp,
                             "The eigenvalues (ascending) of a symmetric matrix.")


# ---- svd ------------------------------------------------------------------------------------


def _svd_compute(attrs, a):
    with lapack("linalg_svd"):
        u, s, vh = np.linalg.svd(a, full_matrices=False)
    return np.concatenate([u, s[..., None, :], np.swapaxes(vh, -1, -2)], axis=-2)


def _svd_infer(inputs, attrs):
    (a,) = inputs
    check_float_matrices(a)
    m, n = a.shape[-2:]
    if m is None or n is None:
        raise ShapeError(f"the matrix sizes must be known when the graph is built, got shape {a.shape}")
    return a.shape[:-2] + (m + 1 + n, min(m, n)), a.dtype


def svd_parts(packed: Node, m: int) -> tuple[Node, Node, Node]:
    """(U (..., m, k), s (..., k), V (..., n, k)) of a `linalg_svd` node of an m-row matrix."""
    return _rows(packed, 0, m), packed[..., m, :], _rows(packed, m + 1, None)


def _singular_gaps(s: Node) -> Node:
    return _inverse_gaps(s, lambda sj, si: sj * sj - si * si)


def _svd_vjp(packed, g):
    a = packed.inputs[0]
    m = a.shape[-2]
    u, s, v = svd_parts(packed, m)
    gu, gs, gv = svd_parts(g, m)
    f = _singular_gaps(s)
    row_s, col_s = shape_ops.expand_dims(s, -2), shape_ops.expand_dims(s, -1)
    ut_gu, vt_gv = matmul(swap_last(u), gu), matmul(swap_last(v), gv)
    core = (f * (ut_gu - swap_last(ut_gu))) * row_s + _diag_matrix(gs) + col_s * (f * (vt_gv - swap_last(vt_gv)))
    grad = matmul(u, matmul(core, swap_last(v)))
    if m > v.shape[-2]:  # U is not square: the part of Ū outside U's columns
        grad = grad + matmul((gu - matmul(u, ut_gu)) / row_s, swap_last(v))
    if v.shape[-2] > m:  # V is not square
        grad = grad + matmul(u / row_s, swap_last(gv - matmul(v, vt_gv)))
    return [grad]


def _svd_jvp(packed, tangents):
    a, ta = packed.inputs[0], tangents[0]
    m = a.shape[-2]
    u, s, v = svd_parts(packed, m)
    f = _singular_gaps(s)
    row_s, col_s = shape_ops.expand_dims(s, -2), shape_ops.expand_dims(s, -1)
    rotated = matmul(swap_last(u), matmul(ta, v))   # Uᵀ Ȧ V
    ds = _diagonal(rotated)
    right, left = rotated * row_s, col_s * rotated  # dS S, S dS
    du = matmul(u, f * (right + swap_last(right)))
    dv = matmul(v, f * (left + swap_last(left)))
    if m > v.shape[-2]:
        av = matmul(ta, v)
        du = du + (av - matmul(u, matmul(swap_last(u), av))) / row_s
    if v.shape[-2] > m:
        au = matmul(swap_last(ta), u)
        dv = dv + (au - matmul(v, matmul(swap_last(v), au))) / row_s
    return shape_ops.concatenate([du, shape_ops.expand_dims(ds, -2), dv], axis=-2)


svd_op = _factorization("linalg_svd", _svd_infer, _svd_compute, _svd_vjp, _svd_jvp,
                        "The reduced SVD: U over the singular values (descending) over V, in one array.")


def _svdvals_compute(attrs, a):
    with lapack("linalg_svdvals"):
        return np.linalg.svd(a, compute_uv=False)


def _svdvals_infer(inputs, attrs):
    shape, dtype = _svd_infer(inputs, attrs)
    return shape[:-2] + shape[-1:], dtype


def _singular_vectors(s: Node) -> tuple[Node, Node]:
    """(U, V) of the matrix whose singular values `s` are (CSE makes it the user's own svd node, if any)."""
    a = s.inputs[0]
    u, _, v = svd_parts(make_node(svd_op, (a,), {}), a.shape[-2])
    return u, v


def _svdvals_vjp(s, g):
    u, v = _singular_vectors(s)
    return [matmul(u * shape_ops.expand_dims(g, -2), swap_last(v))]


def _svdvals_jvp(s, tangents):
    u, v = _singular_vectors(s)
    return _diagonal(matmul(swap_last(u), matmul(tangents[0], v)))


# As for eigvalsh: the singular values alone, whose derivatives stay finite where values repeat or are 0.
svdvals_op = _factorization("linalg_svdvals", _svdvals_infer, _svdvals_compute, _svdvals_vjp, _svdvals_jvp,
                            "The singular values (descending) of a matrix.")


# ---- the complete SVD of a non-square matrix ---------------------------------------------------


def _complete_compute(attrs, a):
    with lapack("linalg_svd_complete"):
        u, s, vh = np.linalg.svd(a, full_matrices=True)
    m, n = a.shape[-2:]
    width = max(m, n)
    packed = np.zeros(a.shape[:-2] + (m + 1 + n, width), a.dtype)
    packed[..., :m, :m] = u
    packed[..., m, :min(m, n)] = s
    packed[..., m + 1:, :n] = np.swapaxes(vh, -1, -2)
    return packed


def _complete_infer(inputs, attrs):
    shape, dtype = _svd_infer(inputs, attrs)
    m, n = inputs[0].shape[-2:]
    return shape[:-1] + (max(m, n),), dtype


def _complete_has_no_derivative(node, *_):
    m, n = node.inputs[0].shape[-2:]
    raise GraphcError(f"svd of a {m}x{n} matrix with full_matrices=True has no derivative: the {max(m, n) - min(m, n)}"
                      f" extra singular vectors are any basis of a complement, not a function of the matrix "
                      f"(as in JAX); differentiate svd(a, full_matrices=False)\n  at {node.source}")


svd_complete_op = _factorization("linalg_svd_complete", _complete_infer, _complete_compute,
                                 _complete_has_no_derivative, _complete_has_no_derivative,
                                 "The complete SVD of a non-square matrix (square U and V), padded to one width: "
                                 "not differentiable.")


def complete_svd_parts(packed: Node, m: int, n: int) -> tuple[Node, Node, Node]:
    """(U (..., m, m), s (..., min(m, n)), Vh (..., n, n)) of a `linalg_svd_complete` node."""
    u = packed[..., :m, :m]
    s = packed[..., m, :min(m, n)]
    return u, s, swap_last(packed[..., m + 1:, :n])


def eigh(a: Node) -> tuple[Node, Node]:
    """(eigenvalues, eigenvectors): numpy.linalg.eigh's, from the lower triangle."""
    return make_node(eigvalsh_op, (a,), {}), eigh_parts(make_node(eigh_op, (a,), {}))[1]


def svd(a: Node, full_matrices: bool, compute_uv: bool):
    """numpy.linalg.svd's (U, S, Vh), or S alone; the matrix sizes known."""
    s = make_node(svdvals_op, (a,), {})
    if not compute_uv:
        return s
    m, n = a.shape[-2:]
    if full_matrices and m != n:
        u, _, vh = complete_svd_parts(make_node(svd_complete_op, (a,), {}), m, n)
        return u, s, vh
    u, _, v = svd_parts(make_node(svd_op, (a,), {}), m)
    return u, s, swap_last(v)

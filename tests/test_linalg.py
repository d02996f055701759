"""gc.linalg: values against numpy/scipy, derivatives (both modes, and second order) against central
differences in float64 on well-conditioned random matrices, and the errors a user meets."""

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st
from test_op_gradients import check_vjp_and_jvp

import graphc as gc

RNG = np.random.default_rng(7)


def well_conditioned(*shape, seed=0):
    """Random square matrices with a strong diagonal: condition numbers of a few units."""
    rng = np.random.default_rng(seed)
    n = shape[-1]
    return rng.standard_normal(shape) + 4 * np.eye(n)


def spd(x):
    """A symmetric positive definite matrix built from any square x (graph or array)."""
    xt = gc.transpose(x, tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2)) if isinstance(x, gc.Tensor) else \
        np.swapaxes(x, -1, -2)
    return x @ xt + 2.0 * np.eye(x.shape[-1])


def symmetric(x):
    xt = gc.transpose(x, tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2))
    return x + xt


def run(outputs, feeds, backend="numpy"):
    return gc.Session(backend=backend).run(outputs, feed_dict=feeds)


# ---- values against numpy / scipy -----------------------------------------------------------

VALUE_CASES = {
    "solve": (lambda a, b: gc.linalg.solve(a, b), lambda a, b: np.linalg.solve(a, b), [(2, 4, 4), (4, 3)]),
    "solve_vector": (lambda a, b: gc.linalg.solve(a, b), lambda a, b: np.linalg.solve(a, b), [(4, 4), (4,)]),
    "solve_broadcast": (lambda a, b: gc.linalg.solve(a, b), lambda a, b: np.linalg.solve(a, b),
                        [(3, 1, 3, 3), (2, 3, 1)]),
    "inv": (gc.linalg.inv, np.linalg.inv, [(3, 5, 5)]),
    "det": (gc.linalg.det, np.linalg.det, [(2, 3, 4, 4)]),
    "det_single": (gc.linalg.det, np.linalg.det, [(3, 3)]),
    "slogdet_sign": (lambda a: gc.linalg.slogdet(-a).sign, lambda a: np.linalg.slogdet(-a).sign, [(2, 3, 3)]),
    "slogdet_log": (lambda a: gc.linalg.slogdet(a).logabsdet, lambda a: np.linalg.slogdet(a).logabsdet, [(2, 3, 3)]),
    "cholesky": (lambda a: gc.linalg.cholesky(spd(a)), lambda a: np.linalg.cholesky(spd(a)), [(2, 4, 4)]),
    "cholesky_upper": (lambda a: gc.linalg.cholesky(spd(a), upper=True),
                       lambda a: np.linalg.cholesky(spd(a), upper=True), [(4, 4)]),
    "solve_triangular": (lambda a, b: gc.linalg.solve_triangular(a, b, lower=True),
                         lambda a, b: scipy.linalg.solve_triangular(a, b, lower=True), [(4, 4), (4, 2)]),
    "solve_triangular_upper_T": (lambda a, b: gc.linalg.solve_triangular(a, b, trans="T"),
                                 lambda a, b: scipy.linalg.solve_triangular(a, b, trans="T"), [(4, 4), (4,)]),
    "solve_triangular_unit": (lambda a, b: gc.linalg.solve_triangular(a, b, lower=True, unit_diagonal=True, trans=1),
                              lambda a, b: scipy.linalg.solve_triangular(a, b, lower=True, unit_diagonal=True,
                                                                         trans=1), [(3, 3), (3, 2)]),
    "solve_triangular_batched": (lambda a, b: gc.linalg.solve_triangular(a, b),
                                 lambda a, b: scipy.linalg.solve_triangular(a, b), [(2, 3, 3), (3, 2)]),
    "eigh_values": (lambda a: gc.linalg.eigh(a).eigenvalues, lambda a: np.linalg.eigh(a).eigenvalues, [(2, 4, 4)]),
    "eigh_upper": (lambda a: gc.linalg.eigh(a, UPLO="U")[0], lambda a: np.linalg.eigh(a, UPLO="U")[0], [(4, 4)]),
    "svd_values": (lambda a: gc.linalg.svd(a, compute_uv=False), lambda a: np.linalg.svd(a, compute_uv=False),
                   [(2, 5, 3)]),
}


@pytest.mark.parametrize("case", sorted(VALUE_CASES))
def test_values_match_numpy_and_scipy(case):
    build, reference, shapes = VALUE_CASES[case]
    values = [well_conditioned(*s, seed=i) if len(s) >= 2 and s[-1] == s[-2] else RNG.standard_normal(s)
              for i, s in enumerate(shapes)]
    xs = [gc.placeholder(s, gc.float64) for s in shapes]
    (got,) = run([build(*xs)], dict(zip(xs, values)))
    want = reference(*values)
    assert got.shape == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_eigh_factors_rebuild_the_matrix_with_ascending_eigenvalues():
    a = spd(RNG.standard_normal((3, 5, 5)))
    x = gc.placeholder(a.shape, gc.float64)
    w, v = run(list(gc.linalg.eigh(x)), {x: a})
    assert np.all(np.diff(w, axis=-1) > 0)
    np.testing.assert_allclose(v @ (w[..., :, None] * np.swapaxes(v, -1, -2)), a, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(w, np.linalg.eigvalsh(a), rtol=1e-12)


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (2, 3, 3)])
@pytest.mark.parametrize("full_matrices", [True, False])
def test_svd_has_numpy_shapes_and_rebuilds_the_matrix(shape, full_matrices):
    a = RNG.standard_normal(shape)
    x = gc.placeholder(shape, gc.float64)
    u, s, vh = run(list(gc.linalg.svd(x, full_matrices=full_matrices)), {x: a})
    want = np.linalg.svd(a, full_matrices=full_matrices)
    assert (u.shape, s.shape, vh.shape) == (want.U.shape, want.S.shape, want.Vh.shape)
    k = s.shape[-1]
    np.testing.assert_allclose((u[..., :k] * s[..., None, :]) @ vh[..., :k, :], a, atol=1e-12)
    np.testing.assert_allclose(s, want.S, rtol=1e-12)
    identity = np.broadcast_to(np.eye(u.shape[-1]), u.shape[:-2] + (u.shape[-1],) * 2)
    np.testing.assert_allclose(np.swapaxes(u, -1, -2) @ u, identity, atol=1e-12)


NORMS = [(None, None), (2, None), (1, 0), (np.inf, -1), (-np.inf, 1), (3, 1), (0.5, 0), (0, 1), (-1, 0),
         ("fro", (0, 1)), ("nuc", (1, 2)), (2, (0, 2)), (-2, (2, 1)), (1, (1, 2)), (-1, (1, 2)),
         (np.inf, (2, 0)), (-np.inf, (0, 1)), (None, (1, 2))]


@pytest.mark.parametrize("ord_,axis", NORMS)
@pytest.mark.parametrize("keepdims", [False, True])
def test_norm_matches_numpy(ord_, axis, keepdims):
    a = RNG.standard_normal((3, 4, 5) if axis is not None or ord_ is None else (4, 5))
    a.flat[0] = 0.0  # the count of nonzeros (ord 0) sees one
    x = gc.placeholder(a.shape, gc.float64)
    kwargs = dict(ord=ord_, axis=axis, keepdims=keepdims)
    (got,) = run([gc.linalg.norm(x, **kwargs)], {x: a})
    want = np.linalg.norm(a, **kwargs)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_integer_matrices_are_computed_in_float64_as_numpy_does():
    a = np.array([[3, 1], [1, 2]], np.int64)
    x = gc.placeholder((2, 2), gc.int64)
    det, inv = gc.linalg.det(x), gc.linalg.inv(x)
    assert det.dtype == np.float64 and inv.dtype == np.float64
    got = run([det, inv], {x: a})
    np.testing.assert_allclose(got[0], np.linalg.det(a))
    np.testing.assert_allclose(got[1], np.linalg.inv(a))


def test_float32_stays_float32():
    a = well_conditioned(3, 3).astype(np.float32)
    x = gc.placeholder((3, 3), gc.float32)
    y = gc.linalg.inv(x)
    assert y.dtype == np.float32
    (got,) = run([y], {x: a})
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, np.linalg.inv(a), rtol=1e-5)


# ---- first derivatives, reverse and forward ---------------------------------------------------

GRADIENT_CASES = {
    "solve": (lambda a, b: gc.linalg.solve(a, b), [(2, 3, 3), (3, 2)]),
    "solve_vector": (lambda a, b: gc.linalg.solve(a, b), [(3, 3), (3,)]),
    "inv": (gc.linalg.inv, [(2, 3, 3)]),
    "det": (gc.linalg.det, [(2, 3, 3)]),
    "slogdet": (lambda a: gc.linalg.slogdet(a).logabsdet + gc.linalg.slogdet(a).sign, [(3, 3)]),
    "cholesky": (lambda x: gc.linalg.cholesky(spd(x)), [(2, 3, 3)]),
    "cholesky_upper": (lambda x: gc.linalg.cholesky(spd(x), upper=True), [(3, 3)]),
    "solve_triangular_lower": (lambda a, b: gc.linalg.solve_triangular(a, b, lower=True), [(3, 3), (3, 2)]),
    "solve_triangular_upper_T": (lambda a, b: gc.linalg.solve_triangular(a, b, trans=1), [(2, 3, 3), (3,)]),
    "solve_triangular_unit": (lambda a, b: gc.linalg.solve_triangular(a, b, lower=True, unit_diagonal=True),
                              [(3, 3), (3, 2)]),
    "eigh": (lambda x: _sign_free_eigh(gc.linalg.eigh(symmetric(x))), [(2, 3, 3)]),
    "eigh_values": (lambda x: gc.linalg.eigh(symmetric(x)).eigenvalues, [(4, 4)]),
    "svd_tall": (lambda x: _sign_free_svd(gc.linalg.svd(x, full_matrices=False)), [(4, 3)]),
    "svd_wide": (lambda x: _sign_free_svd(gc.linalg.svd(x, full_matrices=False)), [(2, 3, 4)]),
    "svd_square": (lambda x: _sign_free_svd(gc.linalg.svd(x)), [(3, 3)]),
    "svd_values": (lambda x: gc.linalg.svd(x, compute_uv=False), [(3, 5)]),
    "norm_vector": (lambda x: gc.linalg.norm(x, axis=1) + gc.linalg.norm(x, 3, axis=0).sum(), [(3, 4)]),
    "norm_fro": (lambda x: gc.linalg.norm(x, "fro"), [(3, 4)]),
    "norm_nuc": (lambda x: gc.linalg.norm(x, "nuc"), [(3, 4)]),
    "norm_2": (lambda x: gc.linalg.norm(x, 2, axis=(0, 1)), [(4, 3, 2)]),
    "norm_inf": (lambda x: gc.linalg.norm(x, np.inf) + gc.linalg.norm(x, -1), [(3, 4)]),
}


def _sign_free_eigh(result):
    """A function of the eigenvectors that does not depend on their signs (LAPACK chooses them)."""
    w, v = result
    weights = np.arange(1.0, 1.0 + v.shape[-1])
    return gc.sum(w * 0.3) + gc.sum((v * v * weights) @ np.linspace(0.5, 1.5, v.shape[-1]))


def _sign_free_svd(result):
    u, s, vh = result
    k = s.shape[-1]
    return (gc.sum(u[..., :k] * u[..., :k] * np.linspace(1, 2, k)) + gc.sum(s * np.linspace(2, 1, k))
            + gc.sum(vh[..., :k, :] * vh[..., :k, :] * np.linspace(0.5, 1, vh.shape[-1])))


def _case_values(shapes, seed):
    rng = np.random.default_rng(seed)
    return [well_conditioned(*s, seed=seed + i) if len(s) >= 2 and s[-1] == s[-2] else rng.standard_normal(s)
            for i, s in enumerate(shapes)]


@pytest.mark.parametrize("case", sorted(GRADIENT_CASES))
def test_first_derivatives_match_central_differences(case):
    build, shapes = GRADIENT_CASES[case]
    check_vjp_and_jvp(build, _case_values(shapes, seed=3))


@settings(max_examples=6, deadline=None)
@given(n=st.integers(1, 4), batch=st.lists(st.integers(1, 2), max_size=2).map(tuple), seed=st.integers(0, 99))
def test_solve_gradients_on_random_sizes(n, batch, seed):
    check_vjp_and_jvp(lambda a, b: gc.linalg.solve(a, b) * 0.5 + gc.linalg.inv(a)[..., :1],
                      [well_conditioned(*batch, n, n, seed=seed), np.random.default_rng(seed).standard_normal((n, 1))])


# ---- second derivatives ---------------------------------------------------------------------

SECOND_ORDER_CASES = {
    "solve": (lambda x: gc.sum(gc.linalg.solve(x, np.arange(1.0, 4.0)) ** 2), (3, 3)),
    "inv": (lambda x: gc.sum(gc.sin(gc.linalg.inv(x))), (3, 3)),
    "det": (lambda x: gc.linalg.det(x), (3, 3)),
    "logabsdet": (lambda x: gc.linalg.slogdet(x).logabsdet, (3, 3)),
    "cholesky": (lambda x: gc.sum(gc.linalg.cholesky(spd(x)) * np.arange(9.0).reshape(3, 3)), (3, 3)),
    "solve_triangular": (lambda x: gc.sum(gc.linalg.solve_triangular(x, np.ones((3, 2)), lower=True) ** 2), (3, 3)),
    "eigh": (lambda x: _sign_free_eigh(gc.linalg.eigh(symmetric(x))), (3, 3)),
    "svd": (lambda x: _sign_free_svd(gc.linalg.svd(x, full_matrices=False)), (3, 2)),
    "norm": (lambda x: gc.linalg.norm(x, "nuc") + gc.linalg.norm(x), (2, 3)),
}


@pytest.mark.parametrize("mode", ["forward", "reverse"])
@pytest.mark.parametrize("case", sorted(SECOND_ORDER_CASES))
def test_second_derivatives_match_central_differences_of_the_gradient(case, mode):
    build, shape = SECOND_ORDER_CASES[case]
    x = gc.placeholder(shape, gc.float64)
    x_val = _case_values([shape], seed=11)[0]
    loss = build(x)
    grad_fn = gc.function([x], gc.grad(loss, x))
    hess = gc.function([x], gc.hessian(loss, x, mode=mode))(x_val)
    eps, n = 1e-5, x_val.size
    columns = [(grad_fn(x_val + eps * e.reshape(shape)) - grad_fn(x_val - eps * e.reshape(shape))) / (2 * eps)
               for e in np.eye(n)]
    numeric = np.stack(columns, -1).reshape(shape + shape)
    np.testing.assert_allclose(hess, numeric, rtol=1e-5, atol=1e-6)


# ---- errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize("build,words", [
    (lambda: gc.linalg.inv(gc.placeholder((3, 4), gc.float64)), ["linalg_inv", "square", "3x4"]),
    (lambda: gc.linalg.det(gc.placeholder((4,), gc.float64)), ["det", "matrix"]),
    (lambda: gc.linalg.solve(gc.placeholder((3, 3), gc.float64), gc.placeholder((4, 2), gc.float64)),
     ["linalg_solve", "4 rows", "(3, 3)"]),
    (lambda: gc.linalg.solve(gc.placeholder((2, 3, 3), gc.float64), gc.placeholder((4, 3, 1), gc.float64)),
     ["linalg_solve", "(2, 3, 3)", "(4, 3, 1)"]),
    (lambda: gc.linalg.cholesky(gc.placeholder((2, 3), gc.float64)), ["linalg_cholesky", "square"]),
    (lambda: gc.linalg.eigh(gc.placeholder((None, None), gc.float64)), ["eigh", "known when the graph is built"]),
    (lambda: gc.linalg.solve_triangular(gc.placeholder((3, 3), gc.float64), gc.placeholder((3,), gc.float64),
                                        trans="X"), ["trans"]),
    (lambda: gc.linalg.norm(gc.placeholder((3, 3), gc.float64), "nuc", axis=0), ["matrix norm"]),
    (lambda: gc.linalg.norm(gc.placeholder((3, 3), gc.float64), 3, axis=(0, 1)), ["matrix norm's ord"]),
])
def test_bad_operands_are_a_shape_error_naming_the_op_and_the_line(build, words):
    with pytest.raises(gc.ShapeError) as info:
        build()
    message = str(info.value)
    for word in words:
        assert word in message
    assert "test_linalg.py" in message


@pytest.mark.parametrize("backend", ["numpy", "llvm"])
@pytest.mark.parametrize("build,op", [
    (lambda x: gc.linalg.inv(x), "linalg_inv"),
    (lambda x: gc.linalg.solve(x, np.ones(3)), "linalg_solve"),
    (lambda x: gc.linalg.solve_triangular(x, np.ones(3)), "linalg_solve_triangular"),
    (lambda x: gc.linalg.cholesky(x), "linalg_cholesky"),
])
def test_a_singular_or_indefinite_matrix_is_a_linalg_error_when_run(build, op, backend):
    x = gc.placeholder((3, 3), gc.float64)
    singular = np.array([[1.0, 2, 3], [2, 4, 6], [0, 0, 0]])
    with pytest.raises(gc.LinAlgError, match=op) as info:
        gc.Session(backend=backend).run(build(x) + 1.0, feed_dict={x: singular})
    assert isinstance(info.value, gc.GraphcError)
    assert "(3, 3) float64" in str(info.value) and "test_linalg.py" in str(info.value)  # the shapes and the line


def test_the_derivative_of_a_complete_svd_of_a_non_square_matrix_is_refused_by_name():
    x = gc.placeholder((4, 3), gc.float64)
    u, _, _ = gc.linalg.svd(x)
    with pytest.raises(gc.GraphcError, match="full_matrices=True has no derivative"):
        gc.grad(gc.sum(u), x)


def test_a_repeated_eigenvalue_leaves_eigenvalue_gradients_finite():
    """The documented caveat's other side: w̄ never meets the 1/(wj - wi) factors."""
    x = gc.placeholder((3, 3), gc.float64)
    loss = gc.sum(gc.linalg.eigh(x).eigenvalues * np.array([1.0, 2.0, 3.0]))
    (g,) = gc.function([x], [gc.grad(loss, x)])(np.eye(3))
    assert np.all(np.isfinite(g))


def test_numpy_linalg_functions_on_graph_tensors_build_graphc_nodes():
    a = well_conditioned(2, 3, 3)
    x = gc.placeholder(a.shape, gc.float64)
    outputs = [np.linalg.solve(x, np.ones((3, 1))), np.linalg.inv(x), np.linalg.det(x), np.linalg.slogdet(x)[1],
               np.linalg.cholesky(spd(x)), np.linalg.eigh(spd(x))[0], np.linalg.svd(x)[1],
               np.linalg.norm(x, axis=(1, 2))]
    assert all(isinstance(o, gc.Tensor) for o in outputs)
    want = [np.linalg.solve(a, np.ones((3, 1))), np.linalg.inv(a), np.linalg.det(a), np.linalg.slogdet(a)[1],
            np.linalg.cholesky(spd(a)), np.linalg.eigh(spd(a))[0], np.linalg.svd(a)[1], np.linalg.norm(a, axis=(1, 2))]
    for got, expected in zip(run(outputs, {x: a}), want):
        np.testing.assert_allclose(got, expected, rtol=1e-10)


def test_singular_value_gradients_stay_finite_where_singular_values_repeat():
    """An orthogonal matrix has every singular value 1: the nuclear and spectral norms' gradients are
    still defined there (U Vᵀ for the nuclear norm), and come out finite."""
    q = np.linalg.qr(np.random.default_rng(3).standard_normal((3, 3)))[0]
    x = gc.placeholder((3, 3), gc.float64)
    (g,) = gc.function([x], [gc.grad(gc.linalg.norm(x, "nuc"), x)])(q)
    np.testing.assert_allclose(g, q, atol=1e-12)  # U Vᵀ = Q for Q = Q · I · I

"""Integer-array indexing: x[idx], gc.take, gc.take_along_axis, gc.scatter_add.

numpy is the oracle for values (negative indices, repeated indices adding up as np.add.at);
central differences in float64 for first and second derivatives; the numpy reference executor
for the llvm backend and for the CUDA source run on the host emulation; an index out of range
is a GraphcError on every backend (a FeedError when fed), never a read outside a buffer.
"""

from __future__ import annotations

import numpy as np
import pytest
from cuda_emulation import EMULATED, register_emulated_backend
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphc as gc

BACKENDS = ["numpy", "llvm"]


def run(outputs, feeds: dict, backend: str = "numpy"):
    f = gc.function(list(feeds), outputs, backend=backend)
    return f(*feeds.values())


# ---- values against numpy -------------------------------------------------------------------------

X = np.arange(60, dtype=np.float64).reshape(3, 4, 5)
IDX = np.array([[2, -1], [0, 3]])


def _subscripts(i):
    """numpy subscripts with one integer array `i` (a graph tensor, a list or a numpy array)."""
    return {
        "x[i]": lambda x: x[i],
        "x[:, i]": lambda x: x[:, i],
        "x[..., i]": lambda x: x[..., i],
        "x[0, i]": lambda x: x[0, i],
        "x[i, 1]": lambda x: x[i, 1],
        "x[1, :, i]": lambda x: x[1, :, i],        # int and array apart: numpy puts the array's dims first
        "x[i, :, -1]": lambda x: x[i, :, -1],
        "x[None, i]": lambda x: x[None, i],
        "x[1:, i, ::2]": lambda x: x[1:, i, ::2],
        "x[:, None, i, 2]": lambda x: x[:, None, i, 2],
    }


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("pattern", sorted(_subscripts(None)))
def test_subscript_with_an_integer_array_is_numpys(pattern, backend):
    x = gc.placeholder(X.shape, gc.float64, name="x")
    idx = np.array([1, -1, 0, 1])[: 3 if "None" in pattern else 4] % 3
    idx = np.where(np.arange(idx.size) % 2, -1 - idx, idx)  # negative ones too
    i = gc.placeholder(idx.shape, gc.int64, name="i")
    want = _subscripts(idx)[pattern](X)
    got = run(_subscripts(i)[pattern](x), {x: X, i: idx}, backend)
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("index", [[2, 0, 2], np.array([[1], [-3]]), (np.int32(1),), np.array(-2)])
def test_a_numpy_or_python_index_becomes_a_constant(index):
    x = gc.placeholder(X.shape, gc.float64, name="x")
    want = X[:, index] if not isinstance(index, tuple) else X[index]
    got = run(x[:, index] if not isinstance(index, tuple) else x[index], {x: X})
    np.testing.assert_array_equal(got, want)


def test_a_two_d_index_array_keeps_its_shape():
    x = gc.placeholder(X.shape, gc.float64, name="x")
    np.testing.assert_array_equal(run(x[:, IDX], {x: X}), X[:, IDX])


@st.composite
def _take_cases(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[axis]
    idx_shape = tuple(draw(st.lists(st.integers(0, 3), max_size=2)))
    idx = np.array(draw(st.lists(st.integers(-n, n - 1), min_size=int(np.prod(idx_shape)),
                                 max_size=int(np.prod(idx_shape))))).reshape(idx_shape).astype(np.int64)
    return shape, axis, idx


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_take_cases(), st.sampled_from(BACKENDS))
def test_take_is_numpys_take(case, backend):
    shape, axis, idx = case
    data = np.random.default_rng(0).normal(size=shape)
    x = gc.placeholder(shape, gc.float64, name="x")
    i = gc.placeholder(idx.shape, gc.int64, name="i")
    np.testing.assert_array_equal(run(gc.take(x, i, axis=axis), {x: data, i: idx}, backend),
                                  np.take(data, idx, axis=axis))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_take_cases(), st.sampled_from(BACKENDS))
def test_scatter_add_is_add_at_on_a_copy(case, backend):
    shape, axis, idx = case
    rng = np.random.default_rng(1)
    data = rng.normal(size=shape)
    axis %= len(shape)
    updates = rng.normal(size=shape[:axis] + idx.shape + shape[axis + 1:])
    x = gc.placeholder(shape, gc.float64, name="x")
    i = gc.placeholder(idx.shape, gc.int64, name="i")
    u = gc.placeholder(updates.shape, gc.float64, name="u")
    want = data.copy()
    np.add.at(want, (slice(None),) * axis + (idx,), updates)
    got = run(gc.scatter_add(x, i, u, axis=axis), {x: data, i: idx, u: updates}, backend)
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_repeated_indices_add_up_in_scatter_add(backend):
    x = gc.placeholder((4,), gc.float32, name="x")
    i = gc.placeholder((6,), gc.int32, name="i")
    idx = np.array([1, 1, -3, 3, 1, 0], np.int32)  # -3 is 1 as well
    got = run(gc.scatter_add(x, i, gc.constant(np.arange(1, 7, dtype=np.float32))), {x: np.zeros(4, np.float32),
                                                                                     i: idx}, backend)
    np.testing.assert_array_equal(got, [6.0, 1 + 2 + 3 + 5, 0.0, 4.0])


@pytest.mark.parametrize("backend", BACKENDS)
def test_scatter_add_of_integers_and_a_broadcast_update(backend):
    x = gc.placeholder((3, 2), gc.int64, name="x")
    got = run(gc.scatter_add(x, [2, 2, 0], 5), {x: np.ones((3, 2), np.int64)}, backend)
    np.testing.assert_array_equal(got, [[6, 6], [1, 1], [11, 11]])


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_take_along_axis_is_numpys(axis, backend):
    rng = np.random.default_rng(2)
    data = rng.normal(size=(3, 4))
    idx = np.argsort(data, axis=axis)[..., :2] if axis else np.argsort(data, axis=0)[:2]
    idx = np.where(idx % 2, idx - data.shape[axis], idx)  # some counted from the end
    x = gc.placeholder(data.shape, gc.float64, name="x")
    got = run(gc.take_along_axis(x, idx, axis), {x: data}, backend)
    np.testing.assert_array_equal(got, np.take_along_axis(data, idx, axis))


def test_take_along_axis_broadcasts_as_numpy():
    data = np.arange(12.0).reshape(3, 4)
    idx = np.array([[3, 0]])  # one row, broadcast over x's three
    x = gc.placeholder(data.shape, gc.float64, name="x")
    np.testing.assert_array_equal(run(gc.take_along_axis(x, idx, 1), {x: data}), np.take_along_axis(data, idx, 1))


def test_take_without_an_axis_indexes_the_flattened_tensor():
    x = gc.placeholder(X.shape, gc.float64, name="x")
    np.testing.assert_array_equal(run(gc.take(x, [[0, 59], [-1, 7]]), {x: X}), np.take(X, [[0, 59], [-1, 7]]))


def test_indices_may_be_computed_in_the_graph():
    scores = gc.placeholder((5, 3), gc.float64, name="scores")
    table = gc.placeholder((3, 2), gc.float64, name="table")
    s, t = np.random.default_rng(3).normal(size=(5, 3)), np.arange(6.0).reshape(3, 2)
    for backend in BACKENDS:
        got = run(table[gc.argmax(scores, axis=1)] * 2.0, {scores: s, table: t}, backend)
        np.testing.assert_array_equal(got, t[np.argmax(s, axis=1)] * 2.0)


# ---- derivatives ----------------------------------------------------------------------------------


def test_gradients_of_take_and_getitem_match_central_differences():
    x = gc.placeholder((4, 3), gc.float64, name="x")
    xv = np.random.default_rng(4).normal(size=(4, 3))
    loss = gc.sum(gc.sin(x[[0, 3, 3, -4]]) * gc.take(x, [2, -1], axis=1)[:, :1])
    assert gc.check_grad(loss, [x], {x: xv})


def test_gradients_of_scatter_add_match_central_differences():
    x = gc.placeholder((3, 4), gc.float64, name="x")
    u = gc.placeholder((3, 5), gc.float64, name="u")
    rng = np.random.default_rng(5)
    loss = gc.sum(gc.tanh(gc.scatter_add(x * x, [1, 1, -1, 0, 2], u * x[:, :1], axis=1)) ** 2)
    assert gc.check_grad(loss, [x, u], {x: rng.normal(size=(3, 4)), u: rng.normal(size=(3, 5))})


def test_gradients_of_take_along_axis_match_central_differences():
    x = gc.placeholder((3, 4), gc.float64, name="x")
    loss = gc.sum(gc.exp(gc.take_along_axis(x, np.array([[0, 0, 3], [1, -1, 2], [3, 3, 3]]), 1)))
    assert gc.check_grad(loss, [x], {x: np.random.default_rng(6).normal(size=(3, 4))})


def _second_derivative_check(loss, x, xv, eps=1e-5):
    """The Hessian against central differences of the gradient (float64)."""
    hess = gc.function([x], gc.hessian(loss, x))(xv)
    grad_f = gc.function([x], gc.grad(loss, [x])[0])
    numeric = np.zeros((xv.size, xv.size))
    for k in range(xv.size):
        step = np.zeros(xv.size)
        step[k] = eps
        step = step.reshape(xv.shape)
        numeric[:, k] = ((grad_f(xv + step) - grad_f(xv - step)) / (2 * eps)).ravel()
    np.testing.assert_allclose(hess.reshape(xv.size, xv.size), numeric, rtol=1e-5, atol=1e-7)


def test_second_derivatives_through_take_and_scatter_add_match_central_differences():
    x = gc.placeholder((4,), gc.float64, name="x")
    xv = np.random.default_rng(7).normal(size=4)
    gathered = x[[0, 2, 2, -1]]
    loss = gc.sum(gc.sin(gathered) * gathered ** 2) + gc.sum(gc.scatter_add(x, [3, 3, 1], x[:3] ** 2) ** 3)
    square = gc.reshape(x, (2, 2))
    loss = loss + gc.sum(gc.exp(gc.take_along_axis(square * square, np.array([[1, 1], [0, -1]]), 1)))
    _second_derivative_check(loss, x, xv)


def test_forward_mode_agrees_with_reverse_mode():
    x = gc.placeholder((5,), gc.float64, name="x")
    xv, v = np.random.default_rng(8).normal(size=(2, 5))
    y = gc.scatter_add(x, [0, 0, 4], gc.take(x, [1, -1, 2]) ** 2)
    loss = gc.sum(gc.sin(y))
    (tangent,) = gc.jvp([loss], [x], [gc.constant(v)])
    forward = gc.function([x], tangent)(xv)
    reverse = gc.function([x], gc.grad(loss, [x])[0])(xv) @ v
    np.testing.assert_allclose(forward, reverse, rtol=1e-12)


@pytest.mark.parametrize("backend", ["llvm"])
def test_gradients_on_llvm_match_the_numpy_reference(backend):
    x = gc.placeholder((6, 3), gc.float32, name="x")
    i = gc.placeholder((8,), gc.int64, name="i")
    loss = gc.sum(gc.exp(x[i]) * gc.transpose(gc.take(x, gc.minimum(gc.maximum(i, -3), 2), axis=1))[:, :1])
    outs = [loss, *gc.grad(loss, [x]), gc.hessian(gc.sum(x[i] ** 3), x)]
    rng = np.random.default_rng(9)
    xv, iv = rng.normal(size=(6, 3)).astype(np.float32), rng.integers(-6, 6, size=8)
    for got, want in zip(run(outs, {x: xv, i: iv}, backend), run(outs, {x: xv, i: iv})):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


# ---- out-of-range indices --------------------------------------------------------------------------


@pytest.mark.parametrize("backend", [*BACKENDS, EMULATED])
@pytest.mark.parametrize("bad", [5, -6, 1 << 40, -(1 << 40)])
def test_fed_indices_out_of_range_are_a_feed_error(backend, bad, monkeypatch):
    if backend == "cuda-emulated":
        register_emulated_backend(monkeypatch)
    x = gc.placeholder((5, 2), gc.float32, name="x")
    i = gc.placeholder((3,), gc.int64, name="i")
    f = gc.function([x, i], [x[i] + 1.0, gc.scatter_add(x, i, 1.0)], backend=backend)
    xv = np.zeros((5, 2), np.float32)
    f(xv, np.array([0, 4, -5]))  # the extremes are in range
    with pytest.raises(gc.FeedError, match=r"fed indices 'i'.*out of range for an axis of size 5"):
        f(xv, np.array([0, bad, 1]))


@pytest.mark.parametrize("backend", BACKENDS)
def test_computed_indices_out_of_range_are_an_index_range_error(backend):
    x = gc.placeholder((4,), gc.float64, name="x")
    k = gc.placeholder((2,), gc.int32, name="k")
    f = gc.function([x, k], gc.take(x, k * 3), backend=backend)
    np.testing.assert_array_equal(f(np.arange(4.0), np.array([1, -1], np.int32)), [3.0, 1.0])
    with pytest.raises(gc.IndexRangeError, match="take|gather") as info:
        f(np.arange(4.0), np.array([1, 2], np.int32))
    assert isinstance(info.value, gc.GraphcError) and not isinstance(info.value, gc.FeedError)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_run_with_a_bad_index_updates_no_variable(backend):
    table = gc.variable(np.ones((3, 2)), name="table")
    i = gc.placeholder((2,), gc.int64, name="i")
    step = gc.assign(table, table - 0.5 * gc.grad(gc.sum(table[i] ** 2), [table])[0])
    f = gc.function([i], [], updates=step, backend=backend)
    with pytest.raises(gc.FeedError):
        f(np.array([0, 3]))
    np.testing.assert_array_equal(table.value, np.ones((3, 2)))
    f(np.array([0, 0]))
    np.testing.assert_array_equal(table.value[0], [-1.0, -1.0])


def test_a_boolean_mask_points_to_where():
    x = gc.placeholder((3,), gc.float32, name="x")
    m = gc.placeholder((3,), gc.bool_, name="m")
    for mask in (m, np.array([True, False, True]), [True, False, True]):
        with pytest.raises(gc.GraphcError, match=r"gc\.where"):
            x[mask]


@pytest.mark.parametrize("build", [lambda x: x[[0, 3]], lambda x: gc.take(x, [-4], axis=1),
                                   lambda x: gc.scatter_add(x, np.array([[9]]), 1.0),
                                   lambda x: gc.take_along_axis(x, np.full((3, 1), -5), 0)])
def test_constant_indices_out_of_range_are_refused_when_the_graph_is_built(build):
    x = gc.placeholder((3, 3), gc.float32, name="x")
    with pytest.raises(gc.ShapeError, match="out of bounds for an axis of size 3"):
        build(x)


def test_float_indices_and_two_arrays_are_refused_clearly():
    x = gc.placeholder((3, 3), gc.float32, name="x")
    with pytest.raises(gc.ShapeError, match="integers"):
        x[np.array([0.5])]
    with pytest.raises(gc.ShapeError, match="one"):
        x[[0, 1], [1, 2]]
    with pytest.raises(gc.ShapeError, match="updates"):
        gc.scatter_add(x, [0, 1], gc.placeholder((3, 3), gc.float32))


# ---- kernels ----------------------------------------------------------------------------------------


def test_a_gather_is_fused_into_the_elementwise_kernel_that_reads_it():
    table = gc.placeholder((10, 4), gc.float32, name="table")
    i = gc.placeholder((6,), gc.int64, name="i")
    y = gc.tanh(table[i] * 2.0 + 1.0)
    f = gc.function([table, i], y, backend="llvm")
    kernels = [k for k in f.kernels() if "tanh" in k["ops"]]
    assert len(kernels) == 1 and {"mul", "add", "tanh"} <= set(kernels[0]["ops"])
    assert not any(k["ops"] == ["gather"] for k in f.kernels()), "the gathered rows were copied first"


def test_a_gather_never_joins_the_kernel_that_writes_its_table():
    x = gc.placeholder((8,), gc.float64, name="x")
    e = gc.exp(x)
    y = e + gc.take(e, gc.constant(np.array([7, 6, 5, 4, 3, 2, 1, 0])))
    xv = np.linspace(-1, 1, 8)
    np.testing.assert_allclose(run(y, {x: xv}, "llvm"), np.exp(xv) + np.exp(xv)[::-1])


def test_scatter_add_runs_serially_on_the_cpu_so_repeated_indices_never_race():
    n = 200_000
    x = gc.placeholder((4,), gc.float64, name="x")
    i = gc.placeholder((n,), gc.int64, name="i")
    f = gc.function([x, i], gc.scatter_add(x, i, 1.0), backend="llvm")
    np.testing.assert_array_equal(f(np.zeros(4), np.arange(n) % 4), [n / 4] * 4)
    assert [k["kind"] for k in f.kernels() if "scatter_add" in k["ops"]] == ["loop", "scatter"]


@pytest.mark.parametrize("backend", [EMULATED])
def test_cuda_source_computes_the_references_values(backend, monkeypatch):
    register_emulated_backend(monkeypatch)
    x = gc.placeholder((6, 3), gc.float32, name="x")
    i = gc.placeholder((9,), gc.int64, name="i")
    rng = np.random.default_rng(10)
    xv, iv = rng.normal(size=(6, 3)).astype(np.float32), rng.integers(-6, 6, size=9)
    loss = gc.sum(gc.exp(x[i]) * gc.take(x, [2, 0, -1], axis=1)[:1])
    along = gc.take_along_axis(x, np.array([[2], [0], [-1], [1], [1], [0]]), 1)
    outs = [x[i] * 3.0, gc.scatter_add(x, i, x[i] * 2.0), along, gc.max(x[i], axis=1), *gc.grad(loss, [x])]
    for got, want in zip(run(outs, {x: xv, i: iv}, backend), run(outs, {x: xv, i: iv})):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_numpys_take_and_take_along_axis_build_nodes_on_graph_tensors():
    x = gc.placeholder((3, 4), gc.float64, name="x")
    data = np.arange(12.0).reshape(3, 4)
    idx = np.array([[1], [0], [3]])
    got = run([np.take(x, [3, -1], axis=1), np.take_along_axis(x, idx, axis=1)], {x: data})
    np.testing.assert_array_equal(got[0], np.take(data, [3, -1], axis=1))
    np.testing.assert_array_equal(got[1], np.take_along_axis(data, idx, axis=1))
    with pytest.raises(TypeError, match="mode='raise' only"):
        np.take(x, [0], axis=0, mode="clip")


@pytest.mark.parametrize("build", [
    lambda x, i: gc.take(gc.take(x, i), gc.constant(np.array([3, 0, -1]))),   # the table a gather itself
    lambda x, i: gc.take(gc.one_hot(i, 4, gc.float64), [1, -1], axis=1),    # ... a one_hot
    lambda x, i: gc.transpose(x)[:, i] * 2.0,                               # ... a transposed view
    lambda x, i: gc.take_along_axis(x[:1], gc.reshape(gc.minimum(i[:3], 1), (3, 1)), 1),  # broadcast rows
    lambda x, i: gc.sum(gc.exp(x[i]), axis=0) + gc.max(x[i] * x[i], axis=1)[:4],  # inside reductions
])
def test_gathers_from_any_table_layout_on_llvm_match_the_reference(build):
    x = gc.placeholder((5, 4), gc.float64, name="x")
    i = gc.placeholder((6,), gc.int64, name="i")
    xv, iv = np.random.default_rng(11).normal(size=(5, 4)), np.array([0, 4, -1, 2, 2, -4])
    want = run(build(x, i), {x: xv, i: iv})
    np.testing.assert_allclose(run(build(x, i), {x: xv, i: iv}, "llvm"), want, rtol=1e-12)


@st.composite
def _subscript_cases(draw):
    """A shape and a numpy subscript of it: ints, slices and None around exactly one integer array."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=4)))
    where = draw(st.integers(0, len(shape) - 1))
    used = draw(st.integers(where + 1, len(shape)))  # trailing axes left out, as numpy allows
    key = []
    for axis, n in enumerate(shape[:used]):
        if axis == where:
            size = draw(st.integers(0, 3))
            key.append(np.array(draw(st.lists(st.integers(-n, n - 1), min_size=size, max_size=size)), np.int64))
        elif draw(st.booleans()):
            key.append(draw(st.integers(-n, n - 1)))
        else:
            bound = st.none() | st.integers(-n - 1, n + 1)
            key.append(slice(draw(bound), draw(bound), draw(st.sampled_from([None, 1, 2, -1]))))
        if draw(st.integers(0, 4)) == 0:
            key.append(None)
    return shape, tuple(key)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_subscript_cases(), st.sampled_from(BACKENDS))
def test_random_subscripts_with_an_integer_array_are_numpys(case, backend):
    shape, key = case
    data = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    x = gc.placeholder(shape, gc.float64, name="x")
    want = data[key]
    got = run(x[key], {x: data}, backend)
    assert got.shape == want.shape, (shape, key)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_empty_index_array_beside_empty_slices_gives_numpys_empty_result(backend):
    # found by the random-subscript test: the reshape of an empty gather had no memory layout in fusion
    x = gc.placeholder((1, 1, 1, 1), gc.float64, name="x")
    key = (0, None, np.array([], np.int64), None, slice(None), None, slice(None, 0), None)
    data = np.ones((1, 1, 1, 1))
    got = run(x[key], {x: data}, backend)
    assert got.shape == data[key].shape == (0, 1, 1, 1, 1, 0, 1)

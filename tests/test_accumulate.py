"""An SGD step on a weight runs inside gemm, written into the variable's own array (graphc.codegen.accumulate).

`w - lr * (x.T @ g)` is one BLAS call with beta = 1 on the llvm backend.  What
users see does not change: results agree with the numpy reference, a value read
with `w.value` or passed to `assign` is never written afterwards, and an
executable called directly leaves the caller's arrays alone.
"""

import numpy as np
import pytest

import graphc as gc
from graphc.codegen.accumulate import accumulate_updates
from graphc.codegen.lower import buffer_name
from graphc.compile import plan_kernels
from graphc.program import specialize

rng = np.random.default_rng(0)
LR = 0.05


def layer(dtype=np.float32, rows=6, inputs=5, outputs=7):
    """A linear layer with a squared loss: (x, t, w, loss, dloss/dw)."""
    x, t = gc.placeholder((rows, inputs), dtype), gc.placeholder((rows, outputs), dtype)
    w = gc.variable(rng.normal(size=(inputs, outputs)).astype(dtype))
    loss = gc.sum((x @ w - t) ** 2)
    return x, t, w, loss, gc.grad(loss, w)


def feeds(x, t):
    return [rng.normal(size=n.shape).astype(n.dtype) for n in (x, t)]


def accumulating(f) -> list[dict]:
    return [k for k in f.kernels() if k["accumulates"]]


def train_both(make_update, steps=3, dtype=np.float32):
    """Train the same layer on both backends; returns (llvm function, llvm weight, numpy weight)."""
    x, t, w, loss, g = layer(dtype)
    data = feeds(x, t)
    w_ref = gc.variable(w.value)
    f = gc.function([x, t], [loss], updates=[(w, make_update(w, g))], backend="llvm")
    # the reference: the same graph on a variable of its own, run by the numpy executor
    x2, t2 = gc.placeholder(x.shape, dtype), gc.placeholder(t.shape, dtype)
    loss2 = gc.sum((x2 @ w_ref - t2) ** 2)
    ref = gc.function([x2, t2], [loss2], updates=[(w_ref, make_update(w_ref, gc.grad(loss2, w_ref)))])
    for _ in range(steps):
        got, want = f(*data), ref(*data)
        np.testing.assert_allclose(got[0], want[0], rtol=1e-5 if dtype == np.float32 else 1e-12)
    return f, w, w_ref


@pytest.mark.parametrize("update", [
    lambda w, g: w - LR * g,
    lambda w, g: w - g * LR,
    lambda w, g: w + (-LR) * g,
    lambda w, g: g * -LR + w,
    lambda w, g: w - g,
])
def test_an_sgd_step_on_a_weight_runs_inside_gemm_and_agrees_with_numpy(update):
    f, w, w_ref = train_both(update)
    assert len(accumulating(f)) == 1
    np.testing.assert_allclose(w.value, w_ref.value, rtol=1e-5, atol=1e-6)


def test_float64_weights_accumulate_too():
    f, w, w_ref = train_both(lambda w, g: w - LR * g, dtype=np.float64)
    assert len(accumulating(f)) == 1
    np.testing.assert_allclose(w.value, w_ref.value, rtol=1e-12, atol=1e-12)


def test_the_step_writes_the_variables_own_array_after_the_first():
    x, t, w, loss, g = layer()
    f = gc.function([x, t], loss, updates=[(w, w - LR * g)], backend="llvm")
    data = feeds(x, t)
    f(*data)  # the first step copies the initial value into an array of the executable's
    array = w.attrs["store"].value
    for _ in range(3):
        f(*data)
        assert w.attrs["store"].value is array


def test_values_read_or_assigned_by_the_user_are_never_written():
    x, t, w, loss, g = layer()
    mine = rng.normal(size=w.shape).astype(np.float32)
    w.assign(mine)
    f = gc.function([x, t], loss, updates=[(w, w - LR * g)], backend="llvm")
    data = feeds(x, t)
    f(*data)
    read = w.value
    mine_before, read_before = mine.copy(), read.copy()
    for _ in range(3):
        f(*data)
    np.testing.assert_array_equal(mine, mine_before)
    np.testing.assert_array_equal(read, read_before)
    assert not np.array_equal(w.value, read_before)


def test_an_executable_called_directly_leaves_the_callers_arrays_alone():
    x, t, w, loss, g = layer()
    f = gc.function([x, t], loss, updates=[(w, w - LR * g)], backend="llvm")
    data = feeds(x, t)
    exe = f.compile(*data)
    weights = [w.value]
    before = weights[0].copy()
    for _ in range(2):
        _, (new,) = exe(data, weights)
        np.testing.assert_array_equal(weights[0], before)
        weights = [new]
        before = new.copy()


@pytest.mark.parametrize("case", ["gradient fetched", "old value fetched", "weight in its own gradient"])
def test_no_accumulation_where_the_old_value_or_the_gradient_is_still_needed(case):
    x, t, w, loss, g = layer(rows=5, inputs=5, outputs=5)
    outputs = {"gradient fetched": [loss, g], "old value fetched": [loss, w], "weight in its own gradient": [loss]}
    new = w - LR * (gc.transpose(w) @ x) if case == "weight in its own gradient" else w - LR * g
    f = gc.function([x, t], outputs[case], updates=[(w, new)], backend="llvm")
    w_ref = gc.variable(w.value)
    data = feeds(x, t)
    want_w = w.value - LR * (w.value.T @ data[0] if case == "weight in its own gradient"
                             else 2 * data[0].T @ (data[0] @ w.value - data[1]))
    got = f(*data)
    assert not accumulating(f)
    if case == "old value fetched":
        np.testing.assert_array_equal(got[1], w_ref.value)
    np.testing.assert_allclose(w.value, want_w, rtol=1e-5, atol=1e-5)


def test_the_accumulating_kernel_runs_after_every_reader_of_the_weight():
    x, t, w, loss, g = layer()
    program = specialize([x, t], [loss], [(w, w - LR * g)], [x.shape, t.shape])
    program, plan = plan_kernels(program)
    weight, new_value = buffer_name(program.variables[0]), buffer_name(program.new_values[0])
    update = next(k for k in plan.kernels if k.kind == "matmul" and new_value in [p.name for p in k.params])
    readers = [k for k in plan.kernels if k is not update and weight in [p.name for p in k.params]]
    assert readers
    late = [k for k in plan.kernels if k is not update] + [update]
    early = [update] + [k for k in plan.kernels if k is not update]  # as if fusion had put it first
    for order in (late, early):
        kernels, done = accumulate_updates(order, {new_value: weight}, set())
        assert [a.new_value for a in done] == [new_value]
        position = next(i for i, k in enumerate(kernels) if k.matmul is not None and k.matmul.accumulate)
        assert all(kernels.index(r) < position for r in readers)


def test_a_variable_trained_in_place_is_seen_by_every_backend():
    x, t, w, loss, g = layer()
    data = feeds(x, t)
    train = gc.function([x, t], loss, updates=[(w, w - LR * g)], backend="llvm")
    read = gc.function([], gc.reshape(w, (-1,)), backend="numpy")
    seen = []
    for _ in range(3):
        train(*data)
        seen.append(read())
        np.testing.assert_array_equal(seen[-1], w.value.reshape(-1))
    assert not np.array_equal(seen[0], seen[1])  # a fetched value is not the array that is written

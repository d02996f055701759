"""Random draws (gc.random, gc.nn.dropout): Threefry-2x32-20, the same bits on every backend, fresh per call.

The generator is checked against Random123's known answers; its draws against the distributions
they claim (moments and a Kolmogorov-Smirnov distance on 10^5 samples, seeds fixed so nothing
is flaky); the backends against the numpy reference (bitwise for uniform and bernoulli, whose
floats come from identical integers; Box-Muller's log and cos may differ in the last bits);
and the state: each call draws afresh, a new function repeats the sequence.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from cuda_emulation import NEEDS_GXX, register_emulated_backend

import graphc as gc
from graphc import scalar as S  # noqa: N812
from graphc.codegen.cuda.nvcc import find_nvcc, nvcc_compile
from graphc.codegen.cuda.renderer import render_module
from graphc.compile import plan_kernels
from graphc.ops.threefry import WORD, threefry2x32
from graphc.program import specialize

N = 100_000
BACKENDS = ["numpy", "llvm"]


def draws(*nodes, backend="numpy", calls=1):
    f = gc.function([], list(nodes), backend=backend)
    return [f() for _ in range(calls)]


def ks_distance(sample: np.ndarray, cdf) -> float:
    """Kolmogorov-Smirnov statistic: the largest gap between the empirical and the claimed CDF."""
    x = np.sort(sample.astype(np.float64))
    c = cdf(x)
    n = len(x)
    return float(max(np.max(np.arange(1, n + 1) / n - c), np.max(c - np.arange(n) / n)))


KS_LIMIT = 1.63 / math.sqrt(N)  # the 1% critical value


# ---- the generator ------------------------------------------------------------------------------


@pytest.mark.parametrize("key, counter, expected", [
    ((0, 0), (0, 0), (0x6B200159, 0x99BA4EFE)),
    ((0xFFFFFFFF, 0xFFFFFFFF), (0xFFFFFFFF, 0xFFFFFFFF), (0x1CB996FC, 0xBB002BE7)),
    ((0x13198A2E, 0x03707344), (0x243F6A88, 0x85A308D3), (0xC4923A9C, 0x483DF7A0)),
])
def test_threefry2x32_20_gives_random123s_known_answers(key, counter, expected):
    c = (S.Scalar.arg(0, WORD), S.Scalar.arg(1, WORD))
    words = threefry2x32(key, c)
    got = tuple(int(S.evaluate(w, [np.int64(counter[0]), np.int64(counter[1])])) for w in words)
    assert got == expected


def test_bit_primitives_take_integers_only():
    x = S.Scalar.arg(0, np.int64)
    assert int(S.evaluate(S.call("shr", S.call("shl", x, S.const(40, np.int64)), S.const(38, np.int64)),
                          [np.int64(3)])) == 12
    with pytest.raises(ValueError, match="takes integers"):
        S.call("bitxor", S.Scalar.arg(0, np.float32), S.const(1, np.float32))


# ---- distributions ------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [gc.float32, gc.float64])
def test_uniform_is_uniform_on_0_1(dtype):
    (u,) = draws(gc.random.uniform((N,), dtype, seed=11))[0]
    assert u.dtype == dtype and u.min() >= 0 and u.max() < 1
    assert abs(u.mean() - 0.5) < 0.005 and abs(u.var() - 1 / 12) < 0.002
    assert ks_distance(u, lambda x: x) < KS_LIMIT
    assert len(np.unique(u)) > 0.99 * N  # float64 draws 53 bits, float32 24: few ties either way


def test_uniform_scales_to_low_high():
    (u, v) = draws(gc.random.uniform((N,), gc.float64, low=-2.0, high=3.0, seed=5),
                   gc.random.uniform((N,), gc.float64, seed=5))[0]
    np.testing.assert_allclose(u, -2.0 + 5.0 * v, rtol=1e-15)
    assert u.min() >= -2 and u.max() < 3


@pytest.mark.parametrize("dtype", [gc.float32, gc.float64])
def test_normal_is_standard_normal(dtype):
    (z,) = draws(gc.random.normal((N,), dtype, seed=12))[0]
    assert z.dtype == dtype and np.all(np.isfinite(z))
    assert abs(z.mean()) < 0.01 and abs(z.var() - 1) < 0.02
    assert abs(np.mean(z ** 3)) < 0.05 and abs(np.mean(z ** 4) - 3) < 0.1
    normal_cdf = np.vectorize(lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2))))
    assert ks_distance(z, normal_cdf) < KS_LIMIT


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_bernoulli_is_true_with_probability_p(p):
    (b,) = draws(gc.random.bernoulli(p, (N,), seed=13))[0]
    assert b.dtype == np.bool_ and abs(b.mean() - p) < 0.006


def test_bernoulli_broadcasts_a_tensor_of_probabilities():
    p = gc.constant(np.array([0.0, 0.25, 1.0]))
    (b,) = draws(gc.random.bernoulli(p, (N // 10, 3), seed=14))[0]
    assert b.shape == (N // 10, 3)
    assert not b[:, 0].any() and b[:, 2].all() and abs(b[:, 1].mean() - 0.25) < 0.015


# ---- the same bits on every backend ---------------------------------------------------------------


def some_draws(seed=0):
    return [gc.random.uniform((37, 5), gc.float32, seed=seed), gc.random.uniform((11,), gc.float64, seed=seed + 1),
            gc.random.bernoulli(0.3, (4, 9), seed=seed + 2), gc.random.normal((300,), gc.float32, seed=seed + 3),
            gc.random.normal((3, 100), gc.float64, seed=seed + 4)]


def assert_same_draws(got, want):
    """Uniform and bernoulli bitwise; normal to a few ulps (log1p and cos differ in their last bits)."""
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape
        if g.dtype == np.bool_ or g.max() < 1 and g.min() >= 0:
            np.testing.assert_array_equal(g, w)
        else:
            np.testing.assert_allclose(g, w, rtol=4 * np.finfo(g.dtype).eps, atol=4 * np.finfo(g.dtype).eps)


def test_llvm_draws_the_numpy_references_bits_call_after_call():
    nodes = some_draws()
    reference = draws(*nodes, calls=3)
    compiled = draws(*nodes, backend="llvm", calls=3)
    for want, got in zip(reference, compiled):
        assert_same_draws(got, want)


@NEEDS_GXX
def test_the_rendered_cuda_draws_the_numpy_references_bits(monkeypatch):
    """The CUDA C, run as host C++ through the CUDA runtime (tests/cuda_emulation.py), as the reference."""
    backend = register_emulated_backend(monkeypatch)
    nodes = some_draws(seed=40)
    for want, got in zip(draws(*nodes, calls=2), draws(*nodes, backend=backend, calls=2)):
        assert_same_draws(got, want)


@pytest.mark.skipif(find_nvcc() is None, reason="nvcc (CUDA toolkit) not installed")
@pytest.mark.parametrize("arch", ["sm_80", "sm_90"])
def test_cuda_source_with_draws_compiles_with_nvcc(arch):
    x = gc.placeholder((64, 32), gc.float32, name="x")
    h = gc.nn.dropout(gc.tanh(x), 0.25, seed=1) + gc.random.normal((64, 32), gc.float64, seed=2)
    _, plan = plan_kernels(specialize([x], [h, gc.grad(gc.sum(h), [x])[0]], [], [(64, 32)]))
    source = render_module(plan.kernels).source
    assert "^" in source and ">>" in source
    assert ".entry" in nvcc_compile(source, arch, "ptx").decode()


# ---- state: fresh values per call, the same sequence per function ---------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_call_draws_fresh_values_and_a_new_function_repeats_them(backend):
    u = gc.random.uniform((1000,), seed=3)
    first = draws(u, backend=backend, calls=3)
    assert not np.array_equal(first[0][0], first[1][0]) and not np.array_equal(first[1][0], first[2][0])
    again = draws(u, backend=backend, calls=3)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a[0], b[0])
    rebuilt = draws(gc.random.uniform((1000,), seed=3), backend=backend)[0]
    np.testing.assert_array_equal(rebuilt[0], first[0][0])


def test_a_session_advances_one_counter_whatever_it_fetches():
    u = gc.random.uniform((50,), seed=4)
    sess = gc.Session()
    a = sess.run(u)
    b, _ = sess.run([u, u * 2.0])
    c = sess.run(u)
    assert not np.array_equal(a, b) and not np.array_equal(b, c) and not np.array_equal(a, c)


@pytest.mark.parametrize("backend", BACKENDS)
def test_calls_from_many_threads_each_take_their_own_step(backend):
    u = gc.random.uniform((16,), seed=5)
    sequential = {draw[0].tobytes() for draw in draws(u, backend=backend, calls=32)}
    f = gc.function([], u, backend=backend)
    with ThreadPoolExecutor(4) as pool:
        concurrent = {value.tobytes() for value in pool.map(lambda _: f(), range(32))}
    assert concurrent == sequential and len(sequential) == 32


def test_the_counters_update_is_part_of_the_program():
    f = gc.function([], gc.random.uniform((8,), seed=0), backend="numpy")
    f()
    program = f.executable.program
    (counter,) = [program.variables[i] for i in program.updated]
    assert counter.dtype == np.int64 and counter.shape == () and counter.value == 1


def test_a_checkpoint_with_the_call_counter_resumes_the_sequence(tmp_path):
    def build():
        w = gc.variable(np.ones(6), name="w")
        f = gc.function([], gc.sum(gc.nn.dropout(w, 0.5, seed=3)), updates=[(w, w * 1.5)])
        return w, f

    w, f = build()
    straight = [f() for _ in range(6)]
    w, f = build()
    first = [f() for _ in range(3)]
    gc.save_checkpoint(tmp_path / "c.npz", [w, f.random_calls])
    w, f = build()
    gc.restore_checkpoint(tmp_path / "c.npz", [w, f.random_calls])
    assert first + [f() for _ in range(3)] == straight


def test_functions_without_draws_are_unchanged():
    x = gc.placeholder((3,), gc.float32, name="x")
    f = gc.function([x], gc.exp(x))
    f(np.ones(3, np.float32))
    assert f.executable.program.variables == [] and f.executable.program.updated == [] and f.random_calls is None


def test_two_draws_are_independent_streams():
    gc.random.seed(123)
    a, b = gc.random.uniform((N,)), gc.random.uniform((N,))
    ua, ub = draws(a, b)[0]
    assert abs(np.corrcoef(ua, ub)[0, 1]) < 0.01
    same_seed = draws(gc.random.uniform((N,), seed=9), gc.random.uniform((N,), seed=9))[0]
    np.testing.assert_array_equal(*same_seed)  # a seed is a key, as in JAX


def test_global_seed_makes_seedless_draws_reproducible():
    gc.random.seed(7)
    first = draws(gc.random.normal((20,)))[0][0]
    gc.random.seed(7)
    np.testing.assert_array_equal(draws(gc.random.normal((20,)))[0][0], first)


def test_bad_arguments_are_clear_errors():
    with pytest.raises(gc.GraphcError, match="seed"):
        gc.random.uniform((3,), seed=-1)
    with pytest.raises(gc.ShapeError, match="float32 or float64"):
        gc.random.normal((3,), gc.int32)
    with pytest.raises(gc.ShapeError, match="non-negative integers"):
        gc.random.uniform((None, 3))
    with pytest.raises(gc.ShapeError, match="2\\*\\*32"):
        gc.random.uniform((1 << 17, 1 << 16))
    with pytest.raises(gc.GraphcError, match="rate"):
        gc.nn.dropout(gc.constant([1.0]), 1.0)


# ---- fusion ---------------------------------------------------------------------------------------


def test_draws_feeding_elementwise_ops_stay_inside_the_kernel():
    x = gc.placeholder((1000,), gc.float32, name="x")
    y = gc.exp(x) * gc.random.uniform((1000,), seed=1) + gc.random.normal((1000,), seed=2)
    f = gc.function([x], y, backend="llvm")
    value = f(np.zeros(1000, np.float32))
    reference = gc.function([x], y)(np.zeros(1000, np.float32))
    np.testing.assert_allclose(value, reference, rtol=1e-6, atol=1e-6)
    compute, count = f.kernels()
    # it reads x and the step and writes y: no buffer of random numbers anywhere
    assert [p[1:] for p in compute["params"]] == [("float32", (1000,), "input"), ("int64", (), "input"),
                                                  ("float32", (1000,), "output")]
    assert compute["params"][0][0] == f"t{x.id}"
    assert count["ops"] == ["add"] and f.memory_plan().peak_bytes == 0


def test_draws_read_through_views_matmuls_and_odd_shapes_match_the_reference():
    x = gc.placeholder((4, 3), gc.float32, name="x")
    u, n = gc.random.uniform((3, 4), seed=1), gc.random.normal((12,), seed=2)
    outs = [gc.transpose(u) + x, gc.reshape(n, (4, 3)) * x, u @ x, u[1:, ::2] * 2.0, gc.sum(u, axis=0),
            gc.random.uniform((0,), seed=3), gc.random.uniform((), seed=4) + 1.0, gc.exp(u)[:, 1],
            gc.random.uniform((1, 5, 1), seed=5) * gc.random.uniform((3, 1, 2), seed=6)]
    xs = np.arange(12, dtype=np.float32).reshape(4, 3)
    reference, compiled = gc.function([x], outs), gc.function([x], outs, backend="llvm")
    for _ in range(2):
        for want, got in zip(reference(xs), compiled(xs)):
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


# ---- gradients and dropout ------------------------------------------------------------------------


def test_draws_are_constants_to_autodiff():
    x = gc.placeholder((5,), gc.float64, name="x")
    u = gc.random.uniform((5,), gc.float64, seed=8)
    gx, = gc.grad(gc.sum(u * x), [x])
    value_u, value_g = gc.function([x], [u, gx])(np.ones(5))
    np.testing.assert_array_equal(value_g, value_u)


@pytest.mark.parametrize("backend", BACKENDS)
def test_dropout_zeroes_at_rate_scales_the_rest_and_its_gradient_is_the_mask(backend):
    x = gc.placeholder((None, 200), gc.float64, name="x")
    w = gc.placeholder((None, 200), gc.float64, name="w")
    y = gc.nn.dropout(x, 0.3, seed=21)
    gx, = gc.grad(gc.sum(y * w), [x])
    f = gc.function([x, w], [y, gx], backend=backend)
    xs = np.random.default_rng(0).uniform(1, 2, (50, 200))
    ws = np.random.default_rng(1).normal(size=(50, 200))
    out, grad = f(xs, ws)
    mask = out != 0
    assert abs(mask.mean() - 0.7) < 0.02
    np.testing.assert_allclose(out[mask], xs[mask] / 0.7, rtol=1e-15)
    np.testing.assert_allclose(grad, np.where(mask, ws / 0.7, 0.0), rtol=1e-15)
    out2, _ = f(xs, ws)
    assert not np.array_equal(out2 != 0, mask)  # a fresh mask per call
    assert f(xs[:3], ws[:3])[0].shape == (3, 200)  # the batch is a feed-time size


def test_dropout_out_of_training_is_the_identity():
    x = gc.placeholder((4,), gc.float32, name="x")
    assert gc.nn.dropout(x, 0.5, training=False) is x and gc.nn.dropout(x, 0.0) is x


def test_dropout_gradient_matches_central_differences_with_the_mask_fixed():
    x = gc.variable(np.linspace(0.5, 1.5, 12).reshape(3, 4), name="x")
    loss = gc.sum(gc.tanh(gc.nn.dropout(x, 0.5, seed=2)) ** 2)
    gx, = gc.grad(loss, [x])
    f = gc.function([], [loss, gx])
    value, grad = f()  # each call draws a new mask: compare with differences under the first one's
    mask = draws(gc.nn.dropout(gc.constant(np.ones((3, 4))), 0.5, seed=2))[0][0] != 0
    xs, eps = x.value, 1e-6

    def loss_at(v):
        return np.sum(np.tanh(np.where(mask, v / 0.5, 0.0)) ** 2)

    numeric = np.zeros_like(xs)
    for i in np.ndindex(xs.shape):
        d = np.zeros_like(xs)
        d[i] = eps
        numeric[i] = (loss_at(xs + d) - loss_at(xs - d)) / (2 * eps)
    assert value == pytest.approx(loss_at(xs))
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)

"""gc.nn.MultiHeadAttention and scaled_dot_product_attention: values against a numpy implementation written
here, gradients against central differences in float64, causality as exactly-zero gradients, fully masked
rows without NaN, llvm against the numpy reference, and the CUDA source of a training step through nvcc."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphc as gc
from graphc.codegen.cuda.nvcc import find_nvcc, nvcc_compile
from graphc.codegen.cuda.renderer import render_module
from graphc.compile import plan_kernels
from graphc.program import specialize

f64 = gc.float64
needs_nvcc = pytest.mark.skipif(find_nvcc() is None, reason="nvcc (CUDA toolkit) not installed")


def numpy_attention(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    top = scores.max(-1, keepdims=True)
    e = np.exp(scores - np.where(np.isfinite(top), top, 0.0))
    total = e.sum(-1, keepdims=True)
    weights = np.divide(e, total, out=np.zeros_like(e), where=total > 0)
    return weights @ v, weights


def numpy_multi_head(layer, query, value, mask=None):
    """Per head h: project with head h's columns, attend, then concatenate the heads and project back."""
    w = {name.split("/", 1)[1]: var.value for name, var in ((v.name, v) for v in layer.variables)}
    heads, kd, vd = layer.num_heads, layer.key_dim, layer.value_dim
    outs = []
    for h in range(heads):
        q = query @ w["query/w"][:, h * kd:(h + 1) * kd] + w["query/b"][h * kd:(h + 1) * kd]
        k = value @ w["key/w"][:, h * kd:(h + 1) * kd] + w["key/b"][h * kd:(h + 1) * kd]
        v = value @ w["value/w"][:, h * vd:(h + 1) * vd] + w["value/b"][h * vd:(h + 1) * vd]
        outs.append(numpy_attention(q, k, v, mask)[0])
    return np.concatenate(outs, -1) @ w["output/w"] + w["output/b"]


def with_random_biases(layer, seed=0):
    rng = np.random.default_rng(seed)
    for v in layer.variables:
        if v.name.endswith("/b"):
            v.assign(rng.standard_normal(v.shape).astype(v.dtype))
    return layer


@settings(max_examples=15, deadline=None)
@given(batch=st.integers(1, 3), tq=st.integers(1, 5), tk=st.integers(1, 5), d=st.integers(1, 4),
       masked=st.booleans(), seed=st.integers(0, 2**31))
def test_scaled_dot_product_attention_matches_numpy(batch, tq, tk, d, masked, seed):
    rng = np.random.default_rng(seed)
    q, k = rng.standard_normal((batch, tq, d)), rng.standard_normal((batch, tk, d))
    v = rng.standard_normal((batch, tk, 3))
    mask = rng.random((batch, tq, tk)) < 0.7 if masked else None
    out, weights = gc.Session().run(list(gc.nn.scaled_dot_product_attention(q, k, v, mask, return_weights=True)))
    want_out, want_weights = numpy_attention(q, k, v, mask)
    np.testing.assert_allclose(out, want_out, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(weights, want_weights, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("causal", [False, True])
def test_multi_head_attention_matches_numpy(causal):
    layer = with_random_biases(gc.nn.MultiHeadAttention(3, 4, causal=causal, value_dim=2, seed=0, dtype=f64))
    x = gc.placeholder((None, 5, 6), f64)
    data = np.random.default_rng(1).standard_normal((2, 5, 6))
    got = gc.function([x], layer(x))(data)
    mask = np.tril(np.ones((5, 5), bool)) if causal else None
    np.testing.assert_allclose(got, numpy_multi_head(layer, data, data, mask), rtol=1e-10, atol=1e-12)


def test_cross_attention_with_a_mask_matches_numpy():
    layer = with_random_biases(gc.nn.MultiHeadAttention(2, 3, width=4, seed=1, dtype=f64))
    query, value = gc.placeholder((None, 3, 4), f64), gc.placeholder((None, 6, 4), f64)
    mask = gc.placeholder((None, 3, 6), gc.bool)
    rng = np.random.default_rng(2)
    q_data, v_data, m_data = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 6, 4)), rng.random((2, 3, 6)) < 0.5
    m_data[:, :, 0] = True
    got = gc.function([query, value, mask], layer(query, value, attention_mask=mask))(q_data, v_data, m_data)
    np.testing.assert_allclose(got, numpy_multi_head(layer, q_data, v_data, m_data), rtol=1e-10, atol=1e-12)


def test_multi_head_attention_gradients_match_central_differences():
    layer = with_random_biases(gc.nn.MultiHeadAttention(2, 3, causal=True, seed=2, dtype=f64))
    x = gc.placeholder((2, 4, 5), f64)
    loss = gc.sum(gc.tanh(layer(x)) * np.linspace(-1, 1, 40).reshape(2, 4, 5))
    data = np.random.default_rng(3).standard_normal((2, 4, 5))
    assert gc.check_grad(loss, [x, *layer.variables], {x: data}, rtol=1e-6)


@pytest.mark.parametrize("backend", ["numpy", "llvm"])
def test_causal_attention_output_at_t_has_exactly_zero_gradient_wrt_later_inputs(backend):
    layer = gc.nn.MultiHeadAttention(2, 4, causal=True, seed=3)
    seq = 6
    x = gc.placeholder((None, seq, 8), gc.float32)
    y = layer(x)
    per_position = [gc.grad(gc.sum(y[:, t, :] * y[:, t, :]), x) for t in range(seq)]
    data = np.random.default_rng(4).standard_normal((2, seq, 8)).astype(np.float32)
    grads = gc.function([x], per_position, backend=backend)(data)
    for t, g in enumerate(grads):
        assert np.all(g[:, t + 1:, :] == 0.0), f"position {t} depends on later inputs"
        assert np.all(np.abs(g[:, :t + 1, :]).sum((0, 2)) > 0), f"position {t} ignores earlier inputs"


def test_a_fully_masked_query_outputs_the_bias_without_nan_and_gets_zero_gradient():
    layer = with_random_biases(gc.nn.MultiHeadAttention(2, 3, width=4, seed=4, dtype=f64))
    x, mask = gc.placeholder((1, 3, 4), f64), gc.placeholder((1, 3, 3), gc.bool)
    y = layer(x, attention_mask=mask)
    loss = gc.sum(y * y)
    f = gc.function([x, mask], [y, *gc.grad(loss, [x, *layer.variables])], backend="llvm")
    m = np.ones((1, 3, 3), bool)
    m[0, 1, :] = False  # query 1 may attend to nothing
    y_val, *grads = f(np.random.default_rng(5).standard_normal((1, 3, 4)), m)
    output_bias = next(v for v in layer.variables if v.name.endswith("output/b")).value
    np.testing.assert_allclose(y_val[0, 1], output_bias, rtol=1e-12)
    assert all(np.isfinite(g).all() for g in grads)
    row_grad = gc.function([x, mask], gc.grad(gc.sum(y[:, 1, :]), x))(np.ones((1, 3, 4)), m)
    np.testing.assert_array_equal(row_grad, np.zeros((1, 3, 4)))


def _attention_training_step(seq=8, width=16, heads=2):
    """LayerNorm -> causal MHA -> residual -> loss, with SGD + momentum: the graph the llvm and CUDA tests compile.

    (Not Adam: the key bias has an exactly zero gradient, as softmax ignores a shift shared by a row, and
    Adam would turn its rounding noise into steps of size lr whose signs differ between backends.)"""
    x = gc.placeholder((None, seq, width), gc.float32)
    ln = gc.nn.LayerNorm(width)
    mha = gc.nn.MultiHeadAttention(heads, width // heads, causal=True, dropout=0.1, seed=5)
    y = x + mha(ln(x), training=True)
    loss = gc.mean(y * y)
    opt = gc.optim.SGD(0.05, momentum=0.9)
    return x, loss, opt.minimize(loss), ln.variables + mha.variables


def test_attention_training_step_on_llvm_matches_the_numpy_reference():
    data = np.random.default_rng(6).standard_normal((3, 8, 16)).astype(np.float32)
    results = {}
    for backend in ("numpy", "llvm"):
        x, loss, train, params = _attention_training_step()
        step = gc.function([x], loss, updates=train, backend=backend)
        losses = [float(step(data)) for _ in range(3)]
        results[backend] = losses, [p.value for p in params]
    (want_losses, want_params), (got_losses, got_params) = results["numpy"], results["llvm"]
    np.testing.assert_allclose(got_losses, want_losses, rtol=1e-4)
    assert want_losses[-1] < want_losses[0]
    for got, want in zip(got_params, want_params):
        np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-5)


@needs_nvcc
@pytest.mark.parametrize("arch", ["sm_80", "sm_90"])
def test_cuda_source_of_an_attention_training_step_compiles(arch):
    x, loss, train, _ = _attention_training_step()
    program = specialize([x], [loss], list(train), [(4, 8, 16)])
    _, plan = plan_kernels(program)
    ptx = nvcc_compile(render_module(plan.kernels).source, arch, "ptx").decode()
    assert ".entry" in ptx


def test_multi_head_attention_builds_its_projections_from_the_first_query():
    layer = gc.nn.MultiHeadAttention(4, 8, seed=0)
    assert layer.variables == []
    layer(gc.placeholder((None, 10, 32)))
    shapes = {v.name.split("/", 1)[1]: v.shape for v in layer.variables}
    assert shapes == {"query/w": (32, 32), "query/b": (32,), "key/w": (32, 32), "key/b": (32,),
                      "value/w": (32, 32), "value/b": (32,), "output/w": (32, 32), "output/b": (32,)}


def test_multi_head_attention_refuses_inputs_of_another_width():
    layer = gc.nn.MultiHeadAttention(2, 4, width=8)
    with pytest.raises(gc.ShapeError, match=r"query must be \(batch, seq, 8\).*\(None, 5, 6\)"):
        layer(gc.placeholder((None, 5, 6)))


def test_causal_attention_needs_a_known_sequence_length():
    with pytest.raises(gc.ShapeError, match="causal mask needs sequence lengths"):
        gc.nn.scaled_dot_product_attention(*[gc.placeholder((2, None, 4))] * 3, causal=True)


def test_attention_dropout_acts_only_in_training_calls():
    layer = gc.nn.MultiHeadAttention(2, 3, width=4, dropout=0.5, seed=6, dtype=f64)
    x, is_training = gc.placeholder((2, 5, 4), f64), gc.placeholder((), gc.bool)
    data = np.random.default_rng(7).standard_normal((2, 5, 4))
    inference = gc.function([x], layer(x))(data)
    np.testing.assert_allclose(inference, numpy_multi_head(layer, data, data), rtol=1e-10, atol=1e-12)
    fed = gc.function([x, is_training], layer(x, training=is_training))
    np.testing.assert_allclose(fed(data, False), inference, rtol=1e-12)
    assert not np.allclose(fed(data, True), inference)

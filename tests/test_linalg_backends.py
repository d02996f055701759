"""gc.linalg on the compiled backends: llvm against the numpy reference (the ops run as host steps
between compiled segments, the rest fused as usual), and the CUDA renderer's refusal by name."""

import numpy as np
import pytest
from cuda_emulation import NEEDS_GXX, register_emulated_backend
from hypothesis import given, settings
from hypothesis import strategies as st

import graphc as gc
from graphc import backends
from graphc.compile import plan_kernels
from graphc.distributed.schedule import HostStep, Segment, plan_steps
from graphc.program import specialize

needs_llvm = pytest.mark.skipif("llvm" not in backends.available_backends(), reason="llvmlite not installed")


def _square(rng, *shape):
    return rng.standard_normal(shape) + 4 * np.eye(shape[-1])


def _every_function(a, b):
    """Each public function once (and its gradient), on a square stack `a` and a right-hand side `b` (the
    complete SVD of a non-square matrix has no derivative: its value only)."""
    spd = a @ gc.transpose(a, (0, 2, 1)) + np.eye(3)
    w, v = gc.linalg.eigh(spd)
    u, s, vh = gc.linalg.svd(a[:, :, :2], full_matrices=False)
    outputs = [gc.linalg.solve(a, b), gc.linalg.inv(a), gc.linalg.det(a), *gc.linalg.slogdet(a),
               gc.linalg.cholesky(spd), gc.linalg.solve_triangular(a, b, lower=True), w, v * v, u * u, s, vh * vh,
               gc.stop_gradient(gc.linalg.svd(a[:, :2, :])[2] ** 2), gc.linalg.norm(a, "nuc", axis=(1, 2)),
               gc.linalg.norm(b, 3, axis=0)]
    loss = sum(gc.sum(gc.sin(o)) for o in outputs)
    return outputs + gc.grad(loss, [a, b])


@needs_llvm
@settings(max_examples=5, deadline=None)
@given(batch=st.integers(1, 3), columns=st.integers(1, 3), seed=st.integers(0, 1000))
def test_llvm_computes_what_the_numpy_reference_does(batch, columns, seed):
    rng = np.random.default_rng(seed)
    a = gc.placeholder((batch, 3, 3), gc.float64)
    b = gc.placeholder((3, columns), gc.float64)
    outputs = _every_function(a, b)
    feeds = {a: _square(rng, batch, 3, 3), b: rng.standard_normal((3, columns))}
    want = gc.Session(backend="numpy").run(outputs, feed_dict=feeds)
    got = gc.Session(backend="llvm").run(outputs, feed_dict=feeds)
    for w, g in zip(want, got):
        assert w.shape == g.shape and w.dtype == g.dtype
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-11)


def _mixed_graph():
    """Elementwise work before and after a solve: the program is cut at the solve and nowhere else."""
    x = gc.placeholder((None, 4, 4), gc.float32)
    r = gc.placeholder((None, 4, 1), gc.float32)
    a = gc.tanh(x) * 0.5 + gc.constant(3.0 * np.eye(4, dtype=np.float32))   # one fused kernel
    y = gc.linalg.solve(a, gc.exp(r))                                       # exp(r): one more
    out = gc.relu(y * 2.0 - 1.0) + gc.sigmoid(y)                            # one fused kernel
    return x, r, out


@needs_llvm
def test_a_graph_mixing_elementwise_ops_and_a_solve_runs_on_llvm_with_the_rest_fused():
    x, r, out = _mixed_graph()
    rng = np.random.default_rng(0)
    feeds = [rng.standard_normal((5, 4, 4)).astype(np.float32), rng.standard_normal((5, 4, 1)).astype(np.float32)]
    f = gc.function([x, r], out, backend="llvm")
    got = f(*feeds)
    a = np.tanh(feeds[0]) * 0.5 + 3 * np.eye(4, dtype=np.float32)
    y = np.linalg.solve(a, np.exp(feeds[1]))
    want = np.maximum(y * 2 - 1, 0) + 1 / (1 + np.exp(-y))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    kernels = f.kernels()
    assert [k["kind"] for k in kernels] == ["loop", "loop", "host", "loop"]  # a and exp(r), the solve, the rest
    assert kernels[2]["ops"] == ["linalg_solve"]
    assert {"relu", "sigmoid", "mul", "sub", "add"} <= set(kernels[3]["ops"])


def test_the_cut_makes_one_host_step_per_linalg_node_and_keeps_the_rest_in_segments():
    x, r, out = _mixed_graph()
    program = specialize([x, r], [out], [], [(2, 4, 4), (2, 4, 1)])
    steps = plan_steps(program)
    assert [type(s) for s in steps] == [Segment, HostStep, Segment]
    assert steps[1].node.op.name == "linalg_solve"
    assert not any(n.op.runs_on_host for s in steps if isinstance(s, Segment) for n in s.nodes)


@needs_llvm
def test_training_through_a_solve_updates_variables_across_the_cut_as_the_reference_does():
    rng = np.random.default_rng(1)
    start = (rng.standard_normal((3, 3)) + 3 * np.eye(3), rng.standard_normal((3, 2)))
    results = {}
    for backend in ("numpy", "llvm"):
        m, t = gc.variable(start[0].copy()), gc.variable(start[1].copy())
        loss = gc.sum((gc.linalg.solve(m, t) - 1.0) ** 2) + gc.linalg.norm(m) * 0.1
        grad_m, grad_t = gc.grad(loss, [m, t])
        step = gc.function([], loss, updates=[(m, m - 0.05 * grad_m), (t, t - 0.05 * grad_t)], backend=backend)
        losses = [float(step()) for _ in range(5)]
        results[backend] = losses, m.value, t.value
    assert results["llvm"][0][-1] < results["llvm"][0][0]
    for want, got in zip(results["numpy"], results["llvm"]):
        np.testing.assert_allclose(got, want, rtol=1e-10)


@NEEDS_GXX
def test_the_cuda_runtime_runs_the_segments_around_a_host_step(monkeypatch):
    """Through gc.function the CUDA backend gets the same cut: its kernels (here emulated on the host by
    tests/cuda_emulation.py) around the solve, which runs on the host."""
    backend = register_emulated_backend(monkeypatch)
    x, r, out = _mixed_graph()
    rng = np.random.default_rng(2)
    feeds = [rng.standard_normal((3, 4, 4)).astype(np.float32), rng.standard_normal((3, 4, 1)).astype(np.float32)]
    want = gc.function([x, r], out, backend="numpy")(*feeds)
    f = gc.function([x, r], out, backend=backend)
    np.testing.assert_allclose(f(*feeds), want, rtol=1e-5, atol=1e-6)
    assert [k["kind"] for k in f.kernels()].count("host") == 1


@pytest.mark.parametrize("build,op", [
    (lambda a: gc.linalg.inv(a), "linalg_inv"),
    (lambda a: gc.linalg.eigh(a)[1] * 2.0, "linalg_eigh"),
    (lambda a: gc.exp(gc.linalg.det(a)), "linalg_det"),
])
def test_the_cuda_renderer_refuses_a_linalg_op_by_name_and_line(build, op):
    a = gc.placeholder((3, 3), gc.float32)
    program = specialize([a], [build(a)], [], [(3, 3)])
    with pytest.raises(gc.BackendError) as info:
        plan_kernels(program)
    message = str(info.value)
    assert f"the cuda renderer has no kernel for {op}" in message
    assert "test_linalg_backends.py" in message and "llvm" in message

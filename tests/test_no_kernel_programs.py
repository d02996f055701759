"""Programs with nothing to compute: every output is an input, a variable or a constant.

Reading a variable (`Session.run(w)`, the TensorFlow 1 idiom), returning an input,
`x * 1.0` (simplified to x) and constant outputs run on every backend without
compiling anything, and each result is a fresh array: never the caller's feed, a
variable's own array or a constant's.
"""

from __future__ import annotations

import numpy as np
import pytest
from cuda_emulation import EMULATED, register_emulated_backend
from test_cli import graphc as run_cli

import graphc as gc

BACKENDS = ["numpy", "llvm", EMULATED]


@pytest.fixture(params=BACKENDS)
def backend(request, monkeypatch):
    register_emulated_backend(monkeypatch)
    return request.param


def assert_own_array(result, *others):
    assert result.flags.writeable and not any(np.shares_memory(result, o) for o in others)


def test_session_run_of_a_variable_returns_a_copy_of_its_value(backend):
    w = gc.variable(np.arange(6.0).reshape(2, 3))
    with gc.Session(backend) as sess:
        value = sess.run(w)
        np.testing.assert_array_equal(value, w.value)
        assert_own_array(value, w.attrs["store"].value)
        value[:] = -1
        np.testing.assert_array_equal(sess.run(w), np.arange(6.0).reshape(2, 3))


@pytest.mark.parametrize("output", [lambda x: x, lambda x: x * 1.0], ids=["x", "x*1.0"])
def test_a_function_returning_its_input_returns_a_copy(backend, output):
    x = gc.placeholder((None, 3), gc.float32, name="x")
    f = gc.function([x], [output(x)], backend=backend)
    feed = np.arange(6, dtype=np.float32).reshape(2, 3)
    (got,) = f(feed)
    np.testing.assert_array_equal(got, feed)
    assert_own_array(got, feed)
    if backend != "numpy":
        assert f.kernels() == []  # nothing compiled


def test_a_constant_output_is_returned_as_a_fresh_array(backend):
    c = gc.constant(np.array([1.5, 2.5]))
    x = gc.placeholder((), gc.float64)
    f = gc.function([x], [c, gc.constant(7)], backend=backend)
    first, seven = f(0.0)
    np.testing.assert_array_equal(first, [1.5, 2.5])
    assert seven == 7 and seven.dtype == np.int32
    assert_own_array(first, c.attrs["value"])


def test_updates_that_copy_variables_and_feeds_compute_nothing(backend):
    a, b = gc.variable(np.zeros(3)), gc.variable(np.arange(3.0))
    x = gc.placeholder((3,), gc.float64)
    feed = np.full(3, 7.0)
    gc.function([x], [], updates=[(a, b), (b, x)], backend=backend)(feed)
    np.testing.assert_array_equal(a.value, [0, 1, 2])
    np.testing.assert_array_equal(b.value, feed)
    assert not np.shares_memory(b.attrs["store"].value, feed)


def test_llvm_ir_of_a_program_without_kernels_says_so():
    x = gc.placeholder((3,), gc.float32)
    f = gc.function([x], [x], backend="llvm")
    f.compile(np.ones(3, np.float32))
    assert "no kernels" in f.llvm_ir() and "no kernels" in f.llvm_ir(optimized=False)


@pytest.fixture(scope="module")
def identity_graph(tmp_path_factory):
    """A saved graph whose outputs are a placeholder and `x * 1.0`."""
    path = tmp_path_factory.mktemp("graphs") / "identity.json"
    x = gc.placeholder((3,), gc.float32, name="x")
    gc.save(path, {"y": x, "z": x * 1.0})
    return path


@pytest.mark.parametrize("backend", ["numpy", "llvm"])
def test_cli_run_of_a_graph_whose_output_is_a_placeholder(identity_graph, tmp_path, backend):
    run_cli("run", identity_graph, "--feed", "x=[1, 2, 3]", "--backend", backend, "-o", tmp_path / "out.npz")
    with np.load(tmp_path / "out.npz") as got:
        for name in ("y", "z"):
            np.testing.assert_array_equal(got[name], np.array([1, 2, 3], np.float32))


@pytest.mark.parametrize("target, emit, marker", [("llvm", "llvm-ir", "no kernels"), ("llvm", "asm", ""),
                                                  ("cuda", "cuda", "")])
def test_cli_compile_of_a_graph_whose_output_is_a_placeholder(identity_graph, tmp_path, target, emit, marker):
    out = tmp_path / "out.txt"
    run_cli("compile", identity_graph, "--target", target, "--emit", emit, "-o", out)
    assert marker in out.read_text() and "__global__ void" not in out.read_text()

"""Backends by name: only those that can run here are listed, and asking for one that cannot says why."""

import importlib.util
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import graphc as gc
from graphc import backends
from graphc.runtime import cuda_launch

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(autouse=True)
def own_registry(monkeypatch):
    """Each test registers into copies, so that no test's backend outlives it."""
    monkeypatch.setattr(backends, "_FACTORIES", dict(backends._FACTORIES))
    monkeypatch.setattr(backends, "_REQUIREMENTS", dict(backends._REQUIREMENTS))


@pytest.fixture
def no_driver(monkeypatch):
    monkeypatch.setattr(cuda_launch, "driver_library", lambda: None)


@pytest.fixture
def no_llvmlite(monkeypatch):
    monkeypatch.setitem(sys.modules, "llvmlite.binding", None)  # the next import of it raises ImportError


def test_cuda_is_not_listed_without_a_driver(no_driver):
    assert "cuda" not in gc.available_backends()
    assert "cuda" in backends.registered_backends()
    assert "numpy" in gc.available_backends()


def test_cuda_is_not_listed_with_a_driver_but_no_binding(monkeypatch):
    monkeypatch.setattr(cuda_launch, "driver_library", lambda: "libcuda.so.1")
    monkeypatch.setattr(cuda_launch, "available_bindings", lambda: [])
    assert "cuda" not in gc.available_backends()
    assert "pip install" in backends.unavailable_reason("cuda")


def test_cuda_is_listed_with_a_driver_and_a_binding_without_compiling_anything(monkeypatch):
    monkeypatch.setattr(cuda_launch, "driver_library", lambda: "libcuda.so.1")
    monkeypatch.setattr(cuda_launch, "available_bindings", lambda: ["pycuda"])
    monkeypatch.setattr(cuda_launch, "open_launcher", pytest.fail)
    assert "cuda" in gc.available_backends()


def test_llvm_is_listed_only_where_llvmlite_imports(no_llvmlite):
    assert "llvm" not in gc.available_backends()
    assert "pip install llvmlite" in backends.unavailable_reason("llvm")


def test_asking_for_cuda_without_a_driver_says_why(no_driver):
    x = gc.placeholder((3,), gc.float32)
    with pytest.raises(gc.BackendError, match="backend 'cuda' is not available here: no NVIDIA driver") as info:
        gc.function([x], [gc.exp(x)], backend="cuda")
    assert "backends that run here:" in str(info.value) and "numpy" in str(info.value)


def test_asking_for_cuda_without_a_binding_says_what_to_install(monkeypatch):
    monkeypatch.setattr(cuda_launch, "driver_library", lambda: "libcuda.so.1")
    monkeypatch.setattr(cuda_launch, "available_bindings", lambda: [])
    with pytest.raises(gc.BackendError, match=r"pip install 'graphc\[cuda\]'"):
        backends.builder("cuda")


def test_an_unknown_backend_names_the_ones_that_run_here(no_driver):
    with pytest.raises(gc.BackendError, match="unknown backend 'tpu'; choose one of") as info:
        backends.builder("tpu")
    assert "cuda" not in str(info.value)


def test_a_registered_backend_runs_and_its_requirement_is_checked():
    backends.register_backend("numpy-again", "graphc.backends:_build_reference")
    assert "numpy-again" in gc.available_backends()
    x = gc.placeholder((3,), gc.float64)
    out = gc.function([x], [gc.exp(x)], backend="numpy-again")(np.zeros(3))
    np.testing.assert_array_equal(out[0], np.ones(3))

    backends.register_backend("numpy-again", "graphc.backends:_build_reference", lambda: "needs a flux capacitor")
    assert "numpy-again" not in gc.available_backends()
    with pytest.raises(gc.BackendError, match="not available here: needs a flux capacitor"):
        backends.builder("numpy-again")


def test_backend_or_reference_swaps_only_llvm_for_numpy(no_llvmlite, no_driver, capsys):
    assert backends.backend_or_reference("llvm") == "numpy"
    assert "notice: the llvm backend is not available here" in capsys.readouterr().out
    with pytest.raises(gc.BackendError, match="backend 'cuda' is not available here"):
        backends.backend_or_reference("cuda")


def load_example(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("example, args", [("mnist_idx", ["unused-path", "--quick"]), ("mlp_digits", ["--quick"]),
                                           ("linear_regression", ["--quick"]), ("softmax_regression", ["--quick"])])
def test_examples_asked_for_cuda_without_a_driver_exit_2_with_the_reason(no_driver, capsys, example, args):
    with pytest.raises(SystemExit) as info:
        load_example(example).main([*args, "--backend", "cuda"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "backend 'cuda' is not available here: no NVIDIA driver" in err and "Traceback" not in err


@pytest.mark.skipif("cuda" in backends.available_backends(), reason="the cuda backend can run here")
def test_mnist_example_asked_for_cuda_as_a_script_prints_one_error_and_no_traceback(tmp_path):
    done = subprocess.run([sys.executable, str(EXAMPLES / "mnist_idx.py"), str(tmp_path), "--backend", "cuda"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "error: backend 'cuda' is not available here" in done.stderr and "Traceback" not in done.stderr

"""gc.nn.Conv2D, MaxPool2D, AvgPool2D and Flatten; a CNN's training step on the CUDA renderer (nvcc for sm_80
and sm_90, and the emulated runtime against numpy); examples/cnn_digits.py and its resumable checkpoints."""

from __future__ import annotations

import importlib.util
import pathlib

import numpy as np
import pytest
from cuda_emulation import EMULATED, register_emulated_backend

import graphc as gc
from graphc.codegen.cuda.nvcc import find_nvcc, nvcc_compile
from graphc.codegen.cuda.renderer import render_module
from graphc.compile import plan_kernels
from graphc.program import specialize

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"


def test_conv2d_layer_holds_its_filter_and_bias_as_ordinary_variables():
    layer = gc.nn.Conv2D(5, (3, 2), strides=2, padding="SAME", activation=gc.relu, seed=0)
    assert layer.variables == []  # built by the first input, which tells the channels
    x = gc.placeholder((None, 7, 6, 4), gc.float32)
    y = layer(x)
    w, b = layer.variables
    assert w.op.name == "variable" and w.shape == (3, 2, 4, 5) and b.shape == (5,) and y.shape == (None, 4, 3, 5)
    x_val = np.random.default_rng(0).standard_normal((2, 7, 6, 4)).astype(np.float32)
    want = gc.function([x], [gc.relu(gc.conv2d(x, w, strides=2, padding="SAME") + b)])(x_val)[0]
    np.testing.assert_array_equal(gc.function([x], [y])(x_val)[0], want)


def test_conv2d_layer_with_in_channels_exists_before_a_call_and_checks_its_inputs():
    layer = gc.nn.Conv2D(6, 3, groups=3, in_channels=3, use_bias=False, seed=1)
    assert [v.shape for v in layer.variables] == [(3, 3, 1, 6)]
    with pytest.raises(gc.ShapeError, match="built for 3 input channels"):
        layer(gc.placeholder((1, 8, 8, 4)))
    with pytest.raises(gc.ShapeError, match="NHWC"):
        layer(gc.placeholder((8, 8, 3)))
    with pytest.raises(gc.ShapeError, match=r"(?s)^conv2d: .*window 3 is larger.*\(1, 2, 2, 3\).*test_conv_layers.py"):
        gc.nn.Conv2D(2, 3)(gc.placeholder((1, 2, 2, 3)))
    with pytest.raises(gc.ShapeError, match="groups=4"):
        gc.nn.Conv2D(6, 3, groups=4, in_channels=8)


def test_he_normal_filters_use_the_receptive_field_for_their_fan_in():
    layer = gc.nn.Conv2D(64, 3, in_channels=32, seed=0)
    assert abs(layer.w.value.std() - np.sqrt(2 / (3 * 3 * 32))) < 0.01


def test_conv2d_layer_bias_and_activation_are_the_gemms_epilogue_on_llvm():
    pytest.importorskip("llvmlite")
    x = gc.placeholder((None, 8, 8, 3), gc.float32)
    layer = gc.nn.Conv2D(16, 3, padding="SAME", activation=gc.relu, in_channels=3, seed=0)
    f = gc.function([x], [gc.sum(gc.max_pool2d(layer(x), 2))], backend="llvm")
    f(np.zeros((2, 8, 8, 3), np.float32))
    gemms = [k["ops"] for k in f.kernels() if k["kind"] == "matmul"]
    assert gemms == [["matmul", "add", "relu"]] * 2  # one gemm a block of images (graphc/passes/block_epilogues.py)


def test_pool_layers_and_flatten():
    x = gc.placeholder((None, 6, 6, 2), gc.float64)
    x_val = np.random.default_rng(2).standard_normal((3, 6, 6, 2))
    flat = gc.nn.Flatten()(gc.nn.MaxPool2D(2)(x))
    avg = gc.nn.AvgPool2D(3, strides=1, padding="SAME")(x)
    got_flat, got_avg = gc.function([x], [flat, avg])(x_val)
    assert flat.shape == (None, 18)
    np.testing.assert_array_equal(got_flat, x_val.reshape(3, 3, 2, 3, 2, 2).max(axis=(2, 4)).reshape(3, 18))
    np.testing.assert_allclose(got_avg[:, 0, 0], x_val[:, :2, :2].mean(axis=(1, 2)))
    with pytest.raises(gc.ShapeError, match="Flatten"):
        gc.nn.Flatten()(gc.placeholder((None, None, 3)))


# ---- a CNN training step on the CUDA renderer ------------------------------------------------------------


def cnn_training_step(seed=0):
    """conv-pool-conv-pool-dense on 8x8 images with SGD: inputs, outputs, updates and feed shapes."""
    rng = np.random.default_rng(seed)
    x = gc.placeholder((None, 8, 8, 1), gc.float32)
    labels = gc.placeholder((None,), gc.int32)
    layers = [gc.nn.Conv2D(4, 3, padding="SAME", activation=gc.relu, in_channels=1, seed=rng),
              gc.nn.MaxPool2D(2),
              gc.nn.Conv2D(6, 3, strides=1, padding="SAME", activation=gc.relu, in_channels=4, seed=rng),
              gc.nn.AvgPool2D(2),
              gc.nn.Flatten(), gc.nn.Dense(24, 10, seed=rng)]
    h = x
    for layer in layers:
        h = layer(h)
    loss = gc.nn.losses.softmax_cross_entropy(h, labels)
    train_op = gc.optim.SGD(0.1).minimize(loss)
    feeds = [rng.standard_normal((5, 8, 8, 1)).astype(np.float32), rng.integers(0, 10, 5).astype(np.int32)]
    return [x, labels], [loss], train_op, feeds


@pytest.mark.skipif(find_nvcc() is None, reason="nvcc (CUDA toolkit) not installed")
@pytest.mark.parametrize("arch", ["sm_80", "sm_90"])
def test_cnn_training_step_renders_cuda_that_nvcc_compiles(arch):
    inputs, outputs, train_op, feeds = cnn_training_step()
    _, plan = plan_kernels(specialize(inputs, outputs, train_op.updates, [f.shape for f in feeds]))
    assert any(k.kind == "matmul" for k in plan.kernels)  # the convolutions' gemms
    ptx = nvcc_compile(render_module(plan.kernels).source, arch, "ptx").decode()
    assert ptx.count(".entry") >= len(plan.kernels)


@pytest.mark.parametrize("backend", [EMULATED])
def test_cnn_training_step_on_the_emulated_cuda_runtime_equals_numpy(backend, monkeypatch):
    register_emulated_backend(monkeypatch)
    results = {}
    for name in ("numpy", backend):
        inputs, outputs, train_op, feeds = cnn_training_step()
        step = gc.function(inputs, outputs, updates=train_op, backend=name)
        losses = [float(step(*feeds)[0]) for _ in range(3)]
        results[name] = losses, [v.value for v in gc.optim.trainable_variables(outputs[0])]
    np.testing.assert_allclose(results[backend][0], results["numpy"][0], rtol=1e-4)
    for got, want in zip(results[backend][1], results["numpy"][1], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


# ---- examples/cnn_digits.py ------------------------------------------------------------------------------


def load_example(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cnn_digits_reaches_98_5_percent(tmp_path, capsys):
    plot = tmp_path / "loss.png"
    result = load_example("cnn_digits").main(["--no-progress", "--plot", str(plot)])
    assert result["test_accuracy"] >= 0.985
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "test accuracy" in capsys.readouterr().out


def test_cnn_digits_resumed_from_its_checkpoint_ends_with_the_weights_of_an_unbroken_run(tmp_path):
    example = load_example("cnn_digits")
    common = ["--no-progress", "--plot", "", "--batch-size", "64"]
    straight = example.main([*common, "--epochs", "2"])
    example.main([*common, "--epochs", "1", "--checkpoint", str(tmp_path)])
    resumed = example.main([*common, "--epochs", "2", "--checkpoint", str(tmp_path)])
    assert len(resumed["history"].losses) == len(straight["history"].losses) // 2  # it ran epoch 2 only
    for a, b in zip(straight["variables"], resumed["variables"], strict=True):
        np.testing.assert_array_equal(a.value, b.value, err_msg=a.name)

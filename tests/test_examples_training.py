"""The training examples run (on their --quick setting, CI's) and reach the accuracy they state."""

import importlib.util
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import graphc as gc
from graphc.datasets import load_digits, write_idx

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"


def load_example(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_linear_regression_reaches_the_least_squares_solution(capsys):
    result = load_example("linear_regression").main(["--quick"])
    assert result["max_error"] < 1e-6
    assert result["losses"][-1] == pytest.approx(result["z_lstsq"], rel=1e-9)
    assert "max |w - w_lstsq|" in capsys.readouterr().out


def test_softmax_regression_reaches_95_percent():
    result = load_example("softmax_regression").main(["--quick", "--no-progress"])
    assert result["test_accuracy"] >= 0.95


def test_mlp_digits_reaches_97_percent_and_reports_the_compilation(tmp_path, capsys):
    plot = tmp_path / "loss.png"
    result = load_example("mlp_digits").main(["--quick", "--no-progress", "--plot", str(plot)])
    assert result["test_accuracy"] >= 0.97
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr().out
    assert "test accuracy" in out and "memory plan: " in out
    if result["backend"] == "llvm":
        assert "kernels" in out


def test_mlp_digits_runs_as_a_script_with_a_progress_bar(tmp_path):
    done = subprocess.run([sys.executable, str(EXAMPLES / "mlp_digits.py"), "--epochs", "1", "--plot", ""],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "test accuracy" in done.stdout
    assert "loss=" in done.stderr and "step" in done.stderr  # tqdm writes to stderr


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_mlp_digits_mixed_precision_reaches_the_float32_accuracy(dtype):
    """Half-precision activations and weight copies, float32 master weights: within 1% of float32's."""
    quick = ["--quick", "--no-progress", "--plot", ""]
    float32 = load_example("mlp_digits").main(quick)["test_accuracy"]
    result = load_example("mlp_digits").main([*quick, "--dtype", dtype])
    assert result["dtype"] == dtype
    assert result["test_accuracy"] >= float32 - 0.01
    step_dtypes = {n.dtype for n in gc.ir.toposort(result["history"].step.outputs)}
    assert gc.dtypes.as_dtype(dtype) in step_dtypes  # the step really computes in the half dtype


@pytest.mark.slow
def test_mlp_digits_full_run_reaches_97_percent(tmp_path):
    result = load_example("mlp_digits").main(["--no-progress", "--plot", str(tmp_path / "loss.png")])
    assert result["test_accuracy"] >= 0.97


def write_digits_as_idx(directory):
    """The digits as a small MNIST look-alike: 8x8 uint8 images, gzipped test images."""
    x, y = load_digits()
    x_train, x_test, y_train, y_test = gc.nn.train_test_split(x, y, test_fraction=0.25, seed=0)
    as_images = lambda a: (a * 255).round().astype(np.uint8).reshape(-1, 8, 8)
    write_idx(directory / "train-images-idx3-ubyte", as_images(x_train))
    write_idx(directory / "train-labels-idx1-ubyte", y_train)
    write_idx(directory / "t10k-images-idx3-ubyte", as_images(x_test))
    write_idx(directory / "t10k-labels-idx1-ubyte", y_test)
    import gzip

    plain = directory / "t10k-images-idx3-ubyte"
    (directory / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(plain.read_bytes()))
    plain.unlink()


def test_mnist_idx_trains_from_local_idx_files(tmp_path):
    write_digits_as_idx(tmp_path)
    result = load_example("mnist_idx").main([str(tmp_path), "--quick", "--epochs", "10", "--batch-size", "32",
                                             "--no-progress"])
    assert result["test_accuracy"] >= 0.95


def test_mnist_idx_says_which_files_are_missing(tmp_path):
    with pytest.raises(gc.GraphcError, match="t10k|train"):
        load_example("mnist_idx").main([str(tmp_path), "--no-progress"])


def test_examples_fall_back_to_numpy_with_a_notice_when_llvm_is_missing(monkeypatch, capsys):
    import graphc.backends

    monkeypatch.delitem(graphc.backends._FACTORIES, "llvm", raising=False)
    result = load_example("linear_regression").main(["--quick"])
    out = capsys.readouterr().out
    assert "notice: the llvm backend is not available" in out and out.count("numpy:") == 1
    assert result["max_error"] < 1e-6


def test_lstm_digits_built_with_scan_reaches_95_percent_on_its_quick_setting(tmp_path):
    # a script of its own: it sets one BLAS thread before numpy loads, as a user running it gets
    plot = tmp_path / "lstm.png"
    done = subprocess.run([sys.executable, str(EXAMPLES / "lstm_digits.py"), "--quick", "--plot", str(plot)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr
    accuracy = float(done.stdout.split("test accuracy ")[1].split("%")[0]) / 100
    assert accuracy >= 0.95
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "loss=" in done.stderr and "step" in done.stderr  # the progress bar (tqdm writes to stderr)


def test_char_transformer_learns_python_help_text_and_samples_from_it(tmp_path, capsys):
    # two causal transformer blocks on pydoc's topics: the loss falls well below the uniform guess
    # (log of about 100 characters: 4.6) within 60 steps, and sampling yields the characters asked for
    plot = tmp_path / "loss.png"
    result = load_example("char_transformer").main(["--quick", "--no-progress", "--sample", "40", "--plot", str(plot)])
    losses = result["losses"]
    assert np.mean(losses[-10:]) < np.mean(losses[:10]) - 0.6
    assert len(result["sample"]) == 40
    assert plot.stat().st_size > 5000
    assert "sampled continuation" in capsys.readouterr().out

"""float16 and bfloat16 values kept outside a run: checkpoints, graph files, feeds and fetches.

bfloat16 arrays are ml_dtypes arrays, which .npy stores as 2-byte records of their bits (it
has no bfloat16 type): a checkpoint restores them where the variable is bfloat16, and refuses
them, naming the variable, where it is not.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import graphc as gc

HALVES = [gc.float16, gc.bfloat16]


def weights(dtype, seed=0):
    return (np.random.default_rng(seed).standard_normal((3, 200)) * 5).astype(dtype)


@pytest.mark.parametrize("dtype", HALVES, ids=str)
def test_a_checkpoint_restores_half_variables_bit_for_bit(tmp_path, dtype):
    saved = gc.variable(weights(dtype), name="w")
    gc.save_checkpoint(tmp_path / "ckpt.npz", [saved])
    restored = gc.variable(np.zeros((3, 200), dtype), name="w")
    gc.restore_checkpoint(tmp_path / "ckpt.npz", [restored])
    assert restored.value.dtype == dtype
    np.testing.assert_array_equal(restored.value.view(np.uint16), saved.value.view(np.uint16))


def test_a_bfloat16_checkpoint_reads_with_numpy_as_numpy_writes_it(tmp_path):
    gc.save_checkpoint(tmp_path / "ckpt.npz", [gc.variable(weights(gc.bfloat16), name="w")])
    stored = np.load(tmp_path / "ckpt.npz")["w"]
    assert stored.dtype == np.dtype("V2")
    np.testing.assert_array_equal(stored.view(gc.bfloat16), weights(gc.bfloat16))


@pytest.mark.parametrize(("saved", "wanted"), [(gc.bfloat16, gc.float16), (gc.float16, gc.bfloat16),
                                               (gc.float32, gc.bfloat16)], ids=str)
def test_a_checkpoint_of_another_dtype_is_refused_naming_the_variable(tmp_path, saved, wanted):
    gc.save_checkpoint(tmp_path / "ckpt.npz", [gc.variable(weights(saved), name="layer/w")])
    with pytest.raises(gc.CheckpointError, match="layer/w"):
        gc.restore_checkpoint(tmp_path / "ckpt.npz", [gc.variable(np.zeros((3, 200), wanted), name="layer/w")])


@pytest.mark.parametrize("dtype", HALVES, ids=str)
@pytest.mark.parametrize("inline_bytes", [1 << 20, 16], ids=["inline", "side_npz"])
def test_a_graph_file_keeps_half_placeholders_variables_and_constants(tmp_path, dtype, inline_bytes):
    x = gc.placeholder((None, 3), dtype, name="x")
    w = gc.variable(weights(dtype), name="w")
    shift = gc.constant(np.linspace(-1, 1, 200).astype(dtype))
    y = gc.relu(x @ w + shift)
    out = {"y": y, "y32": gc.cast(y, gc.float32) * 0.5}
    path = gc.save(tmp_path / "g.json", out, inline_bytes=inline_bytes)
    text = json.loads(path.read_text())
    assert dtype.name in json.dumps(text)
    loaded = gc.load(path)
    assert loaded.placeholders["x"].dtype == dtype and loaded.variables["w"].dtype == dtype
    feed = weights(dtype, 1)[:, :3].T.copy()
    before = gc.function([x], [out["y"], out["y32"]], backend="llvm")(feed)
    after = gc.function([loaded.placeholders["x"]], [loaded.outputs["y"], loaded.outputs["y32"]],
                        backend="llvm")(feed)
    for a, b in zip(before, after):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def test_a_graph_file_with_an_unknown_dtype_is_refused(tmp_path):
    x = gc.placeholder((2,), gc.bfloat16, name="x")
    path = gc.save(tmp_path / "g.json", {"y": x * 2.0})
    path.write_text(path.read_text().replace('"bfloat16"', '"float8"'))
    with pytest.raises(gc.GraphFormatError, match="float8"):
        gc.load(path)


@pytest.mark.parametrize("dtype", HALVES, ids=str)
def test_a_half_placeholder_converts_its_feed_as_numpy_converts_it(dtype):
    """A half placeholder takes what a float32 one takes: the feed converted as numpy converts it."""
    x = gc.placeholder((3,), dtype)
    f = gc.function([x], [x * 1.0], backend="llvm")
    got = f(np.array([1.0, 1.00390625, 3.3], np.float64))[0]
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, np.array([1.0, 1.00390625, 3.3]).astype(dtype))


def test_as_dtype_accepts_the_names():
    assert gc.dtypes.as_dtype("bfloat16") == gc.bfloat16 and gc.dtypes.as_dtype("float16") == gc.float16
    assert gc.placeholder((2,), "bfloat16").dtype == gc.bfloat16
    with pytest.raises(gc.GraphcError, match="float8"):
        gc.dtypes.as_dtype("float8_e4m3fn")


def test_graphc_run_feeds_and_writes_bfloat16_as_numpy_saves_it(tmp_path):
    from graphc.cli import main

    x = gc.placeholder((None, 3), gc.bfloat16, name="x")
    w = gc.variable(weights(gc.bfloat16)[:, :5], name="w")
    gc.save(tmp_path / "g.json", {"y": gc.relu(x @ w), "y32": gc.cast(x @ w, gc.float32)})
    feed = weights(gc.bfloat16, 2)[:, :4].T.copy()
    np.save(tmp_path / "x.npy", feed)  # .npy has no bfloat16: numpy writes its bits as |V2 records
    assert main(["run", str(tmp_path / "g.json"), "--feed", f"x={tmp_path / 'x.npy'}",
                 "-o", str(tmp_path / "out.npz")]) == 0
    expected = gc.load(tmp_path / "g.json").run({"x": feed})
    with np.load(tmp_path / "out.npz") as got:
        np.testing.assert_array_equal(got["y"].view(gc.bfloat16), expected["y"])
        np.testing.assert_array_equal(got["y32"], expected["y32"])


def test_a_placeholder_of_another_dtype_refuses_bfloat16_records():
    x = gc.placeholder((2,), gc.float16, name="x")
    with pytest.raises(gc.FeedError, match="float16"):
        gc.function([x], [x * 2.0])(np.zeros(2, gc.bfloat16).view(np.dtype("V2")))

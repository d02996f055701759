"""Checkpoints: variables saved by name and restored, so that training stopped and resumed equals
training straight through, bit for bit; a checkpoint that does not fit is refused whole."""

import zipfile

import numpy as np
import pytest

import graphc as gc
from graphc.backends import available_backends

BACKENDS = [b for b in ("numpy", "llvm") if b in available_backends()]
rng = np.random.default_rng(0)
X = rng.normal(size=(32, 5))
Y = (X @ rng.normal(size=(5, 3)) > 0).astype(np.float64)


def model():
    """A two-layer network and its Adam step, built afresh, as a new process would build it."""
    x, y = gc.placeholder((None, 5), gc.float64, name="x"), gc.placeholder((None, 3), gc.float64, name="y")
    w1 = gc.variable(np.linspace(-1, 1, 40).reshape(5, 8), name="w1")
    b1 = gc.variable(np.zeros(8), name="b1")
    w2 = gc.variable(np.linspace(1, -1, 24).reshape(8, 3), name="w2")
    loss = gc.mean(gc.sigmoid_cross_entropy(gc.tanh(x @ w1 + b1) @ w2, y))
    opt = gc.optim.Adam(0.05)
    train = opt.minimize(loss)
    return [w1, b1, w2], opt, (x, y, loss, train)


def train(graph, steps, backend):
    x, y, loss, train_op = graph
    step = gc.function([x, y], loss, updates=train_op, backend=backend)
    for i in range(steps):
        rows = slice(8 * (i % 4), 8 * (i % 4) + 8)
        step(X[rows], Y[rows])


@pytest.mark.parametrize("backend", BACKENDS)
def test_training_stopped_and_resumed_equals_training_straight_through(tmp_path, backend):
    straight, _, graph = model()
    train(graph, 10, backend)

    params, opt, graph = model()
    train(graph, 4, backend)
    gc.save_checkpoint(tmp_path / "ckpt.npz", params + opt.state)
    params, opt, graph = model()  # a fresh start: Adam's moments and step count are zero again
    gc.restore_checkpoint(tmp_path / "ckpt.npz", params + opt.state)
    train(graph, 6, backend)

    for a, b in zip(straight, params):
        np.testing.assert_array_equal(a.value, b.value)


def test_a_checkpoint_is_an_npz_keyed_by_variable_name(tmp_path):
    params, opt, _ = model()
    written = gc.save_checkpoint(tmp_path / "ckpt", params + opt.state)  # numpy's rule: .npz appended
    assert written == tmp_path / "ckpt.npz"
    with np.load(written) as saved:
        assert set(saved.files) == {"w1", "b1", "w2", "Adam/step"} | {f"Adam/{v}/{m}" for v in ("w1", "b1", "w2")
                                                                       for m in ("m", "v")}
        np.testing.assert_array_equal(saved["w1"], params[0].value)
        assert saved["Adam/step"].dtype == np.int64


def test_restore_accepts_the_name_save_was_given(tmp_path):
    params, _, _ = model()
    gc.save_checkpoint(tmp_path / "ckpt", params)
    gc.restore_checkpoint(tmp_path / "ckpt", params)


def test_a_file_may_hold_more_than_is_restored(tmp_path):
    params, opt, _ = model()
    gc.save_checkpoint(tmp_path / "all.npz", params + opt.state)
    params[0].assign(np.zeros((5, 8)))
    gc.restore_checkpoint(tmp_path / "all.npz", params[:1])
    assert params[0].value[0, 0] == -1.0


def variables_after_a_refused_restore(tmp_path, saved, restored):
    gc.save_checkpoint(tmp_path / "c.npz", saved)
    before = [v.value for v in restored]
    with pytest.raises(gc.CheckpointError) as refused:
        gc.restore_checkpoint(tmp_path / "c.npz", restored)
    for v, b in zip(restored, before):
        np.testing.assert_array_equal(v.value, b)  # all or nothing: no variable changed
    return str(refused.value)


def test_a_missing_name_is_named_and_nothing_is_restored(tmp_path):
    w = gc.variable(np.ones(3), name="w")
    other = [gc.variable(np.full(3, 7.0), name="w"), gc.variable(np.zeros(2), name="bias")]
    message = variables_after_a_refused_restore(tmp_path, [w], other)
    assert "no value for 'bias'" in message and "holds 'w'" in message


def test_a_changed_shape_is_named_and_nothing_is_restored(tmp_path):
    saved = [gc.variable(np.ones(3), name="a"), gc.variable(np.ones((4, 4)), name="w")]
    restored = [gc.variable(np.zeros(3), name="a"), gc.variable(np.zeros((4, 5)), name="w")]
    message = variables_after_a_refused_restore(tmp_path, saved, restored)
    assert "variable 'w'" in message and "[4, 4] float64" in message and "[4, 5] float64" in message


def test_a_changed_dtype_is_refused_not_cast(tmp_path):
    message = variables_after_a_refused_restore(tmp_path, [gc.variable(np.ones(3, np.float32), name="w")],
                                                [gc.variable(np.ones(3, np.float64), name="w")])
    assert "float32" in message and "float64" in message


def test_only_variables_with_distinct_names_can_be_saved(tmp_path):
    with pytest.raises(gc.CheckpointError, match="two variables are named 'w'"):
        gc.save_checkpoint(tmp_path / "c.npz", [gc.variable(1.0, name="w"), gc.variable(2.0, name="w")])
    with pytest.raises(gc.CheckpointError, match="a checkpoint holds variables; got a placeholder"):
        gc.save_checkpoint(tmp_path / "c.npz", [gc.placeholder((), name="x")])
    assert not (tmp_path / "c.npz").exists()


def test_hostile_or_broken_files_are_errors_not_allocations_or_pickles(tmp_path):
    w = gc.variable(np.zeros(4), name="w")
    (tmp_path / "text.npz").write_text("not a zip")
    with pytest.raises(gc.CheckpointError, match="cannot read the checkpoint"):
        gc.restore_checkpoint(tmp_path / "text.npz", [w])
    with pytest.raises(gc.CheckpointError, match="cannot read the checkpoint"):
        gc.restore_checkpoint(tmp_path / "absent.npz", [w])

    huge = {"descr": "<f8", "fortran_order": False, "shape": (1 << 40,)}
    with zipfile.ZipFile(tmp_path / "huge.npz", "w") as archive, archive.open("w.npy", "w") as f:
        np.lib.format.write_array_header_1_0(f, huge)
        f.write(b"\0" * 32)
    with pytest.raises(gc.CheckpointError, match=r"variable 'w': it is \[1099511627776\] float64"):
        gc.restore_checkpoint(tmp_path / "huge.npz", [w])

    with zipfile.ZipFile(tmp_path / "pickle.npz", "w") as archive, archive.open("w.npy", "w") as f:
        np.lib.format.write_array(f, np.array([None] * 4, dtype=object), allow_pickle=True)
    with pytest.raises(gc.CheckpointError, match="pickles"):
        gc.restore_checkpoint(tmp_path / "pickle.npz", [w])
    np.testing.assert_array_equal(w.value, np.zeros(4))


def test_a_failed_save_leaves_the_previous_checkpoint(tmp_path):
    w = gc.variable(np.ones(2), name="w")
    gc.save_checkpoint(tmp_path / "c.npz", [w])
    with pytest.raises(gc.GraphcError, match="cannot name a file"):
        gc.save_checkpoint(tmp_path / "c.npz", [w, gc.variable(np.zeros(2), name="../escape")])
    with np.load(tmp_path / "c.npz") as saved:
        assert saved.files == ["w"]
    assert [p.name for p in tmp_path.iterdir()] == ["c.npz"]

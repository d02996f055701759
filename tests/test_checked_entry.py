"""The checked entry (graphc.runtime.native_entry): a call's arrays checked and placed by generated code.

A call first hands its arrays as they are to @graphc_call, which runs the kernels only if every one
is exactly what they read; whatever it rejects takes the general path, which converts what it can
and raises FeedError for what it cannot.  So the entry must accept the common call, reject all the
rest before any kernel runs, and a rejected call must end exactly as it did before the entry existed.
"""

from __future__ import annotations

import ctypes
import pickle

import numpy as np
import pytest

import graphc as gc
from graphc.errors import FeedError
from graphc.runtime.native_entry import OBJECT_LAYOUT, CheckedCall
from graphc.runtime.native_pool import native_runner


def add_one(shape=(4, 3), dtype=gc.float32):
    x = gc.placeholder(shape, dtype, name="x")
    f = gc.function([x], [x + 1], backend="llvm")
    f(np.zeros([d or 2 for d in shape], dtype))
    return f


def values(shape, dtype=np.float32) -> np.ndarray:
    """Distinct values, so that reading them in another order or from another place shows."""
    return np.arange(np.prod(shape), dtype=dtype).reshape(shape) * 0.5 + 1


def misaligned(shape, dtype) -> np.ndarray:
    raw = bytearray(int(np.prod(shape)) * np.dtype(dtype).itemsize + 1)
    a = np.ndarray(shape, dtype, buffer=raw, offset=1)
    a[...] = values(shape, dtype)
    return a


class Float32Subclass(np.ndarray):
    pass


def test_this_interpreter_and_numpy_have_the_measured_object_layout():
    # where they do not, every call takes the general path: correct, but slow
    assert OBJECT_LAYOUT is not None
    assert native_runner().call is not None


def test_an_exact_array_runs_in_the_checked_entry_without_the_general_path(monkeypatch):
    f = add_one()
    monkeypatch.setattr(f, "_feeds", lambda *a: pytest.fail("the general path ran"))
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    np.testing.assert_array_equal(f(x)[0], x + 1)


FEEDS_FOR_THE_GENERAL_PATH = {
    "float64 array": lambda: values((4, 3), np.float64),
    "transposed": lambda: values((3, 4)).T,
    "every other row": lambda: values((8, 3))[::2],
    "misaligned": lambda: misaligned((4, 3), np.float32),
    "big-endian": lambda: values((4, 3), ">f4"),
    "an ndarray subclass": lambda: values((4, 3)).view(Float32Subclass),
    "a nested list": lambda: values((4, 3)).tolist(),
    "an unpickled array (an equal dtype object of its own)": lambda: pickle.loads(pickle.dumps(values((4, 3)))),
}


@pytest.mark.parametrize("feed", list(FEEDS_FOR_THE_GENERAL_PATH), ids=list(FEEDS_FOR_THE_GENERAL_PATH))
def test_an_array_the_kernels_cannot_read_as_it_is_gives_the_result_of_its_converted_copy(feed):
    value = FEEDS_FOR_THE_GENERAL_PATH[feed]()
    f = add_one()
    np.testing.assert_array_equal(f(value)[0], np.asarray(value, np.float32) + 1)


def test_a_read_only_array_is_read_in_place(monkeypatch):
    f = add_one()
    x = values((4, 3))
    x.flags.writeable = False
    monkeypatch.setattr(f, "_feeds", lambda *a: pytest.fail("the general path ran"))
    np.testing.assert_array_equal(f(x)[0], x + 1)


@pytest.mark.parametrize("feed", ["float64 array", "transposed", "every other row", "misaligned", "big-endian",
                                  "an ndarray subclass", "a nested list"])
def test_the_entry_itself_runs_nothing_for_an_array_it_cannot_read_as_it_is(feed):
    f = add_one()
    exe = f.executable
    assert exe.call_checked((FEEDS_FOR_THE_GENERAL_PATH[feed](),), (), True) is None
    assert exe.call_checked((values((4, 3)),), (), True) is not None


@pytest.mark.parametrize("value, message", [
    (np.zeros((4, 2), np.float32), "shape"),
    (np.zeros((4, 3, 1), np.float32), "shape"),
    (np.zeros(12, np.float32), "shape"),
    (np.zeros((4, 3), np.complex64), "dtype"),
    (np.zeros((4, 3), "U1"), "dtype"),
])
def test_a_feed_of_the_wrong_shape_or_kind_is_a_feed_error(value, message):
    f = add_one()
    with pytest.raises(FeedError, match=message):
        f(value)


def test_ints_the_input_dtype_cannot_hold_are_a_feed_error():
    f = add_one((3,), gc.int32)
    np.testing.assert_array_equal(f(np.array([1, 2, 3], np.int32))[0], [2, 3, 4])
    with pytest.raises(FeedError):
        f(np.array([1, 2**40, 3], np.int64))


def test_too_few_or_too_many_inputs_is_a_feed_error():
    f = add_one()
    x = np.zeros((4, 3), np.float32)
    with pytest.raises(FeedError, match="expected 1 inputs"):
        f()
    with pytest.raises(FeedError, match="expected 1 inputs"):
        f(x, x)


def test_a_rejected_feed_updates_no_variable():
    w = gc.variable(np.ones(3, np.float32), name="w")
    x = gc.placeholder((3,), gc.float32, name="x")
    step = gc.function([x], [gc.sum(w * x)], updates=[(w, w - 0.5 * x)], backend="llvm")
    step(np.ones(3, np.float32))
    with pytest.raises(FeedError):
        step(np.ones(4, np.float32))
    np.testing.assert_array_equal(w.value, np.full(3, 0.5, np.float32))


def test_a_training_loop_through_the_entry_equals_the_numpy_reference():
    def train(backend):
        w = gc.variable(np.linspace(-1, 1, 6).reshape(2, 3), name="w")
        x = gc.placeholder((4, 2), gc.float64, name="x")
        loss = gc.sum(gc.tanh(x @ w) ** 2)
        (g,) = gc.grad(loss, [w])
        step = gc.function([x], [loss], updates=[(w, w - 0.1 * g)], backend=backend)
        feeds = np.random.default_rng(0).standard_normal((10, 4, 2))
        losses = [float(step(batch)[0]) for batch in feeds]
        return losses, w.value

    (got, w_got), (want, w_want) = train("llvm"), train("numpy")
    np.testing.assert_allclose(got, want, rtol=1e-9)
    np.testing.assert_allclose(w_got, w_want, rtol=1e-9)


def test_feed_time_sizes_that_change_between_calls_give_each_shape_its_result():
    f = add_one((None, 3))
    for rows in [2, 5, 2, 5, 1]:
        x = np.arange(rows * 3, dtype=np.float32).reshape(rows, 3)
        np.testing.assert_array_equal(f(x)[0], x + 1)


def test_outputs_in_another_order_than_the_kernels_write_them_come_back_in_the_asked_order():
    x = gc.placeholder((5,), gc.float64, name="x")
    y = gc.exp(x)
    z = gc.sum(y * 2)
    f = gc.function([x], [z, y, x * 3], backend="llvm")
    a = np.linspace(0, 1, 5)
    got = f(a)
    np.testing.assert_allclose(got[0], np.sum(np.exp(a) * 2))
    np.testing.assert_allclose(got[1], np.exp(a))
    np.testing.assert_allclose(got[2], a * 3)


def test_the_native_check_names_the_record_that_failed_and_places_what_passed():
    runner = native_runner()
    f32 = np.dtype(np.float32)
    no_calls = runner.calls([])
    checked = CheckedCall([(f32, (2, 3), [0]), (f32, (), [-1])], [], [2], ctypes.addressof(no_calls), 0)
    table = (ctypes.c_void_p * 3)()
    block_words = checked.block(runner.pool, ctypes.addressof(table))  # kept: the entry reads it
    block = ctypes.addressof(block_words)
    a, s, out = np.zeros((2, 3), np.float32), np.ones((), np.float32), np.empty(4)
    assert runner.call(block, [a, s, out]) == 0
    assert (table[0], table[1], table[2]) == (a.ctypes.data, None, out.ctypes.data)
    assert runner.call(block, [a, np.ones(1, np.float32), out]) == 2   # record 1: its ndim
    assert runner.call(block, [a.T, s, out]) == 1                       # record 0: its shape
    assert runner.call(block, [np.zeros((2, 6), np.float32)[:, ::2], s, out]) == 1   # not contiguous
    assert runner.call(block, [a.astype(np.float64), s, out]) == 1      # its dtype
    assert runner.call(block, [a.tolist(), s, out]) == 1                # not an ndarray
    assert runner.call(block, [a, s]) == -1                             # a list of the wrong length


def test_a_program_returning_its_input_as_is_runs_the_general_path_and_returns_a_copy():
    x = gc.placeholder((3,), gc.float32, name="x")
    f = gc.function([x], [x, x * 2], backend="llvm")
    a = values((3,))
    same, double = f(a)
    assert not f.executable.checked_entry  # a result no kernel writes: the entry does not apply
    np.testing.assert_array_equal(same, a)
    np.testing.assert_array_equal(double, a * 2)
    assert not np.shares_memory(same, a)


def test_after_a_feed_that_needed_converting_the_entry_waits_for_one_that_fits(monkeypatch):
    f = add_one()
    exe = f.executable
    tries = []
    checked = exe.call_checked
    monkeypatch.setattr(exe, "call_checked", lambda *a: tries.append(1) or checked(*a))
    wide = values((4, 3), np.float64)
    for _ in range(3):  # converted every call: one rejection, then straight to the general path
        np.testing.assert_array_equal(f(wide)[0], wide.astype(np.float32) + 1)
    assert len(tries) == 1
    exact = values((4, 3))
    for _ in range(3):  # the first exact feed goes the general way and brings the entry back
        np.testing.assert_array_equal(f(exact)[0], exact + 1)
    assert len(tries) == 3

"""Conversions to and from float16 and bfloat16, on the llvm backend, against numpy and ml_dtypes.

Exhaustive where cheap: every one of the 65536 bit patterns of each half dtype is widened, and
float32 and float64 values around every half value (the value itself, the midpoints to its
neighbours and the nearest floats on either side of them: every tie and every near-tie) are
rounded.  Results must agree bit for bit (a NaN only as a NaN: its payload is not specified).
"""

from __future__ import annotations

import numpy as np
import pytest

import graphc as gc

HALVES = [gc.float16, gc.bfloat16]
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy's own overflow and NaN casts


def all_halves(dtype) -> np.ndarray:
    return np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(dtype)


def around_every_half(dtype, wide) -> np.ndarray:
    """Every finite half value, the midpoints between neighbours, and the floats of `wide` just
    beside each midpoint, plus infinities, NaN and values past the largest half (overflow)."""
    h = all_halves(dtype)
    finite = np.sort(h[np.isfinite(h)].astype(np.float64))
    mids = (finite[:-1] + finite[1:]) / 2
    mids = mids.astype(wide)
    near = [mids, np.nextafter(mids, wide(np.inf)), np.nextafter(mids, wide(-np.inf)), finite.astype(wide)]
    big = float(finite[-1])
    extra = np.array([np.inf, -np.inf, np.nan, big * 1.0001, -big * 1.0001, big * 4, 1e-30, -1e-30, 0.0, -0.0,
                      np.finfo(wide).max, np.finfo(wide).tiny], wide)
    return np.concatenate(near + [extra])


def same(got: np.ndarray, want: np.ndarray) -> None:
    """Equal bit for bit, a NaN where the other is NaN."""
    assert got.dtype == want.dtype
    nan_got, nan_want = np.isnan(got.astype(np.float64)), np.isnan(want.astype(np.float64))
    np.testing.assert_array_equal(nan_got, nan_want)
    bits = np.dtype(f"u{got.dtype.itemsize}")
    bad = np.flatnonzero((got.view(bits) != want.view(bits)) & ~nan_want)
    assert bad.size == 0, f"{bad.size} differ, e.g. {got[bad[:5]]} != {want[bad[:5]]}"


def cast_on_llvm(values: np.ndarray, dtype) -> np.ndarray:
    x = gc.placeholder(values.shape, values.dtype)
    return gc.function([x], [gc.cast(x, dtype)], backend="llvm")(values)[0]


@pytest.mark.parametrize("half", HALVES, ids=str)
@pytest.mark.parametrize("wide", [gc.float32, gc.float64], ids=str)
def test_every_half_value_widens_exactly(half, wide):
    values = all_halves(half)
    same(cast_on_llvm(values, wide), values.astype(wide))


@pytest.mark.parametrize("half", HALVES, ids=str)
@pytest.mark.parametrize("wide", [np.float32, np.float64], ids=["float32", "float64"])
def test_rounding_to_half_is_to_nearest_even_as_numpy(half, wide):
    values = around_every_half(half, wide)
    same(cast_on_llvm(values, half), values.astype(half))


def test_float32_to_bfloat16_ties_go_to_even_and_nan_stays_nan():
    ties = np.array([0x3F808000, 0x3F818000, 0x3F80C000, 0x7F7FFFFF, 0x7FC00001, 0xFFC00000], np.uint32)
    got = cast_on_llvm(ties.view(np.float32), gc.bfloat16).view(np.uint16)
    assert list(got[:4]) == [0x3F80, 0x3F82, 0x3F81, 0x7F80]  # even, even (up), nearest, overflow to inf
    assert np.isnan(got[4:].view(gc.bfloat16).astype(np.float32)).all()


def test_float32_to_float16_overflows_to_inf_as_numpy():
    values = np.array([65504.0, 65519.99, 65520.0, 1e6, -1e6], np.float32)
    same(cast_on_llvm(values, gc.float16), values.astype(np.float16))
    assert np.isinf(cast_on_llvm(values, gc.float16)[2:]).all()


@pytest.mark.parametrize("src", [gc.float16, gc.bfloat16], ids=str)
@pytest.mark.parametrize("dst", [gc.float16, gc.bfloat16, gc.int32, gc.int64, gc.bool_], ids=str)
def test_every_half_value_converts_to_other_dtypes_as_numpy(src, dst):
    values = all_halves(src)
    if dst.kind == "i":  # numpy leaves out-of-range and NaN conversions to ints undefined
        values = values[np.abs(values.astype(np.float64)) < 2 ** 31]
    same(cast_on_llvm(values, dst), values.astype(np.float32).astype(dst) if dst.kind == "i" else values.astype(dst))


@pytest.mark.parametrize("half", HALVES, ids=str)
@pytest.mark.parametrize("src", [gc.int32, gc.int64, gc.bool_], ids=str)
def test_integers_and_bools_round_to_half_as_numpy(half, src):
    rng = np.random.default_rng(0)
    values = np.concatenate([np.arange(-70000, 70000), rng.integers(-2 ** 31, 2 ** 31, 10000)]).astype(src)
    same(cast_on_llvm(values, half), values.astype(half))


@pytest.mark.parametrize("half", HALVES, ids=str)
def test_a_half_placeholder_feeds_and_fetches_its_bits(half):
    values = all_halves(half)
    x = gc.placeholder(values.shape, half)
    for backend in ("numpy", "llvm"):
        out = gc.function([x], [x * 1.0, gc.reshape(x, (256, 256))], backend=backend)(values)
        same(out[0], (values.astype(np.float32) * 1.0).astype(half))
        same(out[1], values.reshape(256, 256))

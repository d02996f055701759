"""The dtypes graphc supports, and numpy-compatible promotion between them.

float16 and bfloat16 are storage dtypes: values are kept in memory with 16 bits, and every
backend computes with them in float32 (load, widen, compute, round to the 16-bit dtype on the
op's result; docs/dtypes.md).  numpy has float16; bfloat16 is `ml_dtypes.bfloat16`, the numpy
dtype JAX uses, so feeds, fetches and checkpoints of bfloat16 are ordinary numpy arrays and
promotion follows ml_dtypes' (= JAX's) table: bfloat16 + float16 is float32.

    >>> ufunc_result(np.add, float16, float32), ufunc_result(np.add, bfloat16, float16)
    (dtype('float32'), dtype('float32'))
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Sequence

import numpy as np

float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
bool_ = np.dtype(np.bool_)
# bfloat16 is `ml_dtypes.bfloat16`, imported when first wanted (module `__getattr__` below), not with
# graphc: ml_dtypes' C module takes half a second to start (ml_dtypes 0.7 on numpy 2.4), a tenth of
# `graphc inspect` on a 100k-node float32 graph, which never needs it.  Only ml_dtypes makes a
# bfloat16 dtype, so until it is imported no numpy dtype is bfloat16 (`DtypeSet`).


def _bfloat16() -> np.dtype:
    import ml_dtypes

    return np.dtype(ml_dtypes.bfloat16)


class DtypeSet(Sequence):
    """A tuple of dtypes (bfloat16 named among them) that imports ml_dtypes only when it must: to
    list bfloat16, or to compare it with something that might be it.  `d in HALF` for a numpy dtype
    `d` is answered without it while ml_dtypes is not imported: no dtype can be bfloat16 then."""

    def __init__(self, *names: str):
        self.names = names  # str() of each dtype, in order
        self._plain = tuple(np.dtype(n) for n in names if n != "bfloat16")
        self._dtypes: tuple | None = None

    def _all(self) -> tuple:
        if self._dtypes is None:
            self._dtypes = tuple(_bfloat16() if n == "bfloat16" else np.dtype(n) for n in self.names)
        return self._dtypes

    def __contains__(self, value) -> bool:
        if value in self._plain:
            return True
        if len(self._plain) == len(self.names) or (isinstance(value, np.dtype) and "ml_dtypes" not in sys.modules):
            return False
        return value in self._all()

    def __getitem__(self, index):
        return self._all()[index]

    def __len__(self) -> int:
        return len(self.names)

    def __iter__(self):
        return iter(self._all())

    def __eq__(self, other) -> bool:
        return self._all() == (other._all() if isinstance(other, DtypeSet) else other)

    def __hash__(self) -> int:
        return hash(self._all())

    def __add__(self, other) -> tuple:
        return self._all() + tuple(other)

    def __repr__(self) -> str:
        return repr(self._all())


SUPPORTED = DtypeSet("float16", "bfloat16", "float32", "float64", "int32", "int64", "bool")
FLOATS = DtypeSet("float16", "bfloat16", "float32", "float64")
HALF = DtypeSet("float16", "bfloat16")  # storage dtypes: arithmetic on them is float32 arithmetic, rounded
# The .npy format has no bfloat16: numpy writes an ml_dtypes bfloat16 array as 2-byte void
# records holding its bits ('|V2'), and np.load reads them back as such.  Where bfloat16 is
# expected (a checkpoint's variable, a graph file's declared dtype, a placeholder's feed),
# such records are taken as its bits.
BFLOAT16_RECORDS = np.dtype("V2")


def __getattr__(name: str):
    """`bfloat16`, made (and ml_dtypes imported) on first use."""
    if name == "bfloat16":
        globals()["bfloat16"] = value = _bfloat16()
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "bfloat16"})


def as_dtype(dtype) -> np.dtype:
    """Normalise anything numpy accepts as a dtype ("bfloat16" too), refusing those graphc does not support."""
    from graphc.errors import GraphcError

    if isinstance(dtype, str) and dtype == "bfloat16":
        return _bfloat16()
    try:
        d = np.dtype(dtype)
    except TypeError as exc:
        raise GraphcError(f"not a dtype: {dtype!r}") from exc
    if d not in SUPPORTED:
        names = ", ".join(str(s) for s in SUPPORTED)
        raise GraphcError(f"dtype {d} is not supported (supported: {names})")
    return d


def is_float(dtype) -> bool:
    """Whether `dtype` is a floating-point dtype (bfloat16 too, whose numpy kind is 'V')."""
    d = np.dtype(dtype)
    return d.kind == "f" or d in HALF


def is_half(dtype) -> bool:
    return np.dtype(dtype) in HALF


def compute_dtype(dtype) -> np.dtype:
    """The dtype arithmetic on `dtype` is done in: float32 for the 16-bit floats, itself otherwise."""
    d = np.dtype(dtype)
    return float32 if d in HALF else d


def widened(array: np.ndarray) -> np.ndarray:
    """A float16/bfloat16 operand as float32 (others as they are): what an op's numpy `compute`
    is given wherever graphc runs it (the reference executor, constant folding), so that each op
    computes in float32 and its result is rounded once to the node's dtype, as the compiled
    backends compute it."""
    return array.astype(float32) if array.dtype in HALF else array


@functools.cache
def ufunc_result(ufunc: np.ufunc, *dtypes: np.dtype) -> np.dtype:
    """The dtype numpy's `ufunc` gives for operands of these dtypes: our promotion rule is numpy's
    (and ml_dtypes' for bfloat16, which registers its ufunc loops and casts with numpy)."""
    with np.errstate(all="ignore"):
        return ufunc(*(np.ones(1, d) for d in dtypes)).dtype

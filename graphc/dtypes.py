"""The dtypes graphc supports, and numpy-compatible promotion between them."""

from __future__ import annotations

import functools

import numpy as np

float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
bool_ = np.dtype(np.bool_)

SUPPORTED = (float32, float64, int32, int64, bool_)
FLOATS = (float32, float64)


def as_dtype(dtype) -> np.dtype:
    """Normalise anything numpy accepts as a dtype, refusing those graphc does not support."""
    from graphc.errors import GraphcError

    try:
        d = np.dtype(dtype)
    except TypeError as exc:
        raise GraphcError(f"not a dtype: {dtype!r}") from exc
    if d not in SUPPORTED:
        names = ", ".join(str(s) for s in SUPPORTED)
        raise GraphcError(f"dtype {d} is not supported (supported: {names})")
    return d


def is_float(dtype) -> bool:
    return np.dtype(dtype).kind == "f"


@functools.cache
def ufunc_result(ufunc: np.ufunc, *dtypes: np.dtype) -> np.dtype:
    """The dtype numpy's `ufunc` gives for operands of these dtypes: our promotion rule is numpy's."""
    with np.errstate(all="ignore"):
        return ufunc(*(np.ones(1, d) for d in dtypes)).dtype

"""The arrays generated code is handed: checked once (exact dtype and shape, C-contiguous, aligned),
and their data pointers read fast.

    array = checked_feed(value, node, "input")   # or a FeedError naming the node, the dtypes and shapes
    address = data_address(array)                # what `array.ctypes.data` gives, at a tenth of its cost
"""

from __future__ import annotations

import ctypes

import numpy as np

from graphc.errors import FeedError


def ready(array, dtype: np.dtype, shape: tuple) -> bool:
    """Whether a fed array is already what generated code needs (the common case, checked quickly)."""
    if type(array) is not np.ndarray or array.dtype != dtype or array.shape != shape:
        return False
    flags = array.flags
    return flags.c_contiguous and flags.aligned


def _data_offset() -> int | None:
    """Where an ndarray object keeps its data pointer (numpy's PyArrayObject: right after the object
    header), when this interpreter and numpy agree with that; None: ask `.ctypes.data`."""
    offset = object.__sizeof__(object())  # the object header: 16 bytes on a 64-bit CPython
    probes = [np.empty(3), np.arange(6.0)[2:], np.zeros((2, 2), np.float32).T]
    if all(ctypes.c_void_p.from_address(id(p) + offset).value == p.ctypes.data for p in probes):
        return offset
    return None


_DATA_OFFSET = _data_offset()


def data_address(array: np.ndarray, _read=ctypes.c_void_p.from_address, _offset=_DATA_OFFSET) -> int:
    """An ndarray's data pointer: read from the object (a tenth of `.ctypes.data`'s cost)."""
    if _offset is None:
        return array.ctypes.data
    return _read(id(array) + _offset).value or 0


def checked_feed(array, node, what: str) -> np.ndarray:
    """The array as generated code needs it: exact dtype and shape, C-contiguous and aligned."""
    if not isinstance(array, np.ndarray):
        array = np.asarray(array)
    if array.dtype != node.dtype or array.shape != tuple(node.shape):
        raise FeedError(f"{what} {node.label!r} expects {node.dtype} of shape {tuple(node.shape)}, "
                        f"got {array.dtype} of shape {array.shape}")
    if not array.flags.c_contiguous or not array.flags.aligned:
        array = np.ascontiguousarray(array)
        if not array.flags.aligned:
            array = array.copy()
    return array

"""A call in one native entry: the arrays handed over as they are, checked and placed by generated code.

    layout = OBJECT_LAYOUT                      # where ndarrays and lists keep their fields, or None
    checked = CheckedCall(inputs, variables, outputs, calls, n_calls)   # once per executable
    block = checked.block(table_address)         # once per workspace (a pointer table of its own)
    status = native_runner().call(ctypes.addressof(block), [*inputs, *variables, *outputs])
    # 0: every array passed and the kernels ran; else nothing ran (take the general path)

Why: on a small step the fixed cost of a call was Python's, about a microsecond per array (a check,
reading the data pointer, a ctypes store into the table) before the one ctypes call into the runner.
@graphc_call (graphc.codegen.llvm.entry) does those checks and stores in a few nanoseconds each, in
the same ctypes call that runs the kernels.

The checks read an ndarray's type, dtype object, ndim, shape and flags from the object itself.  The
offsets are numpy's and CPython's, measured here on live objects at import (`measured_layout`):
where any probe disagrees, OBJECT_LAYOUT is None, the runner is built without the entry, and every
call takes the general path (checked in Python), as before.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence

import numpy as np

from graphc.codegen.llvm.entry import ALIGNED, C_CONTIGUOUS, ObjectLayout

_POINTER = ctypes.sizeof(ctypes.c_void_p)


def _word(obj, offset: int) -> int:
    return ctypes.c_int64.from_address(id(obj) + offset).value


def _int32(obj, offset: int) -> int:
    return ctypes.c_int32.from_address(id(obj) + offset).value


def _layout_holds(layout: ObjectLayout) -> bool:
    """Whether every field of `layout` reads what Python says, on arrays of several kinds and lists."""
    raw = bytearray(4 * 5 + 1)
    arrays = [np.empty(3), np.arange(12.0).reshape(3, 4)[1:], np.zeros((2, 3), np.float32).T, np.array(7, np.int64),
              np.empty((0, 5), np.int32), np.ndarray((5,), np.float32, buffer=raw, offset=1)]
    for a in arrays:
        flags = _int32(a, layout.flags)
        if (_word(a, layout.type) != id(np.ndarray) or _word(a, layout.data) != a.ctypes.data
                or _int32(a, layout.ndim) != a.ndim or _word(a, layout.descr) != id(a.dtype)
                or bool(flags & C_CONTIGUOUS) != a.flags.c_contiguous or bool(flags & ALIGNED) != a.flags.aligned):
            return False
        dims = _word(a, layout.dims)
        if a.ndim and [ctypes.c_int64.from_address(dims + 8 * d).value for d in range(a.ndim)] != list(a.shape):
            return False
    for items in ([], [np.empty(1)], [1, "two", 3.0, None, arrays]):
        if _word(items, layout.list_size) != len(items) or _word(items, layout.type) != id(list):
            return False
        start = _word(items, layout.list_items)
        if [ctypes.c_int64.from_address(start + _POINTER * i).value for i in range(len(items))] != \
                [id(x) for x in items]:
            return False
    return True


def measured_layout() -> ObjectLayout | None:
    """The layout of numpy's PyArrayObject and CPython's PyListObject on this interpreter, or None.

    Both begin with the object header (reference count, type); a list then has its size and its items
    pointer; an array its data pointer, ndim, dims, strides, base, descr and flags, in that order."""
    if _POINTER != 8 or np.dtype(np.intp).itemsize != 8:
        return None
    header = object.__sizeof__(object())  # reference count and type: 16 bytes on a 64-bit CPython
    layout = ObjectLayout(list_size=header, list_items=header + 8, type=header - 8, data=header, ndim=header + 8,
                          dims=header + 16, descr=header + 40, flags=header + 48)
    try:
        return layout if _layout_holds(layout) else None
    except (ValueError, OverflowError):
        return None


OBJECT_LAYOUT = measured_layout()


class CheckedCall:
    """What @graphc_call checks and places for one executable: a record per (array, table slot).

    `inputs` and `variables` are (dtype, shape, slots) per array, in the order the call passes them,
    each checked (a slot of -1 when generated code never reads it: it is still checked, so that a
    wrong feed is rejected whether or not a kernel reads it); `outputs` are the table slots of the
    arrays the executable makes itself, passed after them and placed unchecked.
    """

    def __init__(self, inputs: Sequence[tuple[np.dtype, tuple, list[int]]],
                 variables: Sequence[tuple[np.dtype, tuple, list[int]]], outputs: Sequence[int],
                 calls: int, n_calls: int):
        self._keep: list = []  # the dims arrays and dtypes the records point at
        records: list[tuple[int, ...]] = []
        for index, (dtype, shape, slots) in enumerate(list(inputs) + list(variables)):
            dims = (ctypes.c_int64 * max(1, len(shape)))(*shape)
            self._keep += [dims, dtype]
            for slot in slots or [-1]:
                records.append((index, id(np.ndarray), id(dtype), len(shape), ctypes.addressof(dims), slot))
        first_output = len(inputs) + len(variables)
        records += [(first_output + k, 0, 0, 0, 0, slot) for k, slot in enumerate(outputs)]
        self.records = records
        self.n_objects = first_output + len(outputs)
        self._calls, self._n_calls = calls, n_calls

    def block(self, pool: int, table: int) -> ctypes.Array:
        """The block @graphc_call reads, for a workspace whose pointer table is at `table`."""
        words = [pool, table, self._calls, self._n_calls, len(self.records), self.n_objects]
        words += [v for record in self.records for v in record]
        return (ctypes.c_int64 * len(words))(*words)

"""Source nodes: placeholders (fed at run time), variables (state) and constants."""

from __future__ import annotations

import itertools
import threading

import numpy as np

from graphc import dtypes
from graphc import scalar as S  # noqa: N812 - reads like math
from graphc.errors import FeedError, GraphcError
from graphc.ir import Node, user_source_line
from graphc.ops.registry import Op, format_shape


def _not_computed(attrs, *arrays):
    raise GraphcError("source nodes are supplied by the executor, not computed")


def _declared(inputs, attrs):
    return attrs["shape"], attrs["dtype"]


placeholder_op = Op("placeholder", "source", _declared, _not_computed,
                    doc="A value fed at run time; None dimensions are sized by the feed.",
                    arity=0, attributes={"shape": "dims", "dtype": "dtype"})

def _one_element(node: Node):
    """Op.immediate: a one-element constant is a literal of the kernel's code, not a load."""
    value = node.attrs["value"]
    return S.const(value.reshape(()).item(), node.dtype) if value.size == 1 else None


def _constant_label(node: Node) -> str:
    return f"constant {node.attrs['value'].item():.4g}" if node.size == 1 else "constant"


constant_op = Op("constant", "source", lambda inputs, attrs: (attrs["value"].shape, attrs["value"].dtype),
                 lambda attrs: attrs["value"], doc="A fixed array baked into the graph.",
                 arity=0, attributes={"value": "array"}, immediate=_one_element, describe=_constant_label)


class VariableStore:
    """The mutable cell behind a variable, shared by every function and session that uses it.

    Its array is private: `var.value` gives a copy and `var.assign` takes one, so the llvm
    backend may write a training step's update into the array itself (graphc.runtime.plan, donate).
    `version` counts writes, for a backend that keeps its own copy of the value (the CUDA
    backend's device buffer): the array may be the same object with new contents.

    Threads (graphc.session.VariableAccess): a call that updates the variable holds `lock`
    from reading its value to writing the new one, so no update is lost; calls take the locks
    of their variables by `order`, the same for all, so two calls sharing variables never
    deadlock.  A call that only reads it holds the lock while it takes the array and marks it
    `lent`: the next update writes a fresh array rather than this one in place, which the
    reader may still be reading.
    """

    __slots__ = ("value", "version", "lent", "lock", "order")

    def __init__(self, value: np.ndarray):
        self.value = value
        self.version = 0
        self.lent = False
        self.lock = threading.Lock()
        self.order = next(_STORE_ORDER)

    def write(self, value: np.ndarray) -> None:
        self.value = value
        self.version += 1
        self.lent = False


_STORE_ORDER = itertools.count()


class _VariableOp(Op):
    def read_value(self, node: Node) -> np.ndarray:
        store = node.attrs["store"]
        with store.lock:  # never in the middle of an update
            return store.value.copy()

    def assign_value(self, node: Node, value) -> None:
        value = np.array(check_value_fits(node, value, what="variable"), copy=True)
        store = node.attrs["store"]
        with store.lock:
            store.write(value)


variable_op = _VariableOp("variable", "source", _declared, _not_computed,
                          doc="State that persists across runs and is updated by `updates=`.",
                          arity=0, attributes={"value": "array"})


def _static_shape(shape) -> tuple:
    try:
        shape = tuple(shape)
    except TypeError:
        shape = (shape,)
    for d in shape:
        if d is not None and (not isinstance(d, (int, np.integer)) or d < 0):
            raise GraphcError(f"bad dimension {d!r} in shape {shape}: use non-negative ints or None")
    return tuple(None if d is None else int(d) for d in shape)


def placeholder(shape=(), dtype=dtypes.float32, name: str | None = None) -> Node:
    """A value fed at run time; `None` dimensions take their size from the feed.

    >>> x = placeholder((None, 784), float32, name="x")
    """
    attrs = {"shape": _static_shape(shape), "dtype": dtypes.as_dtype(dtype)}
    return Node(placeholder_op, (), attrs, attrs["shape"], attrs["dtype"], name=name,
                source=user_source_line())


def variable(value, dtype=None, name: str | None = None) -> Node:
    """State with an initial value; every function and session sees its latest value."""
    array = np.array(value, dtype=dtypes.as_dtype(dtype) if dtype is not None else None)
    if dtype is None:
        array = array.astype(_default_dtype(value, array))
    attrs = {"store": VariableStore(array), "shape": array.shape, "dtype": array.dtype}
    return Node(variable_op, (), attrs, array.shape, array.dtype, name=name, source=user_source_line())


def constant(value, dtype=None, name: str | None = None) -> Node:
    """A fixed array.  Python floats become float32 and ints int32, as in TensorFlow."""
    array = np.array(value, dtype=dtypes.as_dtype(dtype) if dtype is not None else None)
    if dtype is None:
        array = array.astype(_default_dtype(value, array), copy=False)
    array.setflags(write=False)
    return Node(constant_op, (), {"value": array}, array.shape, array.dtype, name=name,
                source=user_source_line())


def _default_dtype(value, array: np.ndarray) -> np.dtype:
    """Keep the dtype of numpy data; narrow Python numbers (which numpy reads as float64/int64).

    A user who writes `constant(0.5)` next to float32 tensors means a float32 0.5, as in
    TensorFlow; a user who passes a float64 numpy array means float64.
    """
    from_python = not isinstance(value, (np.ndarray, np.generic))
    if dtypes.is_float(array.dtype):
        return array.dtype if array.dtype in dtypes.FLOATS and not from_python else dtypes.float32
    if array.dtype.kind in "iu":
        if array.dtype in (dtypes.int32, dtypes.int64) and not from_python:
            return array.dtype
        limits = np.iinfo(dtypes.int32)
        fits = array.size == 0 or (limits.min <= array.min() and array.max() <= limits.max)
        return dtypes.int32 if fits else dtypes.int64
    if array.dtype.kind == "b":
        return dtypes.bool_
    raise GraphcError(f"cannot make a graph value from {array.dtype} data")


def check_value_fits(node: Node, value, what: str) -> np.ndarray:
    """Convert a fed or assigned value to `node`'s dtype, or raise FeedError saying why not."""
    label = f"{what} {node.label!r}"
    try:
        array = np.asarray(value)
    except Exception as exc:  # noqa: BLE001 - any conversion failure is the user's input
        raise FeedError(f"{label}: cannot convert {type(value).__name__} to an array: {exc}") from None
    if node.dtype == dtypes.bfloat16 and array.dtype == dtypes.BFLOAT16_RECORDS:
        array = array.view(dtypes.bfloat16)  # bfloat16 as np.save wrote it and np.load read it back
    _check_int_range(label, array, node.dtype)
    if array.dtype != node.dtype and not np.can_cast(array.dtype, node.dtype, casting="same_kind"):
        raise FeedError(f"{label} expects dtype {node.dtype}, got {array.dtype} "
                        f"(cast it with .astype(np.{node.dtype}) if that is what you mean)")
    if array.dtype == object:
        raise FeedError(f"{label} expects {node.dtype} numbers, got Python objects")
    if len(array.shape) != len(node.shape) or any(
            d is not None and d != a for d, a in zip(node.shape, array.shape)):
        raise FeedError(f"{label} expects shape {format_shape(node.shape)}, got {array.shape}")
    return np.asarray(array, dtype=node.dtype, order="C")


def _check_int_range(label: str, array: np.ndarray, dtype: np.dtype) -> None:
    """Integers that `dtype` cannot hold raise: converting would wrap them silently (a Python
    2**31 fed as int32 would become -2**31).  Python ints beyond int64 arrive as objects."""
    if dtype.kind not in "iu" or array.size == 0:
        return
    if array.dtype == object:
        if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in array.flat):
            return  # not integers: the dtype check says what is wrong
    elif array.dtype.kind not in "iu" or np.can_cast(array.dtype, dtype, "safe"):
        return
    limits = np.iinfo(dtype)
    low, high = (min(array.flat), max(array.flat)) if array.dtype == object else (array.min(), array.max())
    if low < limits.min or high > limits.max:
        raise FeedError(f"{label} expects {dtype}, whose range is {limits.min} to {limits.max}: "
                        f"got {low if low < limits.min else high}")
